// Spectral analysis block: statistics of hand-computed vectors, band powers of sines
// (Parseval: the bands of one frame sum to the variance), Butterworth responses, and
// parameter checks.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <vector>

#include "tinyops/runtime/features.h"

namespace {

tinyops_spectral_params base_params() {
  tinyops_spectral_params p{};
  p.axes = 1;
  p.window_length = 64;
  p.sample_rate_hz = 100.0f;
  p.scale = 1.0f;
  p.filter_type = TINYOPS_FILTER_NONE;
  p.filter_order = 0;
  p.fft_length = 64;
  p.num_bands = 4;
  return p;
}

// Runs the block on one window.
std::vector<float> spectral(const tinyops_spectral_params& p, const std::vector<float>& window) {
  const int32_t count = tinyops_spectral_feature_count(&p);
  EXPECT_GT(count, 0);
  std::vector<float> table(tinyops_spectral_table_size(&p) / sizeof(float));
  std::vector<float> scratch(tinyops_spectral_scratch_size(&p) / sizeof(float));
  tinyops_spectral_plan plan{};
  EXPECT_EQ(tinyops_spectral_init(&plan, &p, table.data(), table.size() * sizeof(float)), 0);
  std::vector<float> out(static_cast<size_t>(count));
  tinyops_spectral_features_f32(&plan, window.data(), scratch.data(), out.data());
  return out;
}

std::vector<float> sine(int32_t length, double amplitude, double hz, double rate,
                        double offset = 0) {
  std::vector<float> x(static_cast<size_t>(length));
  for (int32_t i = 0; i < length; ++i)
    x[static_cast<size_t>(i)] =
        static_cast<float>(offset + amplitude * std::sin(2.0 * M_PI * hz * i / rate));
  return x;
}

TEST(SpectralFeatures, StatisticsOfAKnownVector) {
  // x = 1 2 3 4 10: mean 4, deviations -3 -2 -1 0 6, m2 = 50/5 = 10, m3 = 180/5 = 36,
  // m4 = 1394/5 = 278.8; RMS sqrt(130/5), skewness 36 / 10^1.5, kurtosis 2.788 - 3.
  tinyops_spectral_params p = base_params();
  p.window_length = 5;
  p.fft_length = 8;
  p.num_bands = 1;
  const auto out = spectral(p, {1, 2, 3, 4, 10});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_NEAR(out[0], std::sqrt(26.0), 1e-6);
  EXPECT_NEAR(out[1], 36.0 / std::pow(10.0, 1.5), 1e-6);
  EXPECT_NEAR(out[2], -0.212, 1e-6);
  EXPECT_NEAR(out[3], 10.0, 1e-5);  // one band: all the variance (one zero-padded frame)
}

TEST(SpectralFeatures, AxesAreInterleavedAndScaled) {
  tinyops_spectral_params p = base_params();
  p.axes = 2;
  p.window_length = 5;
  p.fft_length = 8;
  p.num_bands = 1;
  p.scale = 2.0f;
  // axis 0: 1 2 3 4 10, axis 1: its negation
  const auto out = spectral(p, {1, -1, 2, -2, 3, -3, 4, -4, 10, -10});
  ASSERT_EQ(out.size(), 8u);
  EXPECT_NEAR(out[0], 2.0 * std::sqrt(26.0), 1e-5);
  EXPECT_NEAR(out[4], 2.0 * std::sqrt(26.0), 1e-5);
  EXPECT_NEAR(out[1], -out[5], 1e-6);  // skewness changes sign
  EXPECT_NEAR(out[2], out[6], 1e-6);   // kurtosis does not
  EXPECT_NEAR(out[3], 40.0, 1e-4);
}

TEST(SpectralFeatures, ConstantSignalHasNoShapeAndNoPower) {
  tinyops_spectral_params p = base_params();
  const auto out = spectral(p, std::vector<float>(64, 9.81f));
  EXPECT_NEAR(out[0], 9.81f, 1e-5);
  EXPECT_EQ(out[1], 0.0f);
  EXPECT_EQ(out[2], 0.0f);
  for (int b = 0; b < 4; ++b) EXPECT_NEAR(out[static_cast<size_t>(3 + b)], 0.0f, 1e-10f);
}

TEST(SpectralFeatures, SineOnABinPutsHalfItsSquaredAmplitudeInItsBand) {
  // 100 Hz, 64-point FFT: bins every 1.5625 Hz; 12.5 Hz is bin 8, in band 1 of [0, 12.5),
  // [12.5, 25), [25, 37.5), [37.5, 50].
  tinyops_spectral_params p = base_params();
  const auto out = spectral(p, sine(64, 2.0, 12.5, 100.0, 1.0));
  EXPECT_NEAR(out[0], std::sqrt(1.0 + 2.0), 1e-5);  // RMS includes the offset
  EXPECT_NEAR(out[1], 0.0, 1e-5);
  EXPECT_NEAR(out[2], -1.5, 1e-5);  // a sine's excess kurtosis
  EXPECT_NEAR(out[3], 0.0, 1e-6);
  EXPECT_NEAR(out[4], 2.0, 1e-5);
  EXPECT_NEAR(out[5], 0.0, 1e-6);
  EXPECT_NEAR(out[6], 0.0, 1e-6);
}

TEST(SpectralFeatures, BandsOfOneFrameSumToTheVariance) {
  tinyops_spectral_params p = base_params();
  p.window_length = 50;  // zero-padded to 64
  p.num_bands = 7;
  std::vector<float> x(50);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 37 % 11) - 3.0);
  const auto out = spectral(p, x);
  double mean = 0, variance = 0, total = 0;
  for (float v : x) mean += v / 50.0;
  for (float v : x) variance += (v - mean) * (v - mean) / 50.0;
  for (int b = 0; b < 7; ++b) total += out[static_cast<size_t>(3 + b)];
  EXPECT_NEAR(total, variance, 1e-5 * variance);
}

