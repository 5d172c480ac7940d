// JSON and one-line text descriptions of tensors, shared by the model verbs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tinyops/core/graph.hpp"

namespace tinyops::cli {

nlohmann::json tensor_json(const Graph& graph, int32_t index);
// "int8[1, 49, 10, 1] scale 0.5847 zero point 83"
std::string tensor_summary(const Tensor& tensor);

}  // namespace tinyops::cli
