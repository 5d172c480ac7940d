// Shared by the convolution family's op files (conv2d.cpp, depthwise_conv2d.cpp,
// fully_connected.cpp, pooling.cpp): the checks and quantisation steps of their prepare
// functions, which follow TFLite Micro's, and the helpers their C emitters print with.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tinyops/interp/c_emit.hpp"
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

// ---- printing prepared parameters as C (see c_emit.hpp) ------------------------------------
//
// Each op file lists its parameter structs' fields once, in header order, next to a
// static_assert that fails when a runtime struct gains a field the list does not print.

using Fields = std::vector<std::pair<std::string, std::string>>;

// Declares `static const <type> opK_<base> = {...};` and returns its name.
std::string declare_struct(EmitContext& e, const std::string& type, const std::string& base,
                           const Fields& fields);
std::string declare_dims(EmitContext& e, const std::string& base, const tinyops_dims4& d);
// The multiplier and shift arrays, then the struct pointing at them.
std::string declare_channel_quant(EmitContext& e, const ChannelQuant& q);
// C comments end at "*/"; a tensor name must not end one early.
std::string comment_safe(std::string s);
// The weights a float kernel reads: hybrid weights dequantised at prepare time as a float
// array named after the int8 tensor, else the tensor itself.
std::string float_weights(EmitContext& e, const std::vector<float>& dequantized,
                          const std::string& source_name, const std::string& shape,
                          int32_t filter_index);

// ---- DSP kernels (cores with the Arm DSP extension; runtime/dsp_kernels.h) -----------------
//
// When the target has the DSP extension, the int8 emitters print a call to a *_dsp kernel
// instead of the reference one, with the filter re-laid out at compile time (the original is
// then not emitted) and the kernel's work buffer from EmitContext::scratch. A layer the DSP
// kernels do not take (tinyops_*_dsp_supported) keeps the reference call and says why. The
// host interpreter always runs the reference kernels; the results are the same, bit for bit.

// The data of a constant tensor, or an empty span (a filter or bias computed at run time
// cannot be re-laid out or bounded at compile time).
template <class T>
std::span<const T> constant_data(const Tensor* t) {
  return t != nullptr && t->is_constant() ? t->constant_as<T>() : std::span<const T>();
}

// A re-laid-out filter as a static const array aligned to 4 bytes (the kernels load it with
// LDRD, which faults on unaligned addresses). Returns the C expression for its first byte.
std::string declare_dsp_filter(EmitContext& e, const std::vector<int8_t>& values,
                               const std::string& what);

// Records why a layer stays on the reference kernel; returns false for the caller to do so.
bool keep_reference(EmitContext& e, const std::string& why);

// Why the DSP kernels cannot take a layer's constants ("" when they can).
std::string missing_constants(std::span<const int8_t> filter, int32_t b_idx, const int32_t* bias);

// A conv layer on conv_s8_dsp.c (depthwise layers with one input channel come here too).
// Returns false, printing nothing but the reason, when the kernel does not take it.
bool emit_conv_dsp(EmitContext& e, const tinyops_conv_params& params, const ChannelQuant& quant,
                   const tinyops_dims4& in, const tinyops_dims4& fd, const tinyops_dims4& out,
                   std::span<const int8_t> filter, const int32_t* bias, int32_t in_idx,
                   int32_t b_idx, int32_t out_idx, const std::string& what);

// ---- the ops, one file each -----------------------------------------------------------------

InvokeFn prepare_conv2d(const OpContext& ctx);
InvokeFn prepare_depthwise_conv2d(const OpContext& ctx);
InvokeFn prepare_fully_connected(const OpContext& ctx);
InvokeFn prepare_average_pool2d(const OpContext& ctx);
InvokeFn prepare_max_pool2d(const OpContext& ctx);

}  // namespace tinyops::interp::conv_family
