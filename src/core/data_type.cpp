#include "tinyops/core/data_type.hpp"

namespace tinyops {

std::string_view to_string(DataType type) {
  switch (type) {
    case DataType::Float32:
      return "float32";
    case DataType::Int8:
      return "int8";
    case DataType::UInt8:
      return "uint8";
    case DataType::Int16:
      return "int16";
    case DataType::UInt16:
      return "uint16";
    case DataType::UInt32:
      return "uint32";
    case DataType::Int32:
      return "int32";
    case DataType::Int64:
      return "int64";
    case DataType::UInt64:
      return "uint64";
    case DataType::Bool:
      return "bool";
  }
  return "?";
}

size_t element_size(DataType type) {
  switch (type) {
    case DataType::Int8:
    case DataType::UInt8:
    case DataType::Bool:
      return 1;
    case DataType::Int16:
    case DataType::UInt16:
      return 2;
    case DataType::UInt32:
    case DataType::Float32:
    case DataType::Int32:
      return 4;
    case DataType::Int64:
    case DataType::UInt64:
      return 8;
  }
  return 0;
}

}  // namespace tinyops
