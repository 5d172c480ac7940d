// FULLY_CONNECTED, int8 (reference kernel, or the DSP one where the core has it) and float32.
#include <memory>
#include <string>
#include <vector>

#include "conv_family.hpp"
#include "tinyops/core/quantization.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/runtime/fully_connected.h"

namespace tinyops::interp::conv_family {
InvokeFn prepare_fully_connected(const OpContext& ctx) {
  const auto& opts = ctx.options<FullyConnectedOptions>();
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  const Tensor& output = ctx.output(0);
  ctx.require(filter.shape.size() == 2,
              "weights must be 2-D [outputs, depth], got " + shape_to_string(filter.shape));
  const int32_t output_depth = filter.shape[0];
  const int32_t depth = filter.shape[1];
  ctx.require(depth > 0 && output_depth > 0, "weights have an empty dimension");
  const int64_t in_count = input.element_count();
  ctx.require(in_count > 0 && in_count % depth == 0,
              "input " + shape_to_string(input.shape) + " does not split into rows of " +
                  std::to_string(depth) + " (the weights' depth)");
  const auto batches = static_cast<int32_t>(in_count / depth);
  ctx.require(!output.shape.empty() && output.shape.back() == output_depth &&
                  output.element_count() == static_cast<int64_t>(batches) * output_depth,
              "output " + shape_to_string(output.shape) + " does not hold " +
                  std::to_string(batches) + " rows of " + std::to_string(output_depth));
  const int32_t in_idx = ctx.input_index(0);
  const int32_t out_idx = ctx.output_index(0);
  const int32_t f_idx = ctx.input_index(1);

  if (input.type == DataType::Int8 && filter.type == DataType::Int8 &&
      output.type == DataType::Int8) {
    const ActivationQuant iq = activation_quant(ctx, input, "input");
    const ActivationQuant oq = activation_quant(ctx, output, "output");
    const auto scales = filter_scales(ctx, filter, 0, output_depth);
    const auto [act_min, act_max] = int8_activation_range(ctx, opts.activation, oq);
    const Tensor* bias = bias_tensor(ctx, DataType::Int32, output_depth);
    struct State {
      tinyops_fully_connected_params params;
      ChannelQuant quant;
      tinyops_per_channel_quant view;
    };
    auto s = std::make_shared<State>();
    const bool per_channel = scales.size() > 1;
    if (per_channel) {
      // TFLM's per-channel FC: the conv rule, all in double.
      s->quant = conv_channel_quant(iq.scale, scales, oq.scale, output_depth);
    } else {
      // TFLM GetQuantizedConvolutionMultipler: input * filter scale multiplied in float,
      // then widened to double and divided by the output scale.
      const float product = iq.scale * scales[0];
      const QuantizedMultiplier m =
          quantize_multiplier(static_cast<double>(product) / static_cast<double>(oq.scale));
      s->quant.multiplier = {m.multiplier};
      s->quant.shift = {m.shift};
    }
    s->view = s->quant.view();
    s->params = {batches,       depth,   output_depth, -iq.zero_point,     0,
                 oq.zero_point, act_min, act_max,      per_channel ? 1 : 0};
    const int32_t b_idx = bias ? ctx.input_index(2) : kNoTensor;
    ctx.on_emit([s, in_idx, f_idx, b_idx, out_idx, filter_data = constant_data<int8_t>(&filter),
                 bias_data = constant_data<int32_t>(bias),
                 what = "'" + filter.name + "' " + shape_to_string(filter.shape)](EmitContext& e) {
      if (e.lower(Int8FullyConnectedLayer{s->params, s->quant.multiplier, s->quant.shift,
                                          filter_data, bias_data, in_idx, f_idx, b_idx, out_idx,
                                          what}))
        return;
      e.use_source("fully_connected_s8.c");
      const std::string params =
          declare_struct(e, "tinyops_fully_connected_params", "params", fields_of(s->params));
      const std::string quant = declare_channel_quant(e, s->quant.multiplier, s->quant.shift);
      e.statement(c_call("tinyops_fully_connected_s8",
                         {"&" + params, "&" + quant, e.tensor(in_idx), e.tensor(f_idx),
                          optional_tensor(e, b_idx), e.tensor(out_idx)}));
    });
    return [s, in_idx, f_idx, b_idx, out_idx](const Tensors& t) {
      tinyops_fully_connected_s8(
          &s->params, &s->view, t.data<int8_t>(in_idx), t.data<int8_t>(f_idx),
          b_idx == kNoTensor ? nullptr : t.data<int32_t>(b_idx), t.data<int8_t>(out_idx));
    };
  }

  if (input.type == DataType::Float32 && output.type == DataType::Float32 &&
      (filter.type == DataType::Float32 || filter.type == DataType::Int8)) {
    const auto [act_min, act_max] = float_activation_range(ctx, opts.activation);
    const Tensor* bias = bias_tensor(ctx, DataType::Float32, output_depth);
    struct State {
      tinyops_fully_connected_params_f32 params;
      std::vector<float> weights;  // dequantised hybrid weights; empty otherwise
    };
    auto s = std::make_shared<State>();
    s->params = {batches, depth, output_depth, act_min, act_max};
    if (filter.type == DataType::Int8) s->weights = dequantize_weights(ctx, filter);
    const int32_t b_idx = bias ? ctx.input_index(2) : kNoTensor;
    ctx.on_emit([s, in_idx, f_idx, b_idx, out_idx, filter_name = filter.name,
                 filter_shape = shape_to_string(filter.shape)](EmitContext& e) {
      e.use_source("fully_connected_f32.c");
      const std::string params =
          declare_struct(e, "tinyops_fully_connected_params_f32", "params", fields_of(s->params));
      const std::string weights = float_weights(e, s->weights, filter_name, filter_shape, f_idx);
      e.statement(c_call(
          "tinyops_fully_connected_f32",
          {"&" + params, e.tensor(in_idx), weights, optional_tensor(e, b_idx), e.tensor(out_idx)}));
    });
    return [s, in_idx, f_idx, b_idx, out_idx](const Tensors& t) {
      const float* w = s->weights.empty() ? t.data<float>(f_idx) : s->weights.data();
      tinyops_fully_connected_f32(&s->params, t.data<float>(in_idx), w,
                                  b_idx == kNoTensor ? nullptr : t.data<float>(b_idx),
                                  t.data<float>(out_idx));
    };
  }
  unsupported_types(ctx, input, filter, output);
}

}  // namespace tinyops::interp::conv_family
