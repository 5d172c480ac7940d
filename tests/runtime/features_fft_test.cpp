// The float real FFT of the feature blocks: hand-computed spectra (DC, a cosine on a bin),
// a double-precision DFT on random input, Parseval, in-place use and bad lengths.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include "tinyops/runtime/fft_f32.h"

namespace {

struct Fft {
  explicit Fft(int32_t n) : table(static_cast<size_t>(n)) {
    EXPECT_EQ(tinyops_rfft_f32_table_size(n), table.size() * sizeof(float));
    EXPECT_EQ(tinyops_rfft_f32_init(&plan, n, table.data(), table.size() * sizeof(float)), 0);
  }
  std::vector<float> operator()(const std::vector<float>& x) const {
    std::vector<float> out(x.size() + 2);
    tinyops_rfft_f32(&plan, x.data(), out.data());
    return out;
  }
  std::vector<float> table;
  tinyops_rfft_f32_plan plan{};
};

TEST(RfftF32, DcGoesToBinZero) {
  const Fft fft(8);
  const auto X = fft(std::vector<float>(8, 0.5f));
  EXPECT_EQ(X[0], 4.0f);
  for (size_t i = 1; i < X.size(); ++i) EXPECT_EQ(X[i], 0.0f) << i;
}

TEST(RfftF32, CosineOnABinPeaksThereWithHalfTheLengthTimesItsAmplitude) {
  for (int32_t n : {16, 64, 256}) {
    const Fft fft(n);
    const int32_t k0 = n / 8 + 1;
    std::vector<float> x(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i)
      x[static_cast<size_t>(i)] = static_cast<float>(3.0 * std::cos(2.0 * M_PI * k0 * i / n));
    const auto X = fft(x);
    for (int32_t k = 0; k <= n / 2; ++k) {
      const float re = X[static_cast<size_t>(2 * k)], im = X[static_cast<size_t>(2 * k + 1)];
      if (k == k0) {
        EXPECT_NEAR(re, 1.5f * static_cast<float>(n), 1e-5f * static_cast<float>(n)) << n;
        EXPECT_NEAR(im, 0.0f, 1e-5f * static_cast<float>(n));
      } else {
        EXPECT_NEAR(std::hypot(re, im), 0.0f, 1e-5f * static_cast<float>(n)) << n << " bin " << k;
      }
    }
  }
}

TEST(RfftF32, MatchesADoublePrecisionDftOnRandomInput) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int32_t n = 4; n <= 4096; n *= 2) {
    const Fft fft(n);
    std::vector<float> x(static_cast<size_t>(n));
    for (auto& v : x) v = u(rng);
    const auto X = fft(x);
    double worst = 0.0;
    for (int32_t k = 0; k <= n / 2; ++k) {
      std::complex<double> sum = 0.0;
      for (int32_t i = 0; i < n; ++i)
        sum += static_cast<double>(x[static_cast<size_t>(i)]) *
               std::polar(1.0,
                          -2.0 * M_PI * static_cast<double>((static_cast<int64_t>(k) * i) % n) / n);
      worst =
          std::max(worst, std::abs(sum - std::complex<double>(X[static_cast<size_t>(2 * k)],
                                                              X[static_cast<size_t>(2 * k + 1)])));
    }
    // float round-off grows like log2(n) sqrt(n) for a unit-variance input.
    EXPECT_LT(worst, 2e-6 * std::sqrt(static_cast<double>(n)) * std::log2(static_cast<double>(n)))
        << n;
  }
}

TEST(RfftF32, ParsevalHolds) {
  std::mt19937 rng(2);
  std::normal_distribution<float> g(0.0f, 2.0f);
  for (int32_t n : {4, 32, 512, 2048}) {
    const Fft fft(n);
    std::vector<float> x(static_cast<size_t>(n));
    double energy = 0.0;
    for (auto& v : x) {
      v = g(rng);
      energy += static_cast<double>(v) * v;
    }
    const auto X = fft(x);
    std::vector<float> power(static_cast<size_t>(n / 2 + 1));
    tinyops_complex_power_f32(X.data(), n / 2 + 1, power.data());
    double spectrum = power[0] + power.back();
    for (int32_t k = 1; k < n / 2; ++k) spectrum += 2.0 * power[static_cast<size_t>(k)];
    EXPECT_NEAR(spectrum / n, energy, 1e-5 * energy) << n;
  }
}

TEST(RfftF32, InPlaceGivesTheSameBits) {
  const Fft fft(128);
  std::vector<float> x(130);
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(-5.0f, 5.0f);
  for (size_t i = 0; i < 128; ++i) x[i] = u(rng);
  const auto expected = fft(std::vector<float>(x.begin(), x.begin() + 128));
  tinyops_rfft_f32(&fft.plan, x.data(), x.data());
  EXPECT_EQ(x, expected);
}

TEST(RfftF32, RejectsUnsupportedLengthsAndSmallTables) {
  std::vector<float> table(64);
  tinyops_rfft_f32_plan plan{};
  EXPECT_EQ(tinyops_rfft_f32_table_size(48), 0u);
  EXPECT_EQ(tinyops_rfft_f32_table_size(2), 0u);
  EXPECT_EQ(tinyops_rfft_f32_table_size(1 << 17), 0u);
  EXPECT_EQ(tinyops_rfft_f32_init(&plan, 48, table.data(), 256), -1);
  EXPECT_EQ(tinyops_rfft_f32_init(&plan, 64, table.data(), 255), -1);
  EXPECT_EQ(tinyops_rfft_f32_init(&plan, 64, table.data(), 256), 0);
}

}  // namespace
