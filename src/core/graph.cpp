#include "tinyops/core/graph.hpp"

#include <cmath>

#include "tinyops/core/error.hpp"
#include "tinyops/core/shape.hpp"

namespace tinyops {

int64_t Tensor::element_count() const {
  return tinyops::element_count(shape);
}

std::string_view to_string(Padding padding) {
  return padding == Padding::Same ? "SAME" : "VALID";
}

std::string_view to_string(Activation activation) {
  switch (activation) {
    case Activation::None:
      return "NONE";
    case Activation::Relu:
      return "RELU";
    case Activation::ReluN1To1:
      return "RELU_N1_TO_1";
    case Activation::Relu6:
      return "RELU6";
    case Activation::Tanh:
      return "TANH";
    case Activation::SignBit:
      return "SIGN_BIT";
  }
  return "?";
}

std::string Op::display_name() const {
  if (type == OpType::Custom || type == OpType::Other) return name;
  return std::string(to_string(type));
}

namespace {

void validate_tensor(const Tensor& t, size_t index) {
  const std::string where = "tensor " + std::to_string(index) + " ('" + t.name + "')";
  require(t.element_count() >= 0,
          where + " has an invalid shape " + shape_to_string(t.shape) +
              ": dimensions must be non-negative and hold fewer than 2^31 elements");
  if (!t.data.empty()) {
    require(t.data.size() == t.byte_size(),
            where + " holds " + std::to_string(t.data.size()) + " bytes of data but its shape " +
                shape_to_string(t.shape) + " and type " + std::string(to_string(t.type)) +
                " need " + std::to_string(t.byte_size()));
  }
  const QuantParams& q = t.quant;
  if (q.is_quantized()) {
    for (float scale : q.scales) {
      require(std::isfinite(scale) && scale >= 0.0f,
              where + " has quantisation scale " + std::to_string(scale) +
                  "; scales must be finite and non-negative");
    }
    require(q.zero_points.size() == q.scales.size(),
            where + " has " + std::to_string(q.scales.size()) + " quantisation scales but " +
                std::to_string(q.zero_points.size()) + " zero points");
    if (q.is_per_channel()) {
      require(q.axis >= 0 && static_cast<size_t>(q.axis) < t.shape.size(),
              where + " has per-channel quantisation on axis " + std::to_string(q.axis) +
                  " but only " + std::to_string(t.shape.size()) + " dimensions");
      require(static_cast<size_t>(t.shape[static_cast<size_t>(q.axis)]) == q.scales.size(),
              where + " has " + std::to_string(q.scales.size()) +
                  " per-channel scales but dimension " + std::to_string(q.axis) + " is " +
                  std::to_string(t.shape[static_cast<size_t>(q.axis)]));
    }
  }
}

}  // namespace

void Graph::validate() const {
  for (size_t i = 0; i < tensors.size(); ++i) validate_tensor(tensors[i], i);

  auto check_index = [&](int32_t index, const std::string& where, bool optional) {
    if (optional && index == kNoTensor) return;
    require(index >= 0 && static_cast<size_t>(index) < tensors.size(),
            where + " refers to tensor " + std::to_string(index) + ", but the graph has " +
                std::to_string(tensors.size()) + " tensors");
  };
  for (int32_t i : inputs) check_index(i, "graph input", false);
  for (int32_t o : outputs) check_index(o, "graph output", false);
  for (size_t k = 0; k < ops.size(); ++k) {
    const Op& op = ops[k];
    const std::string where = "operator " + std::to_string(k) + " (" + op.display_name() + ")";
    for (int32_t i : op.inputs) check_index(i, where + " input", true);
    for (int32_t o : op.outputs) check_index(o, where + " output", false);
  }
}

}  // namespace tinyops
