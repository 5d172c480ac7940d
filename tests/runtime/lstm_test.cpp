// UNIDIRECTIONAL_SEQUENCE_LSTM int8/int16: the int16 non-linearities at table points worked
// out by hand, and a one-unit LSTM over two steps whose every intermediate is computed in
// the comments, so gate order, rounding and the persisted cell state all matter.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "tinyops/runtime/lstm.h"

namespace {

int16_t sigmoid(int16_t x) {
  int16_t y = 0;
  tinyops_lstm_sigmoid_s16(1, &x, &y);
  return y;
}

int16_t tanh_at(int32_t scale_power, int16_t x) {
  int16_t y = 0;
  tinyops_lstm_tanh_s16(scale_power, 1, &x, &y);
  return y;
}

TEST(LstmS16, SigmoidAtTablePoints) {
  EXPECT_EQ(sigmoid(0), 16384);  // 1/2 in Q0.15
  // 512 in Q3.12 is 1/8; times 3 lands on entry 3 (34813 in Q0.16) with no fraction:
  // (34813 * 2^9 + 2^9) >> 10 = 17407.
  EXPECT_EQ(sigmoid(512), 17407);
  // Negative side: (2^25 - 34813 * 2^9 + 2^9 - 1) >> 10 = 15361, so the pair sums to 1.
  EXPECT_EQ(sigmoid(-512), 15361);
  // The ends of int16 (about +-8 in Q3.12) stay inside the table (3x >> 9 = 191 < 255):
  // 32768 * sigmoid(8) = 32757.0 and 32768 * sigmoid(-8) = 10.98.
  EXPECT_EQ(sigmoid(32767), 32757);
  EXPECT_EQ(sigmoid(-32768), 11);
}

TEST(LstmS16, SigmoidTracksTheRealFunction) {
  for (int32_t x = -32768; x <= 32767; x += 97) {
    const double want = 32768.0 / (1.0 + std::exp(-x / 4096.0));
    EXPECT_NEAR(sigmoid(static_cast<int16_t>(x)), want, 3.0) << x;
  }
}

TEST(LstmS16, TanhAtTablePointsForEachInputScale) {
  EXPECT_EQ(tanh_at(-12, 0), 0);
  // Q3.12 256 (1/16), times 3 = 768: entry 3, no fraction.
  // (34813 * 2^8 - 2^23 + 2^7) >> 8 = 2045; the negative side floors to -2045.
  EXPECT_EQ(tanh_at(-12, 256), 2045);
  EXPECT_EQ(tanh_at(-12, -256), -2045);
  // Scale 2^-11: the input is shifted left once (multiplier 6), 128 -> 768 again.
  EXPECT_EQ(tanh_at(-11, 128), 2045);
  // Scale 2^-15: multiplier 3 and a rounding right shift by 3, (2048 * 3 + 4) >> 3 = 768.
  EXPECT_EQ(tanh_at(-15, 2048), 2045);
  EXPECT_EQ(tanh_at(-12, 32767), 32767);  // saturated: (0xFFFF << 8 - 2^23 + 2^7) >> 8
  EXPECT_EQ(tanh_at(-12, -32768), -32767);
}

TEST(LstmS16, TanhTracksTheRealFunction) {
  for (int32_t x = -32768; x <= 32767; x += 89) {
    const double want = 32768.0 * std::tanh(x / 4096.0);
    EXPECT_NEAR(tanh_at(-12, static_cast<int16_t>(x)), std::fmin(want, 32767.0), 6.0) << x;
  }
}

// Multiplier 2^30 with shift 1 scales by 1; with shift -14 by 2^-15; with -22 by 2^-23.
constexpr int32_t kHalf = 1 << 30;

tinyops_lstm_params one_unit_params() {
  tinyops_lstm_params p{};
  p.batches = 1;
  p.time_steps = 1;
  p.input_size = 1;
  p.state_size = 1;
  p.input_zero_point = 0;
  p.hidden_zero_point = 3;
  for (int g = 0; g < 4; ++g) {
    p.input_multiplier[g] = kHalf;
    p.input_shift[g] = 1;
    p.recurrent_multiplier[g] = kHalf;
    p.recurrent_shift[g] = 1;
  }
  p.forget_cell_multiplier = kHalf;  // Q0.15 gate x cell -> cell: 2^-15
  p.forget_cell_shift = -14;
  p.input_cell_multiplier = kHalf;  // Q0.15 x Q0.15 -> cell scale 2^-12: 2^-15
  p.input_cell_shift = -14;
  p.hidden_multiplier = kHalf;  // Q0.15 x Q0.15 -> hidden scale 2^-7: 2^-23
  p.hidden_shift = -22;
  p.cell_state_scale_power = -12;
  return p;
}

TEST(LstmS8, OneUnitTwoStepsByHand) {
  // Zero weights, so each gate's pre-activation is its bias (Q3.12), and distinct biases
  // per gate, so a swapped gate order changes the result.
  const tinyops_lstm_params p = one_unit_params();
  const int8_t zero_w = 0;
  const int32_t b_forget = 512, b_input = 1024, b_cell = 256, b_output = 0;
  tinyops_lstm_s8_weights w{};
  for (int g = 0; g < 4; ++g) {
    w.input_weights[g] = &zero_w;
    w.recurrent_weights[g] = &zero_w;
  }
  w.bias[TINYOPS_LSTM_FORGET] = &b_forget;
  w.bias[TINYOPS_LSTM_INPUT] = &b_input;
  w.bias[TINYOPS_LSTM_CELL] = &b_cell;
  w.bias[TINYOPS_LSTM_OUTPUT] = &b_output;
  std::vector<int16_t> scratch(tinyops_lstm_s8_scratch_size(&p));
  ASSERT_EQ(scratch.size(), 4u);
  const int8_t input = 7;
  int8_t hidden = 3, output = 0;
  int16_t cell = 1000;

  // Gates: forget sigmoid(512) = 17407, input sigmoid(1024) = 18422, cell tanh(256) = 2045,
  // output sigmoid(0) = 16384.
  // cell = 17407 * 1000 / 2^15 (531) + 18422 * 2045 / 2^15 (1150) = 1681.
  // tanh(1681 in Q3.12): 3 * 1681 = 5043 is entry 19 plus 179/256 of the way to entry 20:
  //   (45102 * 2^8 + 179 * 581 - 2^23 + 2^7) >> 8 = 12740.
  // hidden = 3 + 12740 * 16384 / 2^23 (24.88 -> 25) = 28.
  tinyops_lstm_s8(&p, &w, &input, &hidden, &cell, scratch.data(), &output);
  EXPECT_EQ(cell, 1681);
  EXPECT_EQ(hidden, 28);
  EXPECT_EQ(output, 28);

  // Second call: the gates repeat (zero weights) but the cell carries over:
  // 17407 * 1681 / 2^15 (892.99 -> 893) + 1150 = 2043.
  tinyops_lstm_s8(&p, &w, &input, &hidden, &cell, scratch.data(), &output);
  EXPECT_EQ(cell, 2043);
}

TEST(LstmS8, RecurrentWeightsSeeTheCentredPreviousHiddenState) {
  tinyops_lstm_params p = one_unit_params();
  p.time_steps = 2;
  const int8_t zero_w = 0, forget_recurrent = 64;
  const int32_t zero_b = 0;
  tinyops_lstm_s8_weights w{};
  for (int g = 0; g < 4; ++g) {
    w.input_weights[g] = &zero_w;
    w.recurrent_weights[g] = &zero_w;
    w.bias[g] = &zero_b;
  }
  w.recurrent_weights[TINYOPS_LSTM_FORGET] = &forget_recurrent;
  std::vector<int16_t> scratch(tinyops_lstm_s8_scratch_size(&p));
  const int8_t input[2] = {0, 0};
  int8_t hidden = 11, output[2] = {0, 0};  // centred: 11 - 3 = 8
  int16_t cell = 4096;
  // Step 1: forget = sigmoid(64 * 8 = 512) = 17407; input = output = 16384; cell gate 0.
  //   cell = 17407 * 4096 / 2^15 = 2175.875 -> 2176; input x cell gate = 0.
  //   tanh(2176): 3 * 2176 = 6528 = entry 25 + 128/256: (48443 * 256 + 128 * 521 - 2^23 +
  //   2^7) >> 8 = 15703; hidden = 3 + 15703 * 16384 / 2^23 (30.67 -> 31) = 34.
  // Step 2: centred hidden 31, forget = sigmoid(1984): 3 * 1984 = 5952 = entry 11 + 320/512:
  //   (40149 * 2^9 + 320 * 645 + 2^9) >> 10 = 20276; cell = 20276 * 2176 / 2^15 = 1346.4 -> 1346.
  tinyops_lstm_s8(&p, &w, input, &hidden, &cell, scratch.data(), output);
  EXPECT_EQ(output[0], 34);
  EXPECT_EQ(cell, 1346);
  EXPECT_EQ(output[1], hidden);
}

TEST(LstmS8, BatchMajorAndTimeMajorVisitTheSameSteps) {
  // Two batches, three steps, two inputs, two units with small arbitrary weights: time-major
  // input (the transpose) must give the transposed output and the same final states.
  tinyops_lstm_params p = one_unit_params();
  p.batches = 2;
  p.time_steps = 3;
  p.input_size = 2;
  p.state_size = 2;
  p.input_zero_point = -1;
  for (int g = 0; g < 4; ++g) {
    p.input_shift[g] = 4;  // x 8: make the gates move
    p.recurrent_shift[g] = 3;
  }
  const std::vector<int8_t> wi = {12, -7, 3, 9}, wr = {-5, 8, 6, 2};
  const std::vector<int32_t> bias = {100, -200};
  tinyops_lstm_s8_weights w{};
  for (int g = 0; g < 4; ++g) {
    w.input_weights[g] = wi.data();
    w.recurrent_weights[g] = wr.data();
    w.bias[g] = bias.data();
  }
  const std::vector<int8_t> in_bt = {5, -9, 30, 1, -4, 22, /* batch 1 */ 17, 0, -30, 8, 2, 2};
  std::vector<int8_t> in_tb(12);
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < 3; ++t)
      for (int i = 0; i < 2; ++i) in_tb[(t * 2 + b) * 2 + i] = in_bt[(b * 3 + t) * 2 + i];

