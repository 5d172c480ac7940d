// The convolution family's shared prepare steps and C printing (conv_family.hpp), and its
// registration. Prepare follows TFLite Micro's step by step (padding, per-channel
// multipliers, activation ranges), so the int8 outputs are bit-identical to TFLM's reference
// kernels; docs/kernels.md has the arithmetic of each op.
#include "conv_family.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "tinyops/core/quantization.hpp"
#include "tinyops/core/shape.hpp"

namespace tinyops::interp::conv_family {

tinyops_dims4 dims4(const OpContext& ctx, const Tensor& t, const char* what) {
  ctx.require(t.shape.size() == 4,
              std::string(what) + " must be 4-D (NHWC), got shape " + shape_to_string(t.shape));
  return {t.shape[0], t.shape[1], t.shape[2], t.shape[3]};
}

namespace {

bool is_supported_activation(Activation a) {
  return a == Activation::None || a == Activation::Relu || a == Activation::Relu6 ||
         a == Activation::ReluN1To1;
}

void require_supported_activation(const OpContext& ctx, Activation a) {
  if (!is_supported_activation(a)) {
    ctx.unsupported("fused activation " + std::string(to_string(a)) +
                    " is not supported; supported: NONE, RELU, RELU6, RELU_N1_TO_1");
  }
}

}  // namespace

ActivationQuant activation_quant(const OpContext& ctx, const Tensor& t, const char* what) {
  ctx.require(
      t.quant.is_quantized() && t.quant.scales.size() == 1 && t.quant.zero_points.size() == 1,
      std::string(what) + " '" + t.name + "' must have one (per-tensor) scale and zero point");
  ctx.require(t.quant.scales[0] > 0.0f,
              std::string(what) + " '" + t.name + "' has a non-positive scale");
  return {t.quant.scales[0], static_cast<int32_t>(t.quant.zero_points[0])};
}

std::pair<int32_t, int32_t> int8_activation_range(const OpContext& ctx, Activation a,
                                                  const ActivationQuant& out) {
  require_supported_activation(ctx, a);
  return activation_range_quantized(a, DataType::Int8, out.scale, out.zero_point);
}

std::pair<float, float> float_activation_range(const OpContext& ctx, Activation a) {
  require_supported_activation(ctx, a);
  return activation_range_float(a);
}

std::vector<float> filter_scales(const OpContext& ctx, const Tensor& filter, int32_t axis,
                                 int32_t channels) {
  const QuantParams& q = filter.quant;
  ctx.require(q.is_quantized(), "int8 filter '" + filter.name + "' has no quantisation scale");
  if (q.is_per_channel()) {
    ctx.require(q.axis == axis && static_cast<int32_t>(q.scales.size()) == channels,
                "per-channel filter '" + filter.name + "' must have " + std::to_string(channels) +
                    " scales along dimension " + std::to_string(axis) + ", got " +
                    std::to_string(q.scales.size()) + " along dimension " + std::to_string(q.axis));
  }
  for (int64_t zp : q.zero_points) {
    if (zp != 0) {
      ctx.unsupported("int8 filter '" + filter.name +
                      "' has a non-zero zero point; only symmetric int8 weights are "
                      "supported (TFLite int8 spec)");
    }
  }
  return q.scales;
}

ChannelQuant conv_channel_quant(float input_scale, const std::vector<float>& scales,
                                float output_scale, int32_t channels) {
  ChannelQuant cq;
  for (int32_t c = 0; c < channels; ++c) {
    const float s = scales.size() > 1 ? scales[static_cast<size_t>(c)] : scales[0];
    const double effective = static_cast<double>(input_scale) * static_cast<double>(s) /
                             static_cast<double>(output_scale);
    const QuantizedMultiplier m = quantize_multiplier(effective);
    cq.multiplier.push_back(m.multiplier);
    cq.shift.push_back(m.shift);
  }
  return cq;
}

// Hybrid weights: int8 weights under float activations (dynamic-range quantised models
// such as MLPerf Tiny's KWS "float32"). TFLM rejects these; we dequantise the weights to
// float once here, (q - zero_point) * scale per channel, and run the float kernel.
std::vector<float> dequantize_weights(const OpContext& ctx, const Tensor& w) {
  ctx.require(w.is_constant(),
              "int8 weights '" + w.name + "' under float activations must be constant");
  ctx.require(w.quant.is_quantized(),
              "int8 weights '" + w.name + "' under float activations have no scale");
  const auto q = w.constant_as<int8_t>();
  const QuantParams& p = w.quant;
  int64_t inner = 1;
  int32_t channels = 1;
  if (p.is_per_channel()) {
    ctx.require(p.axis >= 0 && static_cast<size_t>(p.axis) < w.shape.size() &&
                    w.shape[static_cast<size_t>(p.axis)] == static_cast<int32_t>(p.scales.size()),
                "weights '" + w.name + "' have per-channel scales that do not fit the shape");
    channels = w.shape[static_cast<size_t>(p.axis)];
    for (size_t d = static_cast<size_t>(p.axis) + 1; d < w.shape.size(); ++d) inner *= w.shape[d];
  }
  std::vector<float> out(q.size());
  for (size_t i = 0; i < q.size(); ++i) {
    const size_t c =
        p.is_per_channel() ? static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels) : 0;
    const int32_t zp =
        p.zero_points.empty()
            ? 0
            : static_cast<int32_t>(p.zero_points[std::min(c, p.zero_points.size() - 1)]);
    out[i] = static_cast<float>(static_cast<int32_t>(q[i]) - zp) * p.scales[c];
  }
  return out;
}

