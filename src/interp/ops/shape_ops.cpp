// RESHAPE, SQUEEZE, PAD, TRANSPOSE, STRIDED_SLICE, CONCATENATION, CAST and MEAN: shapes,
// permutations, masks and axes are resolved here once; the C kernels only move data.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "elementwise_prepare.hpp"
#include "tinyops/core/quantization.hpp"
#include "tinyops/core/shape.hpp"

namespace tinyops::interp::elementwise {
namespace {

void require_rank(const OpContext& ctx, const Tensor& t, const char* what) {
  if (t.shape.size() > TINYOPS_SHAPE_MAX_DIMS) {
    ctx.unsupported(std::string(what) + " of rank " + std::to_string(t.shape.size()) +
                    " exceeds the " + std::to_string(TINYOPS_SHAPE_MAX_DIMS) + "-D limit");
  }
}

int32_t element_size32(DataType type) {
  return static_cast<int32_t>(element_size(type));
}

// The C element type of `type` for emitted constants ("float", "int8_t", ...).
const char* c_element_type(DataType type) {
  switch (type) {
    case DataType::Float32:
      return "float";
    case DataType::Int8:
      return "int8_t";
    case DataType::UInt8:
    case DataType::Bool:
      return "uint8_t";
    case DataType::Int16:
      return "int16_t";
    case DataType::UInt16:
      return "uint16_t";
    case DataType::Int32:
      return "int32_t";
    case DataType::UInt32:
      return "uint32_t";
    case DataType::Int64:
      return "int64_t";
    case DataType::UInt64:
      return "uint64_t";
  }
  return "uint8_t";
}

// C literal of one element of `type` stored at `bytes` (host byte order).
std::string c_element(DataType type, const uint8_t* bytes) {
  auto load = [bytes](auto v) {
    std::memcpy(&v, bytes, sizeof v);
    return v;
  };
  switch (type) {
    case DataType::Float32:
      return c_float(load(float{}));
    case DataType::Int8:
      return c_int(load(int8_t{}));
    case DataType::UInt8:
    case DataType::Bool:
      return c_int(load(uint8_t{}));
    case DataType::Int16:
      return c_int(load(int16_t{}));
    case DataType::UInt16:
      return c_int(load(uint16_t{}));
    case DataType::Int32:
      return c_int(load(int32_t{}));
    case DataType::UInt32:
      return std::to_string(load(uint32_t{})) + "u";
    case DataType::Int64: {
      const int64_t v = load(int64_t{});
      // The most negative int64 has no literal; spell it as an expression.
      return v == INT64_MIN ? "(-9223372036854775807LL - 1)" : std::to_string(v) + "LL";
    }
    case DataType::UInt64:
      return std::to_string(load(uint64_t{})) + "ULL";
  }
  return "0";
}

// ---- RESHAPE / SQUEEZE -------------------------------------------------------------------

// The shape a RESHAPE asks for (options or input 1), with one -1 inferred.
std::vector<int32_t> requested_shape(const OpContext& ctx, int64_t count) {
  std::vector<int32_t> shape;
  const auto* opts = std::get_if<ReshapeOptions>(&ctx.op().options);
  const Tensor* shape_input = ctx.optional_input(1);
  if (shape_input != nullptr && shape_input->is_constant()) {
    shape = constant_ints(ctx, 1, "shape");
  } else if (opts != nullptr && !opts->new_shape.empty()) {
    shape = opts->new_shape;
  } else {
    return {};
  }
  int64_t known = 1;
  int stretch = -1;
  for (size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] == -1) {
      ctx.require(stretch < 0, "the new shape has more than one -1");
      stretch = static_cast<int>(k);
    } else {
      ctx.require(shape[k] >= 0, "the new shape has a negative dimension");
      known *= shape[k];
    }
  }
  if (stretch >= 0) {
    ctx.require(known > 0 && count % known == 0, "cannot infer the -1 of new shape " +
                                                     shape_to_string(shape) + " for " +
                                                     std::to_string(count) + " elements");
    shape[static_cast<size_t>(stretch)] = static_cast<int32_t>(count / known);
  }
  return shape;
}

