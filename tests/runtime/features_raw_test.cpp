// Window counting, frame windows and the raw block.
#include <gtest/gtest.h>

#include <vector>

#include "tinyops/runtime/features.h"

namespace {

TEST(FeatureWindows, CountWindowsThatFit) {
  EXPECT_EQ(tinyops_feature_window_count(10, 4, 2), 4);  // starts 0, 2, 4, 6
  EXPECT_EQ(tinyops_feature_window_count(11, 4, 2), 4);  // a partial window is dropped
  EXPECT_EQ(tinyops_feature_window_count(4, 4, 3), 1);
  EXPECT_EQ(tinyops_feature_window_count(3, 4, 1), 0);
  EXPECT_EQ(tinyops_feature_window_count(16000, 400, 160), 98);
  EXPECT_EQ(tinyops_feature_window_count(10, 0, 1), 0);
  EXPECT_EQ(tinyops_feature_window_count(10, 2, 0), 0);
}

TEST(FeatureWindows, PeriodicHannAndHamming) {
  std::vector<float> w(4);
  ASSERT_EQ(tinyops_frame_window_f32(TINYOPS_FRAME_WINDOW_HANN, 4, w.data()), 0);
  EXPECT_EQ(w, (std::vector<float>{0.0f, 0.5f, 1.0f, 0.5f}));
  ASSERT_EQ(tinyops_frame_window_f32(TINYOPS_FRAME_WINDOW_HAMMING, 4, w.data()), 0);
  EXPECT_EQ(w, (std::vector<float>{0.08f, 0.54f, 1.0f, 0.54f}));
  ASSERT_EQ(tinyops_frame_window_f32(TINYOPS_FRAME_WINDOW_NONE, 4, w.data()), 0);
  EXPECT_EQ(w, (std::vector<float>(4, 1.0f)));
  EXPECT_EQ(tinyops_frame_window_f32(7, 4, w.data()), -1);
}

TEST(RawFeatures, ScaleEverySampleInOrder) {
  const tinyops_raw_params p{2, 3, 0.5f};
  ASSERT_EQ(tinyops_raw_feature_count(&p), 6);
  const std::vector<float> window = {1, -2, 3, -4, 5, 6};
  std::vector<float> out(6);
  tinyops_raw_features_f32(&p, window.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{0.5f, -1.0f, 1.5f, -2.0f, 2.5f, 3.0f}));
  const std::vector<int16_t> s16 = {-32768, 32767, 0, 1, -1, 2};
  tinyops_raw_features_s16(&p, s16.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{-16384.0f, 16383.5f, 0.0f, 0.5f, -0.5f, 1.0f}));
}

TEST(RawFeatures, InvalidParametersHaveNoCount) {
  const tinyops_raw_params no_axes{0, 3, 1.0f};
  const tinyops_raw_params empty{1, 0, 1.0f};
  const tinyops_raw_params huge{1 << 16, 1 << 16, 1.0f};
  EXPECT_EQ(tinyops_raw_feature_count(&no_axes), -1);
  EXPECT_EQ(tinyops_raw_feature_count(&empty), -1);
  EXPECT_EQ(tinyops_raw_feature_count(&huge), -1);
}

}  // namespace
