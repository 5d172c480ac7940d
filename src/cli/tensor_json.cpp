#include "tensor_json.hpp"

#include <fmt/format.h>

#include "tinyops/core/shape.hpp"

namespace tinyops::cli {

nlohmann::json tensor_json(const Graph& graph, int32_t index) {
  const Tensor& t = graph.tensors.at(static_cast<size_t>(index));
  nlohmann::json j = {{"index", index},
                      {"name", t.name},
                      {"type", std::string(to_string(t.type))},
                      {"shape", t.shape},
                      {"bytes", t.byte_size()}};
  if (t.quant.is_quantized()) {
    j["quantization"] = {
        {"scale", t.quant.scales}, {"zero_point", t.quant.zero_points}, {"axis", t.quant.axis}};
  }
  return j;
}

std::string tensor_summary(const Tensor& t) {
  std::string s = std::string(to_string(t.type)) + shape_to_string(t.shape);
  if (t.quant.is_per_channel()) {
    s += fmt::format(" per-channel ({} scales, axis {})", t.quant.scales.size(), t.quant.axis);
  } else if (t.quant.is_quantized()) {
    s += fmt::format(" scale {:.6g} zero point {}", t.quant.scales[0], t.quant.zero_points[0]);
  }
  return s;
}

}  // namespace tinyops::cli
