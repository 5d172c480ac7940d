// The flash of a simulated device: a file mapped into memory (or plain memory), with NOR
// semantics (erase sets 0xFF, programming only clears bits) and power cuts. After a cut the
// operation in progress is torn (an erase leaves the rest of its page random, a write stops
// part-way through a byte) and every later operation is lost, as when the power is gone;
// the device is then "rebooted" from what the flash holds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

extern "C" {
#include "flash.h"
}

namespace tinyops::fleet {

class SimFlash {
 public:
  // An empty path keeps the flash in memory. A new file starts erased; an existing one
  // must have `size` bytes (InputError otherwise).
  SimFlash(const std::filesystem::path& file, uint32_t size, uint32_t page_size);
  ~SimFlash();
  SimFlash(const SimFlash&) = delete;
  SimFlash& operator=(const SimFlash&) = delete;

  const tinyops_flash* flash() const { return &flash_; }
  const uint8_t* memory() const { return memory_; }
  uint32_t size() const { return flash_.size; }

  // Writes a whole dump, as a programmer flashing the part does (InputError on a size
  // other than the flash's).
  void load(std::span<const uint8_t> dump);

  // The power fails once `bytes` more bytes have been erased or programmed.
  void cut_power_after(uint64_t bytes, uint64_t seed);
  void restore_power() { cut_at_.reset(); }
  bool power_cut() const { return cut_at_ && touched_ >= *cut_at_; }
  uint64_t bytes_touched() const { return touched_; }

 private:
  static int erase_page(void* self, uint32_t offset);
  static int program(void* self, uint32_t offset, const uint8_t* data, uint32_t length);
  uint64_t budget(uint64_t wanted) const;
  uint8_t random_byte();

  tinyops_flash flash_{};
  uint8_t* memory_ = nullptr;
  std::vector<uint8_t> owned_;  // when not file-backed
  int fd_ = -1;
  uint64_t touched_ = 0;
  std::optional<uint64_t> cut_at_;
  uint64_t random_state_ = 0;
};

}  // namespace tinyops::fleet
