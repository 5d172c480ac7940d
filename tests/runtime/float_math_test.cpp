// exp and tanh that give the same bits on host and device: checked against the host C
// library's double-precision functions rounded once to float (correctly rounded but for
// rare double-rounding ties, none of which these samples hit).
#include "tinyops/runtime/float_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace {

uint32_t bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

TEST(FloatMath, ExpIsCorrectlyRoundedOverTheWholeRange) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> wide(-104.0f, 89.0f);
  std::uniform_real_distribution<float> narrow(-1.0f, 1.0f);
  for (int i = 0; i < 200000; ++i) {
    const float x = i % 2 ? wide(rng) : narrow(rng);
    ASSERT_EQ(bits(tinyops_expf(x)), bits(static_cast<float>(std::exp(static_cast<double>(x))))) << x;
  }
}

TEST(FloatMath, ExpEdges) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(tinyops_expf(0.0f), 1.0f);
  EXPECT_EQ(tinyops_expf(-inf), 0.0f);
  EXPECT_EQ(tinyops_expf(inf), inf);
  EXPECT_EQ(tinyops_expf(88.8f), inf);  // above FLT_MAX
  EXPECT_TRUE(std::isnan(tinyops_expf(std::nanf(""))));
  // Subnormal results round as IEEE says.
  for (float x : {-87.5f, -95.0f, -100.0f, -103.9f, -103.28f})
    EXPECT_EQ(bits(tinyops_expf(x)), bits(static_cast<float>(std::exp(static_cast<double>(x))))) << x;
}

TEST(FloatMath, TanhIsCorrectlyRoundedAndOdd) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> wide(-12.0f, 12.0f);
  std::uniform_real_distribution<float> tiny(-0.2f, 0.2f);
  for (int i = 0; i < 200000; ++i) {
    const float x = i % 2 ? wide(rng) : tiny(rng);
    ASSERT_EQ(bits(tinyops_tanhf(x)), bits(static_cast<float>(std::tanh(static_cast<double>(x))))) << x;
    ASSERT_EQ(bits(tinyops_tanhf(-x)), bits(-tinyops_tanhf(x))) << x;
  }
  EXPECT_EQ(bits(tinyops_tanhf(-0.0f)), bits(-0.0f));
  EXPECT_EQ(tinyops_tanhf(std::numeric_limits<float>::infinity()), 1.0f);
  EXPECT_EQ(tinyops_tanhf(1e-30f), 1e-30f);
}

}  // namespace