  std::vector<int16_t> scratch_bt(tinyops_lstm_s8_scratch_size(&p));
  std::vector<int8_t> h_bt = {3, 3, 3, 3}, out_bt(12);
  std::vector<int16_t> c_bt = {0, 0, 0, 0};
  tinyops_lstm_s8(&p, &w, in_bt.data(), h_bt.data(), c_bt.data(), scratch_bt.data(), out_bt.data());

  p.time_major = 1;
  std::vector<int16_t> scratch_tb(tinyops_lstm_s8_scratch_size(&p));
  EXPECT_EQ(scratch_tb.size(), 16u);  // four buffers of both batches' states
  std::vector<int8_t> h_tb = {3, 3, 3, 3}, out_tb(12);
  std::vector<int16_t> c_tb = {0, 0, 0, 0};
  tinyops_lstm_s8(&p, &w, in_tb.data(), h_tb.data(), c_tb.data(), scratch_tb.data(), out_tb.data());
  EXPECT_EQ(h_bt, h_tb);
  EXPECT_EQ(c_bt, c_tb);
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < 3; ++t)
      for (int s = 0; s < 2; ++s)
        EXPECT_EQ(out_bt[(b * 3 + t) * 2 + s], out_tb[(t * 2 + b) * 2 + s]) << b << t << s;
  EXPECT_NE(c_bt[0], 0);  // the case is not trivially zero
}

TEST(LstmS8, ClipsTheCellState) {
  tinyops_lstm_params p = one_unit_params();
  p.clip_cell = 1;
  p.quantized_cell_clip = 1200;
  const int8_t zero_w = 0;
  const int32_t b_forget = 512, b_input = 1024, b_cell = 256, b_output = 0;
  tinyops_lstm_s8_weights w{};
  for (int g = 0; g < 4; ++g) {
    w.input_weights[g] = &zero_w;
    w.recurrent_weights[g] = &zero_w;
  }
  w.bias[0] = &b_forget;
  w.bias[1] = &b_input;
  w.bias[2] = &b_cell;
  w.bias[3] = &b_output;
  std::vector<int16_t> scratch(tinyops_lstm_s8_scratch_size(&p));
  const int8_t input = 0;
  int8_t hidden = 3, output = 0;
  int16_t cell = 1000;
  tinyops_lstm_s8(&p, &w, &input, &hidden, &cell, scratch.data(), &output);
  EXPECT_EQ(cell, 1200);  // 1681 before the clip
}

}  // namespace
