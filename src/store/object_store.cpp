#include "tinyops/store/object_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>

#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"

namespace tinyops::store {

namespace fs = std::filesystem;

ObjectStore::ObjectStore(fs::path root) : root_(std::move(root)) {}

fs::path ObjectStore::path(const std::string& id) const {
  require(id.size() == 64 && id.find_first_not_of("0123456789abcdef") == std::string::npos,
          "'" + id + "' is not an object id (64 lowercase hex digits of a sha256)");
  return root_ / id.substr(0, 2) / id.substr(2);
}

bool ObjectStore::contains(const std::string& id) const { return fs::exists(path(id)); }

std::string ObjectStore::put(std::span<const uint8_t> bytes) {
  const std::string id = sha256_hex(bytes);
  const fs::path target = path(id);
  if (fs::exists(target)) return id;
  fs::create_directories(target.parent_path());
  const fs::path temp = target.parent_path() /
                        (".tmp-" + std::to_string(::getpid()) + "-" + target.filename().string());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
  if (fd < 0) throw std::runtime_error("cannot write " + temp.string() + ": " + std::strerror(errno));
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      fs::remove(temp);
      throw std::runtime_error("cannot write " + temp.string() + ": " + why +
                               " (is the disk full?)");
    }
    written += static_cast<size_t>(n);
  }
  // The data reaches the disk before the name does: a crash never leaves a short object.
  ::fsync(fd);
  ::close(fd);
  fs::rename(temp, target);
  return id;
}

std::vector<uint8_t> ObjectStore::get(const std::string& id) const {
  const fs::path p = path(id);
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError("object " + id + " is missing from " + root_.string());
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<uint8_t> ObjectStore::read_range(const std::string& id, uint64_t offset,
                                             uint64_t length) const {
  const fs::path p = path(id);
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError("object " + id + " is missing from " + root_.string());
  std::vector<uint8_t> out(length);
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(length));
  if (static_cast<uint64_t>(in.gcount()) != length)
    throw std::runtime_error("object " + id + " is shorter than its index says (" +
                             std::to_string(offset + length) + " bytes expected)");
  return out;
}

}  // namespace tinyops::store
