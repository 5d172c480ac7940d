#include "cortex_m_dsp.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "tinyops/interp/c_params.hpp"
#include "tinyops/runtime/dsp_kernels.h"
#include "tinyops/runtime/lstm_dsp.h"
#include "tinyops/runtime/svdf_dsp.h"

namespace tinyops::compiler::cortex_m_dsp {
namespace {

using namespace tinyops::interp;

// A re-laid-out filter as a static const array aligned to 4 bytes (the kernels load it with
// LDRD, which faults on unaligned addresses). Returns the C expression for its first byte.
std::string declare_dsp_filter(EmitContext& e, const std::vector<int8_t>& values,
                               const std::string& what) {
  const std::string name = e.unique("filter_dsp");
  std::string array =
      c_array("int8_t", "values", std::vector<int64_t>(values.begin(), values.end()));
  // "static const int8_t values[N] = {...};" -> a union member, initialised through the union.
  const size_t brace = array.find(" = {");
  const std::string member = array.substr(std::string("static const ").size(),
                                          brace - std::string("static const ").size());
  const std::string init = array.substr(brace + 3, array.size() - brace - 4);
  e.declare("/* " + comment_safe(what) + " */\nstatic const union {\n  " + member +
            ";\n  int32_t align4;\n} " + name + " = {" + init + "};");
  return name + ".values";
}

// Each channel's bias and requantisation unpacked at compile time (tinyops_dsp_channel_of),
// a table in flash instead of one the kernel fills in its scratch at every call.
std::string declare_dsp_channels(EmitContext& e, std::span<const int32_t> bias,
                                 const std::vector<int32_t>& multiplier,
                                 const std::vector<int32_t>& shift) {
  const std::string name = e.unique("channels");
  std::string text = "static const tinyops_dsp_channel " + name + "[" +
                     std::to_string(multiplier.size()) + "] = {";
  for (size_t c = 0; c < multiplier.size(); ++c) {
    const tinyops_dsp_channel ch =
        tinyops_dsp_channel_of(bias.empty() ? 0 : bias[c], multiplier[c], shift[c]);
    text += std::string(c ? ",\n  " : "\n  ") + "{" + c_int(ch.bias) + ", " +
            c_int(ch.multiplier) + ", " + c_int(ch.left_shift) + ", " + c_int(ch.half) + ", " +
            c_int(ch.negative) + ", " + c_int(ch.right) + "}";
  }
  e.declare(text + "};");
  return name;
}

// Records why a layer stays on the reference kernel; returns false for the caller to do so.
bool keep_reference(EmitContext& e, const std::string& why) {
  e.keeps_reference(why);
  return false;
}

// Why the kernels cannot take a layer's constants ("" when they can): a filter or bias
// computed at run time cannot be re-laid out or bounded at compile time.
std::string missing_constants(std::span<const int8_t> filter, int32_t bias_index,
                              std::span<const int32_t> bias) {
  if (filter.empty()) return "its filter is not a constant tensor";
  if (bias_index >= 0 && bias.empty()) return "its bias is not a constant tensor";
  return "";
}

const int32_t* bias_or_null(std::span<const int32_t> bias) {
  return bias.empty() ? nullptr : bias.data();
}

tinyops_per_channel_quant view_of(const std::vector<int32_t>& multiplier,
                                  const std::vector<int32_t>& shift) {
  return {multiplier.data(), shift.data()};
}

const char* exact_argument(bool small_acc) {
  return small_acc ? "0" : "1 /* exact requantisation: accumulator bound not proven */";
}

}  // namespace

bool lower(EmitContext& e, const Int8ConvLayer& l) {
  const tinyops_per_channel_quant view = view_of(l.multiplier, l.shift);
  if (const std::string why = missing_constants(l.filter_data, l.bias, l.bias_data); !why.empty())
    return keep_reference(e, why);
  if (!tinyops_conv2d_s8_dsp_supported(&l.params, &view, &l.filter))
    return keep_reference(e, "an input zero point outside int8 or a negative multiplier");
  const int32_t* bias = bias_or_null(l.bias_data);
  const bool small_acc =
      tinyops_conv2d_s8_dsp_small_acc(&l.params, &view, &l.filter, l.filter_data.data(), bias);
  std::vector<int8_t> relaid(tinyops_conv2d_s8_dsp_filter_size(&l.filter));
  tinyops_conv2d_s8_dsp_filter(&l.filter, l.filter_data.data(), relaid.data());
  e.use_source("conv_s8_dsp.c");
  const std::string p = declare_struct(e, "tinyops_conv_params", "params", fields_of(l.params));
  const std::string q = declare_channel_quant(e, l.multiplier, l.shift);
  const std::string in_dims = declare_dims(e, "in_dims", l.in);
  const std::string filter_dims = declare_dims(e, "filter_dims", l.filter);
  const std::string out_dims = declare_dims(e, "out_dims", l.out);
  const std::string w = declare_dsp_filter(
      e, relaid,
      l.what +
          " for conv_s8_dsp.c: output channels in pairs, 2 taps x 2 channels per word, "
          "filter rows padded to 4 taps");
  const std::string scratch =
      e.scratch(static_cast<int64_t>(tinyops_conv2d_s8_dsp_scratch_size(&l.filter)));
  if (tinyops_conv2d_s8_dsp_in_place(&l.params, &l.in, &l.filter, &l.out)) e.allows_in_place();
  e.statement(c_call("tinyops_conv2d_s8_dsp",
                     {"&" + p, "&" + q, "&" + in_dims, e.tensor(l.input), "&" + filter_dims, w,
                      optional_tensor(e, l.bias), "&" + out_dims, e.tensor(l.output), scratch,
                      exact_argument(small_acc)}));
  return true;
}

// One input channel: a conv (output channel j reads it through filter[0, :, :, j], a conv
// filter[j, :, :, 0]). Depth multiplier 1: depthwise_conv_s8_dsp_row3.c for 3-tap rows
// with stride and dilation 1 along the width, else depthwise_conv_s8_dsp.c.
bool lower(EmitContext& e, const Int8DepthwiseConvLayer& l) {
  const tinyops_dims4& fd = l.filter;
  if (const std::string why = missing_constants(l.filter_data, l.bias, l.bias_data); !why.empty())
    return keep_reference(e, why);
  const tinyops_depthwise_conv_params& params = l.params;
  if (l.in.c == 1) {
    std::vector<int8_t> ohwi(l.filter_data.size());
    for (int32_t j = 0; j < fd.c; ++j)
      for (int32_t t = 0; t < fd.h * fd.w; ++t)
        ohwi[static_cast<size_t>(j * fd.h * fd.w + t)] =
            l.filter_data[static_cast<size_t>(t * fd.c + j)];
    Int8ConvLayer conv{
        {params.stride_h, params.stride_w, params.dilation_h, params.dilation_w, params.pad_h,
         params.pad_w, params.input_offset, params.output_offset, params.act_min, params.act_max},
        l.multiplier,
        l.shift,
        l.in,
        {fd.c, fd.h, fd.w, 1},
        l.out,
        ohwi,
        l.bias_data,
        l.input,
        -1,
        l.bias,
        l.output,
        l.what + " as a conv filter [" + std::to_string(fd.c) + ", " + std::to_string(fd.h) + ", " +
            std::to_string(fd.w) + ", 1]"};
    return lower(e, conv);
  }
  const tinyops_per_channel_quant view = view_of(l.multiplier, l.shift);
  if (!tinyops_depthwise_conv2d_s8_dsp_supported(&params, &view, &fd, l.filter_data.data(),
                                                 bias_or_null(l.bias_data))) {
    return keep_reference(
        e, params.depth_multiplier != 1
               ? "depth multiplier " + std::to_string(params.depth_multiplier) +
                     " (the DSP depthwise kernels take 1)"
               : "the one-multiply requantisation's accumulator bound is not proven for every "
                 "channel (the depthwise DSP kernels have no exact variant yet)");
  }
  const bool row3 = fd.w == 3 && params.stride_w == 1 && params.dilation_w == 1;
  // The kernels' band of expanded rows grows with the channels (several times the bytes of
  // an input row): where it would raise the arena, they go over the channels in passes.
  const auto budget = static_cast<size_t>(std::max<int64_t>(0, e.scratch_budget()));
  std::string w, function;
  int64_t scratch_bytes;
  int32_t pass;
  if (row3) {
    e.use_source("depthwise_conv_s8_dsp_row3.c");
    function = "tinyops_depthwise_conv2d_s8_dsp_row3";
    std::vector<int32_t> words(tinyops_depthwise_conv2d_s8_dsp_row3_weights_size(&fd) / 4);
    tinyops_depthwise_conv2d_s8_dsp_row3_weights(&fd, l.filter_data.data(), words.data());
    w = e.unique("weights_dsp");
    e.declare("/* " + comment_safe(l.what) +
              " for depthwise_conv_s8_dsp_row3.c: per channel and filter row (w0, w1), (w2, w1) "
              "*/\n" +
              c_array("int32_t", w, std::vector<int64_t>(words.begin(), words.end())));
    pass = tinyops_depthwise_conv2d_s8_dsp_row3_pass_channels(&l.in, &fd, &l.out, budget);
    scratch_bytes = static_cast<int64_t>(
        tinyops_depthwise_conv2d_s8_dsp_row3_scratch_size(&l.in, &fd, &l.out, pass));
    if (tinyops_depthwise_conv2d_s8_dsp_row3_in_place(&params, &l.in, &fd, &l.out))
      e.allows_in_place();
  } else {
    std::vector<int8_t> relaid(tinyops_depthwise_conv2d_s8_dsp_filter_size(&fd));
    tinyops_depthwise_conv2d_s8_dsp_filter(&fd, l.filter_data.data(), relaid.data());
    e.use_source("depthwise_conv_s8_dsp.c");
    function = "tinyops_depthwise_conv2d_s8_dsp";
    w = declare_dsp_filter(
        e, relaid, l.what + " for depthwise_conv_s8_dsp.c: [channel group of 4][fy][fx][4]");
    pass = tinyops_depthwise_conv2d_s8_dsp_pass_channels(&params, &l.in, &fd, &l.out, budget);
    scratch_bytes = static_cast<int64_t>(
        tinyops_depthwise_conv2d_s8_dsp_scratch_size(&params, &l.in, &fd, &l.out, pass));
    if (tinyops_depthwise_conv2d_s8_dsp_in_place(&params, &l.in, &fd, &l.out))
      e.allows_in_place();
  }
  const std::string p =
      declare_struct(e, "tinyops_depthwise_conv_params", "params", fields_of(params));
  const std::string in_dims = declare_dims(e, "in_dims", l.in);
  const std::string filter_dims = declare_dims(e, "filter_dims", fd);
  const std::string out_dims = declare_dims(e, "out_dims", l.out);
  const std::string scratch = e.scratch(scratch_bytes);
  const std::string passes =
      pass >= l.in.c ? "0 /* channels in one pass */"
                     : std::to_string(pass) + " /* channels per pass: the scratch within the " +
                           std::to_string(budget) + " bytes the other layers leave free */";
  if (row3) {
    const std::string channels = declare_dsp_channels(e, l.bias_data, l.multiplier, l.shift);
    e.statement(c_call(function, {"&" + p, "&" + in_dims, e.tensor(l.input), "&" + filter_dims, w,
                                  channels, "&" + out_dims, e.tensor(l.output), scratch, passes}));
  } else {
    const std::string q = declare_channel_quant(e, l.multiplier, l.shift);
    e.statement(c_call(function,
                       {"&" + p, "&" + q, "&" + in_dims, e.tensor(l.input), "&" + filter_dims, w,
                        optional_tensor(e, l.bias), "&" + out_dims, e.tensor(l.output), scratch,
                        passes}));
  }
  return true;
}

bool lower(EmitContext& e, const Int8FullyConnectedLayer& l) {
  const tinyops_per_channel_quant view = view_of(l.multiplier, l.shift);
  if (const std::string why = missing_constants(l.filter_data, l.bias, l.bias_data); !why.empty())
    return keep_reference(e, why);
  if (!tinyops_fully_connected_s8_dsp_supported(&l.params, &view)) {
    return keep_reference(
        e, l.params.filter_offset != 0
               ? "asymmetric weights (filter zero point " +
                     std::to_string(-l.params.filter_offset) +
                     "; the DSP kernel takes symmetric ones)"
               : std::string("an input zero point outside int8 or a negative multiplier"));
  }
  const bool small_acc = tinyops_fully_connected_s8_dsp_small_acc(
      &l.params, &view, l.filter_data.data(), bias_or_null(l.bias_data));
  std::vector<int8_t> relaid(tinyops_fully_connected_s8_dsp_filter_size(&l.params));
  tinyops_fully_connected_s8_dsp_filter(&l.params, l.filter_data.data(), relaid.data());
  e.use_source("fully_connected_s8_dsp.c");
  const std::string p =
      declare_struct(e, "tinyops_fully_connected_params", "params", fields_of(l.params));
  const std::string q = declare_channel_quant(e, l.multiplier, l.shift);
  const std::string w = declare_dsp_filter(
      e, relaid,
      l.what + " for fully_connected_s8_dsp.c: rows in fours, [4 columns][row][4 values]");
  const std::string scratch =
      e.scratch(static_cast<int64_t>(tinyops_fully_connected_s8_dsp_scratch_size(&l.params)));
  e.statement(c_call("tinyops_fully_connected_s8_dsp",
                     {"&" + p, "&" + q, e.tensor(l.input), w, optional_tensor(e, l.bias),
                      e.tensor(l.output), scratch, exact_argument(small_acc)}));
  return true;
}

// weights_feature re-laid out in the FC DSP layout; the feature and output requantisations
// each take the exact form where the weights' bounds do not prove the one-multiply one.
bool lower(EmitContext& e, const Int8SvdfLayer& l) {
  const tinyops_svdf_params& p = l.params;
  if (l.weights_feature_data.empty())
    return keep_reference(e, "weights_feature is not a constant tensor");
  if (l.state16 ? l.weights_time16_data.empty() : l.weights_time8_data.empty())
    return keep_reference(e, "weights_time is not a constant tensor");
  if (l.bias >= 0 && l.bias_data.empty())
    return keep_reference(e, "its bias is not a constant tensor");
  if (!tinyops_svdf_s8_dsp_supported(&p))
    return keep_reference(e, "an input or state zero point outside int8");
  const int32_t* b = bias_or_null(l.bias_data);
  const int32_t exact = l.state16
                            ? tinyops_svdf_s8_dsp_exact(&p, l.weights_feature_data.data(),
                                                        l.weights_time16_data.data(), b)
                            : tinyops_svdf_s8_state8_dsp_exact(&p, l.weights_feature_data.data(),
                                                               l.weights_time8_data.data(), b);
  std::vector<int8_t> relaid(tinyops_svdf_s8_dsp_feature_size(&p));
  tinyops_svdf_s8_dsp_feature(&p, l.weights_feature_data.data(), relaid.data());
  e.use_source("svdf_s8_dsp.c");
  const std::string params = declare_struct(e, "tinyops_svdf_params", "params", fields_of(p));
  const std::string w = declare_dsp_filter(
      e, relaid, l.what + " for svdf_s8_dsp.c: filters in fours, [4 columns][filter][4 values]");
  const std::string work = e.scratch(static_cast<int64_t>(tinyops_svdf_s8_dsp_scratch_size(&p)));
  std::string exact_arg = "0";
  if (exact != 0) {
    exact_arg =
        std::string((exact & TINYOPS_SVDF_EXACT_FEATURE) ? "TINYOPS_SVDF_EXACT_FEATURE" : "") +
        ((exact & TINYOPS_SVDF_EXACT_FEATURE) && (exact & TINYOPS_SVDF_EXACT_OUTPUT) ? " | " : "") +
        ((exact & TINYOPS_SVDF_EXACT_OUTPUT) ? "TINYOPS_SVDF_EXACT_OUTPUT" : "") +
        " /* exact requantisation: accumulator bound not proven */";
  }
  e.statement(
      c_call(l.state16 ? "tinyops_svdf_s8_dsp" : "tinyops_svdf_s8_state8_dsp",
             {"&" + params, e.tensor(l.input), w, e.tensor(l.weights_time),
              optional_tensor(e, l.bias), e.tensor(l.state), work, e.tensor(l.output), exact_arg}));
  return true;
}

// The eight gate matrices re-laid out into one FC-layout array; the gate products take the
// exact (checked) requantisation where the weights' bounds do not prove the one-multiply one;
// the int16 gate arithmetic is lstm_s8.c's.
bool lower(EmitContext& e, const Int8LstmLayer& l) {
  tinyops_lstm_s8_weights w{};
  for (int g = 0; g < 4; ++g) {
    if (l.input_weights_data[g].empty() || l.recurrent_weights_data[g].empty())
      return keep_reference(e, "its gate weights are not constant tensors");
    if (l.bias[g] >= 0 && l.bias_data[g].empty())
      return keep_reference(e, "its gate biases are not constant tensors");
    w.input_weights[g] = l.input_weights_data[g].data();
    w.recurrent_weights[g] = l.recurrent_weights_data[g].data();
    w.bias[g] = bias_or_null(l.bias_data[g]);
  }
  const bool small_acc = tinyops_lstm_s8_dsp_small_acc(&l.params, &w) != 0;
  std::vector<int8_t> relaid(tinyops_lstm_s8_dsp_weights_size(&l.params));
  tinyops_lstm_s8_dsp_weights(&l.params, &w, relaid.data());
  e.use_source("lstm_s8.c");  // the shared int16 gate arithmetic (lstm_step.h)
  e.use_source("lstm_s8_dsp.c");
  const std::string p = declare_struct(e, "tinyops_lstm_params", "params", fields_of(l.params));
  const std::string weights = declare_dsp_filter(
      e, relaid,
      l.what +
          " for lstm_s8_dsp.c: per gate (forget, input, cell, output) the input and the "
          "recurrent matrix, rows in fours, [4 columns][row][4 values]");
  const std::string work =
      e.scratch(static_cast<int64_t>(tinyops_lstm_s8_dsp_scratch_size(&l.params)));
  std::string biases;
  for (int g = 0; g < 4; ++g) biases += (g ? ", " : "") + optional_tensor(e, l.bias[g]);
  // The bias pointers go in a local struct: C99 allows non-constant initialisers there.
  e.statement("{ const tinyops_lstm_s8_dsp_weights_t weights = {" + weights + ", {" + biases +
              "}}; " +
              c_call("tinyops_lstm_s8_dsp", {"&" + p, "&weights", e.tensor(l.input),
                                             e.tensor(l.hidden_state), e.tensor(l.cell_state), work,
                                             e.tensor(l.output), exact_argument(small_acc)}) +
              " }");
  return true;
}

}  // namespace tinyops::compiler::cortex_m_dsp
