// Image block: hand-computed bilinear resizes (2x2 -> 4x4, 4x4 -> 2x2), BT.601 luma of
// known pixels, crop and letterbox geometry, float and int8 outputs.
#include <gtest/gtest.h>

#include <vector>

#include "tinyops/runtime/features.h"

namespace {

tinyops_image_params params(int32_t in_w, int32_t in_h, int32_t channels, int32_t out_w,
                            int32_t out_h, int32_t mode = TINYOPS_IMAGE_SQUASH, int32_t gray = 0) {
  return tinyops_image_params{in_w, in_h, channels, out_w, out_h, mode, gray};
}

std::vector<uint8_t> run_u8(const tinyops_image_params& p, const std::vector<uint8_t>& in) {
  std::vector<uint8_t> out(static_cast<size_t>(tinyops_image_feature_count(&p)));
  tinyops_image_u8(&p, in.data(), out.data());
  return out;
}

TEST(ImageFeatures, UpscaleTwoByTwoToFourByFour) {
  // Pixel centres aligned: output columns sample the input at -0.25 (clamped to 0), 0.25,
  // 0.75 and 1.25 (clamped to 1); rows likewise. Rounded half up.
  const auto out = run_u8(params(2, 2, 1, 4, 4), {0, 100, 200, 40});
  EXPECT_EQ(out, (std::vector<uint8_t>{0, 25, 75, 100,    //
                                       50, 59, 76, 85,    // 0.75 row 0 + 0.25 row 1
                                       150, 126, 79, 55,  // 0.25 row 0 + 0.75 row 1
                                       200, 160, 80, 40}));
}

TEST(ImageFeatures, HalvingAveragesTwoByTwoBlocks) {
  const std::vector<uint8_t> in = {10, 20, 30,  41,   //
                                   50, 60, 70,  80,   //
                                   0,  0,  255, 255,  //
                                   0,  1,  255, 255};
  // (10+20+50+60)/4 = 35, (30+41+70+80)/4 = 55.25, 0.25, 255
  EXPECT_EQ(run_u8(params(4, 4, 1, 2, 2), in), (std::vector<uint8_t>{35, 55, 0, 255}));
}

TEST(ImageFeatures, SameSizeIsTheIdentityPerChannel) {
  std::vector<uint8_t> rgb(5 * 3 * 3);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint8_t>(i * 37 % 256);
  EXPECT_EQ(run_u8(params(5, 3, 3, 5, 3), rgb), rgb);
}

TEST(ImageFeatures, Bt601LumaOfKnownPixels) {
  EXPECT_EQ(tinyops_rgb_to_gray_u8(255, 255, 255), 255);
  EXPECT_EQ(tinyops_rgb_to_gray_u8(0, 0, 0), 0);
  EXPECT_EQ(tinyops_rgb_to_gray_u8(255, 0, 0), 77);       // 0.299 * 255 = 76.2
  EXPECT_EQ(tinyops_rgb_to_gray_u8(0, 255, 0), 149);      // (150 * 255 + 128) >> 8
  EXPECT_EQ(tinyops_rgb_to_gray_u8(0, 0, 255), 29);       // 0.114 * 255 = 29.1
  EXPECT_EQ(tinyops_rgb_to_gray_u8(100, 150, 200), 141);  // (7700 + 22500 + 5800 + 128) >> 8
  const auto p = params(2, 1, 3, 2, 1, TINYOPS_IMAGE_SQUASH, 1);
  EXPECT_EQ(tinyops_image_out_channels(&p), 1);
  EXPECT_EQ(run_u8(p, {255, 0, 0, 100, 150, 200}), (std::vector<uint8_t>{77, 141}));
}

TEST(ImageFeatures, FitShortestAxisCropsTheCentre) {
  // 4x2 into 2x2: the centre 2x2 (columns 1 and 2) unchanged.
  const auto p = params(4, 2, 1, 2, 2, TINYOPS_IMAGE_FIT_SHORT);
  tinyops_image_geometry g{};
  ASSERT_EQ(tinyops_image_geometry_of(&p, &g), 0);
  EXPECT_EQ(g.src_x, 1);
  EXPECT_EQ(g.src_width, 2);
  EXPECT_EQ(g.src_height, 2);
  EXPECT_EQ(run_u8(p, {1, 2, 3, 4, 5, 6, 7, 8}), (std::vector<uint8_t>{2, 3, 6, 7}));
  // Tall input: rows cropped.
  const auto tall = params(2, 6, 1, 2, 2, TINYOPS_IMAGE_FIT_SHORT);
  ASSERT_EQ(tinyops_image_geometry_of(&tall, &g), 0);
  EXPECT_EQ(g.src_y, 2);
  EXPECT_EQ(g.src_height, 2);
}

TEST(ImageFeatures, FitLongestAxisLetterboxesWithZeros) {
  // 4x2 into 4x4: a 4x2 box in rows 1 and 2, black above and below.
  const auto p = params(4, 2, 1, 4, 4, TINYOPS_IMAGE_FIT_LONG);
  tinyops_image_geometry g{};
  ASSERT_EQ(tinyops_image_geometry_of(&p, &g), 0);
  EXPECT_EQ(g.dst_y, 1);
  EXPECT_EQ(g.dst_height, 2);
  EXPECT_EQ(run_u8(p, {1, 2, 3, 4, 5, 6, 7, 8}),
            (std::vector<uint8_t>{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0}));
}

TEST(ImageFeatures, FloatAndInt8Outputs) {
  const auto p = params(2, 1, 1, 2, 1);
  const std::vector<uint8_t> in = {0, 255};
  std::vector<float> f(2);
  tinyops_image_f32(&p, in.data(), f.data());
  EXPECT_EQ(f, (std::vector<float>{0.0f, 1.0f}));
  const auto q = params(4, 1, 1, 4, 1);
  const std::vector<uint8_t> grey = {0, 1, 128, 255};
  std::vector<int8_t> s8(4);
  // The usual image-model input: scale 1/255, zero point -128 gives value - 128.
  tinyops_image_s8(&q, grey.data(), 1.0f / 255.0f, -128, s8.data());
  EXPECT_EQ(s8, (std::vector<int8_t>{-128, -127, 0, 127}));
  // scale 1/127, zero point 0: round(v / 255 * 127), 255 -> 127; 128 -> 63.75 -> 64.
  tinyops_image_s8(&q, grey.data(), 1.0f / 127.0f, 0, s8.data());
  EXPECT_EQ(s8, (std::vector<int8_t>{0, 0, 64, 127}));
  // A scale that overflows int8 saturates.
  tinyops_image_s8(&q, grey.data(), 1.0f / 1000.0f, 0, s8.data());
  EXPECT_EQ(s8, (std::vector<int8_t>{0, 4, 127, 127}));
}

TEST(ImageFeatures, InvalidParametersHaveNoCount) {
  auto p = params(4, 4, 2, 2, 2);  // two channels
  EXPECT_EQ(tinyops_image_feature_count(&p), -1);
  p = params(0, 4, 1, 2, 2);
  EXPECT_EQ(tinyops_image_feature_count(&p), -1);
  p = params(4, 4, 3, 2, 2, 7);
  EXPECT_EQ(tinyops_image_feature_count(&p), -1);
  tinyops_image_geometry g{};
  EXPECT_EQ(tinyops_image_geometry_of(&p, &g), -1);
  p = params(4, 4, 3, 2, 2);
  EXPECT_EQ(tinyops_image_feature_count(&p), 12);
}

}  // namespace