InvokeFn prepare_reshape(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  ctx.require(in.type == out.type, "input and output must share one type");
  ctx.require(in.element_count() == out.element_count(),
              "output " + shape_to_string(out.shape) + " does not hold the " +
                  std::to_string(in.element_count()) + " elements of input " +
                  shape_to_string(in.shape));
  if (ctx.op().type == OpType::Reshape) {
    const std::vector<int32_t> shape = requested_shape(ctx, in.element_count());
    // A scalar request ([] or [0] in old converters) leaves the output tensor's shape.
    if (!shape.empty() && !(shape.size() == 1 && shape[0] == 0)) {
      ctx.require(element_count(shape) == in.element_count(),
                  "new shape " + shape_to_string(shape) + " does not hold the " +
                      std::to_string(in.element_count()) + " input elements");
    }
  } else {
    const auto* opts = std::get_if<SqueezeOptions>(&ctx.op().options);
    if (opts != nullptr) {
      const auto rank = static_cast<int32_t>(in.shape.size());
      for (int32_t d : opts->squeeze_dims) {
        const int32_t axis = d < 0 ? d + rank : d;
        ctx.require(axis >= 0 && axis < rank && in.shape[static_cast<size_t>(axis)] == 1,
                    "squeeze dimension " + std::to_string(d) +
                        " is not a dimension of size 1 "
                        "of input " +
                        shape_to_string(in.shape));
      }
    }
  }
  const size_t bytes = in.byte_size();
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);
  // The memory planner may place the output on the input; tinyops_reshape copies only
  // when the two differ (memmove), so one call serves both cases.
  ctx.on_emit([bytes, a, o](EmitContext& e) {
    e.use_source("reshape.c");
    e.statement(c_call("tinyops_reshape", {std::to_string(bytes) + "u", e.tensor(a), e.tensor(o)}));
  });
  return [bytes, a, o](const Tensors& t) {
    tinyops_reshape(bytes, t.bytes(a).data(), t.bytes(o).data());
  };
}

// ---- PAD ---------------------------------------------------------------------------------

InvokeFn prepare_pad(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  ctx.require(in.type == out.type, "input and output must share one type");
  require_rank(ctx, in, "input");
  const std::vector<int32_t> paddings = constant_ints(ctx, 1, "paddings");
  const size_t rank = in.shape.size();
  ctx.require(paddings.size() == 2 * rank, "paddings must be [" + std::to_string(rank) +
                                               ", 2], got " + std::to_string(paddings.size()) +
                                               " values");
  ctx.require(out.shape.size() == rank, "output rank differs from the input rank");
  auto p = std::make_shared<tinyops_pad_params>();
  p->rank = static_cast<int32_t>(rank);
  p->element_size = element_size32(in.type);
  for (size_t d = 0; d < rank; ++d) {
    p->input_dims[d] = in.shape[d];
    p->before[d] = paddings[2 * d];
    p->after[d] = paddings[2 * d + 1];
    ctx.require(p->before[d] >= 0 && p->after[d] >= 0, "paddings must not be negative");
    ctx.require(out.shape[d] == p->before[d] + in.shape[d] + p->after[d],
                "output " + shape_to_string(out.shape) + " does not match input " +
                    shape_to_string(in.shape) + " with the paddings");
  }
  // Pad value: the explicit constant (input 2) if any; otherwise the output zero point
  // for int8 (TFLite's quantised zero) and 0 for every other type, as TFLM does.
  auto pad_value = std::make_shared<std::vector<uint8_t>>(element_size(in.type), 0);
  if (const Tensor* c = ctx.optional_input(2)) {
    ctx.require(c->is_constant() && c->type == in.type && c->element_count() == 1,
                "constant_values must be one constant of the input's type");
    if (in.type == DataType::Int8) {
      // The stored value is copied unchanged, so it must mean the same real number in the
      // output; TFLM's PadPrepare rejects any other quantisation (and so do we, rather
      // than pad with a value the model did not ask for).
      const TensorQuant qc = per_tensor_quant(ctx, *c, "constant_values");
      const TensorQuant qo = per_tensor_quant(ctx, out, "output");
      ctx.require(qc.zero_point == qo.zero_point && qc.scale == qo.scale,
                  "int8 constant_values must share the output's scale and zero point (scale " +
                      std::to_string(qc.scale) + ", zero point " + std::to_string(qc.zero_point) +
                      " vs the output's " + std::to_string(qo.scale) + ", " +
                      std::to_string(qo.zero_point) + ")");
    }
    std::memcpy(pad_value->data(), c->data.data(), pad_value->size());
  } else if (in.type == DataType::Int8) {
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    ctx.require(qo.zero_point >= -128 && qo.zero_point <= 127,
                "the output zero point is outside int8");
    (*pad_value)[0] = static_cast<uint8_t>(static_cast<int8_t>(qo.zero_point));
  }
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);
  const DataType type = in.type;
  ctx.on_emit([p, pad_value, type, a, o](EmitContext& e) {
    e.use_source("pad.c");
    const std::string params = e.unique("params");
    e.declare(c_struct("tinyops_pad_params", params,
                       {{"rank", c_int(p->rank)},
                        {"element_size", c_int(p->element_size)},
                        {"input_dims", c_list(p->input_dims, p->rank)},
                        {"before", c_list(p->before, p->rank)},
                        {"after", c_list(p->after, p->rank)}}));
    const std::string value = e.unique("pad_value");
    e.declare("static const " + std::string(c_element_type(type)) + " " + value + "[1] = {" +
              c_element(type, pad_value->data()) + "};");
    e.statement(c_call("tinyops_pad", {"&" + params, e.tensor(a), value, e.tensor(o)}));
  });
  return [p, pad_value, a, o](const Tensors& t) {
    tinyops_pad(p.get(), t.bytes(a).data(), pad_value->data(), t.bytes(o).data());
  };
}

