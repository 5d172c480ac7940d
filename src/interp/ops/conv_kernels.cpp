// Host bindings of the convolution family: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,
// AVERAGE_POOL_2D and MAX_POOL_2D, int8 and float32, over the C runtime kernels.
//
// Prepare follows TFLite Micro's prepare step by step (padding, per-channel multipliers,
// activation ranges), so the int8 outputs are bit-identical to TFLM's reference kernels.
// See docs/kernels.md for the arithmetic of each op.
#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tinyops/core/quantization.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/interp/c_emit.hpp"
#include "tinyops/interp/op_kernel.hpp"
#include "tinyops/runtime/conv.h"
#include "tinyops/runtime/depthwise_conv.h"
#include "tinyops/runtime/dsp_kernels.h"
#include "tinyops/runtime/fully_connected.h"
#include "tinyops/runtime/pooling.h"

namespace tinyops::interp {
namespace {

// ---- checks shared by the family ---------------------------------------------------------

tinyops_dims4 dims4(const OpContext& ctx, const Tensor& t, const char* what) {
  ctx.require(t.shape.size() == 4,
              std::string(what) + " must be 4-D (NHWC), got shape " + shape_to_string(t.shape));
  return {t.shape[0], t.shape[1], t.shape[2], t.shape[3]};
}

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

// Zero point and scale of a per-tensor quantised int8 activation.
struct ActivationQuant {
  float scale;
  int32_t zero_point;
};

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

// Filter scales of an int8 weight tensor: one, or one per output channel along `axis`.
// Weights must be symmetric (zero point 0), as TFLite's int8 spec requires.
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

// Pads out the per-channel quantisation as TFLite Micro does: one multiplier and shift
// per output channel, the same for all when the filter has one scale.
struct ChannelQuant {
  std::vector<int32_t> multiplier;
  std::vector<int32_t> shift;
  tinyops_per_channel_quant view() const { return {multiplier.data(), shift.data()}; }
};

// TFLM PopulateConvolutionQuantizationParams: effective scale computed in double,
// input_scale * filter_scale[c] / output_scale.
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

// Output size and leading padding of a window, checked against the output tensor.
int32_t window_padding(const OpContext& ctx, Padding padding, int32_t in, int32_t filter,
                       int32_t stride, int32_t dilation, int32_t out, const char* axis) {
  ctx.require(stride > 0 && dilation > 0 && filter > 0,
              std::string("stride, dilation and filter ") + axis + " must be positive");
  const WindowGeometry g = compute_window(padding == Padding::Same, in, filter, stride, dilation);
  ctx.require(g.output_size == out, std::string("output ") + axis + " is " + std::to_string(out) +
                                        " but " + std::string(to_string(padding)) +
                                        " padding gives " + std::to_string(g.output_size));
  return g.pad_before;
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

// ---- printing prepared parameters as C (see c_emit.hpp) ------------------------------------
//
// Each struct's fields are listed once here, in header order; the static_asserts fail when
// a runtime struct gains a field this list does not print.

using Fields = std::vector<std::pair<std::string, std::string>>;

static_assert(sizeof(tinyops_dims4) == 4 * sizeof(int32_t));
Fields fields_of(const tinyops_dims4& d) {
  return {{"n", c_int(d.n)}, {"h", c_int(d.h)}, {"w", c_int(d.w)}, {"c", c_int(d.c)}};
}

static_assert(sizeof(tinyops_conv_params) == 10 * sizeof(int32_t));
Fields fields_of(const tinyops_conv_params& p) {
  return {{"stride_h", c_int(p.stride_h)},
          {"stride_w", c_int(p.stride_w)},
          {"dilation_h", c_int(p.dilation_h)},
          {"dilation_w", c_int(p.dilation_w)},
          {"pad_h", c_int(p.pad_h)},
          {"pad_w", c_int(p.pad_w)},
          {"input_offset", c_int(p.input_offset)},
          {"output_offset", c_int(p.output_offset)},
          {"act_min", c_int(p.act_min)},
          {"act_max", c_int(p.act_max)}};
}

static_assert(sizeof(tinyops_conv_params_f32) == 8 * 4);
Fields fields_of(const tinyops_conv_params_f32& p) {
  return {{"stride_h", c_int(p.stride_h)},     {"stride_w", c_int(p.stride_w)},
          {"dilation_h", c_int(p.dilation_h)}, {"dilation_w", c_int(p.dilation_w)},
          {"pad_h", c_int(p.pad_h)},           {"pad_w", c_int(p.pad_w)},
          {"act_min", c_float(p.act_min)},     {"act_max", c_float(p.act_max)}};
}

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

static_assert(sizeof(tinyops_fully_connected_params) == 9 * sizeof(int32_t));
Fields fields_of(const tinyops_fully_connected_params& p) {
  return {{"batches", c_int(p.batches)},
          {"accum_depth", c_int(p.accum_depth)},
          {"output_depth", c_int(p.output_depth)},
          {"input_offset", c_int(p.input_offset)},
          {"filter_offset", c_int(p.filter_offset)},
          {"output_offset", c_int(p.output_offset)},
          {"act_min", c_int(p.act_min)},
          {"act_max", c_int(p.act_max)},
          {"per_channel", c_int(p.per_channel)}};
}

static_assert(sizeof(tinyops_fully_connected_params_f32) == 5 * 4);
Fields fields_of(const tinyops_fully_connected_params_f32& p) {
  return {{"batches", c_int(p.batches)},
          {"accum_depth", c_int(p.accum_depth)},
          {"output_depth", c_int(p.output_depth)},
          {"act_min", c_float(p.act_min)},
          {"act_max", c_float(p.act_max)}};
}

static_assert(sizeof(tinyops_pool_params) == 8 * sizeof(int32_t));
Fields fields_of(const tinyops_pool_params& p) {
  return {{"stride_h", c_int(p.stride_h)}, {"stride_w", c_int(p.stride_w)},
          {"filter_h", c_int(p.filter_h)}, {"filter_w", c_int(p.filter_w)},
          {"pad_h", c_int(p.pad_h)},       {"pad_w", c_int(p.pad_w)},
          {"act_min", c_int(p.act_min)},   {"act_max", c_int(p.act_max)}};
}

static_assert(sizeof(tinyops_pool_params_f32) == 8 * 4);
Fields fields_of(const tinyops_pool_params_f32& p) {
  return {{"stride_h", c_int(p.stride_h)}, {"stride_w", c_int(p.stride_w)},
          {"filter_h", c_int(p.filter_h)}, {"filter_w", c_int(p.filter_w)},
          {"pad_h", c_int(p.pad_h)},       {"pad_w", c_int(p.pad_w)},
          {"act_min", c_float(p.act_min)}, {"act_max", c_float(p.act_max)}};
}

// Declares `static const <type> opK_<base> = {...};` and returns its name.
template <class T>
std::string declare_struct(EmitContext& e, const std::string& type, const std::string& base,
                           const T& value) {
  const std::string name = e.unique(base);
  e.declare(c_struct(type, name, fields_of(value)));
  return name;
}

std::string declare_dims(EmitContext& e, const std::string& base, const tinyops_dims4& d) {
  return declare_struct(e, "tinyops_dims4", base, d);
}

// The multiplier and shift arrays, then the struct pointing at them.
std::string declare_channel_quant(EmitContext& e, const ChannelQuant& q) {
  const std::string multiplier = e.unique("multiplier");
  const std::string shift = e.unique("shift");
  const std::string quant = e.unique("quant");
  e.declare(c_array("int32_t", multiplier, {q.multiplier.begin(), q.multiplier.end()}));
  e.declare(c_array("int32_t", shift, {q.shift.begin(), q.shift.end()}));
  e.declare(
      c_struct("tinyops_per_channel_quant", quant, {{"multiplier", multiplier}, {"shift", shift}}));
  return quant;
}

// C comments end at "*/"; a tensor name must not end one early.
std::string comment_safe(std::string s) {
  for (size_t at = s.find("*/"); at != std::string::npos; at = s.find("*/", at)) s[at + 1] = '_';
  return s;
}

// Hybrid weights, dequantised at prepare time, as a float array named after the int8 tensor.
std::string declare_dequantized(EmitContext& e, const std::string& source_name,
                                const std::string& shape, const std::vector<float>& weights) {
  const std::string name = e.unique("weights");
  e.declare("/* '" + comment_safe(source_name) + "' " + shape +
            ", int8 dequantised to float at compile time */\n" + c_float_array(name, weights));
  return name;
}

// The weights a float kernel reads: the dequantised array when there is one.
std::string float_weights(EmitContext& e, const std::vector<float>& dequantized,
                          const std::string& source_name, const std::string& shape,
                          int32_t filter_index) {
  return dequantized.empty() ? e.tensor(filter_index)
                             : declare_dequantized(e, source_name, shape, dequantized);
}

std::string optional_tensor(EmitContext& e, int32_t index) {
  return index == kNoTensor ? std::string("NULL") : e.tensor(index);
}

std::string call(const std::string& function, const std::vector<std::string>& args) {
  std::string s = function + "(";
  for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i];
  return s + ");";
}

// ---- DSP kernels (cores with the Arm DSP extension; runtime/dsp_kernels.h) -----------------
//
// When the target has the DSP extension, the int8 emitters below print a call to a *_dsp
// kernel instead of the reference one, with the filter re-laid out here (the original is
// then not emitted) and the kernel's work buffer from EmitContext::scratch. A layer the DSP
// kernels do not take (tinyops_*_dsp_supported) keeps the reference call. The host
// interpreter always runs the reference kernels; the results are the same, bit for bit.

// The data of a constant tensor, or an empty span (a filter or bias computed at run time
// cannot be re-laid out or bounded at compile time).
template <class T>
std::span<const T> constant_data(const Tensor* t) {
  return t != nullptr && t->is_constant() ? t->constant_as<T>() : std::span<const T>();
}

// A filter the DSP kernels read, re-laid out at compile time, as a static const array
// aligned to 4 bytes (the kernels load it with LDRD, which faults on unaligned addresses).
// Returns the C expression for its first byte.
std::string declare_dsp_filter(EmitContext& e, const std::vector<int8_t>& values,
                               const std::string& what) {
  const std::string name = e.unique("filter_dsp");
  std::string array = c_array("int8_t", "values", std::vector<int64_t>(values.begin(), values.end()));
  // "static const int8_t values[N] = {...};" -> a union member, initialised through the union.
  const size_t brace = array.find(" = {");
  const std::string member = array.substr(std::string("static const ").size(),
                                          brace - std::string("static const ").size());
  const std::string init = array.substr(brace + 3, array.size() - brace - 4);
  e.declare("/* " + comment_safe(what) + " */\nstatic const union {\n  " + member +
            ";\n  int32_t align4;\n} " + name + " = {" + init + "};");
  return name + ".values";
}

// Records why a layer stays on the reference kernel; returns false for the caller to do so.
bool keep_reference(EmitContext& e, const std::string& why) {
  e.keeps_reference(why);
  return false;
}

// Why the DSP kernels cannot take a layer's constants.
std::string missing_constants(std::span<const int8_t> filter, int32_t b_idx, const int32_t* bias) {
  if (filter.empty()) return "its filter is not a constant tensor";
  if (b_idx != kNoTensor && bias == nullptr) return "its bias is not a constant tensor";
  return "";
}

// A conv layer (or a depthwise one with one input channel, as a conv) on conv_s8_dsp.c.
// Returns false, printing nothing, when the kernel does not take it.
bool emit_conv_dsp(EmitContext& e, const tinyops_conv_params& params, const ChannelQuant& quant,
                   const tinyops_dims4& in, const tinyops_dims4& fd, const tinyops_dims4& out,
                   std::span<const int8_t> filter, const int32_t* bias, int32_t in_idx,
                   int32_t b_idx, int32_t out_idx, const std::string& what) {
  const tinyops_per_channel_quant view = quant.view();
  if (const std::string why = missing_constants(filter, b_idx, bias); !why.empty())
    return keep_reference(e, why);
  if (!tinyops_conv2d_s8_dsp_supported(&params, &view, &fd))
    return keep_reference(e, "an input zero point outside int8 or a negative multiplier");
  const bool small_acc = tinyops_conv2d_s8_dsp_small_acc(&params, &view, &fd, filter.data(), bias);
  std::vector<int8_t> relaid(tinyops_conv2d_s8_dsp_filter_size(&fd));
  tinyops_conv2d_s8_dsp_filter(&fd, filter.data(), relaid.data());
  e.use_source("conv_s8_dsp.c");
  const std::string p = declare_struct(e, "tinyops_conv_params", "params", params);
  const std::string q = declare_channel_quant(e, quant);
  const std::string in_dims = declare_dims(e, "in_dims", in);
  const std::string filter_dims = declare_dims(e, "filter_dims", fd);
  const std::string out_dims = declare_dims(e, "out_dims", out);
  const std::string w = declare_dsp_filter(
      e, relaid,
      what + " for conv_s8_dsp.c: output channels in pairs, 2 taps x 2 channels per word, "
             "filter rows padded to 4 taps");
  const std::string scratch =
      e.scratch(static_cast<int64_t>(tinyops_conv2d_s8_dsp_scratch_size(&fd)));
  e.statement(call("tinyops_conv2d_s8_dsp",
                   {"&" + p, "&" + q, "&" + in_dims, e.tensor(in_idx), "&" + filter_dims, w,
                    optional_tensor(e, b_idx), "&" + out_dims, e.tensor(out_idx), scratch,
                    small_acc ? "0" : "1 /* exact requantisation: accumulator bound not proven */"}));
  return true;
}

// A depthwise layer on the DSP kernels: one input channel as a conv, depth multiplier 1 on
// depthwise_conv_s8_dsp_row3.c (3-tap rows, stride and dilation 1 along the width) or
// depthwise_conv_s8_dsp.c. Returns false when none takes it.
bool emit_depthwise_dsp(EmitContext& e, const tinyops_depthwise_conv_params& params,
                        const ChannelQuant& quant, const tinyops_dims4& in,
                        const tinyops_dims4& fd, const tinyops_dims4& out,
                        std::span<const int8_t> filter, const int32_t* bias, int32_t in_idx,
                        int32_t f_idx, int32_t b_idx, int32_t out_idx, const std::string& what) {
  if (const std::string why = missing_constants(filter, b_idx, bias); !why.empty())
    return keep_reference(e, why);
  if (in.c == 1) {
    // Output channel j reads the one input channel through filter[0, :, :, j]: a conv with
    // filter[j, :, :, 0].
    const tinyops_conv_params conv = {params.stride_h,      params.stride_w,     params.dilation_h,
                                      params.dilation_w,    params.pad_h,        params.pad_w,
                                      params.input_offset,  params.output_offset, params.act_min,
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
    w = declare_dsp_filter(
        e, relaid, what + " for depthwise_conv_s8_dsp.c: [channel group of 4][fy][fx][4]");
    scratch_bytes = static_cast<int64_t>(
        tinyops_depthwise_conv2d_s8_dsp_scratch_size(&params, &in, &fd, &out));
  }
  const std::string p = declare_struct(e, "tinyops_depthwise_conv_params", "params", params);
  const std::string q = declare_channel_quant(e, quant);
  const std::string in_dims = declare_dims(e, "in_dims", in);
  const std::string filter_dims = declare_dims(e, "filter_dims", fd);
  const std::string out_dims = declare_dims(e, "out_dims", out);
  const std::string scratch = e.scratch(scratch_bytes);
  e.statement(call(function, {"&" + p, "&" + q, "&" + in_dims, e.tensor(in_idx), "&" + filter_dims,
                              w, optional_tensor(e, b_idx), "&" + out_dims, e.tensor(out_idx),
                              scratch}));
  return true;
}

// A fully connected layer on fully_connected_s8_dsp.c; false when the kernel does not take it.
bool emit_fully_connected_dsp(EmitContext& e, const tinyops_fully_connected_params& params,
                              const ChannelQuant& quant, std::span<const int8_t> filter,
                              const int32_t* bias, int32_t in_idx, int32_t b_idx,
                              int32_t out_idx, const std::string& what) {
  const tinyops_per_channel_quant view = quant.view();
  if (const std::string why = missing_constants(filter, b_idx, bias); !why.empty())
    return keep_reference(e, why);
  if (!tinyops_fully_connected_s8_dsp_supported(&params, &view, filter.data(), bias)) {
    return keep_reference(
        e, params.filter_offset != 0
               ? "asymmetric weights (filter zero point " + std::to_string(-params.filter_offset) +
                     "; the DSP kernel takes symmetric ones)"
               : "the one-multiply requantisation's accumulator bound is not proven for every "
                 "row (the FC DSP kernel has no exact variant yet)");
  }
  std::vector<int8_t> relaid(tinyops_fully_connected_s8_dsp_filter_size(&params));
  tinyops_fully_connected_s8_dsp_filter(&params, filter.data(), relaid.data());
  e.use_source("fully_connected_s8_dsp.c");
  const std::string p = declare_struct(e, "tinyops_fully_connected_params", "params", params);
  const std::string q = declare_channel_quant(e, quant);
  const std::string w = declare_dsp_filter(
      e, relaid,
      what + " for fully_connected_s8_dsp.c: rows in fours, [4 columns][row][4 values]");
  const std::string scratch =
      e.scratch(static_cast<int64_t>(tinyops_fully_connected_s8_dsp_scratch_size(&params)));
  e.statement(call("tinyops_fully_connected_s8_dsp",
                   {"&" + p, "&" + q, e.tensor(in_idx), w, optional_tensor(e, b_idx),
                    e.tensor(out_idx), scratch}));
  return true;
}

// ---- CONV_2D -------------------------------------------------------------------------------

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
  const int32_t pad_h = window_padding(ctx, opts.padding, in.h, fd.h, opts.stride_h,
                                       opts.dilation_h, out.h, "height");
  const int32_t pad_w =
      window_padding(ctx, opts.padding, in.w, fd.w, opts.stride_w, opts.dilation_w, out.w, "width");
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
      if (e.dsp_kernels() &&
          emit_conv_dsp(e, s->params, s->quant, s->in, s->fd, s->out, filter_data,
                        bias_data.empty() ? nullptr : bias_data.data(), in_idx, b_idx, out_idx,
                        what)) {
        return;
      }
      e.use_source("conv_s8.c");
      const std::string params = declare_struct(e, "tinyops_conv_params", "params", s->params);
      const std::string quant = declare_channel_quant(e, s->quant);
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string filter_dims = declare_dims(e, "filter_dims", s->fd);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      e.statement(
          call("tinyops_conv2d_s8",
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
      const std::string params = declare_struct(e, "tinyops_conv_params_f32", "params", s->params);
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string filter_dims = declare_dims(e, "filter_dims", s->fd);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      const std::string weights = float_weights(e, s->weights, filter_name, filter_shape, f_idx);
      e.statement(call("tinyops_conv2d_f32",
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

// ---- DEPTHWISE_CONV_2D ---------------------------------------------------------------------

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
  const int32_t pad_h = window_padding(ctx, opts.padding, in.h, fd.h, opts.stride_h,
                                       opts.dilation_h, out.h, "height");
  const int32_t pad_w =
      window_padding(ctx, opts.padding, in.w, fd.w, opts.stride_w, opts.dilation_w, out.w, "width");
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
          declare_struct(e, "tinyops_depthwise_conv_params", "params", s->params);
      const std::string quant = declare_channel_quant(e, s->quant);
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string filter_dims = declare_dims(e, "filter_dims", s->fd);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      e.statement(
          call("tinyops_depthwise_conv2d_s8",
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
          declare_struct(e, "tinyops_depthwise_conv_params_f32", "params", s->params);
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string filter_dims = declare_dims(e, "filter_dims", s->fd);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      const std::string weights = float_weights(e, s->weights, filter_name, filter_shape, f_idx);
      e.statement(call("tinyops_depthwise_conv2d_f32",
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

// ---- FULLY_CONNECTED -----------------------------------------------------------------------

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
      if (e.dsp_kernels() &&
          emit_fully_connected_dsp(e, s->params, s->quant, filter_data,
                                   bias_data.empty() ? nullptr : bias_data.data(), in_idx, b_idx,
                                   out_idx, what)) {
        return;
      }
      e.use_source("fully_connected_s8.c");
      const std::string params =
          declare_struct(e, "tinyops_fully_connected_params", "params", s->params);
      const std::string quant = declare_channel_quant(e, s->quant);
      e.statement(call("tinyops_fully_connected_s8",
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
          declare_struct(e, "tinyops_fully_connected_params_f32", "params", s->params);
      const std::string weights = float_weights(e, s->weights, filter_name, filter_shape, f_idx);
      e.statement(call(
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
      const std::string params = declare_struct(e, "tinyops_pool_params", "params", s->params);
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      e.statement(
          call(kind == PoolKind::Average ? "tinyops_avg_pool2d_s8" : "tinyops_max_pool2d_s8",
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
      const std::string params = declare_struct(e, "tinyops_pool_params_f32", "params", s->params);
      const std::string in_dims = declare_dims(e, "in_dims", s->in);
      const std::string out_dims = declare_dims(e, "out_dims", s->out);
      e.statement(
          call(kind == PoolKind::Average ? "tinyops_avg_pool2d_f32" : "tinyops_max_pool2d_f32",
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

void register_conv_kernels(KernelRegistry& registry) {
  registry.builtin[OpType::Conv2D] = &prepare_conv2d;
  registry.builtin[OpType::DepthwiseConv2D] = &prepare_depthwise_conv2d;
  registry.builtin[OpType::FullyConnected] = &prepare_fully_connected;
  registry.builtin[OpType::AveragePool2D] = &prepare_pool2d<PoolKind::Average>;
  registry.builtin[OpType::MaxPool2D] = &prepare_pool2d<PoolKind::Max>;
}

}  // namespace tinyops::interp