int32_t window_padding(const OpContext& ctx, Padding padding, int32_t in, int32_t filter,
                       int32_t stride, int32_t dilation, int32_t out, const char* axis,
                       int32_t before, int32_t after) {
  ctx.require(stride > 0 && dilation > 0 && filter > 0,
              std::string("stride, dilation and filter ") + axis + " must be positive");
  ctx.require(before >= 0 && after >= 0, std::string("explicit ") + axis + " padding is negative");
  const WindowGeometry g =
      compute_window(padding == Padding::Same, in + before + after, filter, stride, dilation);
  ctx.require(g.output_size == out, std::string("output ") + axis + " is " + std::to_string(out) +
                                        " but " + std::string(to_string(padding)) +
                                        " padding gives " + std::to_string(g.output_size));
  return g.pad_before + before;
}

const Tensor* bias_tensor(const OpContext& ctx, DataType want, int32_t channels) {
  const Tensor* bias = ctx.optional_input(2);
  if (bias == nullptr) return nullptr;
  if (bias->type != want) {
    ctx.unsupported("bias '" + bias->name + "' is " + std::string(to_string(bias->type)) +
                    "; this input type needs a " + std::string(to_string(want)) + " bias");
  }
  ctx.require(bias->element_count() == channels,
              "bias '" + bias->name + "' has " + std::to_string(bias->element_count()) +
                  " elements, expected " + std::to_string(channels));
  return bias;
}

[[noreturn]] void unsupported_types(const OpContext& ctx, const Tensor& input, const Tensor& filter,
                                    const Tensor& output) {
  ctx.unsupported("input " + std::string(to_string(input.type)) + ", weights " +
                  std::string(to_string(filter.type)) + ", output " +
                  std::string(to_string(output.type)) +
                  " is not supported; supported: int8 activations with int8 weights and int32 "
                  "bias, float32 activations with float32 or int8 (hybrid) weights and float32 "
                  "bias");
}

namespace {

std::string declare_dequantized(EmitContext& e, const std::string& source_name,
                                const std::string& shape, const std::vector<float>& weights) {
  const std::string name = e.unique("weights");
  e.declare("/* '" + comment_safe(source_name) + "' " + shape +
            ", int8 dequantised to float at compile time */\n" + c_float_array(name, weights));
  return name;
}

}  // namespace

std::string float_weights(EmitContext& e, const std::vector<float>& dequantized,
                          const std::string& source_name, const std::string& shape,
                          int32_t filter_index) {
  return dequantized.empty() ? e.tensor(filter_index)
                             : declare_dequantized(e, source_name, shape, dequantized);
}

}  // namespace tinyops::interp::conv_family

namespace tinyops::interp {

void register_conv_kernels(KernelRegistry& registry) {
  registry.builtin[OpType::Conv2D] = &conv_family::prepare_conv2d;
  registry.builtin[OpType::DepthwiseConv2D] = &conv_family::prepare_depthwise_conv2d;
  registry.builtin[OpType::FullyConnected] = &conv_family::prepare_fully_connected;
  registry.builtin[OpType::AveragePool2D] = &conv_family::prepare_average_pool2d;
  registry.builtin[OpType::MaxPool2D] = &conv_family::prepare_max_pool2d;
}

}  // namespace tinyops::interp