// ---- TRANSPOSE ---------------------------------------------------------------------------

InvokeFn prepare_transpose(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  ctx.require(in.type == out.type, "input and output must share one type");
  require_rank(ctx, in, "input");
  const std::vector<int32_t> perm = constant_ints(ctx, 1, "perm");
  const size_t rank = in.shape.size();
  ctx.require(perm.size() == rank, "perm has " + std::to_string(perm.size()) +
                                       " entries for an input of rank " + std::to_string(rank));
  ctx.require(out.shape.size() == rank, "output rank differs from the input rank");
  auto p = std::make_shared<tinyops_transpose_params>();
  p->rank = static_cast<int32_t>(rank);
  p->element_size = element_size32(in.type);
  std::vector<bool> seen(rank, false);
  for (size_t d = 0; d < rank; ++d) {
    int32_t axis = perm[d] < 0 ? perm[d] + static_cast<int32_t>(rank) : perm[d];
    ctx.require(axis >= 0 && axis < static_cast<int32_t>(rank) && !seen[static_cast<size_t>(axis)],
                "perm is not a permutation of 0.." + std::to_string(rank - 1));
    seen[static_cast<size_t>(axis)] = true;
    p->perm[d] = axis;
    p->input_dims[d] = in.shape[d];
    ctx.require(out.shape[d] == in.shape[static_cast<size_t>(axis)],
                "output " + shape_to_string(out.shape) + " is not the permuted input " +
                    shape_to_string(in.shape));
  }
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);
  ctx.on_emit([p, a, o](EmitContext& e) {
    e.use_source("transpose.c");
    const std::string params = e.unique("params");
    e.declare(c_struct("tinyops_transpose_params", params,
                       {{"rank", c_int(p->rank)},
                        {"element_size", c_int(p->element_size)},
                        {"input_dims", c_list(p->input_dims, p->rank)},
                        {"perm", c_list(p->perm, p->rank)}}));
    e.statement(c_call("tinyops_transpose", {"&" + params, e.tensor(a), e.tensor(o)}));
  });
  return [p, a, o](const Tensors& t) {
    tinyops_transpose(p.get(), t.bytes(a).data(), t.bytes(o).data());
  };
}

// ---- STRIDED_SLICE -----------------------------------------------------------------------

