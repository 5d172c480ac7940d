// Shared by the convolution family's op files (conv2d.cpp, depthwise_conv2d.cpp,
// fully_connected.cpp, pooling.cpp): the checks and quantisation steps of their prepare
// functions, which follow TFLite Micro's, and the helpers their C emitters print with.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tinyops/interp/c_emit.hpp"
#include "tinyops/interp/c_params.hpp"
#include "tinyops/interp/op_kernel.hpp"
#include "tinyops/runtime/conv.h"

namespace tinyops::interp::conv_family {

// ---- checks and quantisation ---------------------------------------------------------------

tinyops_dims4 dims4(const OpContext& ctx, const Tensor& t, const char* what);

// Zero point and scale of a per-tensor quantised int8 activation.
struct ActivationQuant {
  float scale;
  int32_t zero_point;
};
ActivationQuant activation_quant(const OpContext& ctx, const Tensor& t, const char* what);

// Clamp range of a fused activation (NONE, RELU, RELU6, RELU_N1_TO_1; others are refused).
std::pair<int32_t, int32_t> int8_activation_range(const OpContext& ctx, Activation a,
                                                  const ActivationQuant& out);
std::pair<float, float> float_activation_range(const OpContext& ctx, Activation a);

// Filter scales of an int8 weight tensor: one, or one per output channel along `axis`.
// Weights must be symmetric (zero point 0), as TFLite's int8 spec requires.
std::vector<float> filter_scales(const OpContext& ctx, const Tensor& filter, int32_t axis,
                                 int32_t channels);

// The per-channel quantisation as TFLite Micro holds it: one multiplier and shift per
// output channel, the same for all when the filter has one scale.
struct ChannelQuant {
  std::vector<int32_t> multiplier;
  std::vector<int32_t> shift;
  tinyops_per_channel_quant view() const { return {multiplier.data(), shift.data()}; }
};

// TFLM PopulateConvolutionQuantizationParams: effective scale computed in double,
// input_scale * filter_scale[c] / output_scale.
ChannelQuant conv_channel_quant(float input_scale, const std::vector<float>& scales,
                                float output_scale, int32_t channels);

// Hybrid weights: int8 weights under float activations, dequantised to float once.
std::vector<float> dequantize_weights(const OpContext& ctx, const Tensor& w);

// Output size and leading padding of a window, checked against the output tensor; `before`
// and `after` are explicit padding added first (ExplicitPadding), 0 for TFLite's ops.
int32_t window_padding(const OpContext& ctx, Padding padding, int32_t in, int32_t filter,
                       int32_t stride, int32_t dilation, int32_t out, const char* axis,
                       int32_t before = 0, int32_t after = 0);

// Input 2 when present, checked to be `want` with one value per channel.
const Tensor* bias_tensor(const OpContext& ctx, DataType want, int32_t channels);

[[noreturn]] void unsupported_types(const OpContext& ctx, const Tensor& input, const Tensor& filter,
                                    const Tensor& output);

// ---- printing -------------------------------------------------------------------------------

// The weights a float kernel reads: hybrid weights dequantised at prepare time as a float
// array named after the int8 tensor, else the tensor itself.
std::string float_weights(EmitContext& e, const std::vector<float>& dequantized,
                          const std::string& source_name, const std::string& shape,
                          int32_t filter_index);

// The data of a constant tensor, or an empty span (computed at run time), for the layer
// descriptions the code generator may lower (tinyops/interp/lowerable_layers.hpp).
template <class T>
std::span<const T> constant_data(const Tensor* t) {
  return t != nullptr && t->is_constant() ? t->constant_as<T>() : std::span<const T>();
}

// ---- the ops, one file each -----------------------------------------------------------------

InvokeFn prepare_conv2d(const OpContext& ctx);
InvokeFn prepare_depthwise_conv2d(const OpContext& ctx);
InvokeFn prepare_fully_connected(const OpContext& ctx);
InvokeFn prepare_average_pool2d(const OpContext& ctx);
InvokeFn prepare_max_pool2d(const OpContext& ctx);

}  // namespace tinyops::interp::conv_family
