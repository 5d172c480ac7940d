#include "tinyops/fleet/sim_flash.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "tinyops/core/error.hpp"

namespace tinyops::fleet {

SimFlash::SimFlash(const std::filesystem::path& file, uint32_t size, uint32_t page_size) {
  if (page_size == 0 || size % page_size != 0)
    throw InputError("simulated flash: size " + std::to_string(size) +
                           " is not a multiple of the page size " + std::to_string(page_size));
  if (file.empty()) {
    owned_.assign(size, 0xFF);
    memory_ = owned_.data();
  } else {
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw InputError("cannot open simulated flash " + file.string());
    struct stat st {};
    ::fstat(fd_, &st);
    const bool fresh = st.st_size == 0;
    if (!fresh && st.st_size != static_cast<off_t>(size)) {
      ::close(fd_);
      throw InputError("simulated flash " + file.string() + " has " +
                             std::to_string(st.st_size) + " bytes, not " + std::to_string(size) +
                             ": it belongs to another layout; remove it to start afresh");
    }
    if (fresh && ::ftruncate(fd_, size) != 0) {
      ::close(fd_);
      throw InputError("cannot size simulated flash " + file.string());
    }
    void* map = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (map == MAP_FAILED) {
      ::close(fd_);
      throw InputError("cannot map simulated flash " + file.string());
    }
    memory_ = static_cast<uint8_t*>(map);
    if (fresh) std::memset(memory_, 0xFF, size);
  }
  flash_.context = this;
  flash_.memory = memory_;
  flash_.size = size;
  flash_.page_size = page_size;
  flash_.erase_page = &SimFlash::erase_page;
  flash_.program = &SimFlash::program;
}

SimFlash::~SimFlash() {
  if (fd_ >= 0) {
    ::munmap(memory_, flash_.size);
    ::close(fd_);
  }
}

void SimFlash::load(std::span<const uint8_t> dump) {
  if (dump.size() != flash_.size)
    throw InputError("flash dump of " + std::to_string(dump.size()) + " bytes for a flash of " +
                           std::to_string(flash_.size));
  std::memcpy(memory_, dump.data(), dump.size());
}

void SimFlash::cut_power_after(uint64_t bytes, uint64_t seed) {
  cut_at_ = touched_ + bytes;
  random_state_ = seed * 0x9E3779B97F4A7C15ull + 1;
}

uint64_t SimFlash::budget(uint64_t wanted) const {
  if (!cut_at_) return wanted;
  return touched_ >= *cut_at_ ? 0 : std::min(wanted, *cut_at_ - touched_);
}

uint8_t SimFlash::random_byte() {
  random_state_ ^= random_state_ << 13;
  random_state_ ^= random_state_ >> 7;
  random_state_ ^= random_state_ << 17;
  return static_cast<uint8_t>(random_state_ >> 24);
}

// Both return 0 after a cut: the CPU is gone, so nobody sees a failure; the test reboots.
int SimFlash::erase_page(void* self, uint32_t offset) {
  auto& f = *static_cast<SimFlash*>(self);
  const uint32_t page = f.flash_.page_size;
  if (offset % page != 0 || offset >= f.flash_.size) return -1;
  const uint64_t n = f.budget(page);
  if (n == 0 && f.power_cut()) return 0;
  std::memset(f.memory_ + offset, 0xFF, n);
  if (n < page)  // torn: the rest of the page is neither old nor erased
    for (uint32_t i = static_cast<uint32_t>(n); i < page; ++i) f.memory_[offset + i] = f.random_byte();
  f.touched_ += n < page ? n + 1 : n;
  return 0;
}

int SimFlash::program(void* self, uint32_t offset, const uint8_t* data, uint32_t length) {
  auto& f = *static_cast<SimFlash*>(self);
  if (offset > f.flash_.size || length > f.flash_.size - offset) return -1;
  const uint64_t n = f.budget(length);
  if (n == 0 && f.power_cut()) return 0;
  for (uint64_t i = 0; i < n; ++i) f.memory_[offset + i] &= data[i];
  if (n < length)  // torn inside the next byte: some of its bits cleared
    f.memory_[offset + n] &= static_cast<uint8_t>(data[n] | f.random_byte());
  f.touched_ += n < length ? n + 1 : n;
  return 0;
}

}  // namespace tinyops::fleet