InvokeFn prepare_strided_slice(const OpContext& ctx) {
  const auto& opts = ctx.options<StridedSliceOptions>();
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  ctx.require(in.type == out.type, "input and output must share one type");
  require_rank(ctx, in, "input");
  const std::vector<int32_t> begin = constant_ints(ctx, 1, "begin");
  const std::vector<int32_t> end = constant_ints(ctx, 2, "end");
  const std::vector<int32_t> strides = constant_ints(ctx, 3, "strides");
  ctx.require(begin.size() == end.size() && begin.size() == strides.size(),
              "begin, end and strides must have the same length");
  // TFLite's full rules (ellipsis, new axes, offset); TFLite Micro ignores the ellipsis and
  // new-axis masks and the offset flag, and agrees whenever those are unset.
  const tinyops_strided_slice_masks masks{opts.begin_mask,       opts.end_mask,
                                          opts.ellipsis_mask,    opts.new_axis_mask,
                                          opts.shrink_axis_mask, opts.offset ? 1 : 0};
  auto p = std::make_shared<tinyops_strided_slice_params>();
  int32_t out_dims[TINYOPS_SHAPE_MAX_DIMS];
  int32_t out_rank = 0;
  const int status = tinyops_strided_slice_resolve(
      in.shape.data(), static_cast<int32_t>(in.shape.size()), begin.data(), end.data(),
      strides.data(), static_cast<int32_t>(begin.size()), &masks, p.get(), out_dims, &out_rank);
  ctx.require(status != -1, "stride values must be non-zero");
  ctx.require(status != -3, "a shrink_axis_mask index lies outside its dimension of input " +
                                shape_to_string(in.shape) + " (begin " + shape_to_string(begin) +
                                ")");
  if (status != 0) {
    ctx.unsupported("the slice spans more than " + std::to_string(TINYOPS_SHAPE_MAX_DIMS) +
                    " dimensions");
  }
  p->element_size = element_size32(in.type);
  const std::vector<int32_t> out_shape(out_dims, out_dims + out_rank);
  ctx.require(element_count(out_shape) == out.element_count(),
              "output " + shape_to_string(out.shape) + " does not match the slice " +
                  shape_to_string(out_shape));
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);
  ctx.on_emit([p, a, o](EmitContext& e) {
    e.use_source("strided_slice.c");
    const std::string params = e.unique("params");
    e.declare(c_struct("tinyops_strided_slice_params", params,
                       {{"rank", c_int(p->rank)},
                        {"element_size", c_int(p->element_size)},
                        {"input_dims", c_list(p->input_dims, p->rank)},
                        {"start", c_list(p->start, p->rank)},
                        {"stride", c_list(p->stride, p->rank)},
                        {"count", c_list(p->count, p->rank)}}));
    e.statement(c_call("tinyops_strided_slice", {"&" + params, e.tensor(a), e.tensor(o)}));
  });
  return [p, a, o](const Tensors& t) {
    tinyops_strided_slice(p.get(), t.bytes(a).data(), t.bytes(o).data());
  };
}

// ---- CONCATENATION -----------------------------------------------------------------------

