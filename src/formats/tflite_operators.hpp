// The one table of TFLite builtin operators TinyOps knows: code, name, IR op type, options
// union tag and int8 version. The importer reads codes through it and the exporter writes
// them back through it, so the two directions cannot disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tinyops/core/op_type.hpp"

namespace tinyops::formats {

inline constexpr int32_t kTfliteCustomCode = 32;  // BuiltinOperator CUSTOM

struct TfliteOperator {
  int32_t code;                // BuiltinOperator value of the schema
  std::string_view name;       // the schema's spelling, e.g. "CONV_2D"
  std::optional<OpType> type;  // the IR operator; none for builtins kept as OpType::Other
  uint8_t options_tag;         // BuiltinOptions union tag of its options table (0: none read)
  int32_t int8_version;        // version TFLite's converter records for the int8 form (1: n/a)
};

// The entry for a builtin code, an IR operator type, or a name (nullptr when unknown).
const TfliteOperator* tflite_operator(int32_t code);
const TfliteOperator* tflite_operator(OpType type);
const TfliteOperator* tflite_operator(std::string_view name);

// The name an unmodelled builtin gets in the IR: the schema's, or "BUILTIN_<code>".
std::string tflite_operator_name(int32_t code);
// The inverse of tflite_operator_name for unmodelled builtins; none for a name that is no
// builtin, or one the importer would have read as an IR operator or as CUSTOM.
std::optional<int32_t> tflite_other_code(std::string_view name);

}  // namespace tinyops::formats
