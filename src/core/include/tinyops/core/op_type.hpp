// The operators the IR knows by name. Importers map their format's codes onto these;
// an operator they cannot map becomes OpType::Other and keeps its original name, so a
// model still imports and `inspect` can show it, while execution refuses it clearly.
#pragma once

#include <optional>
#include <string_view>

namespace tinyops {

enum class OpType {
  Add,
  AveragePool2D,
  Cast,
  Concatenation,
  Conv2D,
  DepthwiseConv2D,
  Dequantize,
  Div,
  FullyConnected,
  Logistic,
  MaxPool2D,
  Maximum,
  Mean,
  Minimum,
  Mul,
  Pad,
  Quantize,
  Relu,
  Relu6,
  Reshape,
  Softmax,
  Squeeze,
  StridedSlice,
  Sub,
  Svdf,
  Tanh,
  Transpose,
  UnidirectionalSequenceLstm,
  Custom,  // a named custom operator (TFLite CUSTOM); Op::name says which
  Other,   // a known-to-the-format operator the IR does not model; Op::name says which
};

// Upper-case TFLite-style name, e.g. "DEPTHWISE_CONV_2D".
std::string_view to_string(OpType type);
std::optional<OpType> op_type_from_string(std::string_view name);

}  // namespace tinyops
