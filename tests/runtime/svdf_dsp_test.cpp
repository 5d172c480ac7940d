// The SVDF DSP kernels (svdf_dsp.h) against the reference ones (svdf.h) over several steps
// on random shapes, states, zero points and requantisations, and on extreme cases whose
// accumulators need the exact requantisation. On the host their intrinsics are the portable
// C of dsp_intrinsics.h; tests/farm runs them with the real instructions in QEMU. The output
// and the whole state must be the reference's bytes after every step.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../support/random_ints.hpp"

#include "tinyops/runtime/svdf.h"
#include "tinyops/runtime/svdf_dsp.h"

namespace {

using Random = tinyops::test_support::RandomInts;

std::string describe(const tinyops_svdf_params& p) {
  return std::to_string(p.batches) + " x " + std::to_string(p.input_size) + ", " +
         std::to_string(p.num_units) + " units x rank " + std::to_string(p.rank) + ", memory " +
         std::to_string(p.memory_size) + ", state zp " + std::to_string(p.state_zero_point);
}

// Runs `steps` steps of both kernels from the same state, with fresh random inputs each
// step, and stops at the first difference in the output or the state.
template <class State>
void check_steps(const tinyops_svdf_params& p, Random& r, const std::vector<int8_t>& wf,
                 const std::vector<State>& wt, const std::vector<int32_t>* bias,
                 std::vector<State> state, int32_t exact, int steps, const std::string& what) {
  constexpr bool kState16 = sizeof(State) == 2;
  std::vector<int8_t> laid_out(tinyops_svdf_s8_dsp_feature_size(&p));
  tinyops_svdf_s8_dsp_feature(&p, wf.data(), laid_out.data());
  std::vector<State> dsp_state = state;
  std::vector<int32_t> scratch(tinyops_svdf_s8_scratch_size(&p));
  std::vector<int32_t> dsp_scratch((tinyops_svdf_s8_dsp_scratch_size(&p) + 3) / 4);
  const int32_t* b = bias != nullptr ? bias->data() : nullptr;
  const size_t outputs = static_cast<size_t>(p.batches * p.num_units);
  for (int step = 0; step < steps; ++step) {
    const auto input = r.values<int8_t>(static_cast<size_t>(p.batches * p.input_size), -128, 127);
    std::vector<int8_t> expected(outputs), actual(outputs, 0x55);
    if constexpr (kState16) {
      tinyops_svdf_s8(&p, input.data(), wf.data(), wt.data(), b, state.data(), scratch.data(),
                      expected.data());
      tinyops_svdf_s8_dsp(&p, input.data(), laid_out.data(), wt.data(), b, dsp_state.data(),
                          dsp_scratch.data(), actual.data(), exact);
    } else {
      tinyops_svdf_s8_state8(&p, input.data(), wf.data(), wt.data(), b, state.data(),
                             scratch.data(), expected.data());
      tinyops_svdf_s8_state8_dsp(&p, input.data(), laid_out.data(), wt.data(), b, dsp_state.data(),
                                 dsp_scratch.data(), actual.data(), exact);
    }
    ASSERT_EQ(dsp_state, state) << what << ", step " << step << ": state";
    ASSERT_EQ(actual, expected) << what << ", step " << step << ": output";
  }
}

template <class State>
void check_random(uint32_t seed) {
  constexpr bool kState16 = sizeof(State) == 2;
  const int32_t lo = kState16 ? INT16_MIN : INT8_MIN, hi = kState16 ? INT16_MAX : INT8_MAX;
  Random r(seed);
  int fast = 0;
  for (int round = 0; round < 250; ++round) {
    tinyops_svdf_params p{};
    p.batches = r.in(1, 3);
    p.input_size = r.in(1, 40);
    p.rank = r.in(1, 3);
    p.num_units = r.in(1, 9);
    p.num_filters = p.num_units * p.rank;
    p.memory_size = r.in(1, 12);
    p.input_zero_point = r.in(-128, 127);
    p.state_zero_point = kState16 && r.in(0, 1) == 0 ? 0 : r.in(-128, 127);
    p.output_zero_point = r.in(-128, 127);
    p.multiplier_1 = r.in(1 << 30, INT32_MAX);
    p.shift_1 = r.in(-14, 2);
    p.multiplier_2 = r.in(1 << 30, INT32_MAX);
    p.shift_2 = r.in(-20, 1);
    ASSERT_TRUE(tinyops_svdf_s8_dsp_supported(&p));
    const auto wf = r.values<int8_t>(static_cast<size_t>(p.num_filters * p.input_size), -128, 127);
    // Small time weights half the time, so the fast requantisation is exercised too.
    const int32_t wt_mag = r.in(0, 1) == 0 ? 3 : hi;
    const auto wt =
        r.values<State>(static_cast<size_t>(p.num_filters * p.memory_size), -wt_mag, wt_mag);
    const auto bias = r.values<int32_t>(static_cast<size_t>(p.num_units), -30000, 30000);
    const std::vector<int32_t>* b = r.in(0, 3) == 0 ? nullptr : &bias;
    const auto state =
        r.values<State>(static_cast<size_t>(p.batches * p.num_filters * p.memory_size), lo, hi);
    int32_t exact = 0;
    if constexpr (kState16) {
      exact = tinyops_svdf_s8_dsp_exact(&p, wf.data(), wt.data(), b ? b->data() : nullptr);
    } else {
      exact = tinyops_svdf_s8_state8_dsp_exact(&p, wf.data(), wt.data(), b ? b->data() : nullptr);
    }
    const std::string what = "round " + std::to_string(round) + " (" + describe(p) + ")";
    // As the code generator calls it, then with every requantisation exact.
    check_steps(p, r, wf, wt, b, state, exact, 3, what + ", exact bits " + std::to_string(exact));
    if (exact != (TINYOPS_SVDF_EXACT_FEATURE | TINYOPS_SVDF_EXACT_OUTPUT)) {
      check_steps(p, r, wf, wt, b, state, TINYOPS_SVDF_EXACT_FEATURE | TINYOPS_SVDF_EXACT_OUTPUT, 2,
                  what + ", all exact");
    }
    if (::testing::Test::HasFatalFailure()) return;
    fast += exact == 0 ? 1 : 0;
  }
  EXPECT_GT(fast, 20) << "too few random layers had both fast requantisations";
}

TEST(SvdfDsp, Int16StateMatchesReferenceOnRandomShapes) {
  check_random<int16_t>(606);
}

TEST(SvdfDsp, Int8StateMatchesReferenceOnRandomShapes) {
  check_random<int8_t>(707);
}

// Inputs, weights, states and biases at their extremes with left shifts: both bounds fail,
// the compile-time check says so, and the exact requantisation matches the reference where
// sums overflow int16/int8 clamps and wrap in int32.
TEST(SvdfDsp, ExtremeLayersNeedAndGetTheExactRequantisation) {
  Random r(808);
  tinyops_svdf_params p{};
  p.batches = 2;
  p.input_size = 255;
  p.rank = 2;
  p.num_units = 5;
  p.num_filters = 10;
  p.memory_size = 9;
  p.input_zero_point = -128;
  p.state_zero_point = 0;
  p.output_zero_point = 7;
  p.multiplier_1 = INT32_MAX;
  p.shift_1 = 8;  // 255 * 128 * 255 * 2^8 passes 2^31: the left shift wraps
  p.multiplier_2 = (1 << 30) + 12345;
  p.shift_2 = -16;
  std::vector<int8_t> wf(static_cast<size_t>(p.num_filters * p.input_size));
  for (size_t i = 0; i < wf.size(); ++i) wf[i] = static_cast<int8_t>(i % 3 ? -128 : 127);
  std::vector<int16_t> wt16(static_cast<size_t>(p.num_filters * p.memory_size));
  for (size_t i = 0; i < wt16.size(); ++i)
    wt16[i] = static_cast<int16_t>(i % 2 ? INT16_MIN : INT16_MAX);
  const std::vector<int32_t> bias = {INT32_MAX, INT32_MIN, 1 << 30, -(1 << 30), 0};
  std::vector<int16_t> state16(static_cast<size_t>(p.batches * p.num_filters * p.memory_size));
  for (size_t i = 0; i < state16.size(); ++i)
    state16[i] = static_cast<int16_t>(i % 3 ? INT16_MIN : INT16_MAX);
  EXPECT_EQ(tinyops_svdf_s8_dsp_exact(&p, wf.data(), wt16.data(), bias.data()),
            TINYOPS_SVDF_EXACT_FEATURE | TINYOPS_SVDF_EXACT_OUTPUT);
  check_steps(p, r, wf, wt16, &bias, state16,
              TINYOPS_SVDF_EXACT_FEATURE | TINYOPS_SVDF_EXACT_OUTPUT, 4, "int16 state");

  p.state_zero_point = -128;
  p.shift_2 = 2;
  std::vector<int8_t> wt8(wt16.size()), state8(state16.size());
  for (size_t i = 0; i < wt8.size(); ++i) wt8[i] = static_cast<int8_t>(i % 2 ? -128 : 127);
  for (size_t i = 0; i < state8.size(); ++i) state8[i] = static_cast<int8_t>(i % 3 ? -128 : 127);
  EXPECT_EQ(tinyops_svdf_s8_state8_dsp_exact(&p, wf.data(), wt8.data(), bias.data()),
            TINYOPS_SVDF_EXACT_FEATURE | TINYOPS_SVDF_EXACT_OUTPUT);
  check_steps(p, r, wf, wt8, &bias, state8, TINYOPS_SVDF_EXACT_FEATURE | TINYOPS_SVDF_EXACT_OUTPUT,
              4, "int8 state");
}

// The compile-time bound: small weights with a right shift pass; a large bias or a left
// shift tips it over; zero points beyond int8 are refused.
TEST(SvdfDsp, TheOneMultiplyBoundIsCheckedNotAssumed) {
  tinyops_svdf_params p{1, 4, 2, 2, 1, 2, 0, 0, 0, 1 << 30, -1, 1 << 30, -1};
  const std::vector<int8_t> wf = {1, 1, 1, 1, -1, -1, -1, -1};
  const std::vector<int16_t> wt = {1, 1, 1, 1};
  EXPECT_EQ(tinyops_svdf_s8_dsp_exact(&p, wf.data(), wt.data(), nullptr), 0);
  // |sum| <= 2 * 32768 plus a bias just below 2^30: over the bound.
  const std::vector<int32_t> bias = {(1 << 30) - 65536, 0};
  EXPECT_EQ(tinyops_svdf_s8_dsp_exact(&p, wf.data(), wt.data(), bias.data()),
            TINYOPS_SVDF_EXACT_OUTPUT);
  p.shift_1 = 22;  // 4 * 128 * 2^22 = 2^31
  EXPECT_EQ(tinyops_svdf_s8_dsp_exact(&p, wf.data(), wt.data(), nullptr),
            TINYOPS_SVDF_EXACT_FEATURE);
  p.shift_1 = -1;
  p.multiplier_2 = -1;  // the one-multiply form assumes a non-negative multiplier
  EXPECT_EQ(tinyops_svdf_s8_dsp_exact(&p, wf.data(), wt.data(), nullptr),
            TINYOPS_SVDF_EXACT_OUTPUT);
  EXPECT_EQ(tinyops_svdf_s8_dsp_supported(&p), 1);
  p.input_zero_point = 128;
  EXPECT_EQ(tinyops_svdf_s8_dsp_supported(&p), 0);
  p.input_zero_point = 0;
  p.state_zero_point = -129;
  EXPECT_EQ(tinyops_svdf_s8_dsp_supported(&p), 0);
}

}  // namespace
