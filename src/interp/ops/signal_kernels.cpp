// TFLite Micro Signal-library custom ops (the micro_speech audio preprocessor): prepare
// functions that check shapes, types and decoded custom options once, then bind the C99
// kernels of tinyops/runtime/signal.h.
//
// State that TFLM keeps in persistent buffers (the spectral-subtraction noise estimate, the
// FFT tables) lives in a heap buffer captured by the invoke lambda, so it survives across
// invoke() calls of one Interpreter; the noise estimate registers a reset hook.
//
// Each op also registers a C emitter (c_emit.hpp) built from the values its invoke step
// captures: parameters and FFT tables become `static const` initialisers, the noise estimate
// a zero-initialised `static` array, and the call is the same kernel call.
#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tinyops/interp/op_kernel.hpp"
#include "tinyops/runtime/signal.h"

namespace tinyops::interp {
namespace {

// ---- Checks shared by the ops ----

int64_t int_attribute(const OpContext& ctx, const std::string& name, int64_t lo, int64_t hi) {
  const auto& attrs = ctx.op().attributes;
  const auto it = attrs.find(name);
  ctx.require(it != attrs.end(), "custom option '" + name +
                                     "' is missing (re-export the model with the TFLM "
                                     "Signal library's Python ops)");
  int64_t value = 0;
  if (const auto* i = std::get_if<int64_t>(&it->second)) {
    value = *i;
  } else if (const auto* b = std::get_if<bool>(&it->second)) {
    value = *b ? 1 : 0;
  } else {
    ctx.fail("custom option '" + name + "' must be an integer");
  }
  ctx.require(value >= lo && value <= hi, "custom option '" + name + "' is " +
                                              std::to_string(value) + ", outside [" +
                                              std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return value;
}

bool bool_attribute(const OpContext& ctx, const std::string& name) {
  return int_attribute(ctx, name, 0, 1) != 0;
}

void require_counts(const OpContext& ctx, size_t inputs, size_t outputs) {
  ctx.require(ctx.input_count() == inputs, "expects " + std::to_string(inputs) + " inputs, has " +
                                               std::to_string(ctx.input_count()));
  ctx.require(ctx.op().outputs.size() == outputs, "expects " + std::to_string(outputs) +
                                                      " outputs, has " +
                                                      std::to_string(ctx.op().outputs.size()));
}

void require_type(const OpContext& ctx, const Tensor& t, DataType type, const std::string& what) {
  ctx.require(t.type == type, what + " '" + t.name + "' must be " + std::string(to_string(type)) +
                                  ", not " + std::string(to_string(t.type)));
}

int32_t element_count(const OpContext& ctx, const Tensor& t) {
  const int64_t n = t.element_count();
  ctx.require(n >= 0 && n <= std::numeric_limits<int32_t>::max(),
              "tensor '" + t.name + "' has an unusable element count");
  return static_cast<int32_t>(n);
}

// ---- C printing shared by the emitters ----

// "static const tinyops_complex_s16 name[n] = {{r, i}, ...};"
std::string c_complex_array(const std::string& name, std::span<const tinyops_complex_s16> values) {
  std::string s = "static const tinyops_complex_s16 " + name + "[" +
                  std::to_string(std::max<size_t>(values.size(), 1)) + "] = {";
  if (values.empty()) s += "{0, 0}";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += (i % 8 == 0) ? ",\n    " : ", ";
    s += "{" + c_int(values[i].r) + ", " + c_int(values[i].i) + "}";
  }
  return s + "};";
}

// "{4, 64, 4, 16}" for an int array field of a struct initialiser; trailing zeros are left
// to C's zero-initialisation of the remaining elements.
std::string c_brace_list(std::span<const int32_t> values) {
  size_t n = values.size();
  while (n > 1 && values[n - 1] == 0) --n;
  std::string s = "{";
  for (size_t i = 0; i < n; ++i) s += (i ? ", " : "") + c_int(values[i]);
  return s + "}";
}

// "4294967295u": a uint32 literal of type unsigned int.
std::string c_uint(uint32_t value) {
  return std::to_string(value) + "u";
}

// A scalar tensor's value: "*(expr)".
std::string c_deref(const std::string& pointer) {
  return "*(" + pointer + ")";
}

// ---- Ops ----

// SignalWindow: inputs (int16 frames, int16 weights); option shift.
InvokeFn prepare_window(const OpContext& ctx) {
  require_counts(ctx, 2, 1);
  const Tensor& in = ctx.input(0);
  const Tensor& weights = ctx.input(1);
  const Tensor& out = ctx.output(0);
  require_type(ctx, in, DataType::Int16, "input");
  require_type(ctx, weights, DataType::Int16, "window");
  require_type(ctx, out, DataType::Int16, "output");
  ctx.require(weights.shape.size() == 1, "the window must be 1-D");
  const int32_t n = element_count(ctx, in);
  const int32_t w = element_count(ctx, weights);
  ctx.require(w > 0 && n % w == 0, "input of " + std::to_string(n) +
                                       " samples is not a whole number of " + std::to_string(w) +
                                       "-sample frames");
  ctx.require(element_count(ctx, out) == n, "output size differs from the input's");
  tinyops_signal_window_params params{w, static_cast<int32_t>(int_attribute(ctx, "shift", 0, 31))};
  const int32_t frames = n / w;
  const int32_t i_in = ctx.input_index(0), i_w = ctx.input_index(1), i_out = ctx.output_index(0);
  ctx.on_emit([=](EmitContext& e) {
    e.use_source(e.dsp_extension() ? "signal_window_dsp.c" : "signal_window.c");
    const std::string p = e.unique("params");
    e.declare(
        c_struct("tinyops_signal_window_params", p,
                 {{"window_size", c_int(params.window_size)}, {"shift", c_int(params.shift)}}));
    e.statement(c_call(e.dsp_extension() ? "tinyops_signal_window_s16_dsp" : "tinyops_signal_window_s16",
                       {"&" + p, c_int(frames), e.tensor(i_in), e.tensor(i_w), e.tensor(i_out)}));
  });
  return [=](const Tensors& t) {
    tinyops_signal_window_s16(&params, frames, t.data<int16_t>(i_in), t.data<int16_t>(i_w),
                              t.data<int16_t>(i_out));
  };
}

// SignalFftAutoScale: int16 frame in; outputs (scaled frame, int32 scalar shift).
InvokeFn prepare_fft_auto_scale(const OpContext& ctx) {
  require_counts(ctx, 1, 2);
  const Tensor& in = ctx.input(0);
  require_type(ctx, in, DataType::Int16, "input");
  require_type(ctx, ctx.output(0), DataType::Int16, "output");
  require_type(ctx, ctx.output(1), DataType::Int32, "scale output");
  const int32_t n = element_count(ctx, in);
  ctx.require(element_count(ctx, ctx.output(0)) == n, "output size differs from the input's");
  ctx.require(element_count(ctx, ctx.output(1)) == 1, "the scale output must be a scalar");
  const int32_t i_in = ctx.input_index(0), i_out = ctx.output_index(0),
                i_scale = ctx.output_index(1);
  ctx.on_emit([=](EmitContext& e) {
    e.use_source("signal_fft_auto_scale.c");
    const std::string call =
        c_call("tinyops_signal_fft_auto_scale_s16", {e.tensor(i_in), c_int(n), e.tensor(i_out)});
    e.statement(c_deref(e.tensor(i_scale)) + " = " + call);
  });
  return [=](const Tensors& t) {
    *t.data<int32_t>(i_scale) =
        tinyops_signal_fft_auto_scale_s16(t.data<int16_t>(i_in), n, t.data<int16_t>(i_out));
  };
}

// The FFT plan points into its own table buffer, so both live in one heap object.
struct RfftState {
  std::vector<tinyops_complex_s16> tables;
  tinyops_signal_rfft_s16_plan plan{};
  std::vector<int16_t> padded;  // one frame, zero-padded to fft_length
};

// SignalRfft (int16): frames of input_length samples -> fft_length / 2 + 1 complex bins,
// stored as interleaved int16 (real, imaginary). Options T (tensor type) and fft_length.
InvokeFn prepare_rfft(const OpContext& ctx) {
  require_counts(ctx, 1, 1);
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  constexpr int64_t kTfliteInt16 = 7;  // TensorType INT16 of the TFLite schema
  const int64_t type = int_attribute(ctx, "T", 0, 255);
  if (type != kTfliteInt16 || in.type != DataType::Int16) {
    ctx.unsupported("only the int16 RFFT is implemented (input is " +
                    std::string(to_string(in.type)) + ", T = " + std::to_string(type) + ")");
  }
  require_type(ctx, out, DataType::Int16, "output");
  const auto fft_length = static_cast<int32_t>(int_attribute(ctx, "fft_length", 1, 1 << 16));
  if (tinyops_signal_rfft_s16_buffer_len(fft_length) == 0)
    ctx.unsupported("fft_length " + std::to_string(fft_length) +
                    " is not supported (powers of two from 4 to 65536 are)");
  ctx.require(!in.shape.empty() && !out.shape.empty() && in.shape.size() == out.shape.size(),
              "input and output must have the same rank");
  const int32_t input_length = in.shape.back();
  const int32_t bins = fft_length / 2 + 1;
  ctx.require(input_length > 0 && input_length <= fft_length,
              "frames of " + std::to_string(input_length) + " samples do not fit fft_length " +
                  std::to_string(fft_length));
  ctx.require(out.shape.back() == 2 * bins, "the output's last dimension must be " +
                                                std::to_string(2 * bins) +
                                                " (complex bins as int16 pairs)");
  const int32_t frames = element_count(ctx, in) / input_length;
  ctx.require(element_count(ctx, out) == frames * 2 * bins,
              "input and output hold different numbers of frames");

  auto state = std::make_shared<RfftState>();
  state->tables.resize(tinyops_signal_rfft_s16_buffer_len(fft_length));
  state->padded.assign(static_cast<size_t>(fft_length), 0);
  ctx.require(tinyops_signal_rfft_s16_init(&state->plan, fft_length, state->tables.data(),
                                           state->tables.size()) == 0,
              "could not build the FFT tables");
  const int32_t i_in = ctx.input_index(0), i_out = ctx.output_index(0);
  ctx.on_emit([=](EmitContext& e) {
    // the plan and its tables come from the reference file on every target
    e.use_source("signal_rfft_s16.c");
    if (e.dsp_extension()) e.use_source("signal_rfft_s16_dsp.c");
    const tinyops_signal_rfft_s16_plan& plan = state->plan;
    const auto half = static_cast<size_t>(plan.half_length);
    const std::span<const tinyops_complex_s16> tables(state->tables);
    const std::string twiddles = e.unique("twiddles"), super = e.unique("super_twiddles"),
                      p = e.unique("plan");
    // The tables computed here, printed; the FFT's work area and the padded frame share the
    // op's scratch, which the planner places in the arena (the work area first: it needs the
    // 4-byte alignment scratch has, and half * 4 bytes keep the frame aligned too).
    e.declare(c_complex_array(twiddles, tables.subspan(0, half)));
    e.declare(c_complex_array(super, tables.subspan(half, half / 2)));
    const int64_t work_bytes = static_cast<int64_t>(half * sizeof(tinyops_complex_s16));
    const std::string scratch = e.scratch(work_bytes + fft_length * 2);
    const std::string work = "(tinyops_complex_s16*)" + scratch;
    const std::string padded =
        "(int16_t*)((uint8_t*)" + scratch + " + " + std::to_string(work_bytes) + ")";
    e.declare(c_struct("tinyops_signal_rfft_s16_plan", p,
                       {{"fft_length", c_int(plan.fft_length)},
                        {"half_length", c_int(plan.half_length)},
                        {"factors", c_brace_list(plan.factors)},
                        {"twiddles", twiddles},
                        {"super_twiddles", super},
                        {"work", work}}));
    e.statement(c_call(e.dsp_extension() ? "tinyops_signal_rfft_s16_dsp_frames" : "tinyops_signal_rfft_s16_frames",
                       {"&" + p, c_int(frames), c_int(input_length), e.tensor(i_in), padded,
                        "(tinyops_complex_s16*)" + e.tensor(i_out)}));
  });
  return [=](const Tensors& t) {
    tinyops_signal_rfft_s16_frames(&state->plan, frames, input_length, t.data<int16_t>(i_in),
                                   state->padded.data(),
                                   reinterpret_cast<tinyops_complex_s16*>(t.data<int16_t>(i_out)));
  };
}

// SignalEnergy: complex int16 bins (interleaved) -> uint32 energies; options start_index,
// end_index.
InvokeFn prepare_energy(const OpContext& ctx) {
  require_counts(ctx, 1, 1);
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  require_type(ctx, in, DataType::Int16, "input");
  require_type(ctx, out, DataType::UInt32, "output");
  const int32_t bins = element_count(ctx, out);
  ctx.require(element_count(ctx, in) == 2 * bins,
              "input must hold one complex (int16 pair) per output bin");
  tinyops_signal_energy_params params{};
  params.start_index = static_cast<int32_t>(int_attribute(ctx, "start_index", 0, bins));
  params.end_index =
      static_cast<int32_t>(int_attribute(ctx, "end_index", params.start_index, bins));
  const int32_t i_in = ctx.input_index(0), i_out = ctx.output_index(0);
  ctx.on_emit([=](EmitContext& e) {
    e.use_source("signal_energy.c");
    const std::string p = e.unique("params");
    e.declare(c_struct(
        "tinyops_signal_energy_params", p,
        {{"start_index", c_int(params.start_index)}, {"end_index", c_int(params.end_index)}}));
    e.statement(c_call(
        "tinyops_signal_energy_s16",
        {"&" + p, c_int(bins), "(const tinyops_complex_s16*)" + e.tensor(i_in), e.tensor(i_out)}));
  });
  return [=](const Tensors& t) {
    tinyops_signal_energy_s16(&params, bins,
                              reinterpret_cast<const tinyops_complex_s16*>(t.data<int16_t>(i_in)),
                              t.data<uint32_t>(i_out));
  };
}

// SignalFilterBank: inputs (uint32 energies, int16 weights, unweights, channel frequency
// starts, channel weight starts, channel widths); option num_channels; uint64 output.
InvokeFn prepare_filter_bank(const OpContext& ctx) {
  require_counts(ctx, 6, 1);
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  require_type(ctx, in, DataType::UInt32, "input");
  require_type(ctx, out, DataType::UInt64, "output");
  const char* names[] = {"",
                         "weights",
                         "unweights",
                         "channel frequency starts",
                         "channel weight starts",
                         "channel widths"};
  for (size_t i = 1; i < 6; ++i) require_type(ctx, ctx.input(i), DataType::Int16, names[i]);
  const auto channels = static_cast<int32_t>(int_attribute(ctx, "num_channels", 1, 1 << 20));
  ctx.require(element_count(ctx, out) == channels, "output must hold num_channels values");
  // The kernel indexes the spectrum and weights through these tables without checks, so
  // they must be constant and are validated here, once.
  for (size_t i = 3; i < 6; ++i) {
    if (!ctx.input(i).is_constant())
      ctx.unsupported(std::string(names[i]) + " must be a constant tensor");
    ctx.require(element_count(ctx, ctx.input(i)) >= channels + 1,
                std::string(names[i]) + " must hold num_channels + 1 entries");
  }
  const int32_t spectrum = element_count(ctx, in);
  const int32_t n_weights =
      std::min(element_count(ctx, ctx.input(1)), element_count(ctx, ctx.input(2)));
  const auto freq_starts = ctx.input(3).constant_as<int16_t>();
  const auto weight_starts = ctx.input(4).constant_as<int16_t>();
  const auto widths = ctx.input(5).constant_as<int16_t>();
  for (int32_t c = 0; c <= channels; ++c) {
    const int32_t f = freq_starts[static_cast<size_t>(c)];
    const int32_t w = weight_starts[static_cast<size_t>(c)];
    const int32_t n = widths[static_cast<size_t>(c)];
    ctx.require(n >= 0 && f >= 0 && w >= 0 && f + n <= spectrum && w + n <= n_weights,
                "channel " + std::to_string(c) + " (start " + std::to_string(f) + ", weight " +
                    std::to_string(w) + ", width " + std::to_string(n) +
                    ") reaches outside the spectrum or the weights");
  }
  std::vector<int32_t> idx;
  for (size_t i = 0; i < 6; ++i) idx.push_back(ctx.input_index(i));
  const int32_t i_out = ctx.output_index(0);
  ctx.on_emit([=](EmitContext& e) {
    e.use_source("signal_filter_bank.c");
    // The parameters point at tensors, which may be arena slices rather than address
    // constants, so the struct is built in a block around the call.
    const std::string p = e.unique("params");
    const std::string init =
        c_struct("tinyops_signal_filter_bank_params", p,
                 {{"num_channels", c_int(channels)},
                  {"weights", e.tensor(idx[1])},
                  {"unweights", e.tensor(idx[2])},
                  {"channel_frequency_starts", e.tensor(idx[3])},
                  {"channel_weight_starts", e.tensor(idx[4])},
                  {"channel_widths", e.tensor(idx[5])}})
            .substr(std::string("static ").size());  // automatic: pointers need not be constant
    e.statement(
        "{\n    " + init + "\n    " +
        c_call("tinyops_signal_filter_bank_u32", {"&" + p, e.tensor(idx[0]), e.tensor(i_out)}) +
        "\n  }");
  });
  return [=](const Tensors& t) {
    tinyops_signal_filter_bank_params params{};
    params.num_channels = channels;
    params.weights = t.data<int16_t>(idx[1]);
    params.unweights = t.data<int16_t>(idx[2]);
    params.channel_frequency_starts = t.data<int16_t>(idx[3]);
    params.channel_weight_starts = t.data<int16_t>(idx[4]);
    params.channel_widths = t.data<int16_t>(idx[5]);
    tinyops_signal_filter_bank_u32(&params, t.data<uint32_t>(idx[0]), t.data<uint64_t>(i_out));
  };
}

// SignalFilterBankSquareRoot: inputs (uint64 channels, int32 scalar shift); uint32 output.
InvokeFn prepare_filter_bank_square_root(const OpContext& ctx) {
  require_counts(ctx, 2, 1);
  const Tensor& in = ctx.input(0);
  require_type(ctx, in, DataType::UInt64, "input");
  require_type(ctx, ctx.input(1), DataType::Int32, "scale bits");
  require_type(ctx, ctx.output(0), DataType::UInt32, "output");
  const int32_t n = element_count(ctx, in);
  ctx.require(element_count(ctx, ctx.input(1)) == 1, "scale bits must be a scalar");
  ctx.require(element_count(ctx, ctx.output(0)) == n, "output size differs from the input's");
  const int32_t i_in = ctx.input_index(0), i_shift = ctx.input_index(1),
                i_out = ctx.output_index(0);
  ctx.on_emit([=](EmitContext& e) {
    e.use_source("signal_filter_bank_square_root.c");
    e.statement(c_call("tinyops_signal_filter_bank_sqrt_u64",
                       {e.tensor(i_in), c_int(n), c_deref(e.tensor(i_shift)), e.tensor(i_out)}));
  });
  return [=](const Tensors& t) {
    tinyops_signal_filter_bank_sqrt_u64(t.data<uint64_t>(i_in), n, *t.data<int32_t>(i_shift),
                                        t.data<uint32_t>(i_out));
  };
}

// SignalFilterBankSpectralSubtraction: uint32 channels in; outputs (cleaned channels, noise
// estimate). The estimate is state: it starts at zero and carries across invocations.
InvokeFn prepare_spectral_subtraction(const OpContext& ctx) {
  require_counts(ctx, 1, 2);
  const Tensor& in = ctx.input(0);
  require_type(ctx, in, DataType::UInt32, "input");
  require_type(ctx, ctx.output(0), DataType::UInt32, "output");
  require_type(ctx, ctx.output(1), DataType::UInt32, "noise estimate");
  const int32_t n = element_count(ctx, in);
  constexpr int64_t kU32 = std::numeric_limits<uint32_t>::max();
  tinyops_signal_spectral_subtraction_params params{};
  params.num_channels = static_cast<int32_t>(int_attribute(ctx, "num_channels", 1, 1 << 20));
  ctx.require(params.num_channels == n, "num_channels is " + std::to_string(params.num_channels) +
                                            " but the input has " + std::to_string(n));
  ctx.require(element_count(ctx, ctx.output(0)) == n && element_count(ctx, ctx.output(1)) == n,
              "outputs must match the input's size");
  params.smoothing = static_cast<uint32_t>(int_attribute(ctx, "smoothing", 0, kU32));
  params.one_minus_smoothing =
      static_cast<uint32_t>(int_attribute(ctx, "one_minus_smoothing", 0, kU32));
  params.alternate_smoothing =
      static_cast<uint32_t>(int_attribute(ctx, "alternate_smoothing", 0, kU32));
  params.alternate_one_minus_smoothing =
      static_cast<uint32_t>(int_attribute(ctx, "alternate_one_minus_smoothing", 0, kU32));
  params.min_signal_remaining =
      static_cast<uint32_t>(int_attribute(ctx, "min_signal_remaining", 0, kU32));
  params.smoothing_bits = static_cast<int32_t>(int_attribute(ctx, "smoothing_bits", 0, 31));
  params.spectral_subtraction_bits =
      static_cast<int32_t>(int_attribute(ctx, "spectral_subtraction_bits", 0, 63));
  params.clamping = bool_attribute(ctx, "clamping") ? 1 : 0;
  auto noise = std::make_shared<std::vector<uint32_t>>(static_cast<size_t>(n), 0u);
  ctx.on_reset([noise] { std::fill(noise->begin(), noise->end(), 0u); });
  const int32_t i_in = ctx.input_index(0), i_out = ctx.output_index(0),
                i_noise = ctx.output_index(1);
  ctx.on_emit([=](EmitContext& e) {
    e.use_source("signal_spectral_subtraction.c");
    const std::string p = e.unique("params"), state = e.unique("noise");
    e.declare(
        c_struct("tinyops_signal_spectral_subtraction_params", p,
                 {{"num_channels", c_int(params.num_channels)},
                  {"smoothing", c_uint(params.smoothing)},
                  {"one_minus_smoothing", c_uint(params.one_minus_smoothing)},
                  {"alternate_smoothing", c_uint(params.alternate_smoothing)},
                  {"alternate_one_minus_smoothing", c_uint(params.alternate_one_minus_smoothing)},
                  {"min_signal_remaining", c_uint(params.min_signal_remaining)},
                  {"smoothing_bits", c_int(params.smoothing_bits)},
                  {"spectral_subtraction_bits", c_int(params.spectral_subtraction_bits)},
                  {"clamping", c_int(params.clamping)}}));
    // State: zero at start (static storage), carried across calls like the interpreter's.
    e.declare("static uint32_t " + state + "[" + c_int(n) + "];");
    e.reset_statement("{\n    int32_t i;\n    for (i = 0; i < " + c_int(n) + "; ++i) " + state +
                      "[i] = 0u;\n  }");
    e.statement(c_call("tinyops_signal_spectral_subtraction_u32",
                       {"&" + p, e.tensor(i_in), e.tensor(i_out), state}));
    e.statement("{\n    int32_t i;\n    for (i = 0; i < " + c_int(n) + "; ++i) (" +
                e.tensor(i_noise) + ")[i] = " + state + "[i];\n  }");
  });
  return [=](const Tensors& t) {
    tinyops_signal_spectral_subtraction_u32(&params, t.data<uint32_t>(i_in),
                                            t.data<uint32_t>(i_out), noise->data());
    std::memcpy(t.data<uint32_t>(i_noise), noise->data(), noise->size() * sizeof(uint32_t));
  };
}

// SignalPCAN: inputs (uint32 channels, uint32 noise estimate, int16 gain table); option
// snr_shift; uint32 output.
InvokeFn prepare_pcan(const OpContext& ctx) {
  require_counts(ctx, 3, 1);
  const Tensor& in = ctx.input(0);
  require_type(ctx, in, DataType::UInt32, "input");
  require_type(ctx, ctx.input(1), DataType::UInt32, "noise estimate");
  require_type(ctx, ctx.input(2), DataType::Int16, "gain table");
  require_type(ctx, ctx.output(0), DataType::UInt32, "output");
  const int32_t n = element_count(ctx, in);
  ctx.require(n > 0, "input is empty");
  ctx.require(element_count(ctx, ctx.input(1)) == n && element_count(ctx, ctx.output(0)) == n,
              "input, noise estimate and output must have the same size");
  // Any uint32 noise value reads up to entry 4 * 32 - 4 of the table.
  ctx.require(element_count(ctx, ctx.input(2)) >= TINYOPS_SIGNAL_PCAN_LUT_LEN,
              "the gain table must hold at least " + std::to_string(TINYOPS_SIGNAL_PCAN_LUT_LEN) +
                  " entries");
  tinyops_signal_pcan_params params{n,
                                    static_cast<int32_t>(int_attribute(ctx, "snr_shift", 0, 63))};
  const int32_t i_in = ctx.input_index(0), i_noise = ctx.input_index(1), i_lut = ctx.input_index(2),
                i_out = ctx.output_index(0);
  ctx.on_emit([=](EmitContext& e) {
    e.use_source("signal_pcan.c");
    const std::string p = e.unique("params");
    e.declare(c_struct(
        "tinyops_signal_pcan_params", p,
        {{"num_channels", c_int(params.num_channels)}, {"snr_shift", c_int(params.snr_shift)}}));
    e.statement(c_call("tinyops_signal_pcan_u32", {"&" + p, e.tensor(i_in), e.tensor(i_noise),
                                                   e.tensor(i_lut), e.tensor(i_out)}));
  });
  return [=](const Tensors& t) {
    tinyops_signal_pcan_u32(&params, t.data<uint32_t>(i_in), t.data<uint32_t>(i_noise),
                            t.data<int16_t>(i_lut), t.data<uint32_t>(i_out));
  };
}

// SignalFilterBankLog: uint32 channels -> int16 scaled natural log; options
// input_correction_bits, output_scale.
InvokeFn prepare_filter_bank_log(const OpContext& ctx) {
  require_counts(ctx, 1, 1);
  const Tensor& in = ctx.input(0);
  require_type(ctx, in, DataType::UInt32, "input");
  require_type(ctx, ctx.output(0), DataType::Int16, "output");
  const int32_t n = element_count(ctx, in);
  ctx.require(element_count(ctx, ctx.output(0)) == n, "output size differs from the input's");
  tinyops_signal_filter_bank_log_params params{};
  params.num_channels = n;
  params.input_correction_bits =
      static_cast<int32_t>(int_attribute(ctx, "input_correction_bits", 0, 31));
  params.output_scale = static_cast<uint32_t>(
      int_attribute(ctx, "output_scale", 0, std::numeric_limits<uint32_t>::max()));
  const int32_t i_in = ctx.input_index(0), i_out = ctx.output_index(0);
  ctx.on_emit([=](EmitContext& e) {
    e.use_source("signal_filter_bank_log.c");
    const std::string p = e.unique("params");
    e.declare(c_struct("tinyops_signal_filter_bank_log_params", p,
                       {{"num_channels", c_int(params.num_channels)},
                        {"input_correction_bits", c_int(params.input_correction_bits)},
                        {"output_scale", c_uint(params.output_scale)}}));
    e.statement(
        c_call("tinyops_signal_filter_bank_log_u32", {"&" + p, e.tensor(i_in), e.tensor(i_out)}));
  });
  return [=](const Tensors& t) {
    tinyops_signal_filter_bank_log_u32(&params, t.data<uint32_t>(i_in), t.data<int16_t>(i_out));
  };
}

}  // namespace

void register_signal_kernels(KernelRegistry& registry) {
  registry.custom["SignalWindow"] = &prepare_window;
  registry.custom["SignalFftAutoScale"] = &prepare_fft_auto_scale;
  registry.custom["SignalRfft"] = &prepare_rfft;
  registry.custom["SignalEnergy"] = &prepare_energy;
  registry.custom["SignalFilterBank"] = &prepare_filter_bank;
  registry.custom["SignalFilterBankSquareRoot"] = &prepare_filter_bank_square_root;
  registry.custom["SignalFilterBankSpectralSubtraction"] = &prepare_spectral_subtraction;
  registry.custom["SignalPCAN"] = &prepare_pcan;
  registry.custom["SignalFilterBankLog"] = &prepare_filter_bank_log;
}

}  // namespace tinyops::interp
