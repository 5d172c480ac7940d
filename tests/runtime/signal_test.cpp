// Signal-library DSP kernels on hand-computed cases: every expected value below was worked
// out on paper from the fixed-point definitions in tinyops/runtime/signal.h.
#include "tinyops/runtime/signal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {

TEST(SignalWindow, MultipliesShiftsAndSaturates) {
  const tinyops_signal_window_params params{4, 12};
  const int16_t window[4] = {4096, 2048, 8192, 8192};
  // Two frames: the window repeats per frame.
  const int16_t in[8] = {1000, -2000, 32767, -32768, 4, -3, 0, 1};
  int16_t out[8] = {};
  tinyops_signal_window_s16(&params, 2, in, window, out);
  EXPECT_EQ(out[0], 1000);
  EXPECT_EQ(out[1], -1000);
  EXPECT_EQ(out[2], 32767);   // 65534 saturates
  EXPECT_EQ(out[3], -32768);  // -65536 saturates
  EXPECT_EQ(out[4], 4);
  EXPECT_EQ(out[5], -2);  // -6144 >> 12 rounds toward minus infinity
  EXPECT_EQ(out[6], 0);
  EXPECT_EQ(out[7], 2);
}

TEST(SignalFftAutoScale, ShiftsUpToTheLargestMagnitude) {
  const int16_t in[3] = {100, -200, 50};
  int16_t out[3] = {};
  // |max| = 200 has 8 significant bits: 16 - 8 - 1 = 7 bits of headroom.
  EXPECT_EQ(tinyops_signal_fft_auto_scale_s16(in, 3, out), 7);
  EXPECT_EQ(out[0], 12800);
  EXPECT_EQ(out[1], -25600);
  EXPECT_EQ(out[2], 6400);
}

TEST(SignalFftAutoScale, SilenceAndFullScaleAreNotShifted) {
  const int16_t zeros[4] = {0, 0, 0, 0};
  const int16_t loud[2] = {32767, -5};
  int16_t out[4] = {1, 1, 1, 1};
  EXPECT_EQ(tinyops_signal_fft_auto_scale_s16(zeros, 4, out), 0);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(tinyops_signal_fft_auto_scale_s16(loud, 2, out), 0);
  EXPECT_EQ(out[0], 32767);
  EXPECT_EQ(out[1], -5);
}

TEST(SignalFftAutoScale, ReproducesTflmsInt16MaximumAfterMinus32768) {
  // TFLM keeps the running maximum in an int16: -(-32768) wraps to -32768, and the next
  // sample (5) then becomes the maximum. The shift is 12 and -32768 << 12 wraps to 0.
  const int16_t in[2] = {-32768, 5};
  int16_t out[2] = {};
  EXPECT_EQ(tinyops_signal_fft_auto_scale_s16(in, 2, out), 12);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 20480);
}

TEST(SignalWindow, TheDspVariantGivesTheSameSamplesToTheBit) {
  uint32_t seed = 11;
  for (int32_t n : {1, 2, 7, 400, 401}) {
    for (int32_t shift : {0, 5, 12, 31}) {
      const int32_t frames = 3;
      std::vector<int16_t> in(static_cast<size_t>(frames * n)), w(static_cast<size_t>(n));
      for (auto& v : in) v = static_cast<int16_t>((seed = seed * 1664525u + 1013904223u) >> 16);
      for (auto& v : w) v = static_cast<int16_t>((seed = seed * 1664525u + 1013904223u) >> 16);
      in[0] = INT16_MIN;
      w[0] = INT16_MIN;
      const tinyops_signal_window_params p{n, shift};
      std::vector<int16_t> want(in.size()), got(in.size());
      tinyops_signal_window_s16(&p, frames, in.data(), w.data(), want.data());
      tinyops_signal_window_s16_dsp(&p, frames, in.data(), w.data(), got.data());
      ASSERT_EQ(got, want) << "n " << n << " shift " << shift;
    }
  }
}

