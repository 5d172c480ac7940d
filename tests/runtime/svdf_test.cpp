// SVDF: small hand-computed cases over two time steps, so the state shift matters.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "tinyops/runtime/svdf.h"

namespace {

// Multiplier 2^30 with left shift 1 scales by exactly 1, keeping the sums readable.
constexpr int32_t kOne = 1 << 30;

TEST(SvdfS8, RankOneInt16StateShiftsOneSlotPerStep) {
  // 2 inputs, 2 filters = 2 units, memory 2. Input zero point 1, output zero point -5.
  const tinyops_svdf_params p{1, 2, 2, 2, 1, 2, 1, 0, -5, kOne, 1, kOne, 1};
  const std::vector<int8_t> wf = {1, 2, 3, -1};
  const std::vector<int16_t> wt = {4, 5, 6, -7};
  const std::vector<int32_t> bias = {110, -3};
  std::vector<int16_t> state(4, 0);
  std::vector<int32_t> scratch(tinyops_svdf_s8_scratch_size(&p));
  ASSERT_EQ(scratch.size(), 4u);
  std::vector<int8_t> out(2);

  // Step 1: centred input {2, -2}; features {-2, 8} enter the newest slots.
  const std::vector<int8_t> in1 = {3, -1};
  tinyops_svdf_s8(&p, in1.data(), wf.data(), wt.data(), bias.data(), state.data(), scratch.data(),
                  out.data());
  EXPECT_EQ(state, (std::vector<int16_t>{0, -2, 0, 8}));
  // Time: {5 * -2, -7 * 8} = {-10, -56}; plus bias {100, -59}; plus zero point -5.
  EXPECT_EQ(out, (std::vector<int8_t>{95, -64}));

  // Step 2: centred input {0, 4}; features {8, -4}; last step's values move to slot 0.
  const std::vector<int8_t> in2 = {1, 5};
  tinyops_svdf_s8(&p, in2.data(), wf.data(), wt.data(), bias.data(), state.data(), scratch.data(),
                  out.data());
  EXPECT_EQ(state, (std::vector<int16_t>{-2, 8, 8, -4}));
  // Time: {4 * -2 + 5 * 8, 6 * 8 - 7 * -4} = {32, 76}; bias {142, 73}; -5; clamp to 127.
  EXPECT_EQ(out, (std::vector<int8_t>{127, 68}));
}

TEST(SvdfS8, RankTwoInt8StateSumsFilterPairsAroundTheStateZeroPoint) {
  // 2 inputs, 4 filters, rank 2 -> 2 units, memory 2; state zero point 3; no bias.
  const tinyops_svdf_params p{1, 2, 4, 2, 2, 2, 0, 3, 0, kOne, 1, kOne, 1};
  const std::vector<int8_t> wf = {1, 1, 2, 0, 0, -1, 1, -1};
  const std::vector<int8_t> wt = {1, 2, 3, 1, -1, 1, 2, 2};
  std::vector<int8_t> state(8, 3);  // reset fills int8 state with its zero point
  std::vector<int32_t> scratch(tinyops_svdf_s8_scratch_size(&p));
  std::vector<int8_t> out(2);

  // Features {3, 2, -2, -1}, stored with the zero point added.
  const std::vector<int8_t> in1 = {1, 2};
  tinyops_svdf_s8_state8(&p, in1.data(), wf.data(), wt.data(), nullptr, state.data(),
                         scratch.data(), out.data());
  EXPECT_EQ(state, (std::vector<int8_t>{3, 6, 3, 5, 3, 1, 3, 2}));
  // Filters {2 * 3, 1 * 2, 1 * -2, 2 * -1} = {6, 2, -2, -2}; units {6 + 2, -2 - 2}.
  EXPECT_EQ(out, (std::vector<int8_t>{8, -4}));

  // Features {2, -2, -3, -4}.
  const std::vector<int8_t> in2 = {-1, 3};
  tinyops_svdf_s8_state8(&p, in2.data(), wf.data(), wt.data(), nullptr, state.data(),
                         scratch.data(), out.data());
  EXPECT_EQ(state, (std::vector<int8_t>{6, 5, 5, 1, 1, 0, 2, -1}));
  // Centred state (3, 2), (2, -2), (-2, -3), (-1, -4) -> filters {7, 4, -1, -10}.
  EXPECT_EQ(out, (std::vector<int8_t>{11, -11}));
}

TEST(SvdfS8, Int8StateAddsTheZeroPointAfterTheClampAsTfliteMicroDoes) {
  // A feature of 127 is clamped to the int8 range first; adding zero point 3 then wraps
  // to -126 when stored, exactly as TFLite Micro's reference kernel behaves.
  const tinyops_svdf_params p{1, 1, 1, 1, 1, 1, 0, 3, 0, kOne, 1, kOne, 1};
  const int8_t in = 127, wf = 1, wt = 1;
  int8_t state = 3, out = 0;
  int32_t scratch[2];
  tinyops_svdf_s8_state8(&p, &in, &wf, &wt, nullptr, &state, scratch, &out);
  EXPECT_EQ(state, -126);
  EXPECT_EQ(out, -128);  // (-126 - 3) clamps to -128
}

TEST(SvdfF32, MatchesTheHandComputedRankOneCase) {
  const tinyops_svdf_params_f32 p{1, 2, 2, 2, 1, 2, -std::numeric_limits<float>::infinity(), 100};
  const std::vector<float> wf = {1, 2, 3, -1};
  const std::vector<float> wt = {4, 5, 6, -7};
  const std::vector<float> bias = {110, -3};
  std::vector<float> state(4, 0.0f);
  std::vector<float> scratch(tinyops_svdf_f32_scratch_size(&p));
  std::vector<float> out(2);
  const std::vector<float> in1 = {2, -2}, in2 = {0, 4};
  tinyops_svdf_f32(&p, in1.data(), wf.data(), wt.data(), bias.data(), state.data(), scratch.data(),
                   out.data());
  EXPECT_EQ(out, (std::vector<float>{100, -59}));
  tinyops_svdf_f32(&p, in2.data(), wf.data(), wt.data(), bias.data(), state.data(), scratch.data(),
                   out.data());
  EXPECT_EQ(state, (std::vector<float>{-2, 8, 8, -4}));
  EXPECT_EQ(out, (std::vector<float>{100, 73}));  // 142 clamped by act_max
}

}  // namespace
