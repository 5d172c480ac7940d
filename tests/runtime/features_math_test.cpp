// log, sin and cos of float_math.h (the feature blocks' tables and log energies): checked
// against the host C library in double; exact values where the reduction makes them exact.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "tinyops/runtime/float_math.h"

namespace {

uint32_t bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

TEST(FeaturesMath, LogIsCorrectlyRoundedOverTheWholeRange) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<uint32_t> any_positive(1u, 0x7F7FFFFFu);  // subnormal .. FLT_MAX
  std::uniform_real_distribution<float> near_one(0.5f, 2.0f);
  for (int i = 0; i < 200000; ++i) {
    float x;
    if (i % 2) {
      const uint32_t b = any_positive(rng);
      std::memcpy(&x, &b, 4);
    } else {
      x = near_one(rng);
    }
    ASSERT_EQ(bits(tinyops_logf(x)), bits(static_cast<float>(std::log(static_cast<double>(x)))))
        << x;
  }
}

TEST(FeaturesMath, LogDoubleIsWithinAnUlpOrTwo) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> range(-30.0, 30.0);
  for (int i = 0; i < 20000; ++i) {
    const double x = std::exp(range(rng));
    EXPECT_NEAR(tinyops_log_double(x), std::log(x), 4e-16 * std::max(1.0, std::fabs(std::log(x))))
        << x;
  }
}

TEST(FeaturesMath, FloatOnlyLogIsWithinAFewUlps) {
  std::mt19937 rng(13);
  std::uniform_int_distribution<uint32_t> any_positive(1u, 0x7F7FFFFFu);
  std::uniform_real_distribution<float> near_one(0.5f, 2.0f);
  for (int i = 0; i < 200000; ++i) {
    float x;
    if (i % 2) {
      const uint32_t b = any_positive(rng);
      std::memcpy(&x, &b, 4);
    } else {
      x = near_one(rng);
    }
    const double exact = std::log(static_cast<double>(x));
    ASSERT_NEAR(tinyops_log_fast_f32(x), exact, 3.0 * std::ldexp(std::fabs(exact), -23) + 1e-45)
        << x;
  }
  EXPECT_EQ(tinyops_log_fast_f32(1.0f), 0.0f);
  EXPECT_EQ(tinyops_log_fast_f32(0.0f), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(tinyops_log_fast_f32(-2.0f)));
}

TEST(FeaturesMath, LogEdges) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(bits(tinyops_logf(1.0f)), bits(0.0f));
  EXPECT_EQ(tinyops_logf(0.0f), -inf);
  EXPECT_EQ(tinyops_logf(inf), inf);
  EXPECT_TRUE(std::isnan(tinyops_logf(-1.0f)));
  EXPECT_TRUE(std::isnan(tinyops_logf(std::nanf(""))));
  EXPECT_EQ(tinyops_log_double(2.0), std::log(2.0));
}

TEST(FeaturesMath, SinCosMatchTheCLibrary) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> range(-60.0, 60.0);
  for (int i = 0; i < 20000; ++i) {
    const double x = range(rng);
    double s, c;
    tinyops_sincos_double(x, &s, &c);
    EXPECT_NEAR(s, std::sin(x), 2e-16 * (1.0 + std::fabs(x))) << x;
    EXPECT_NEAR(c, std::cos(x), 2e-16 * (1.0 + std::fabs(x))) << x;
  }
}

TEST(FeaturesMath, TurnsAreExactAtQuarterTurnsAndSymmetric) {
  double s, c;
  tinyops_sincos_turn_double(1, 4, &s, &c);
  EXPECT_EQ(s, 1.0);
  EXPECT_EQ(c, 0.0);
  tinyops_sincos_turn_double(512, 1024, &s, &c);
  EXPECT_EQ(s, 0.0);
  EXPECT_EQ(c, -1.0);
  tinyops_sincos_turn_double(-3, 4, &s, &c);  // -3/4 turn = 1/4 turn
  EXPECT_EQ(s, 1.0);
  EXPECT_EQ(c, 0.0);
  for (int n : {6, 12, 100, 1024}) {
    for (int k = 0; k < n; ++k) {
      double s1, c1, s2, c2;
      tinyops_sincos_turn_double(k, n, &s1, &c1);
      tinyops_sincos_turn_double(n - k, n, &s2, &c2);
      EXPECT_EQ(c1, c2) << k << "/" << n;
      EXPECT_EQ(s1, -s2) << k << "/" << n;
      const double angle = 2.0 * M_PI * k / n;
      EXPECT_NEAR(s1, std::sin(angle), 1e-15);  // the reference angle itself is rounded
      EXPECT_NEAR(c1, std::cos(angle), 1e-15);
    }
  }
}

}  // namespace
