#include "tinyops/core/quantization.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tinyops/core/error.hpp"

namespace tinyops {
namespace {

double represented(QuantizedMultiplier q) {
  return static_cast<double>(q.multiplier) * std::ldexp(1.0, q.shift - 31);
}

TEST(QuantizeMultiplier, ZeroIsExactlyZero) {
  const auto q = quantize_multiplier(0.0);
  EXPECT_EQ(q.multiplier, 0);
  EXPECT_EQ(q.shift, 0);
}

TEST(QuantizeMultiplier, PowersOfTwo) {
  // 0.5 = 2^30 * 2^(0 - 31)
  EXPECT_EQ(quantize_multiplier(0.5).multiplier, 1 << 30);
  EXPECT_EQ(quantize_multiplier(0.5).shift, 0);
  EXPECT_EQ(quantize_multiplier(1.0).shift, 1);
  EXPECT_EQ(quantize_multiplier(0.25).shift, -1);
}

TEST(QuantizeMultiplier, RoundsTheMantissaToNearest) {
  for (double m : {0.0001234, 0.3, 0.7071067811865476, 1.9999, 123.456}) {
    const auto q = quantize_multiplier(m);
    EXPECT_GE(q.multiplier, 1 << 30);
    EXPECT_NEAR(represented(q), m, m * std::ldexp(1.0, -30));
  }
}

TEST(QuantizeMultiplier, MantissaRoundingUpToOneCarriesIntoTheShift) {
  // Just below 1.0: the 31-bit mantissa rounds to 2^31 and must renormalise to 2^30.
  const auto q = quantize_multiplier(1.0 - 1e-12);
  EXPECT_EQ(q.multiplier, 1 << 30);
  EXPECT_EQ(q.shift, 1);
}

TEST(QuantizeMultiplier, TinyMultipliersFlushToZero) {
  const auto q = quantize_multiplier(std::ldexp(1.0, -40));
  EXPECT_EQ(q.multiplier, 0);
  EXPECT_EQ(q.shift, 0);
}

TEST(QuantizeMultiplier, RejectsNonFiniteAndNegativeScales) {
  EXPECT_THROW(quantize_multiplier(std::nan("")), InputError);
  EXPECT_THROW(quantize_multiplier(1.0 / 0.0), InputError);
  EXPECT_THROW(quantize_multiplier(-0.5), InputError);
}

TEST(ActivationRange, Int8ReluAndRelu6) {
  // scale 0.05, zero point -10: 0.0 -> -10, 6.0 -> 110
  EXPECT_EQ(activation_range_quantized(Activation::Relu, DataType::Int8, 0.05f, -10),
            (std::pair<int32_t, int32_t>{-10, 127}));
  EXPECT_EQ(activation_range_quantized(Activation::Relu6, DataType::Int8, 0.05f, -10),
            (std::pair<int32_t, int32_t>{-10, 110}));
  EXPECT_EQ(activation_range_quantized(Activation::None, DataType::Int8, 0.05f, -10),
            (std::pair<int32_t, int32_t>{-128, 127}));
  // 6.0 beyond the type range clamps to 127.
  EXPECT_EQ(activation_range_quantized(Activation::Relu6, DataType::Int8, 0.01f, 0).second, 127);
}

TEST(ActivationRange, TanhIsRejectedOnQuantisedOutputs) {
  EXPECT_THROW(activation_range_quantized(Activation::Tanh, DataType::Int8, 1.0f, 0),
               UnsupportedError);
}

}  // namespace
}  // namespace tinyops