TEST(SpectralFeatures, CustomEdgesLogAndOverlappingFrames) {
  tinyops_spectral_params p = base_params();
  const float edges[] = {0.0f, 10.0f, 20.0f, 50.0f};
  p.window_length = 128;
  p.num_bands = 3;
  p.band_edges_hz = edges;
  tinyops_spectral_plan plan{};
  std::vector<float> table(64);
  ASSERT_EQ(tinyops_spectral_init(&plan, &p, table.data(), 256), 0);
  // 10 Hz is bin 6.4, 20 Hz bin 12.8: bins [0, 7), [7, 13), [13, 33).
  EXPECT_EQ(plan.band_first_bin[0], 0);
  EXPECT_EQ(plan.band_first_bin[1], 7);
  EXPECT_EQ(plan.band_first_bin[2], 13);
  EXPECT_EQ(plan.band_first_bin[3], 33);

  // 25 Hz (bin 16) of amplitude 1 in every frame: band 2 holds 0.5 whether frames overlap
  // (3 frames) or not (2 frames); log10 of it with log_bands.
  const auto x = sine(128, 1.0, 25.0, 100.0);
  for (int overlap : {0, 1}) {
    p.overlap_ffts = overlap;
    p.log_bands = 0;
    auto out = spectral(p, x);
    EXPECT_NEAR(out[5], 0.5, 1e-5) << overlap;
    EXPECT_NEAR(out[3], 0.0, 1e-6);
    p.log_bands = 1;
    out = spectral(p, x);
    EXPECT_NEAR(out[5], std::log10(0.5), 1e-5);
    EXPECT_NEAR(out[3], -10.0, 1e-3);  // clamped at 1e-10
  }
}

std::complex<double> response(const float sos[][5], int32_t sections, double hz, double rate) {
  const std::complex<double> z1 = std::polar(1.0, -2.0 * M_PI * hz / rate);  // z^-1
  std::complex<double> h = 1.0;
  for (int32_t s = 0; s < sections; ++s)
    h *= (static_cast<double>(sos[s][0]) + static_cast<double>(sos[s][1]) * z1 +
          static_cast<double>(sos[s][2]) * z1 * z1) /
         (1.0 + static_cast<double>(sos[s][3]) * z1 + static_cast<double>(sos[s][4]) * z1 * z1);
  return h;
}