class SignalRfft : public testing::Test {
 protected:
  void plan(int32_t fft_length) {
    tables_.resize(tinyops_signal_rfft_s16_buffer_len(fft_length));
    ASSERT_FALSE(tables_.empty());
    ASSERT_EQ(tinyops_signal_rfft_s16_init(&plan_, fft_length, tables_.data(), tables_.size()), 0);
  }
  std::vector<tinyops_complex_s16> run(const std::vector<int16_t>& x) {
    std::vector<tinyops_complex_s16> out(x.size() / 2 + 1);
    tinyops_signal_rfft_s16(&plan_, x.data(), out.data());
    return out;
  }
  std::vector<tinyops_complex_s16> tables_;
  tinyops_signal_rfft_s16_plan plan_{};
};

TEST_F(SignalRfft, RejectsUnsupportedLengths) {
  EXPECT_EQ(tinyops_signal_rfft_s16_buffer_len(2), 0u);
  EXPECT_EQ(tinyops_signal_rfft_s16_buffer_len(12), 0u);
  EXPECT_EQ(tinyops_signal_rfft_s16_buffer_len(1 << 17), 0u);
  std::vector<tinyops_complex_s16> small(3);
  EXPECT_NE(tinyops_signal_rfft_s16_init(&plan_, 8, small.data(), small.size()), 0);
}

TEST_F(SignalRfft, TheDspVariantGivesTheSameBinsToTheBit) {
  // every length the op supports up to 2048 (radix-4 only, and with the final radix-2), on
  // random and full-scale inputs, several frames at once with zero padding
  uint32_t seed = 7;
  for (int32_t n = 4; n <= 2048; n *= 2) {
    SCOPED_TRACE(n);
    plan(n);
    const int32_t frames = 3, input_length = n - n / 4;
    std::vector<int16_t> in(static_cast<size_t>(frames * input_length));
    for (int trial = 0; trial < 4; ++trial) {
      for (auto& v : in) {
        seed = seed * 1664525u + 1013904223u;
        v = trial == 3 ? static_cast<int16_t>((seed >> 31) ? INT16_MAX : INT16_MIN)
                       : static_cast<int16_t>(seed >> 16);
      }
      std::vector<int16_t> padded(static_cast<size_t>(n));
      std::vector<tinyops_complex_s16> want(static_cast<size_t>(frames * (n / 2 + 1)));
      std::vector<tinyops_complex_s16> got(want.size());
      tinyops_signal_rfft_s16_frames(&plan_, frames, input_length, in.data(), padded.data(), want.data());
      tinyops_signal_rfft_s16_dsp_frames(&plan_, frames, input_length, in.data(), padded.data(), got.data());
      for (size_t k = 0; k < want.size(); ++k) {
        ASSERT_EQ(got[k].r, want[k].r) << "bin " << k << " trial " << trial;
        ASSERT_EQ(got[k].i, want[k].i) << "bin " << k << " trial " << trial;
      }
    }
  }
}

TEST_F(SignalRfft, ImpulseIsFlat) {
  // z = (16384, 0), 0, 0, 0 -> radix-4 stage divides by 4 exactly: Z = 4096 everywhere.
  // The split step halves (16383/32768, rounded) to 2048 in every bin, all real.
  plan(8);
  const auto X = run({16384, 0, 0, 0, 0, 0, 0, 0});
  for (size_t k = 0; k < X.size(); ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(X[k].r, 2048);
    EXPECT_EQ(X[k].i, 0);
  }
}

TEST_F(SignalRfft, DcIsInBinZeroOnly) {
  // 1000 * 8191 / 32768 rounds to 250 per radix-4 input; four of them sum back to 1000
  // in each of the real and imaginary parts of Z[0]; the split step gives 500 + 500.
  plan(8);
  const auto X = run(std::vector<int16_t>(8, 1000));
  EXPECT_EQ(X[0].r, 1000);
  EXPECT_EQ(X[0].i, 0);
  for (size_t k = 1; k < X.size(); ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(X[k].r, 0);
    EXPECT_EQ(X[k].i, 0);
  }
}