InvokeFn prepare_concatenation(const OpContext& ctx) {
  const auto& opts = ctx.options<ConcatenationOptions>();
  const Tensor& out = ctx.output(0);
  if (opts.activation != Activation::None) {
    ctx.unsupported(
        "a fused activation on CONCATENATION is not supported (TFLite Micro "
        "rejects it too)");
  }
  const auto rank = static_cast<int32_t>(out.shape.size());
  const int32_t axis = opts.axis < 0 ? opts.axis + rank : opts.axis;
  ctx.require(axis >= 0 && axis < rank, "axis " + std::to_string(opts.axis) +
                                            " is outside the output's rank " +
                                            std::to_string(rank));
  ctx.require(ctx.input_count() >= 1, "needs at least one input");
  int64_t outer = 1, inner = 1;
  for (int32_t d = 0; d < axis; ++d) outer *= out.shape[static_cast<size_t>(d)];
  for (int32_t d = axis + 1; d < rank; ++d) inner *= out.shape[static_cast<size_t>(d)];
  auto copy_bytes = std::make_shared<std::vector<int32_t>>();
  std::vector<int32_t> indices;
  int64_t axis_total = 0;
  for (size_t i = 0; i < ctx.input_count(); ++i) {
    const Tensor& in = ctx.input(i);
    ctx.require(in.type == out.type, "input " + std::to_string(i) + " is " +
                                         std::string(to_string(in.type)) + ", the output " +
                                         std::string(to_string(out.type)));
    ctx.require(static_cast<int32_t>(in.shape.size()) == rank,
                "input " + std::to_string(i) + " has rank " + std::to_string(in.shape.size()) +
                    ", the output " + std::to_string(rank));
    for (int32_t d = 0; d < rank; ++d) {
      if (d == axis) continue;
      ctx.require(in.shape[static_cast<size_t>(d)] == out.shape[static_cast<size_t>(d)],
                  "input " + std::to_string(i) + " " + shape_to_string(in.shape) +
                      " does not fit output " + shape_to_string(out.shape) + " along axis " +
                      std::to_string(axis));
    }
    axis_total += in.shape[static_cast<size_t>(axis)];
    copy_bytes->push_back(static_cast<int32_t>(in.shape[static_cast<size_t>(axis)] * inner *
                                               static_cast<int64_t>(element_size(in.type))));
    indices.push_back(ctx.input_index(i));
  }
  ctx.require(axis_total == out.shape[static_cast<size_t>(axis)],
              "the inputs add up to " + std::to_string(axis_total) + " along axis " +
                  std::to_string(axis) + ", the output has " +
                  std::to_string(out.shape[static_cast<size_t>(axis)]));
  const tinyops_concatenation_params params{static_cast<int32_t>(indices.size()),
                                            static_cast<int32_t>(outer)};
  const int32_t o = ctx.output_index(0);
  ctx.on_emit([params, copy_bytes, indices, o](EmitContext& e) {
    e.use_source("concatenation.c");
    const std::string p = e.unique("params");
    e.declare(c_struct(
        "tinyops_concatenation_params", p,
        {{"input_count", c_int(params.input_count)}, {"outer_size", c_int(params.outer_size)}}));
    const std::string bytes = e.unique("copy_bytes");
    e.declare(
        c_array("int32_t", bytes, std::vector<int64_t>(copy_bytes->begin(), copy_bytes->end())));
    // The input pointers are arena slices or constant arrays; a block-scope array holds them.
    std::string list;
    for (size_t i = 0; i < indices.size(); ++i) list += (i ? ", " : "") + e.tensor(indices[i]);
    e.statement("{\n    const void* const inputs[" + std::to_string(indices.size()) + "] = {" +
                list + "};\n    " +
                c_call("tinyops_concatenation", {"&" + p, bytes, "inputs", e.tensor(o)}) + "\n  }");
  });
  return [params, copy_bytes, indices, o](const Tensors& t) {
    std::vector<const void*> inputs(indices.size());
    for (size_t i = 0; i < indices.size(); ++i) inputs[i] = t.bytes(indices[i]).data();
    tinyops_concatenation(&params, copy_bytes->data(), inputs.data(), t.bytes(o).data());
  };
}

// ---- CAST --------------------------------------------------------------------------------

InvokeFn prepare_cast(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  ctx.require(in.element_count() == out.element_count(), "output " + shape_to_string(out.shape) +
                                                             " does not match input " +
                                                             shape_to_string(in.shape));
  const int32_t count = element_count32(ctx, in, "input");
  const tinyops_type from = runtime_type(ctx, in.type);
  const tinyops_type to = runtime_type(ctx, out.type);
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);
  ctx.on_emit([count, from, to, a, o](EmitContext& e) {
    e.use_source("cast.c");
    e.statement(c_call("tinyops_cast", {c_int(count), runtime_type_name(from), e.tensor(a),
                                        runtime_type_name(to), e.tensor(o)}));
  });
  return [count, from, to, a, o](const Tensors& t) {
    tinyops_cast(count, from, t.bytes(a).data(), to, t.bytes(o).data());
  };
}

// ---- MEAN --------------------------------------------------------------------------------

