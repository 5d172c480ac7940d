// MFE and MFCC: the mel scale, frame counts, the filter bank's shape (triangles that sum to
// one between the first and last centres), a pure tone peaking in the right filter,
// silence, pre-emphasis across frame boundaries, MFCC as the DCT of the log energies.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "tinyops/runtime/features.h"

namespace {

tinyops_audio_params speech_params() {
  tinyops_audio_params p{};
  p.sample_rate_hz = 16000.0f;
  p.window_length = 4000;
  p.frame_length = 400;  // 25 ms
  p.frame_stride = 160;  // 10 ms
  p.fft_length = 512;
  p.num_filters = 40;
  p.low_hz = 0.0f;
  p.high_hz = 0.0f;  // rate / 2
  p.pre_emphasis = 0.0f;
  p.frame_window = TINYOPS_FRAME_WINDOW_HANN;
  p.noise_floor_db = 0.0f;
  p.num_cepstral = 13;
  return p;
}

struct Audio {
  explicit Audio(const tinyops_audio_params& params) : p(params) {
    table.resize(tinyops_audio_table_size(&p) / sizeof(float));
    scratch.resize(tinyops_audio_scratch_size(&p) / sizeof(float));
    EXPECT_EQ(tinyops_audio_init(&plan, &p, table.data(), table.size() * sizeof(float)), 0);
  }
  std::vector<float> mfe(const std::vector<float>& x) {
    std::vector<float> out(static_cast<size_t>(tinyops_mfe_feature_count(&p)));
    tinyops_mfe_f32(&plan, x.data(), scratch.data(), out.data());
    return out;
  }
  std::vector<float> mfcc(const std::vector<float>& x) {
    std::vector<float> out(static_cast<size_t>(tinyops_mfcc_feature_count(&p)));
    tinyops_mfcc_f32(&plan, x.data(), scratch.data(), out.data());
    return out;
  }
  tinyops_audio_params p;
  std::vector<float> table, scratch;
  tinyops_audio_plan plan{};
};

std::vector<float> tone(int32_t length, double hz, double rate, double amplitude) {
  std::vector<float> x(static_cast<size_t>(length));
  for (int32_t i = 0; i < length; ++i)
    x[static_cast<size_t>(i)] =
        static_cast<float>(amplitude * std::sin(2.0 * M_PI * hz * i / rate));
  return x;
}

TEST(MelScale, MatchesTheFormulaBothWays) {
  EXPECT_NEAR(tinyops_hz_to_mel(700.0), 2595.0 * std::log10(2.0), 1e-9);
  EXPECT_NEAR(tinyops_hz_to_mel(1000.0), 2595.0 * std::log10(1.0 + 1000.0 / 700.0), 1e-9);
  EXPECT_EQ(tinyops_hz_to_mel(0.0), 0.0);
  for (double hz : {10.0, 440.0, 4000.0, 8000.0, 22050.0})
    EXPECT_NEAR(tinyops_mel_to_hz(tinyops_hz_to_mel(hz)), hz, 1e-9 * hz);
}

TEST(AudioFeatures, FeatureCountsFollowFramesAndFilters) {
  tinyops_audio_params p = speech_params();
  EXPECT_EQ(tinyops_audio_frame_count(&p), 1 + (4000 - 400) / 160);  // 23
  EXPECT_EQ(tinyops_mfe_feature_count(&p), 23 * 40);
  EXPECT_EQ(tinyops_mfcc_feature_count(&p), 23 * 13);
  p.window_length = 16000;
  EXPECT_EQ(tinyops_mfe_feature_count(&p), 98 * 40);
  p.window_length = 399;
  EXPECT_EQ(tinyops_mfe_feature_count(&p), 0);
  p = speech_params();
  p.num_cepstral = 0;
  EXPECT_EQ(tinyops_mfcc_feature_count(&p), -1);  // MFE only
  EXPECT_EQ(tinyops_mfe_feature_count(&p), 23 * 40);
}

TEST(AudioFeatures, InvalidParametersAreRejected) {
  const auto bad = [](auto change) {
    tinyops_audio_params p = speech_params();
    change(p);
    return tinyops_mfe_feature_count(&p) == -1 && tinyops_audio_table_size(&p) == 0 &&
           tinyops_audio_scratch_size(&p) == 0;
  };
  EXPECT_TRUE(bad([](tinyops_audio_params& p) { p.fft_length = 500; }));
  EXPECT_TRUE(bad([](tinyops_audio_params& p) { p.frame_length = 600; }));  // > fft_length
  EXPECT_TRUE(bad([](tinyops_audio_params& p) { p.high_hz = 9000.0f; }));   // > rate / 2
  EXPECT_TRUE(bad([](tinyops_audio_params& p) { p.low_hz = 8000.0f; }));
  EXPECT_TRUE(bad([](tinyops_audio_params& p) { p.num_filters = 0; }));
  EXPECT_TRUE(bad([](tinyops_audio_params& p) { p.num_cepstral = 41; }));
  EXPECT_TRUE(bad([](tinyops_audio_params& p) { p.frame_stride = 0; }));
  EXPECT_TRUE(bad([](tinyops_audio_params& p) { p.frame_window = 9; }));
  EXPECT_TRUE(bad([](tinyops_audio_params& p) { p.noise_floor_db = 3.0f; }));
  tinyops_audio_params p = speech_params();
  std::vector<float> table(tinyops_audio_table_size(&p) / sizeof(float) - 1);
  tinyops_audio_plan plan{};
  EXPECT_EQ(tinyops_audio_init(&plan, &p, table.data(), table.size() * sizeof(float)), -1);
}

TEST(AudioFeatures, TrianglesSumToOneBetweenTheOuterCentres) {
  tinyops_audio_params p = speech_params();
  p.low_hz = 300.0f;
  p.high_hz = 7600.0f;
  Audio a(p);
  const int32_t bins = p.fft_length / 2 + 1;
  std::vector<double> sum(static_cast<size_t>(bins), 0.0);
  for (int32_t m = 0; m < p.num_filters; ++m) {
    for (int32_t i = 0; i < a.plan.mel_bins[m]; ++i) {
      const float w = a.plan.mel_weights[a.plan.mel_offset[m] + i];
      EXPECT_GT(w, 0.0f);
      EXPECT_LE(w, 1.0f);
      sum[static_cast<size_t>(a.plan.mel_first_bin[m] + i)] += w;
    }
  }
  const double mel_low = tinyops_hz_to_mel(300.0), mel_high = tinyops_hz_to_mel(7600.0);
  const double step = (mel_high - mel_low) / (p.num_filters + 1);
  const double first_centre = tinyops_mel_to_hz(mel_low + step);
  const double last_centre = tinyops_mel_to_hz(mel_high - step);
  for (int32_t k = 0; k < bins; ++k) {
    const double hz = k * 16000.0 / 512.0;
    if (hz <= 300.0 || hz >= 7600.0) {
      EXPECT_EQ(sum[static_cast<size_t>(k)], 0.0) << k;
    } else if (hz >= first_centre && hz <= last_centre) {
      EXPECT_NEAR(sum[static_cast<size_t>(k)], 1.0, 1e-6) << k;
    }
  }
}

TEST(AudioFeatures, PureToneFillsTheFilterWhoseCentreIsNearest) {
  const tinyops_audio_params p = speech_params();
  Audio a(p);
  const double step = tinyops_hz_to_mel(8000.0) / (p.num_filters + 1);
  for (double hz : {250.0, 1000.0, 2500.0, 6000.0}) {
    const auto mfe = a.mfe(tone(p.window_length, hz, 16000.0, 0.5));
    int32_t nearest = 0;
    for (int32_t m = 1; m < p.num_filters; ++m)
      if (std::fabs(tinyops_mel_to_hz(step * (m + 1)) - hz) <
          std::fabs(tinyops_mel_to_hz(step * (nearest + 1)) - hz))
        nearest = m;
    for (int32_t f = 0; f < tinyops_audio_frame_count(&p); ++f) {
      const auto row = mfe.begin() + f * p.num_filters;
      EXPECT_EQ(std::max_element(row, row + p.num_filters) - row, nearest)
          << hz << " Hz, frame " << f;
    }
  }
}

TEST(AudioFeatures, ToneEnergyIsWhereParsevalPutsIt) {
  // A 1000 Hz tone on bin 32 of a 512-point FFT, no window, a frame of 512 samples:
  // |X_32| = A N / 2, so the bin's power |X|^2 / N is A^2 N / 4; the filter whose centre
  // sits on 1000 Hz weighs it by its triangle at that bin.
  tinyops_audio_params p = speech_params();
  p.frame_length = 512;
  p.frame_stride = 512;
  p.window_length = 512;
  p.frame_window = TINYOPS_FRAME_WINDOW_NONE;
  Audio a(p);
  const auto mfe = a.mfe(tone(512, 1000.0, 16000.0, 0.25));
  const double bin_power = 0.25 * 0.25 * 512.0 / 4.0;
  double expected_max = 0.0;
  for (int32_t m = 0; m < p.num_filters; ++m)
    for (int32_t i = 0; i < a.plan.mel_bins[m]; ++i)
      if (a.plan.mel_first_bin[m] + i == 32)
        expected_max =
            std::max(expected_max,
                     static_cast<double>(a.plan.mel_weights[a.plan.mel_offset[m] + i]) * bin_power);
  EXPECT_NEAR(*std::max_element(mfe.begin(), mfe.end()), 10.0 * std::log10(expected_max), 1e-3);
}

TEST(AudioFeatures, SilenceSitsOnTheEnergyFloor) {
  tinyops_audio_params p = speech_params();
  const std::vector<float> silence(static_cast<size_t>(p.window_length), 0.0f);
  {
    Audio a(p);
    for (float v : a.mfe(silence)) EXPECT_NEAR(v, -100.0f, 1e-4f);  // 10 log10(1e-10)
    // A constant log energy: only c0 = sqrt(M) ln(1e-10) survives the orthonormal DCT.
    const auto c = a.mfcc(silence);
    for (size_t i = 0; i < c.size(); ++i) {
      if (i % 13 == 0) {
        EXPECT_NEAR(c[i], std::sqrt(40.0) * std::log(1e-10), 1e-3) << i;
      } else {
        EXPECT_NEAR(c[i], 0.0f, 1e-4f) << i;
      }
    }
  }
  p.noise_floor_db = -52.0f;
  Audio floored(p);
  for (float v : floored.mfe(silence)) EXPECT_EQ(v, 0.0f);
  // A full-scale tone rises well above the floor: (dB + 52) / 52.
  const auto loud = floored.mfe(tone(p.window_length, 1000.0, 16000.0, 1.0));
  EXPECT_GT(*std::max_element(loud.begin(), loud.end()), 1.0f);
}

TEST(AudioFeatures, MfccIsTheOrthonormalDctOfTheLogEnergies) {
  const tinyops_audio_params p = speech_params();
  Audio a(p);
  std::vector<float> x(static_cast<size_t>(p.window_length));
  uint32_t state = 12345;
  for (auto& v : x) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<float>(static_cast<int32_t>(state >> 8) - (1 << 23)) /
        static_cast<float>(1 << 23);
  }
  const auto mfe = a.mfe(x);
  const auto mfcc = a.mfcc(x);
  const int32_t m_count = p.num_filters;
  for (int32_t f = 0; f < tinyops_audio_frame_count(&p); ++f) {
    for (int32_t j = 0; j < p.num_cepstral; ++j) {
      double c = 0.0;
      for (int32_t m = 0; m < m_count; ++m) {
        const double ln_energy = mfe[static_cast<size_t>(f * m_count + m)] * std::log(10.0) / 10.0;
        c += ln_energy * std::cos(M_PI * j * (2 * m + 1) / (2.0 * m_count));
      }
      c *= std::sqrt((j == 0 ? 1.0 : 2.0) / m_count);
      EXPECT_NEAR(mfcc[static_cast<size_t>(f * p.num_cepstral + j)], c, 1e-3 * (1.0 + std::fabs(c)))
          << f << " " << j;
    }
  }
}