// A cosine at bin 3 and a sine at bin 5 land where the DFT / N puts them, for lengths that
// use only radix 4 (128: 4*4*4) and radix 4 then 2 (64: 4*4*2).
TEST_F(SignalRfft, TonesLandInTheirBins) {
  for (int32_t n : {64, 128, 512}) {
    SCOPED_TRACE(n);
    plan(n);
    std::vector<int16_t> x(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
      const double t = 2.0 * M_PI * i / n;
      x[static_cast<size_t>(i)] =
          static_cast<int16_t>(std::lround(16000.0 * std::cos(3 * t) + 8000.0 * std::sin(5 * t)));
    }
    const auto X = run(x);
    for (size_t k = 0; k < X.size(); ++k) {
      SCOPED_TRACE(k);
      // DFT / N: a cosine of amplitude A gives A/2 real, a sine -A/2 imaginary.
      const double want_r = k == 3 ? 8000.0 : 0.0;
      const double want_i = k == 5 ? -4000.0 : 0.0;
      EXPECT_NEAR(X[k].r, want_r, 12.0);
      EXPECT_NEAR(X[k].i, want_i, 12.0);
    }
  }
}

TEST(SignalEnergy, SquaresMagnitudesInRange) {
  const tinyops_complex_s16 in[4] = {{3, 4}, {-5, 12}, {-32768, -32768}, {7, 7}};
  uint32_t out[4] = {9, 9, 9, 9};
  const tinyops_signal_energy_params all{0, 4};
  tinyops_signal_energy_s16(&all, 4, in, out);
  EXPECT_EQ(out[0], 25u);
  EXPECT_EQ(out[1], 169u);
  EXPECT_EQ(out[2], 2147483648u);  // 2^30 + 2^30, which needs the unsigned result
  EXPECT_EQ(out[3], 98u);
  const tinyops_signal_energy_params middle{1, 3};
  tinyops_signal_energy_s16(&middle, 4, in, out);
  EXPECT_EQ(out[0], 0u);
  EXPECT_EQ(out[1], 169u);
  EXPECT_EQ(out[3], 0u);
}

TEST(SignalFilterBank, AccumulatesWeightsAndCarriesUnweights) {
  // Channel 0 only seeds channel 1 with its unweighted sum (1*10 + 2*20 = 50).
  // Channel 1: 50 + 300*30 + 400*40 = 25050; carries 3*30 + 4*40 = 250.
  // Channel 2: 250 + 500*50 + 600*60 = 61250.
  const uint32_t energy[6] = {10, 20, 30, 40, 50, 60};
  const int16_t weights[6] = {100, 200, 300, 400, 500, 600};
  const int16_t unweights[6] = {1, 2, 3, 4, 5, 6};
  const int16_t freq_starts[3] = {0, 2, 4};
  const int16_t weight_starts[3] = {0, 2, 4};
  const int16_t widths[3] = {2, 2, 2};
  const tinyops_signal_filter_bank_params params{2,           weights,       unweights,
                                                 freq_starts, weight_starts, widths};
  uint64_t out[2] = {};
  tinyops_signal_filter_bank_u32(&params, energy, out);
  EXPECT_EQ(out[0], 25050u);
  EXPECT_EQ(out[1], 61250u);
}

TEST(SignalFilterBank, NegativeWeightsWrapLikeTflm) {
  const uint32_t energy[1] = {5};
  const int16_t weights[1] = {-1};
  const int16_t unweights[1] = {0};
  const int16_t freq_starts[2] = {0, 0};
  const int16_t weight_starts[2] = {0, 0};
  const int16_t widths[2] = {0, 1};
  const tinyops_signal_filter_bank_params params{1,           weights,       unweights,
                                                 freq_starts, weight_starts, widths};
  uint64_t out[1] = {};
  tinyops_signal_filter_bank_u32(&params, energy, out);
  EXPECT_EQ(out[0], UINT64_MAX - 4);  // -5 modulo 2^64
}

