#include "tinyops/core/graph_stats.hpp"

#include <set>

namespace tinyops {
namespace {

const Tensor* tensor_at(const Graph& g, const std::vector<int32_t>& list, size_t i) {
  if (i >= list.size() || list[i] < 0 || static_cast<size_t>(list[i]) >= g.tensors.size())
    return nullptr;
  return &g.tensors[static_cast<size_t>(list[i])];
}

int64_t layer_macs(const Graph& g, const Op& op) {
  const Tensor* out = tensor_at(g, op.outputs, 0);
  const Tensor* filter = tensor_at(g, op.inputs, 1);
  if (out == nullptr || filter == nullptr || filter->shape.size() < 2) return 0;
  const int64_t out_elems = out->element_count();
  const auto& f = filter->shape;
  switch (op.type) {
    case OpType::Conv2D:  // filter [out_c, kh, kw, in_c]: each output sums kh*kw*in_c
      return f.size() == 4 ? out_elems * f[1] * f[2] * f[3] : 0;
    case OpType::DepthwiseConv2D:  // filter [1, kh, kw, out_c]: each output sums kh*kw
      return f.size() == 4 ? out_elems * f[1] * f[2] : 0;
    case OpType::FullyConnected:  // filter [units, depth]
      return out_elems * f[1];
    case OpType::Svdf: {  // per batch: every filter sees the input and its memory slots
      const Tensor* time = tensor_at(g, op.inputs, 2);
      if (time == nullptr || time->shape.size() != 2 || out->shape.empty()) return 0;
      return int64_t{out->shape[0]} * f[0] * (f[1] + time->shape[1]);
    }
    case OpType::UnidirectionalSequenceLstm:  // 4 gates, each sees input and hidden state
      return out_elems * 4 * (f[1] + f[0]);
    default:
      return 0;
  }
}

}  // namespace

GraphStats compute_stats(const Graph& graph) {
  GraphStats stats;
  std::set<int32_t> counted;
  for (size_t k = 0; k < graph.ops.size(); ++k) {
    const Op& op = graph.ops[k];
    LayerStats layer;
    layer.index = k;
    layer.op = op.display_name();
    layer.macs = layer_macs(graph, op);
    for (size_t i = 0; i < op.inputs.size(); ++i) {
      const Tensor* t = tensor_at(graph, op.inputs, i);
      if (t == nullptr || !t->is_constant()) continue;
      layer.param_bytes += static_cast<int64_t>(t->data.size());
      if (counted.insert(op.inputs[i]).second)
        stats.total_param_bytes += static_cast<int64_t>(t->data.size());
    }
    if (const Tensor* out = tensor_at(graph, op.outputs, 0)) layer.output_shape = out->shape;
    stats.total_macs += layer.macs;
    ++stats.op_counts[layer.op];
    stats.layers.push_back(std::move(layer));
  }
  return stats;
}

}  // namespace tinyops
