#include "tinyops/compiler/lowering.hpp"

#include <algorithm>
#include <variant>

namespace tinyops::compiler {
namespace {

// The four per-side paddings of an NHWC PAD, or false when it is not a foldable one.
bool spatial_paddings(const Graph& g, const Op& pad, ExplicitPadding& out) {
  if (pad.inputs.size() < 2 || (pad.inputs.size() > 2 && pad.inputs[2] >= 0)) return false;
  const Tensor& p = g.tensors[static_cast<size_t>(pad.inputs[1])];
  if (!p.is_constant() || p.element_count() != 8) return false;
  int64_t v[8];
  for (size_t i = 0; i < 8; ++i) {
    if (p.type == DataType::Int32)
      v[i] = p.constant_as<int32_t>()[i];
    else if (p.type == DataType::Int64)
      v[i] = p.constant_as<int64_t>()[i];
    else
      return false;
    if (v[i] < 0 || v[i] > 1 << 16) return false;
  }
  if (v[0] != 0 || v[1] != 0 || v[6] != 0 || v[7] != 0) return false;  // batch, channels
  out = {static_cast<int32_t>(v[2]), static_cast<int32_t>(v[3]), static_cast<int32_t>(v[4]),
         static_cast<int32_t>(v[5])};
  return true;
}

bool same_quantisation(const Tensor& a, const Tensor& b) {
  return a.quant.scales == b.quant.scales && a.quant.zero_points == b.quant.zero_points;
}

// Filter height and width of a convolution's input 1 (OHWI for CONV_2D, 1HWC depthwise),
// dilated.
bool extents(const Graph& g, const Op& conv, int32_t& h, int32_t& w) {
  if (conv.inputs.size() < 2 || conv.inputs[1] < 0) return false;
  const Tensor& f = g.tensors[static_cast<size_t>(conv.inputs[1])];
  if (f.shape.size() != 4) return false;
  int32_t dh = 1, dw = 1;
  if (const auto* o = std::get_if<ConvOptions>(&conv.options)) {
    dh = o->dilation_h;
    dw = o->dilation_w;
  } else if (const auto* d = std::get_if<DepthwiseConvOptions>(&conv.options)) {
    dh = d->dilation_h;
    dw = d->dilation_w;
  } else {
    return false;
  }
  h = (f.shape[1] - 1) * dh + 1;
  w = (f.shape[2] - 1) * dw + 1;
  return true;
}

}  // namespace

LoweredGraph fold_padding_into_convolutions(const Graph& graph) {
  LoweredGraph out;
  out.graph = graph;
  out.folded_into.assign(graph.ops.size(), -1);
  std::vector<int32_t> readers(graph.tensors.size(), 0);
  for (const Op& op : graph.ops)
    for (int32_t t : op.inputs)
      if (t >= 0) ++readers[static_cast<size_t>(t)];
  for (int32_t t : graph.outputs) ++readers[static_cast<size_t>(t)];

  std::vector<bool> drop(graph.ops.size(), false);
  std::vector<Op>& ops = out.graph.ops;
  for (size_t k = 0; k < ops.size(); ++k) {
    const Op& pad = ops[k];
    if (pad.type != OpType::Pad || pad.outputs.size() != 1 || pad.inputs.empty()) continue;
    const int32_t x = pad.inputs[0], y = pad.outputs[0];
    if (x < 0 || y < 0 || readers[static_cast<size_t>(y)] != 1) continue;
    const Tensor& tx = graph.tensors[static_cast<size_t>(x)];
    const Tensor& ty = graph.tensors[static_cast<size_t>(y)];
    ExplicitPadding extra;
    if (tx.type != DataType::Int8 || tx.shape.size() != 4 || !same_quantisation(tx, ty) ||
        !spatial_paddings(graph, pad, extra))
      continue;
    // Its one reader, later in op order.
    size_t c = k + 1;
    while (c < ops.size() &&
           std::find(ops[c].inputs.begin(), ops[c].inputs.end(), y) == ops[c].inputs.end())
      ++c;
    if (c == ops.size() || ops[c].inputs.empty() || ops[c].inputs[0] != y) continue;
    Op& conv = ops[c];
    int32_t fh = 0, fw = 0;
    if (!extents(graph, conv, fh, fw) || extra.top >= fh || extra.bottom >= fh ||
        extra.left >= fw || extra.right >= fw)
      continue;
    ExplicitPadding* target = nullptr;
    if (auto* o = std::get_if<ConvOptions>(&conv.options); o && o->padding == Padding::Valid)
      target = &o->explicit_padding;
    else if (auto* d = std::get_if<DepthwiseConvOptions>(&conv.options);
             d && d->padding == Padding::Valid)
      target = &d->explicit_padding;
    if (target == nullptr || target->any()) continue;
    *target = extra;
    conv.inputs[0] = x;
    drop[k] = true;
    out.folded_into[k] = static_cast<int32_t>(c);  // a source index for now; renumbered below
  }

  std::vector<Op> kept;
  std::vector<int32_t> lowered_index(graph.ops.size(), -1);
  for (size_t k = 0; k < ops.size(); ++k) {
    if (drop[k]) continue;
    lowered_index[k] = static_cast<int32_t>(kept.size());
    out.origin.push_back(static_cast<int32_t>(k));
    kept.push_back(std::move(ops[k]));
  }
  ops = std::move(kept);
  for (int32_t& f : out.folded_into)
    if (f >= 0) f = lowered_index[static_cast<size_t>(f)];
  return out;
}

}  // namespace tinyops::compiler
