#include "tflite_operators.hpp"

#include <charconv>

namespace tinyops::formats {
namespace {

// Codes, names and BuiltinOptions union positions from TFLite's schema.fbs; int8 versions
// are the ones TFLite's converter records for the int8 form of each op (the version that
// introduced int8 support). Builtins without a type are kept as OpType::Other, by name, so
// errors can say what the op is and the exporter can write it back.
constexpr TfliteOperator kOperators[] = {
    {0, "ADD", OpType::Add, 11, 2},
    {1, "AVERAGE_POOL_2D", OpType::AveragePool2D, 5, 2},
    {2, "CONCATENATION", OpType::Concatenation, 10, 2},
    {3, "CONV_2D", OpType::Conv2D, 1, 3},
    {4, "DEPTHWISE_CONV_2D", OpType::DepthwiseConv2D, 2, 3},
    {5, "DEPTH_TO_SPACE", std::nullopt, 0, 1},
    {6, "DEQUANTIZE", OpType::Dequantize, 38, 2},
    {9, "FULLY_CONNECTED", OpType::FullyConnected, 8, 4},
    {14, "LOGISTIC", OpType::Logistic, 0, 2},
    {16, "LSTM", std::nullopt, 0, 1},
    {17, "MAX_POOL_2D", OpType::MaxPool2D, 5, 2},
    {18, "MUL", OpType::Mul, 21, 2},
    {19, "RELU", OpType::Relu, 0, 2},
    {20, "RELU_N1_TO_1", std::nullopt, 0, 1},
    {21, "RELU6", OpType::Relu6, 0, 2},
    {22, "RESHAPE", OpType::Reshape, 17, 1},
    {23, "RESIZE_BILINEAR", std::nullopt, 0, 1},
    {24, "RNN", std::nullopt, 0, 1},
    {25, "SOFTMAX", OpType::Softmax, 9, 2},
    {27, "SVDF", OpType::Svdf, 6, 3},
    {28, "TANH", OpType::Tanh, 0, 2},
    {kTfliteCustomCode, "CUSTOM", OpType::Custom, 0, 1},
    {34, "PAD", OpType::Pad, 22, 2},
    {36, "GATHER", std::nullopt, 0, 1},
    {39, "TRANSPOSE", OpType::Transpose, 26, 2},
    {40, "MEAN", OpType::Mean, 27, 2},
    {41, "SUB", OpType::Sub, 28, 2},
    {42, "DIV", OpType::Div, 29, 1},
    {43, "SQUEEZE", OpType::Squeeze, 30, 1},
    {44, "UNIDIRECTIONAL_SEQUENCE_LSTM", OpType::UnidirectionalSequenceLstm, 71, 1},
    {45, "STRIDED_SLICE", OpType::StridedSlice, 32, 2},
    {47, "EXP", std::nullopt, 0, 1},
    {49, "SPLIT", std::nullopt, 0, 1},
    {53, "CAST", OpType::Cast, 0, 1},
    {54, "PRELU", std::nullopt, 0, 1},
    {55, "MAXIMUM", OpType::Maximum, 0, 2},
    {56, "ARG_MAX", std::nullopt, 0, 1},
    {57, "MINIMUM", OpType::Minimum, 0, 2},
    {60, "PADV2", std::nullopt, 0, 1},
    {65, "SLICE", std::nullopt, 0, 1},
    {67, "TRANSPOSE_CONV", std::nullopt, 0, 1},
    {74, "SUM", std::nullopt, 0, 1},
    {75, "SQRT", std::nullopt, 0, 1},
    {76, "RSQRT", std::nullopt, 0, 1},
    {82, "REDUCE_MAX", std::nullopt, 0, 1},
    {83, "PACK", std::nullopt, 0, 1},
    {88, "UNPACK", std::nullopt, 0, 1},
    {97, "RESIZE_NEAREST_NEIGHBOR", std::nullopt, 0, 1},
    {98, "LEAKY_RELU", std::nullopt, 0, 1},
    {114, "QUANTIZE", OpType::Quantize, 0, 1},
    {117, "HARD_SWISH", std::nullopt, 0, 1},
    {126, "BATCH_MATMUL", std::nullopt, 0, 1},
};

constexpr std::string_view kUnnamedPrefix = "BUILTIN_";

}  // namespace

const TfliteOperator* tflite_operator(int32_t code) {
  for (const auto& op : kOperators)
    if (op.code == code) return &op;
  return nullptr;
}

const TfliteOperator* tflite_operator(OpType type) {
  for (const auto& op : kOperators)
    if (op.type == type) return &op;
  return nullptr;
}

const TfliteOperator* tflite_operator(std::string_view name) {
  for (const auto& op : kOperators)
    if (op.name == name) return &op;
  return nullptr;
}

std::string tflite_operator_name(int32_t code) {
  const TfliteOperator* op = tflite_operator(code);
  return op != nullptr ? std::string(op->name) : std::string(kUnnamedPrefix) + std::to_string(code);
}

std::optional<int32_t> tflite_other_code(std::string_view name) {
  int32_t code = -1;
  if (const TfliteOperator* op = tflite_operator(name)) {
    code = op->code;
  } else if (name.starts_with(kUnnamedPrefix)) {
    const std::string_view digits = name.substr(kUnnamedPrefix.size());
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || code < 0)
      return std::nullopt;
  } else {
    return std::nullopt;
  }
  // A code with an IR type (CUSTOM included) would be read back as that op, not by name.
  if (const TfliteOperator* op = tflite_operator(code); op != nullptr && op->type)
    return std::nullopt;
  return code;
}

}  // namespace tinyops::formats
