// NumPy .npy files (format version 1.0/2.0/3.0), the usual way to hand tensors to and
// from Python tools.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tinyops/core/data_type.hpp"

namespace tinyops::formats {

struct NpyArray {
  DataType type = DataType::Float32;
  std::vector<int32_t> shape;
  std::vector<uint8_t> data;  // little-endian, C order
};

bool looks_like_npy(std::span<const uint8_t> bytes);
// Throws InputError naming `source` for malformed headers, big-endian or Fortran order,
// unsupported dtypes, or a data size that does not match the shape.
NpyArray parse_npy(std::span<const uint8_t> bytes, const std::string& source);
std::vector<uint8_t> serialize_npy(const NpyArray& array);

}  // namespace tinyops::formats
