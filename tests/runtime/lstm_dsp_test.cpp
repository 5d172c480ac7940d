// The DSP LSTM (lstm_dsp.h) against the reference (lstm.h) over several calls, so the hidden
// and cell state carry over: random layers (shapes with and without a multiple of 4 rows and
// columns, both time orders, zero points, requantisations, clipping), and extreme layers
// whose gate products overflow the one-multiply requantisation's range and saturate int16.
// On the host the intrinsics are dsp_intrinsics.h's portable C; the farm test of
// tflm_mnist_lstm_int8 runs the real instructions. Output and states must be the
// reference's bytes after every call.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../support/random_ints.hpp"

#include "tinyops/runtime/lstm.h"
#include "tinyops/runtime/lstm_dsp.h"

namespace {

using Random = tinyops::test_support::RandomInts;

struct Layer {
  tinyops_lstm_params p{};
  std::vector<int8_t> wi[4], wr[4];
  std::vector<int32_t> bias[4];
  bool has_bias[4] = {true, true, true, true};
};

std::string describe(const tinyops_lstm_params& p) {
  return std::to_string(p.batches) + " batches x " + std::to_string(p.time_steps) + " steps, " +
         std::to_string(p.input_size) + " in, " + std::to_string(p.state_size) + " units" +
         (p.time_major ? ", time major" : "");
}

// Runs `calls` invocations of both kernels from the same random state, with fresh inputs;
// the DSP kernel requantises as the code generator would have it (the one-multiply form
// only where tinyops_lstm_s8_dsp_small_acc proves it). Returns that verdict.
bool check_calls(const Layer& l, Random& r, int calls, int32_t input_lo, int32_t input_hi,
                 const std::string& what) {
  const tinyops_lstm_params& p = l.p;
  tinyops_lstm_s8_weights ref{};
  for (int g = 0; g < 4; ++g) {
    ref.input_weights[g] = l.wi[g].data();
    ref.recurrent_weights[g] = l.wr[g].data();
    ref.bias[g] = l.has_bias[g] ? l.bias[g].data() : nullptr;
  }
  std::vector<int8_t> laid_out(tinyops_lstm_s8_dsp_weights_size(&p));
  EXPECT_EQ(laid_out.size() % 4, 0u);
  tinyops_lstm_s8_dsp_weights(&p, &ref, laid_out.data());
  const bool small_acc = tinyops_lstm_s8_dsp_small_acc(&p, &ref) != 0;
  tinyops_lstm_s8_dsp_weights_t dsp{};
  dsp.weights = laid_out.data();
  for (int g = 0; g < 4; ++g) dsp.bias[g] = ref.bias[g];

  const auto states = static_cast<size_t>(p.batches * p.state_size);
  auto hidden = r.values<int8_t>(states, -128, 127);
  auto cell = r.values<int16_t>(states, -32768, 32767);
  auto dsp_hidden = hidden;
  auto dsp_cell = cell;
  std::vector<int16_t> scratch(tinyops_lstm_s8_scratch_size(&p));
  std::vector<int32_t> dsp_scratch((tinyops_lstm_s8_dsp_scratch_size(&p) + 3) / 4, 0x5a5a5a5a);
  const auto rows = static_cast<size_t>(p.batches * p.time_steps);
  for (int call = 0; call < calls; ++call) {
    const auto input =
        r.values<int8_t>(rows * static_cast<size_t>(p.input_size), input_lo, input_hi);
    std::vector<int8_t> expected(rows * static_cast<size_t>(p.state_size), 0x11),
        actual(expected.size(), 0x22);
    tinyops_lstm_s8(&p, &ref, input.data(), hidden.data(), cell.data(), scratch.data(),
                    expected.data());
    tinyops_lstm_s8_dsp(&p, &dsp, input.data(), dsp_hidden.data(), dsp_cell.data(),
                        dsp_scratch.data(), actual.data(), small_acc ? 0 : 1);
    EXPECT_EQ(actual, expected) << what << ", call " << call << ": output";
    EXPECT_EQ(dsp_hidden, hidden) << what << ", call " << call << ": hidden state";
    EXPECT_EQ(dsp_cell, cell) << what << ", call " << call << ": cell state";
    if (actual != expected || dsp_hidden != hidden || dsp_cell != cell) break;
  }
  return small_acc;
}

Layer random_layer(Random& r) {
  Layer l;
  tinyops_lstm_params& p = l.p;
  p.batches = r.in(1, 3);
  p.time_steps = r.in(1, 6);
  p.input_size = r.in(1, 37);
  p.state_size = r.in(1, 22);
  p.time_major = r.in(0, 1);
  p.input_zero_point = r.in(-128, 127);
  p.hidden_zero_point = r.in(-128, 127);
  for (int g = 0; g < 4; ++g) {
    p.input_multiplier[g] = r.in(1 << 30, INT32_MAX);
    p.input_shift[g] = r.in(-14, 1);
    p.recurrent_multiplier[g] = r.in(1 << 30, INT32_MAX);
    p.recurrent_shift[g] = r.in(-14, 1);
    // Now and then a left shift large enough that the one-multiply bound fails.
    if (r.in(0, 15) == 0) p.input_shift[g] = r.in(10, 14);
    l.wi[g] = r.values<int8_t>(static_cast<size_t>(p.state_size * p.input_size), -127, 127);
    l.wr[g] = r.values<int8_t>(static_cast<size_t>(p.state_size * p.state_size), -127, 127);
    l.bias[g] = r.values<int32_t>(static_cast<size_t>(p.state_size), -200000, 200000);
    l.has_bias[g] = r.in(0, 5) != 0;
  }
  p.forget_cell_multiplier = r.in(1 << 30, INT32_MAX);
  p.forget_cell_shift = r.in(-16, -14);
  p.input_cell_multiplier = r.in(1 << 30, INT32_MAX);
  p.input_cell_shift = r.in(-18, -12);
  p.hidden_multiplier = r.in(1 << 30, INT32_MAX);
  p.hidden_shift = r.in(-24, -16);
  p.cell_state_scale_power = r.in(-15, -9);
  p.clip_cell = r.in(0, 1);
  p.quantized_cell_clip = r.in(1, 32767);
  p.cell_gate_sigmoid = r.in(0, 3) == 0;
  return l;
}

TEST(LstmDsp, MatchesReferenceOnRandomLayers) {
  Random r(1212);
  int fast = 0;
  for (int i = 0; i < 300; ++i) {
    const Layer l = random_layer(r);
    fast += check_calls(l, r, 3, -128, 127,
                        "random layer " + std::to_string(i) + " (" + describe(l.p) + ")");
    if (HasFailure()) return;
  }
  // Both requantisations were exercised.
  EXPECT_GT(fast, 30);
  EXPECT_LT(fast, 300);
}

// Every weight and input at an end of int8, biases near the int32 ends and positive shifts:
// the accumulators pass 2^30 (and the shifted ones wrap, as the reference's do), and the
// int16 saturation of each product and of their sum is hit from both sides.
TEST(LstmDsp, MatchesReferenceOnExtremeLayers) {
  Random r(3434);
  for (int i = 0; i < 60; ++i) {
    Layer l = random_layer(r);
    tinyops_lstm_params& p = l.p;
    p.input_zero_point = (i % 2) ? -128 : 127;
    p.hidden_zero_point = (i % 3) ? 127 : -128;
    const int8_t w = (i % 4) < 2 ? 127 : -128;
    for (int g = 0; g < 4; ++g) {
      for (auto& v : l.wi[g]) v = r.in(0, 7) ? w : static_cast<int8_t>(-w - 1);
      for (auto& v : l.wr[g]) v = r.in(0, 7) ? static_cast<int8_t>(-w - 1) : w;
      for (auto& v : l.bias[g])
        v = r.in(0, 1) ? INT32_MAX - r.in(0, 1000) : INT32_MIN + r.in(0, 1000);
      l.has_bias[g] = true;
      p.input_shift[g] = r.in(-2, 4);
      p.recurrent_shift[g] = r.in(-2, 4);
      p.input_multiplier[g] = r.in(0, 3) == 0 ? INT32_MAX : r.in(1 << 30, INT32_MAX);
    }
    p.clip_cell = i % 2;
    const int32_t lo = (i % 2) ? 127 : -128;
    EXPECT_FALSE(check_calls(l, r, 4, lo, lo,
                             "extreme layer " + std::to_string(i) + " (" + describe(p) + ")"))
        << "the bound must not be proven for layer " << i;
    check_calls(l, r, 2, -128, 127, "extreme layer " + std::to_string(i) + ", random inputs");
    if (HasFailure()) return;
  }
}

TEST(LstmDsp, WeightLayoutPadsEachGateMatrixToWholeWords) {
  tinyops_lstm_params p{};
  p.batches = 1;
  p.time_steps = 1;
  p.input_size = 5;  // padded to 8
  p.state_size = 3;  // padded to 4 as a depth
  // 4 gates x (3 rows x 8 + 3 rows x 4) bytes.
  EXPECT_EQ(tinyops_lstm_s8_dsp_weights_size(&p), 4u * (24u + 12u));
  // Scratch: 4 gates x 3 units x int16, 4 + 2 words of expanded rows and 2 x 3 words of
  // accumulators.
  EXPECT_EQ(tinyops_lstm_s8_dsp_scratch_size(&p), 24u + 24u + 24u);
}

}  // namespace