TEST(SignalMsb, CountsTheBitsUpToTheHighestSetOne) {
  EXPECT_EQ(tinyops_signal_msb_u32(0), 32);  // TFLM's convention for zero
  for (int b = 0; b < 32; ++b) {
    EXPECT_EQ(tinyops_signal_msb_u32(uint32_t{1} << b), b + 1);
    EXPECT_EQ(tinyops_signal_msb_u32((uint32_t{1} << b) | ((uint32_t{1} << b) - 1)), b + 1);
  }
  uint32_t x = 12345;
  for (int i = 0; i < 100000; ++i) {
    x = x * 1664525u + 1013904223u;
    const uint32_t v = x >> (x % 32);
    int bits = 0;
    for (uint32_t t = v; t != 0; t >>= 1) ++bits;
    ASSERT_EQ(tinyops_signal_msb_u32(v), v == 0 ? 32 : bits) << v;
  }
}

TEST(SignalSquareRoot, SixtyFourBitRootsRoundLikeTheBitByBitMethod) {
  uint64_t x = 987654321;
  for (int i = 0; i < 20000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const uint64_t v = x >> (x % 40);
    if ((v >> 32) == 0) continue;
    const long double root = std::floor(std::sqrt(static_cast<long double>(v)));
    uint64_t r = static_cast<uint64_t>(root);
    while (r * r > v) --r;  // exact floor, whatever long double's rounding did
    while (r < 0xFFFFFFFFu && (r + 1) * (r + 1) <= v) ++r;
    const uint64_t expected = (v - r * r > r && r != 0xFFFFFFFFu) ? r + 1 : r;
    ASSERT_EQ(tinyops_signal_sqrt_u64(v), expected) << v;
  }
}

TEST(SignalSquareRoot, RoundsToNearest) {
  EXPECT_EQ(tinyops_signal_sqrt_u32(0), 0);
  EXPECT_EQ(tinyops_signal_sqrt_u32(2), 1);
  EXPECT_EQ(tinyops_signal_sqrt_u32(3), 2);
  EXPECT_EQ(tinyops_signal_sqrt_u32(20), 4);                // 4.47
  EXPECT_EQ(tinyops_signal_sqrt_u32(21), 5);                // 4.58
  EXPECT_EQ(tinyops_signal_sqrt_u32(0xFFFFFFFFu), 0xFFFF);  // not rounded past 16 bits
  for (uint32_t x = 0; x < 200000; ++x) {
    ASSERT_EQ(tinyops_signal_sqrt_u32(x),
              static_cast<uint16_t>(std::floor(std::sqrt(static_cast<double>(x)) + 0.5)))
        << x;
  }
  EXPECT_EQ(tinyops_signal_sqrt_u64(uint64_t{1} << 40), 1u << 20);
  EXPECT_EQ(tinyops_signal_sqrt_u64((uint64_t{1} << 40) + (uint64_t{1} << 20) + 1),
            (1u << 20) + 1);  // just past the rounding midpoint
  EXPECT_EQ(tinyops_signal_sqrt_u64(UINT64_MAX), 0xFFFFFFFFu);
}

TEST(SignalSquareRoot, FilterBankShiftsDown) {
  const uint64_t in[3] = {100, uint64_t{1} << 40, 7};
  uint32_t out[3] = {};
  tinyops_signal_filter_bank_sqrt_u64(in, 3, 2, out);
  EXPECT_EQ(out[0], 2u);  // 10 >> 2
  EXPECT_EQ(out[1], 1u << 18);
  EXPECT_EQ(out[2], 0u);                                // 3 >> 2
  tinyops_signal_filter_bank_sqrt_u64(in, 3, 40, out);  // out-of-range shift: defined
  EXPECT_EQ(out[1], 0u);
}