TEST(AudioFeatures, PreEmphasisUsesThePreviousSampleAcrossFrames) {
  // A constant input with a = 1 leaves only the window's first sample: frame 0 holds an
  // impulse (flat spectrum), every later frame is silent, even though it starts mid-window.
  tinyops_audio_params p = speech_params();
  p.pre_emphasis = 1.0f;
  p.frame_window = TINYOPS_FRAME_WINDOW_NONE;
  Audio a(p);
  const auto mfe = a.mfe(std::vector<float>(static_cast<size_t>(p.window_length), 0.5f));
  for (int32_t m = 0; m < p.num_filters; ++m) EXPECT_GT(mfe[static_cast<size_t>(m)], -40.0f);
  for (size_t i = static_cast<size_t>(p.num_filters); i < mfe.size(); ++i)
    EXPECT_NEAR(mfe[i], -100.0f, 1e-4f);
}

TEST(AudioFeatures, Int16InputIsReadAsValueOver32768) {
  const tinyops_audio_params p = speech_params();
  Audio a(p);
  std::vector<int16_t> s16(static_cast<size_t>(p.window_length));
  std::vector<float> f32(s16.size());
  for (size_t i = 0; i < s16.size(); ++i) {
    s16[i] = static_cast<int16_t>((static_cast<int32_t>(i * 7919 % 65536)) - 32768);
    f32[i] = static_cast<float>(s16[i]) / 32768.0f;
  }
  std::vector<float> from_s16(static_cast<size_t>(tinyops_mfcc_feature_count(&p)));
  tinyops_mfcc_s16(&a.plan, s16.data(), a.scratch.data(), from_s16.data());
  EXPECT_EQ(from_s16, a.mfcc(f32));
  std::vector<float> mfe_s16(static_cast<size_t>(tinyops_mfe_feature_count(&p)));
  tinyops_mfe_s16(&a.plan, s16.data(), a.scratch.data(), mfe_s16.data());
  EXPECT_EQ(mfe_s16, a.mfe(f32));
}

}  // namespace
