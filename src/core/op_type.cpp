#include "tinyops/core/op_type.hpp"

#include <array>
#include <utility>

namespace tinyops {
namespace {

constexpr std::array<std::pair<OpType, std::string_view>, 30> kNames{{
    {OpType::Add, "ADD"},
    {OpType::AveragePool2D, "AVERAGE_POOL_2D"},
    {OpType::Cast, "CAST"},
    {OpType::Concatenation, "CONCATENATION"},
    {OpType::Conv2D, "CONV_2D"},
    {OpType::DepthwiseConv2D, "DEPTHWISE_CONV_2D"},
    {OpType::Dequantize, "DEQUANTIZE"},
    {OpType::Div, "DIV"},
    {OpType::FullyConnected, "FULLY_CONNECTED"},
    {OpType::Logistic, "LOGISTIC"},
    {OpType::MaxPool2D, "MAX_POOL_2D"},
    {OpType::Maximum, "MAXIMUM"},
    {OpType::Mean, "MEAN"},
    {OpType::Minimum, "MINIMUM"},
    {OpType::Mul, "MUL"},
    {OpType::Pad, "PAD"},
    {OpType::Quantize, "QUANTIZE"},
    {OpType::Relu, "RELU"},
    {OpType::Relu6, "RELU6"},
    {OpType::Reshape, "RESHAPE"},
    {OpType::Softmax, "SOFTMAX"},
    {OpType::Squeeze, "SQUEEZE"},
    {OpType::StridedSlice, "STRIDED_SLICE"},
    {OpType::Sub, "SUB"},
    {OpType::Svdf, "SVDF"},
    {OpType::Tanh, "TANH"},
    {OpType::Transpose, "TRANSPOSE"},
    {OpType::UnidirectionalSequenceLstm, "UNIDIRECTIONAL_SEQUENCE_LSTM"},
    {OpType::Custom, "CUSTOM"},
    {OpType::Other, "OTHER"},
}};

}  // namespace

std::string_view to_string(OpType type) {
  for (const auto& [t, name] : kNames)
    if (t == type) return name;
  return "?";
}

std::optional<OpType> op_type_from_string(std::string_view name) {
  for (const auto& [t, n] : kNames)
    if (n == name) return t;
  return std::nullopt;
}

}  // namespace tinyops
