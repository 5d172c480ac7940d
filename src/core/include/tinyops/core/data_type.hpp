// Element types of tensors in the IR.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tinyops {

enum class DataType : uint8_t {
  Float32,
  Int8,
  UInt8,
  Int16,
  UInt16,
  Int32,
  UInt32,
  Int64,
  UInt64,
  Bool
};

std::string_view to_string(DataType type);
size_t element_size(DataType type);

}  // namespace tinyops