TEST(Butterworth, GainIsOneInThePassBandAndHalfPowerAtTheCutoff) {
  for (int32_t order = 1; order <= 8; ++order) {
    float sos[4][5];
    const int32_t sections =
        tinyops_butterworth_sos(TINYOPS_FILTER_LOW_PASS, order, 5.0, 100.0, sos);
    ASSERT_EQ(sections, (order + 1) / 2);
    EXPECT_NEAR(std::abs(response(sos, sections, 0.0, 100.0)), 1.0, 1e-5) << order;
    EXPECT_NEAR(std::abs(response(sos, sections, 5.0, 100.0)), std::sqrt(0.5), 1e-5) << order;
    EXPECT_LT(std::abs(response(sos, sections, 20.0, 100.0)), std::pow(0.5, order)) << order;

    const int32_t hp = tinyops_butterworth_sos(TINYOPS_FILTER_HIGH_PASS, order, 5.0, 100.0, sos);
    ASSERT_EQ(hp, (order + 1) / 2);
    EXPECT_NEAR(std::abs(response(sos, hp, 50.0, 100.0)), 1.0, 1e-5) << order;
    EXPECT_NEAR(std::abs(response(sos, hp, 5.0, 100.0)), std::sqrt(0.5), 1e-5) << order;
    EXPECT_NEAR(std::abs(response(sos, hp, 0.0, 100.0)), 0.0, 1e-6) << order;
  }
  float sos[4][5];
  EXPECT_EQ(tinyops_butterworth_sos(TINYOPS_FILTER_LOW_PASS, 9, 5.0, 100.0, sos), -1);
  EXPECT_EQ(tinyops_butterworth_sos(TINYOPS_FILTER_LOW_PASS, 2, 50.0, 100.0, sos), -1);
  EXPECT_EQ(tinyops_butterworth_sos(TINYOPS_FILTER_NONE, 2, 5.0, 100.0, sos), -1);
}

TEST(SpectralFeatures, LowPassRemovesAHighTone) {
  // 2 Hz + 30 Hz; an order-6 low-pass at 8 Hz leaves the 2 Hz tone (band 0 of [0, 12.5)).
  tinyops_spectral_params p = base_params();
  p.window_length = 256;
  p.filter_type = TINYOPS_FILTER_LOW_PASS;
  p.filter_cutoff_hz = 8.0f;
  p.filter_order = 6;
  auto x = sine(256, 1.0, 2.0, 100.0);
  const auto high = sine(256, 1.0, 30.0, 100.0);
  for (size_t i = 0; i < x.size(); ++i) x[i] += high[i];
  const auto out = spectral(p, x);
  EXPECT_GT(out[3], 0.3);   // most of the 2 Hz tone's 0.5 (start-up transient aside)
  EXPECT_LT(out[5], 5e-3);  // 30 Hz: gone (0.5 unfiltered)
  p.filter_type = TINYOPS_FILTER_HIGH_PASS;
  const auto hp = spectral(p, x);
  EXPECT_LT(hp[3], 0.05);
  EXPECT_GT(hp[5], 0.4);
}

TEST(SpectralFeatures, InvalidParametersAreRejected) {
  tinyops_spectral_params p = base_params();
  EXPECT_EQ(tinyops_spectral_feature_count(&p), 7);
  p.fft_length = 48;
  EXPECT_EQ(tinyops_spectral_feature_count(&p), -1);
  EXPECT_EQ(tinyops_spectral_scratch_size(&p), 0u);
  p = base_params();
  p.filter_type = TINYOPS_FILTER_LOW_PASS;
  p.filter_order = 2;
  p.filter_cutoff_hz = 60.0f;  // above Nyquist
  EXPECT_EQ(tinyops_spectral_feature_count(&p), -1);
  p = base_params();
  const float edges[] = {0.0f, 20.0f, 10.0f};
  p.num_bands = 2;
  p.band_edges_hz = edges;
  EXPECT_EQ(tinyops_spectral_feature_count(&p), -1);
  p = base_params();
  tinyops_spectral_plan plan{};
  std::vector<float> table(63);
  EXPECT_EQ(tinyops_spectral_init(&plan, &p, table.data(), table.size() * sizeof(float)), -1);
}

}  // namespace
