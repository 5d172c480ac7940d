// CONV_2D, int8 (reference kernel, or the DSP one where the core has it) and float32.
#include <memory>
#include <string>
#include <vector>

#include "conv_family.hpp"
#include "tinyops/core/shape.hpp"

namespace tinyops::interp::conv_family {
InvokeFn prepare_conv2d(const OpContext& ctx) {
  const auto& opts = ctx.options<ConvOptions>();
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  const Tensor& output = ctx.output(0);
  const tinyops_dims4 in = dims4(ctx, input, "input");
  const tinyops_dims4 fd = dims4(ctx, filter, "filter");
  const tinyops_dims4 out = dims4(ctx, output, "output");
  if (fd.c != in.c) {
    ctx.unsupported("filter depth " + std::to_string(fd.c) + " differs from input depth " +
                    std::to_string(in.c) + "; grouped convolution is not supported");
  }
  ctx.require(out.n == in.n, "output batch differs from input batch");
  ctx.require(out.c == fd.n, "output depth " + std::to_string(out.c) +
                                 " differs from the filter's output channels " +
                                 std::to_string(fd.n));
  const ExplicitPadding& extra = opts.explicit_padding;
  const int32_t pad_h = window_padding(ctx, opts.padding, in.h, fd.h, opts.stride_h,
                                       opts.dilation_h, out.h, "height", extra.top, extra.bottom);
  const int32_t pad_w = window_padding(ctx, opts.padding, in.w, fd.w, opts.stride_w,
                                       opts.dilation_w, out.w, "width", extra.left, extra.right);
  const int32_t in_idx = ctx.input_index(0);
  const int32_t out_idx = ctx.output_index(0);

  if (input.type == DataType::Int8 && filter.type == DataType::Int8 &&
      output.type == DataType::Int8) {
    const ActivationQuant iq = activation_quant(ctx, input, "input");
    const ActivationQuant oq = activation_quant(ctx, output, "output");
    const auto scales = filter_scales(ctx, filter, 0, fd.n);
    const auto [act_min, act_max] = int8_activation_range(ctx, opts.activation, oq);
    const Tensor* bias = bias_tensor(ctx, DataType::Int32, fd.n);
    struct State {
      tinyops_conv_params params;
      ChannelQuant quant;
      tinyops_per_channel_quant view;
      tinyops_dims4 in, fd, out;
    };
    auto s = std::make_shared<State>();
    s->params = {opts.stride_h, opts.stride_w,  opts.dilation_h, opts.dilation_w, pad_h,
                 pad_w,         -iq.zero_point, oq.zero_point,   act_min,         act_max};
    s->quant = conv_channel_quant(iq.scale, scales, oq.scale, fd.n);
    s->view = s->quant.view();
    s->in = in;
    s->fd = fd;
    s->out = out;
    const int32_t f_idx = ctx.input_index(1);
    const int32_t b_idx = bias ? ctx.input_index(2) : kNoTensor;
    ctx.on_emit([s, in_idx, f_idx, b_idx, out_idx, filter_data = constant_data<int8_t>(&filter),
                 bias_data = constant_data<int32_t>(bias),
                 what = "'" + filter.name + "' " + shape_to_string(filter.shape)](EmitContext& e) {
      if (e.lower(Int8ConvLayer{s->params, s->quant.multiplier, s->quant.shift, s->in, s->fd,
                                s->out, filter_data, bias_data, in_idx, f_idx, b_idx, out_idx,
                                what}))
        return;
      e.use_source("conv_s8.c");
      const std::string params =
          declare_struct(e, "tinyops_conv_params", "params", fields_of(s->params));
      const std::string quant = declare_channel_quant(e, s->quant.multiplier, s->quant.shift);
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string filter_dims = declare_dims(e, "filter_dims", s->fd);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      e.statement(
          c_call("tinyops_conv2d_s8",
                 {"&" + params, "&" + quant, "&" + in_dims, e.tensor(in_idx), "&" + filter_dims,
                  e.tensor(f_idx), optional_tensor(e, b_idx), "&" + out_dims, e.tensor(out_idx)}));
    });
    return [s, in_idx, f_idx, b_idx, out_idx](const Tensors& t) {
      tinyops_conv2d_s8(
          &s->params, &s->view, &s->in, t.data<int8_t>(in_idx), &s->fd, t.data<int8_t>(f_idx),
          b_idx == kNoTensor ? nullptr : t.data<int32_t>(b_idx), &s->out, t.data<int8_t>(out_idx));
    };
  }

  if (input.type == DataType::Float32 && output.type == DataType::Float32 &&
      (filter.type == DataType::Float32 || filter.type == DataType::Int8)) {
    const auto [act_min, act_max] = float_activation_range(ctx, opts.activation);
    const Tensor* bias = bias_tensor(ctx, DataType::Float32, fd.n);
    struct State {
      tinyops_conv_params_f32 params;
      std::vector<float> weights;  // dequantised hybrid weights; empty otherwise
      tinyops_dims4 in, fd, out;
    };
    auto s = std::make_shared<State>();
    s->params = {opts.stride_h, opts.stride_w, opts.dilation_h, opts.dilation_w,
                 pad_h,         pad_w,         act_min,         act_max};
    if (filter.type == DataType::Int8) s->weights = dequantize_weights(ctx, filter);
    s->in = in;
    s->fd = fd;
    s->out = out;
    const int32_t f_idx = ctx.input_index(1);
    const int32_t b_idx = bias ? ctx.input_index(2) : kNoTensor;
    ctx.on_emit([s, in_idx, f_idx, b_idx, out_idx, filter_name = filter.name,
                 filter_shape = shape_to_string(filter.shape)](EmitContext& e) {
      e.use_source("conv_f32.c");
      const std::string params =
          declare_struct(e, "tinyops_conv_params_f32", "params", fields_of(s->params));
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string filter_dims = declare_dims(e, "filter_dims", s->fd);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      const std::string weights = float_weights(e, s->weights, filter_name, filter_shape, f_idx);
      e.statement(c_call("tinyops_conv2d_f32",
                         {"&" + params, "&" + in_dims, e.tensor(in_idx), "&" + filter_dims, weights,
                          optional_tensor(e, b_idx), "&" + out_dims, e.tensor(out_idx)}));
    });
    return [s, in_idx, f_idx, b_idx, out_idx](const Tensors& t) {
      const float* w = s->weights.empty() ? t.data<float>(f_idx) : s->weights.data();
      tinyops_conv2d_f32(&s->params, &s->in, t.data<float>(in_idx), &s->fd, w,
                         b_idx == kNoTensor ? nullptr : t.data<float>(b_idx), &s->out,
                         t.data<float>(out_idx));
    };
  }
  unsupported_types(ctx, input, filter, output);
}

}  // namespace tinyops::interp::conv_family
