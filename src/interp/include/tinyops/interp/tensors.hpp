// Storage of every tensor of a graph while the host interpreter runs it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace tinyops::interp {

class Tensors {
 public:
  Tensors() = default;
  explicit Tensors(std::vector<std::span<uint8_t>> views) : views_(std::move(views)) {}

  std::span<uint8_t> bytes(int32_t index) const { return views_[static_cast<size_t>(index)]; }
  template <class T>
  T* data(int32_t index) const {
    return reinterpret_cast<T*>(views_[static_cast<size_t>(index)].data());
  }

 private:
  std::vector<std::span<uint8_t>> views_;
};

}  // namespace tinyops::interp
