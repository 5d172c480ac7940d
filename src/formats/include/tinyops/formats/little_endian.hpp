// Little-endian integers in byte buffers (RIFF chunks, .npy headers, our own blobs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tinyops::formats {

// The 32-bit little-endian value at bytes[at..at+3]; the caller checks the bounds.
inline uint32_t read_le32(std::span<const uint8_t> bytes, size_t at) {
  return static_cast<uint32_t>(bytes[at]) | static_cast<uint32_t>(bytes[at + 1]) << 8 |
         static_cast<uint32_t>(bytes[at + 2]) << 16 | static_cast<uint32_t>(bytes[at + 3]) << 24;
}

}  // namespace tinyops::formats
