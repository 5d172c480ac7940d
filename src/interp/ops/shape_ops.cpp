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
    std::memcpy(pad_value->data(), c->data.data(), pad_value->size());
  } else if (in.type == DataType::Int8) {
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    ctx.require(qo.zero_point >= -128 && qo.zero_point <= 127,
                "the output zero point is outside int8");
    (*pad_value)[0] = static_cast<uint8_t>(static_cast<int8_t>(qo.zero_point));
  }
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);
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
  if (in.type == DataType::Float32) {
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
    p->same_quant = qi.zero_point == qo.zero_point && qi.scale == qo.scale;
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