tinyops_signal_spectral_subtraction_params subtraction(int32_t clamping) {
  tinyops_signal_spectral_subtraction_params p{};
  p.num_channels = 2;
  p.smoothing = 4096;  // 0.25 in Q14 (even channels)
  p.one_minus_smoothing = 12288;
  p.alternate_smoothing = 8192;  // 0.5 (odd channels)
  p.alternate_one_minus_smoothing = 8192;
  p.min_signal_remaining = 1638;  // ~0.1
  p.smoothing_bits = 2;
  p.spectral_subtraction_bits = 14;
  p.clamping = clamping;
  return p;
}

TEST(SignalSpectralSubtraction, TracksNoiseAcrossSteps) {
  const auto p = subtraction(0);
  uint32_t noise[2] = {0, 0};
  uint32_t out[2] = {};
  // Step 1: signal scaled up by 4; noise = 4000 * 0.25 = 1000 and 8000 * 0.5 = 4000.
  const uint32_t step1[2] = {1000, 2000};
  tinyops_signal_spectral_subtraction_u32(&p, step1, out, noise);
  EXPECT_EQ(noise[0], 1000u);
  EXPECT_EQ(noise[1], 4000u);
  EXPECT_EQ(out[0], 750u);   // (4000 - 1000) / 4
  EXPECT_EQ(out[1], 1000u);  // (8000 - 4000) / 4
  // Step 2: the even channel's estimate rises; the odd channel's signal drops to zero,
  // so its estimate is capped at the signal for the subtraction but kept (no clamping).
  const uint32_t step2[2] = {1000, 0};
  tinyops_signal_spectral_subtraction_u32(&p, step2, out, noise);
  EXPECT_EQ(noise[0], 1750u);  // (4000 * 4096 + 1000 * 12288) >> 14
  EXPECT_EQ(noise[1], 2000u);
  EXPECT_EQ(out[0], 562u);  // 2250 / 4
  EXPECT_EQ(out[1], 0u);
  // Step 3.
  tinyops_signal_spectral_subtraction_u32(&p, step2, out, noise);
  EXPECT_EQ(noise[0], 2312u);
  EXPECT_EQ(noise[1], 1000u);
  EXPECT_EQ(out[0], 422u);
  // Steady input: the estimate converges to 3997 and the floor (10% of 1000) takes over.
  for (int i = 0; i < 100; ++i) tinyops_signal_spectral_subtraction_u32(&p, step2, out, noise);
  EXPECT_EQ(noise[0], 3997u);
  EXPECT_EQ(out[0], 99u);  // 1000 * 1638 >> 14
}

TEST(SignalSpectralSubtraction, ClampingKeepsTheEstimateAtTheSignal) {
  const auto p = subtraction(1);
  uint32_t noise[2] = {0, 0};
  uint32_t out[2] = {};
  const uint32_t step1[2] = {1000, 2000};
  const uint32_t step2[2] = {1000, 0};
  tinyops_signal_spectral_subtraction_u32(&p, step1, out, noise);
  tinyops_signal_spectral_subtraction_u32(&p, step2, out, noise);
  EXPECT_EQ(noise[1], 0u);
  EXPECT_EQ(out[1], 0u);
}

TEST(SignalPcan, GainFromTableThenShrink) {
  std::vector<int16_t> lut(TINYOPS_SIGNAL_PCAN_LUT_LEN, 0);
  lut[0] = 4096;  // gain for a noise estimate of 0
  // Octave of x = 3 (highest bit 2) reads entries 2, 3, 4 at position 512 of 1024:
  // 1000 + round((((32 * 512) >> 5) + 64 * 32) * 512 / 32768) = 1000 + 40.
  lut[2] = 1000;
  lut[3] = 64;
  lut[4] = 32;
  lut[122] = 100;  // top octave (bit 32)
  const tinyops_signal_pcan_params params{5, 6};
  const uint32_t in[5] = {1000, 10, 100, 1000, 1000};
  const uint32_t noise[5] = {0, 0, 0, 3, 0xFFFFFFFFu};
  uint32_t out[5] = {};
  tinyops_signal_pcan_u32(&params, in, noise, lut.data(), out);
  EXPECT_EQ(out[0], 936u);  // snr 64000 (>= 2.0 in Q12): 64000 / 64 - 64
  EXPECT_EQ(out[1], 0u);    // snr 640: 640^2 >> 20
  EXPECT_EQ(out[2], 39u);   // snr 6400: 6400^2 >> 20
  EXPECT_EQ(out[3], 189u);  // gain 1040: snr 16250 -> 253 - 64
  EXPECT_EQ(out[4], 2u);    // gain 100: snr 1562 -> 1562^2 >> 20
}

