// MEAN over axes: float, and int8 through TFLite Micro's QuantizedMeanOrSum (1/count
// folded into the multiplier, rounding), also when input and output share quantisation.
#include <gtest/gtest.h>

#include <vector>

#include "tinyops/runtime/shape_ops.h"

namespace {

tinyops_reduce_shape shape(const std::vector<int32_t>& dims, const std::vector<int32_t>& reduce) {
  tinyops_reduce_shape s{};
  s.rank = static_cast<int32_t>(dims.size());
  for (size_t d = 0; d < dims.size(); ++d) {
    s.dims[d] = dims[d];
    s.reduce[d] = reduce[d];
  }
  return s;
}

TEST(MeanF32, OverEachAxis) {
  const std::vector<float> in = {1, 2, 3, 4, 5, 6};  // [2, 3]
  std::vector<float> out(3);
  auto s0 = shape({2, 3}, {1, 0});
  tinyops_mean_f32(&s0, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{2.5f, 3.5f, 4.5f}));
  auto s1 = shape({2, 3}, {0, 1});
  out.resize(2);
  tinyops_mean_f32(&s1, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{2.0f, 5.0f}));
}

TEST(MeanF32, SpatialAxesOfNhwc) {
  // [1, 2, 2, 2] over axes 1 and 2 (the global-average-pool case).
  const std::vector<float> in = {1, 10, 2, 20, 3, 30, 4, 40};
  std::vector<float> out(2);
  auto s = shape({1, 2, 2, 2}, {0, 1, 1, 0});
  tinyops_mean_f32(&s, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{2.5f, 25.0f}));
}

TEST(MeanS8, SharedQuantisationStillRoundsLikeTflm) {
  // Input and output share scale and zero point 0: s_in/s_out = 1 = 2^30 * 2^(1-31);
  // count 4 folds in as (2^30 << 2) / 4 = 2^30, shift 1 - 2 = -1. Means 2.5 and -2.5
  // round away from zero (3, -3); older TFLite's integer shortcut truncated them (2, -2).
  const tinyops_mean_params p{0, 0, 1 << 30, -1};
  const std::vector<int8_t> in = {1, 2, 3, 4, -1, -2, -3, -4};  // [2, 4]
  std::vector<int8_t> out(2);
  auto s = shape({2, 4}, {0, 1});
  tinyops_mean_s8(&p, &s, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{3, -3}));
}

TEST(MeanS8, SharedQuantisationWithZeroPointRounds) {
  // Zero point 5 on both sides, count 2: (7 + 8 - 2 * 5) / 2 = 2.5 above the zero point
  // rounds to 3 (8 once the zero point is added back); truncation would give 7.
  const tinyops_mean_params p{5, 5, 1 << 30, 0};  // 2^30 << 1 / 2 = 2^30, shift 1 - 1
  const std::vector<int8_t> in = {7, 8};
  int8_t out = 0;
  auto s = shape({2}, {1});
  tinyops_mean_s8(&p, &s, in.data(), &out);
  EXPECT_EQ(out, 8);
}

TEST(MeanS8, RequantisingPathRounds) {
  // Scales equal, zero points 0 -> 1: multiplier 2^30 * 2^(1-31) = 1, with 1/4 folded in
  // as a shift of 2: (2^30 << 2) / 4 = 2^30, shift 1 - 2 = -1.
  const tinyops_mean_params p{0, 1, 1 << 30, -1};
  const std::vector<int8_t> in = {1, 2, 3, 4, 100, 100, 100, 100};
  std::vector<int8_t> out(2);
  auto s = shape({2, 4}, {0, 1});
  tinyops_mean_s8(&p, &s, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{4, 101}));  // 2.5 -> 3 (+1), 100 (+1)
}

TEST(MeanS8, InputZeroPointRemovedBeforeScaling) {
  // Input zero point 10, output zero point -5, output scale twice the input's. s_in/s_out
  // = 0.5 = 2^30 * 2^(0 - 31); folding 1/2 (count 2): (2^30 << 1) / 2 = 2^30, shift -1.
  const tinyops_mean_params p{10, -5, 1 << 30, -1};
  const std::vector<int8_t> in = {14, 22};  // 4 and 12 above the zero point: mean 8
  int8_t out = 0;
  auto s = shape({2}, {1});
  tinyops_mean_s8(&p, &s, in.data(), &out);
  EXPECT_EQ(out, -1);  // 8 halved is 4, plus -5
}

}  // namespace
