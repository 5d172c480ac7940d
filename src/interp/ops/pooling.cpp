// AVERAGE_POOL_2D and MAX_POOL_2D, int8 and float32.
#include <memory>
#include <string>

#include "conv_family.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/runtime/pooling.h"

namespace tinyops::interp::conv_family {
namespace {

// ---- AVERAGE_POOL_2D / MAX_POOL_2D ---------------------------------------------------------

enum class PoolKind { Average, Max };

template <PoolKind kind>
InvokeFn prepare_pool2d(const OpContext& ctx) {
  const auto& opts = ctx.options<PoolOptions>();
  const Tensor& input = ctx.input(0);
  const Tensor& output = ctx.output(0);
  const tinyops_dims4 in = dims4(ctx, input, "input");
  const tinyops_dims4 out = dims4(ctx, output, "output");
  ctx.require(out.n == in.n && out.c == in.c,
              "output batch and depth must equal the input's: " + shape_to_string(input.shape) +
                  " -> " + shape_to_string(output.shape));
  const int32_t pad_h =
      window_padding(ctx, opts.padding, in.h, opts.filter_h, opts.stride_h, 1, out.h, "height");
  const int32_t pad_w =
      window_padding(ctx, opts.padding, in.w, opts.filter_w, opts.stride_w, 1, out.w, "width");
  const int32_t in_idx = ctx.input_index(0);
  const int32_t out_idx = ctx.output_index(0);

  if (input.type == DataType::Int8 && output.type == DataType::Int8) {
    const ActivationQuant iq = activation_quant(ctx, input, "input");
    const ActivationQuant oq = activation_quant(ctx, output, "output");
    // TFLite's int8 pooling never requantises: it relies on the converter giving input
    // and output the same quantisation.
    if (iq.scale != oq.scale || iq.zero_point != oq.zero_point) {
      ctx.unsupported(
          "int8 pooling needs the same scale and zero point on input and output "
          "(as TFLite produces); got input s=" +
          std::to_string(iq.scale) + " zp=" + std::to_string(iq.zero_point) +
          ", output s=" + std::to_string(oq.scale) + " zp=" + std::to_string(oq.zero_point));
    }
    const auto [act_min, act_max] = int8_activation_range(ctx, opts.activation, oq);
    struct State {
      tinyops_pool_params params;
      tinyops_dims4 in, out;
    };
    auto s = std::make_shared<State>();
    s->params = {opts.stride_h, opts.stride_w, opts.filter_h, opts.filter_w,
                 pad_h,         pad_w,         act_min,       act_max};
    s->in = in;
    s->out = out;
    ctx.on_emit([s, in_idx, out_idx](EmitContext& e) {
      e.use_source("pooling_s8.c");
      const std::string params =
          declare_struct(e, "tinyops_pool_params", "params", fields_of(s->params));
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      e.statement(c_call(
          kind == PoolKind::Average ? "tinyops_avg_pool2d_s8" : "tinyops_max_pool2d_s8",
          {"&" + params, "&" + in_dims, e.tensor(in_idx), "&" + out_dims, e.tensor(out_idx)}));
    });
    return [s, in_idx, out_idx](const Tensors& t) {
      if constexpr (kind == PoolKind::Average) {
        tinyops_avg_pool2d_s8(&s->params, &s->in, t.data<int8_t>(in_idx), &s->out,
                              t.data<int8_t>(out_idx));
      } else {
        tinyops_max_pool2d_s8(&s->params, &s->in, t.data<int8_t>(in_idx), &s->out,
                              t.data<int8_t>(out_idx));
      }
    };
  }

  if (input.type == DataType::Float32 && output.type == DataType::Float32) {
    const auto [act_min, act_max] = float_activation_range(ctx, opts.activation);
    struct State {
      tinyops_pool_params_f32 params;
      tinyops_dims4 in, out;
    };
    auto s = std::make_shared<State>();
    s->params = {opts.stride_h, opts.stride_w, opts.filter_h, opts.filter_w,
                 pad_h,         pad_w,         act_min,       act_max};
    s->in = in;
    s->out = out;
    ctx.on_emit([s, in_idx, out_idx](EmitContext& e) {
      e.use_source("pooling_f32.c");
      const std::string params =
          declare_struct(e, "tinyops_pool_params_f32", "params", fields_of(s->params));
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      e.statement(c_call(
          kind == PoolKind::Average ? "tinyops_avg_pool2d_f32" : "tinyops_max_pool2d_f32",
          {"&" + params, "&" + in_dims, e.tensor(in_idx), "&" + out_dims, e.tensor(out_idx)}));
    });
    return [s, in_idx, out_idx](const Tensors& t) {
      if constexpr (kind == PoolKind::Average) {
        tinyops_avg_pool2d_f32(&s->params, &s->in, t.data<float>(in_idx), &s->out,
                               t.data<float>(out_idx));
      } else {
        tinyops_max_pool2d_f32(&s->params, &s->in, t.data<float>(in_idx), &s->out,
                               t.data<float>(out_idx));
      }
    };
  }
  ctx.unsupported("input " + std::string(to_string(input.type)) + ", output " +
                  std::string(to_string(output.type)) +
                  " is not supported; supported: int8 -> int8 and float32 -> float32");
}

}  // namespace

InvokeFn prepare_average_pool2d(const OpContext& ctx) {
  return prepare_pool2d<PoolKind::Average>(ctx);
}
InvokeFn prepare_max_pool2d(const OpContext& ctx) {
  return prepare_pool2d<PoolKind::Max>(ctx);
}

}  // namespace tinyops::interp::conv_family