TEST(SignalPcan, NegativeSlopesRoundDown) {
  std::vector<int16_t> lut(TINYOPS_SIGNAL_PCAN_LUT_LEN, 0);
  lut[2] = 1000;
  lut[3] = -64;  // 512 - 2048 = -1536; * 512 = -786432; (+16384) >> 15 = -24
  lut[4] = 32;
  const tinyops_signal_pcan_params params{1, 0};
  const uint32_t in[1] = {8};
  const uint32_t noise[1] = {3};
  uint32_t out[1] = {};
  tinyops_signal_pcan_u32(&params, in, noise, lut.data(), out);
  // gain 976, snr = 8 * 976 = 7808 < 8192: 7808^2 >> 20 = 58
  EXPECT_EQ(out[0], 58u);
}

TEST(SignalLog, MatchesTheFixedPointDefinition) {
  // log2(2) = 1.0 in Q16; * ln 2 (45426 in Q16) = 45426; at scale 2^16 unchanged.
  EXPECT_EQ(tinyops_signal_log_u32(2, 1u << 16), 45426u);
  // log2(3) = 1 + (0.5 + table[64] / 2^16) = 103872 / 2^16; ln 3 = 71998 / 2^16.
  EXPECT_EQ(tinyops_signal_log_u32(3, 1u << 15), 35999u);
  // The final scaling multiplies in 32 bits and wraps, as TFLM's does: 65536 * 71998.
  EXPECT_EQ(tinyops_signal_log_u32(3, 1u << 16), 6462u);
  EXPECT_EQ(tinyops_signal_log_u32(8, 64), 133u);  // ln 8 * 64 = 133.08
  for (uint32_t x : {5u, 17u, 1000u, 65535u, 1u << 20, 123456789u, 0xFFFFFFFFu}) {
    SCOPED_TRACE(x);
    EXPECT_NEAR(tinyops_signal_log_u32(x, 1024), std::log(static_cast<double>(x)) * 1024.0, 2.0);
  }
}

TEST(SignalLog, StaysWithinThreeStepsOfTheTrueLogEverywhere) {
  // Every segment of the correction table at many octaves; each step truncates, so the
  // error reaches a little over 2 at scale 1024.
  for (uint32_t x = 2; x < (1u << 24); x = x + 1 + x / 512) {
    ASSERT_NEAR(tinyops_signal_log_u32(x, 1024), std::log(static_cast<double>(x)) * 1024.0, 3.0)
        << x;
  }
}

TEST(SignalLog, FilterBankLogCorrectsZeroesAndSaturates) {
  const uint32_t in[4] = {0, 1, 2, 1u << 20};
  int16_t out[4] = {9, 9, 9, 9};
  const tinyops_signal_filter_bank_log_params p{4, 3, 64};
  tinyops_signal_filter_bank_log_u32(&p, in, out);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 133);   // 1 << 3 = 8
  EXPECT_EQ(out[2], 177);   // 16: (64 * 181704 + 2^15) >> 16
  EXPECT_EQ(out[3], 1020);  // 2^23: (64 * 23 * 45426 + 2^15) >> 16
  const tinyops_signal_filter_bank_log_params big{4, 3, 4096};
  tinyops_signal_filter_bank_log_u32(&big, in, out);
  EXPECT_EQ(out[3], 32767);  // 65300 saturates
  const tinyops_signal_filter_bank_log_params plain{4, 0, 64};
  tinyops_signal_filter_bank_log_u32(&plain, in, out);
  EXPECT_EQ(out[1], 0);  // 1 is at or below the log's threshold
}

}  // namespace
