// DEPTHWISE_CONV_2D, int8 (reference kernel, or the DSP ones where the core has them) and
// float32.
#include <memory>
#include <string>
#include <vector>

#include "conv_family.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/runtime/depthwise_conv.h"
#include "tinyops/runtime/dsp_kernels.h"

namespace tinyops::interp::conv_family {
namespace {

static_assert(sizeof(tinyops_depthwise_conv_params) == 11 * sizeof(int32_t));
Fields fields_of(const tinyops_depthwise_conv_params& p) {
  return {{"stride_h", c_int(p.stride_h)},
          {"stride_w", c_int(p.stride_w)},
          {"dilation_h", c_int(p.dilation_h)},
          {"dilation_w", c_int(p.dilation_w)},
          {"pad_h", c_int(p.pad_h)},
          {"pad_w", c_int(p.pad_w)},
          {"depth_multiplier", c_int(p.depth_multiplier)},
          {"input_offset", c_int(p.input_offset)},
          {"output_offset", c_int(p.output_offset)},
          {"act_min", c_int(p.act_min)},
          {"act_max", c_int(p.act_max)}};
}

static_assert(sizeof(tinyops_depthwise_conv_params_f32) == 9 * 4);
Fields fields_of(const tinyops_depthwise_conv_params_f32& p) {
  return {{"stride_h", c_int(p.stride_h)},
          {"stride_w", c_int(p.stride_w)},
          {"dilation_h", c_int(p.dilation_h)},
          {"dilation_w", c_int(p.dilation_w)},
          {"pad_h", c_int(p.pad_h)},
          {"pad_w", c_int(p.pad_w)},
          {"depth_multiplier", c_int(p.depth_multiplier)},
          {"act_min", c_float(p.act_min)},
          {"act_max", c_float(p.act_max)}};
}

// A depthwise layer on the DSP kernels: one input channel as a conv, depth multiplier 1 on
// depthwise_conv_s8_dsp_row3.c (3-tap rows, stride and dilation 1 along the width) or
// depthwise_conv_s8_dsp.c. Returns false when none takes it.
bool emit_depthwise_dsp(EmitContext& e, const tinyops_depthwise_conv_params& params,
                        const ChannelQuant& quant, const tinyops_dims4& in, const tinyops_dims4& fd,
                        const tinyops_dims4& out, std::span<const int8_t> filter,
                        const int32_t* bias, int32_t in_idx, int32_t f_idx, int32_t b_idx,
                        int32_t out_idx, const std::string& what) {
  if (const std::string why = missing_constants(filter, b_idx, bias); !why.empty())
    return keep_reference(e, why);
  if (in.c == 1) {
    // Output channel j reads the one input channel through filter[0, :, :, j]: a conv with
    // filter[j, :, :, 0].
    const tinyops_conv_params conv = {params.stride_h,     params.stride_w,      params.dilation_h,
                                      params.dilation_w,   params.pad_h,         params.pad_w,
                                      params.input_offset, params.output_offset, params.act_min,
                                      params.act_max};
    const tinyops_dims4 conv_fd = {fd.c, fd.h, fd.w, 1};
    std::vector<int8_t> ohwi(filter.size());
    for (int32_t j = 0; j < fd.c; ++j)
      for (int32_t t = 0; t < fd.h * fd.w; ++t)
        ohwi[static_cast<size_t>(j * fd.h * fd.w + t)] = filter[static_cast<size_t>(t * fd.c + j)];
    return emit_conv_dsp(e, conv, quant, in, conv_fd, out, ohwi, bias, in_idx, b_idx, out_idx,
                         what + " as a conv filter [" + std::to_string(fd.c) + ", " +
                             std::to_string(fd.h) + ", " + std::to_string(fd.w) + ", 1]");
  }
  const tinyops_per_channel_quant view = quant.view();
  if (!tinyops_depthwise_conv2d_s8_dsp_supported(&params, &view, &fd, filter.data(), bias)) {
    return keep_reference(
        e, params.depth_multiplier != 1
               ? "depth multiplier " + std::to_string(params.depth_multiplier) +
                     " (the DSP depthwise kernels take 1)"
               : "the one-multiply requantisation's accumulator bound is not proven for every "
                 "channel (the depthwise DSP kernels have no exact variant yet)");
  }
  const bool row3 = fd.w == 3 && params.stride_w == 1 && params.dilation_w == 1;
  std::string w, function;
  int64_t scratch_bytes;
  if (row3) {
    e.use_source("depthwise_conv_s8_dsp_row3.c");
    function = "tinyops_depthwise_conv2d_s8_dsp_row3";
    w = e.tensor(f_idx);  // read in its TFLite layout
    scratch_bytes =
        static_cast<int64_t>(tinyops_depthwise_conv2d_s8_dsp_row3_scratch_size(&in, &fd, &out));
  } else {
    std::vector<int8_t> relaid(tinyops_depthwise_conv2d_s8_dsp_filter_size(&fd));
    tinyops_depthwise_conv2d_s8_dsp_filter(&fd, filter.data(), relaid.data());
    e.use_source("depthwise_conv_s8_dsp.c");
    function = "tinyops_depthwise_conv2d_s8_dsp";
    w = declare_dsp_filter(e, relaid,
                           what + " for depthwise_conv_s8_dsp.c: [channel group of 4][fy][fx][4]");
    scratch_bytes =
        static_cast<int64_t>(tinyops_depthwise_conv2d_s8_dsp_scratch_size(&params, &in, &fd, &out));
  }
  const std::string p =
      declare_struct(e, "tinyops_depthwise_conv_params", "params", fields_of(params));
  const std::string q = declare_channel_quant(e, quant);
  const std::string in_dims = declare_dims(e, "in_dims", in);
  const std::string filter_dims = declare_dims(e, "filter_dims", fd);
  const std::string out_dims = declare_dims(e, "out_dims", out);
  const std::string scratch = e.scratch(scratch_bytes);
  e.statement(
      c_call(function, {"&" + p, "&" + q, "&" + in_dims, e.tensor(in_idx), "&" + filter_dims, w,
                        optional_tensor(e, b_idx), "&" + out_dims, e.tensor(out_idx), scratch}));
  return true;
}
}  // namespace

InvokeFn prepare_depthwise_conv2d(const OpContext& ctx) {
  const auto& opts = ctx.options<DepthwiseConvOptions>();
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  const Tensor& output = ctx.output(0);
  const tinyops_dims4 in = dims4(ctx, input, "input");
  const tinyops_dims4 fd = dims4(ctx, filter, "filter");
  const tinyops_dims4 out = dims4(ctx, output, "output");
  ctx.require(fd.n == 1, "depthwise filter must have shape [1, h, w, channels], got " +
                             shape_to_string(filter.shape));
  ctx.require(in.c > 0 && fd.c % in.c == 0, "depthwise filter channels " + std::to_string(fd.c) +
                                                " are not a multiple of the input depth " +
                                                std::to_string(in.c));
  // The multiplier follows from the shapes (TFLM's kernel requires output depth = input
  // depth * multiplier); the option must agree when it is set.
  const int32_t multiplier = fd.c / in.c;
  ctx.require(opts.depth_multiplier == 0 || opts.depth_multiplier == multiplier,
              "depth_multiplier option " + std::to_string(opts.depth_multiplier) +
                  " disagrees with the shapes (filter channels / input depth = " +
                  std::to_string(multiplier) + ")");
  ctx.require(out.n == in.n, "output batch differs from input batch");
  ctx.require(out.c == fd.c, "output depth " + std::to_string(out.c) +
                                 " differs from the filter's channels " + std::to_string(fd.c));
  const ExplicitPadding& extra = opts.explicit_padding;
  const int32_t pad_h = window_padding(ctx, opts.padding, in.h, fd.h, opts.stride_h,
                                       opts.dilation_h, out.h, "height", extra.top, extra.bottom);
  const int32_t pad_w = window_padding(ctx, opts.padding, in.w, fd.w, opts.stride_w,
                                       opts.dilation_w, out.w, "width", extra.left, extra.right);
  const int32_t in_idx = ctx.input_index(0);
  const int32_t out_idx = ctx.output_index(0);
  const int32_t f_idx = ctx.input_index(1);

  if (input.type == DataType::Int8 && filter.type == DataType::Int8 &&
      output.type == DataType::Int8) {
    const ActivationQuant iq = activation_quant(ctx, input, "input");
    const ActivationQuant oq = activation_quant(ctx, output, "output");
    const auto scales = filter_scales(ctx, filter, 3, fd.c);
    const auto [act_min, act_max] = int8_activation_range(ctx, opts.activation, oq);
    const Tensor* bias = bias_tensor(ctx, DataType::Int32, fd.c);
    struct State {
      tinyops_depthwise_conv_params params;
      ChannelQuant quant;
      tinyops_per_channel_quant view;
      tinyops_dims4 in, fd, out;
    };
    auto s = std::make_shared<State>();
    s->params = {opts.stride_h, opts.stride_w,  opts.dilation_h, opts.dilation_w, pad_h,  pad_w,
                 multiplier,    -iq.zero_point, oq.zero_point,   act_min,         act_max};
    s->quant = conv_channel_quant(iq.scale, scales, oq.scale, fd.c);
    s->view = s->quant.view();
    s->in = in;
    s->fd = fd;
    s->out = out;
    const int32_t b_idx = bias ? ctx.input_index(2) : kNoTensor;
    ctx.on_emit([s, in_idx, f_idx, b_idx, out_idx, filter_data = constant_data<int8_t>(&filter),
                 bias_data = constant_data<int32_t>(bias),
                 what = "'" + filter.name + "' " + shape_to_string(filter.shape)](EmitContext& e) {
      if (e.dsp_kernels() &&
          emit_depthwise_dsp(e, s->params, s->quant, s->in, s->fd, s->out, filter_data,
                             bias_data.empty() ? nullptr : bias_data.data(), in_idx, f_idx, b_idx,
                             out_idx, what)) {
        return;
      }
      e.use_source("depthwise_conv_s8.c");
      const std::string params =
          declare_struct(e, "tinyops_depthwise_conv_params", "params", fields_of(s->params));
      const std::string quant = declare_channel_quant(e, s->quant);
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string filter_dims = declare_dims(e, "filter_dims", s->fd);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      e.statement(
          c_call("tinyops_depthwise_conv2d_s8",
                 {"&" + params, "&" + quant, "&" + in_dims, e.tensor(in_idx), "&" + filter_dims,
                  e.tensor(f_idx), optional_tensor(e, b_idx), "&" + out_dims, e.tensor(out_idx)}));
    });
    return [s, in_idx, f_idx, b_idx, out_idx](const Tensors& t) {
      tinyops_depthwise_conv2d_s8(
          &s->params, &s->view, &s->in, t.data<int8_t>(in_idx), &s->fd, t.data<int8_t>(f_idx),
          b_idx == kNoTensor ? nullptr : t.data<int32_t>(b_idx), &s->out, t.data<int8_t>(out_idx));
    };
  }

  if (input.type == DataType::Float32 && output.type == DataType::Float32 &&
      (filter.type == DataType::Float32 || filter.type == DataType::Int8)) {
    const auto [act_min, act_max] = float_activation_range(ctx, opts.activation);
    const Tensor* bias = bias_tensor(ctx, DataType::Float32, fd.c);
    struct State {
      tinyops_depthwise_conv_params_f32 params;
      std::vector<float> weights;  // dequantised hybrid weights; empty otherwise
      tinyops_dims4 in, fd, out;
    };
    auto s = std::make_shared<State>();
    s->params = {opts.stride_h, opts.stride_w, opts.dilation_h, opts.dilation_w, pad_h,
                 pad_w,         multiplier,    act_min,         act_max};
    if (filter.type == DataType::Int8) s->weights = dequantize_weights(ctx, filter);
    s->in = in;
    s->fd = fd;
    s->out = out;
    const int32_t b_idx = bias ? ctx.input_index(2) : kNoTensor;
    ctx.on_emit([s, in_idx, f_idx, b_idx, out_idx, filter_name = filter.name,
                 filter_shape = shape_to_string(filter.shape)](EmitContext& e) {
      e.use_source("depthwise_conv_f32.c");
      const std::string params =
          declare_struct(e, "tinyops_depthwise_conv_params_f32", "params", fields_of(s->params));
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string filter_dims = declare_dims(e, "filter_dims", s->fd);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      const std::string weights = float_weights(e, s->weights, filter_name, filter_shape, f_idx);
      e.statement(c_call("tinyops_depthwise_conv2d_f32",
                         {"&" + params, "&" + in_dims, e.tensor(in_idx), "&" + filter_dims, weights,
                          optional_tensor(e, b_idx), "&" + out_dims, e.tensor(out_idx)}));
    });
    return [s, in_idx, f_idx, b_idx, out_idx](const Tensors& t) {
      const float* w = s->weights.empty() ? t.data<float>(f_idx) : s->weights.data();
      tinyops_depthwise_conv2d_f32(&s->params, &s->in, t.data<float>(in_idx), &s->fd, w,
                                   b_idx == kNoTensor ? nullptr : t.data<float>(b_idx), &s->out,
                                   t.data<float>(out_idx));
    };
  }
  unsupported_types(ctx, input, filter, output);
}

}  // namespace tinyops::interp::conv_family