InvokeFn prepare_mean(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  require_rank(ctx, in, "input");
  const std::vector<int32_t> axis = constant_ints(ctx, 1, "axis");
  auto shape = std::make_shared<tinyops_reduce_shape>();
  const auto rank = static_cast<int32_t>(in.shape.size());
  shape->rank = rank;
  int64_t reduced_count = 1, kept_count = 1;
  for (int32_t d = 0; d < rank; ++d) {
    shape->dims[d] = in.shape[static_cast<size_t>(d)];
    shape->reduce[d] = 0;
  }
  for (int32_t v : axis) {
    const int32_t d = v < 0 ? v + rank : v;
    ctx.require(d >= 0 && d < rank,
                "axis " + std::to_string(v) + " is outside rank " + std::to_string(rank));
    shape->reduce[d] = 1;  // duplicates collapse, as TFLite's ResolveAxis does
  }
  for (int32_t d = 0; d < rank; ++d)
    (shape->reduce[d] ? reduced_count : kept_count) *= shape->dims[d];
  ctx.require(out.element_count() == kept_count,
              "output " + shape_to_string(out.shape) + " does not hold the " +
                  std::to_string(kept_count) + " means of input " + shape_to_string(in.shape));
  ctx.require(in.type == out.type, "input and output must share one type");
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);
  const auto declare_shape = [shape](EmitContext& e) {
    const std::string name = e.unique("shape");
    e.declare(c_struct("tinyops_reduce_shape", name,
                       {{"rank", c_int(shape->rank)},
                        {"dims", c_list(shape->dims, shape->rank)},
                        {"reduce", c_list(shape->reduce, shape->rank)}}));
    return name;
  };
  if (in.type == DataType::Float32) {
    ctx.on_emit([declare_shape, a, o](EmitContext& e) {
      e.use_source("mean_f32.c");
      const std::string s = declare_shape(e);
      e.statement(c_call("tinyops_mean_f32", {"&" + s, e.tensor(a), e.tensor(o)}));
    });
    return [shape, a, o](const Tensors& t) {
      tinyops_mean_f32(shape.get(), t.data<float>(a), t.data<float>(o));
    };
  }
  if (in.type == DataType::Int8) {
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    auto p = std::make_shared<tinyops_mean_params>();
    p->input_zero_point = qi.zero_point;
    p->output_zero_point = qo.zero_point;
    // TFLM QuantizedMeanOrSum: s_in / s_out, with 1/count folded in by a right shift of
    // floor(log2(count)) (at most 32, and keeping the shift >= -31) and an integer divide.
    QuantizedMultiplier m =
        quantize_multiplier(static_cast<double>(qi.scale) / static_cast<double>(qo.scale));
    if (reduced_count > 0) {
      int shift = 0;
      while ((int64_t{2} << shift) <= reduced_count) ++shift;
      shift = std::min(shift, 32);
      shift = std::min(shift, 31 + m.shift);
      m.multiplier =
          static_cast<int32_t>((static_cast<int64_t>(m.multiplier) << shift) / reduced_count);
      m.shift -= shift;
    }
    p->multiplier = m.multiplier;
    p->shift = m.shift;
    ctx.on_emit([p, declare_shape, a, o](EmitContext& e) {
      e.use_source("mean_s8.c");
      const std::string params = e.unique("params");
      e.declare(c_struct("tinyops_mean_params", params,
                         {{"input_zero_point", c_int(p->input_zero_point)},
                          {"output_zero_point", c_int(p->output_zero_point)},
                          {"multiplier", c_int(p->multiplier)},
                          {"shift", c_int(p->shift)}}));
      const std::string s = declare_shape(e);
      e.statement(c_call("tinyops_mean_s8", {"&" + params, "&" + s, e.tensor(a), e.tensor(o)}));
    });
    return [p, shape, a, o](const Tensors& t) {
      tinyops_mean_s8(p.get(), shape.get(), t.data<int8_t>(a), t.data<int8_t>(o));
    };
  }
  ctx.unsupported("MEAN on " + std::string(to_string(in.type)) +
                  " is not supported; supported: FLOAT32, INT8");
}

}  // namespace

void register_shape_ops(KernelRegistry& registry) {
  registry.builtin[OpType::Reshape] = &prepare_reshape;
  registry.builtin[OpType::Squeeze] = &prepare_reshape;
  registry.builtin[OpType::Pad] = &prepare_pad;
  registry.builtin[OpType::Transpose] = &prepare_transpose;
  registry.builtin[OpType::StridedSlice] = &prepare_strided_slice;
  registry.builtin[OpType::Concatenation] = &prepare_concatenation;
  registry.builtin[OpType::Cast] = &prepare_cast;
  registry.builtin[OpType::Mean] = &prepare_mean;
}

}  // namespace tinyops::interp::elementwise
