// Immutable objects named by the sha256 of their bytes, under .tinyops/objects/ab/cdef...
// (git's layout). A write goes to a temporary file in the same folder and is renamed into
// place, so a crash leaves either the whole object or none of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace tinyops::store {

class ObjectStore {
 public:
  explicit ObjectStore(std::filesystem::path root);

  // Stores `bytes` (unless already there) and returns their sha256 in hex.
  std::string put(std::span<const uint8_t> bytes);
  std::vector<uint8_t> get(const std::string& id) const;
  // `length` bytes from `offset`: one sample out of a shard without reading the shard.
  std::vector<uint8_t> read_range(const std::string& id, uint64_t offset, uint64_t length) const;
  bool contains(const std::string& id) const;
  std::filesystem::path path(const std::string& id) const;

 private:
  std::filesystem::path root_;
};

}  // namespace tinyops::store
