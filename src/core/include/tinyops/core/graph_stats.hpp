// Per-layer cost of a graph: multiply-accumulates and parameter bytes, as `model inspect`
// reports them and as later passes budget them against a board.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tinyops/core/graph.hpp"

namespace tinyops {

struct LayerStats {
  size_t index = 0;
  std::string op;           // display name
  int64_t macs = 0;         // multiply-accumulates (conv, depthwise, fully connected)
  int64_t param_bytes = 0;  // bytes of constant inputs (weights, biases, tables)
  std::vector<int32_t> output_shape;
};

struct GraphStats {
  std::vector<LayerStats> layers;
  std::map<std::string, int> op_counts;  // by display name
  int64_t total_macs = 0;
  int64_t total_param_bytes = 0;  // each constant tensor counted once
};

GraphStats compute_stats(const Graph& graph);

}  // namespace tinyops
