// Graph rewrites the code generator applies before it plans memory and emits C. Each keeps
// the results bit for bit what the source graph computes; the host interpreter runs the
// source graph, and `farm test` compares the two.
#pragma once

#include <cstdint>
#include <vector>

#include "tinyops/core/graph.hpp"

namespace tinyops::compiler {

struct LoweredGraph {
  Graph graph;
  std::vector<int32_t> origin;       // per lowered op: the index of its op in the source graph
  std::vector<int32_t> folded_into;  // per source op: the lowered op that absorbed it, or -1
};

// Folds an int8 PAD into the CONV_2D or DEPTHWISE_CONV_2D (VALID) that alone reads it, as
// explicit padding: the kernels skip padded taps, which contribute (zp - zp) * w = 0 just
// as the padded bytes did, and the padded copy of the input (often the largest tensor of an
// image model) is never made. A PAD that is a graph output, feeds anything else, pads the
// batch or channels, has its own constant, changes the quantisation, or pads a side by a
// filter's extent or more is left as it is.
LoweredGraph fold_padding_into_convolutions(const Graph& graph);

}  // namespace tinyops::compiler
