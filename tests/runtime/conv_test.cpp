// CONV_2D kernels: hand-computed cases (VALID, SAME + stride 2, dilation 2, per-channel
// rounding and clamps) and random shapes against an independent reference that pads the
// input explicitly with its zero point.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "tinyops/runtime/conv.h"
#include "tinyops/runtime/fixed_point.h"

namespace {

constexpr int32_t kOne = 1 << 30;  // multiplier 0.5 at shift 0, 1.0 at shift 1

TEST(Conv2dS8, ValidPaddingWithOffsetsAndBias) {
  // Input zero point 1, so the effective input is 0..8; filter [1 2; 3 4].
  const std::vector<int8_t> input = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<int8_t> filter = {1, 2, 3, 4};
  const std::vector<int32_t> bias = {3};
  const int32_t mult[] = {kOne}, shift[] = {0};  // x 0.5
  const tinyops_per_channel_quant quant = {mult, shift};
  const tinyops_conv_params p = {1, 1, 1, 1, 0, 0, -1, -5, -128, 127};
  const tinyops_dims4 in = {1, 3, 3, 1}, fd = {1, 2, 2, 1}, out = {1, 2, 2, 1};
  std::vector<int8_t> output(4);
  tinyops_conv2d_s8(&p, &quant, &in, input.data(), &fd, filter.data(), bias.data(), &out,
                    output.data());
  // Sums 27, 37, 57, 67; + 3; x 0.5; - 5.
  EXPECT_EQ(output, (std::vector<int8_t>{10, 15, 25, 30}));
}

TEST(Conv2dS8, SamePaddingStride2PerChannelRoundingAndClamp) {
  // 4x4 ones, 3x3 filters: channel 0 all +1 (x 1.0), channel 1 all -1 (x 0.5). SAME with
  // stride 2 pads one row/column after, so the windows hold 9, 6, 6 and 4 pixels.
  const std::vector<int8_t> input(16, 1);
  std::vector<int8_t> filter(18);
  for (int i = 0; i < 9; ++i) {
    filter[static_cast<size_t>(i)] = 1;
    filter[static_cast<size_t>(9 + i)] = -1;
  }
  const int32_t mult[] = {kOne, kOne}, shift[] = {1, 0};
  const tinyops_per_channel_quant quant = {mult, shift};
  const tinyops_conv_params p = {2, 2, 1, 1, 0, 0, 0, 0, -128, 7};
  const tinyops_dims4 in = {1, 4, 4, 1}, fd = {2, 3, 3, 1}, out = {1, 2, 2, 2};
  std::vector<int8_t> output(8);
  tinyops_conv2d_s8(&p, &quant, &in, input.data(), &fd, filter.data(), nullptr, &out,
                    output.data());
  // Channel 0: 9 clamps to 7. Channel 1: -4.5 rounds to -4 in the doubling high multiply
  // (TFLite's tie rule for negative products), -3, -3, -2.
  EXPECT_EQ(output, (std::vector<int8_t>{7, -4, 6, -3, 6, -3, 4, -2}));
}

TEST(Conv2dS8, Dilation2) {
  // v = 5y + x on a 5x5 image; a 2x2 ones filter dilated by 2 sums v at the corners of a
  // 3x3 window: 4v + 24.
  std::vector<int8_t> input(25);
  for (int i = 0; i < 25; ++i) input[static_cast<size_t>(i)] = static_cast<int8_t>(i);
  const std::vector<int8_t> filter = {1, 1, 1, 1};
  const int32_t mult[] = {kOne}, shift[] = {1};
  const tinyops_per_channel_quant quant = {mult, shift};
  const tinyops_conv_params p = {1, 1, 2, 2, 0, 0, 0, 0, -128, 127};
  const tinyops_dims4 in = {1, 5, 5, 1}, fd = {1, 2, 2, 1}, out = {1, 3, 3, 1};
  std::vector<int8_t> output(9);
  tinyops_conv2d_s8(&p, &quant, &in, input.data(), &fd, filter.data(), nullptr, &out,
                    output.data());
  EXPECT_EQ(output, (std::vector<int8_t>{24, 28, 32, 44, 48, 52, 64, 68, 72}));
}

TEST(Conv2dS8, Relu6RangeClampsBothSides) {
  // Output zero point -10 and a RELU6 range of [-10, 20] in the quantised domain.
  const std::vector<int8_t> input = {50, -50};
  const std::vector<int8_t> filter = {1, -1};  // two output channels, 1x1 kernel
  const int32_t mult[] = {kOne, kOne}, shift[] = {1, 1};
  const tinyops_per_channel_quant quant = {mult, shift};
  const tinyops_conv_params p = {1, 1, 1, 1, 0, 0, 0, -10, -10, 20};
  const tinyops_dims4 in = {2, 1, 1, 1}, fd = {2, 1, 1, 1}, out = {2, 1, 1, 2};
  std::vector<int8_t> output(4);
  tinyops_conv2d_s8(&p, &quant, &in, input.data(), &fd, filter.data(), nullptr, &out,
                    output.data());
  // batch 0: 50 -> 40 -> 20 (max), -50 -> -60 -> -10; batch 1: -60 -> -10, 50 -> 40 -> 20.
  EXPECT_EQ(output, (std::vector<int8_t>{20, -10, -10, 20}));
}

// Independent reference: materialise the zero-padded (zero point filled) image, then a
// direct sum over every tap with 64-bit accumulation.
std::vector<int8_t> reference_conv(const tinyops_conv_params& p, const int32_t* mult,
                                   const int32_t* shift, tinyops_dims4 in,
                                   const std::vector<int8_t>& input, tinyops_dims4 fd,
                                   const std::vector<int8_t>& filter,
                                   const std::vector<int32_t>& bias, tinyops_dims4 out) {
  const int32_t eff_h = (fd.h - 1) * p.dilation_h + 1, eff_w = (fd.w - 1) * p.dilation_w + 1;
  const int32_t ph = (out.h - 1) * p.stride_h + eff_h, pw = (out.w - 1) * p.stride_w + eff_w;
  const int32_t padded_h = std::max(ph, p.pad_h + in.h), padded_w = std::max(pw, p.pad_w + in.w);
  const auto zp = static_cast<int8_t>(-p.input_offset);
  std::vector<int8_t> padded(static_cast<size_t>(in.n * padded_h * padded_w * in.c), zp);
  for (int32_t n = 0; n < in.n; ++n)
    for (int32_t y = 0; y < in.h; ++y)
      for (int32_t x = 0; x < in.w; ++x)
        for (int32_t c = 0; c < in.c; ++c)
          padded[static_cast<size_t>(
              ((n * padded_h + y + p.pad_h) * padded_w + x + p.pad_w) * in.c + c)] =
              input[static_cast<size_t>(((n * in.h + y) * in.w + x) * in.c + c)];
  std::vector<int8_t> result;
  for (int32_t n = 0; n < out.n; ++n)
    for (int32_t oy = 0; oy < out.h; ++oy)
      for (int32_t ox = 0; ox < out.w; ++ox)
        for (int32_t oc = 0; oc < out.c; ++oc) {
          int64_t acc = bias[static_cast<size_t>(oc)];
          for (int32_t fy = 0; fy < fd.h; ++fy)
            for (int32_t fx = 0; fx < fd.w; ++fx)
              for (int32_t ic = 0; ic < fd.c; ++ic) {
                const int32_t y = oy * p.stride_h + fy * p.dilation_h;
                const int32_t x = ox * p.stride_w + fx * p.dilation_w;
                acc +=
                    int64_t{
                        filter[static_cast<size_t>(((oc * fd.h + fy) * fd.w + fx) * fd.c + ic)]} *
                    (padded[static_cast<size_t>(((n * padded_h + y) * padded_w + x) * in.c + ic)] +
                     p.input_offset);
              }
          int32_t v = tinyops_multiply_by_quantized_multiplier(static_cast<int32_t>(acc), mult[oc],
                                                               shift[oc]);
          v = std::clamp(v + p.output_offset, p.act_min, p.act_max);
          result.push_back(static_cast<int8_t>(v));
        }
  return result;
}

TEST(Conv2dS8, RandomShapesMatchPaddedReference) {
  std::mt19937 rng(7);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int trial = 0; trial < 200; ++trial) {
    const tinyops_dims4 in = {pick(1, 2), pick(1, 9), pick(1, 9), pick(1, 4)};
    const tinyops_dims4 fd = {pick(1, 4), pick(1, 3), pick(1, 3), in.c};
    const int32_t sh = pick(1, 3), sw = pick(1, 3), dh = pick(1, 2), dw = pick(1, 2);
    const bool same = pick(0, 1) == 1;
    const int32_t eh = (fd.h - 1) * dh + 1, ew = (fd.w - 1) * dw + 1;
    if (!same && (eh > in.h || ew > in.w)) continue;
    const int32_t oh = same ? (in.h + sh - 1) / sh : (in.h - eh + sh) / sh;
    const int32_t ow = same ? (in.w + sw - 1) / sw : (in.w - ew + sw) / sw;
    const int32_t pad_h = std::max(0, (oh - 1) * sh + eh - in.h) / 2;
    const int32_t pad_w = std::max(0, (ow - 1) * sw + ew - in.w) / 2;
    const tinyops_dims4 out = {in.n, oh, ow, fd.n};
    std::vector<int8_t> input(static_cast<size_t>(in.n * in.h * in.w * in.c));
    std::vector<int8_t> filter(static_cast<size_t>(fd.n * fd.h * fd.w * fd.c));
    std::vector<int32_t> bias(static_cast<size_t>(fd.n)), mult(bias.size()), shift(bias.size());
    for (auto& v : input) v = static_cast<int8_t>(pick(-128, 127));
    for (auto& v : filter) v = static_cast<int8_t>(pick(-127, 127));
    for (size_t c = 0; c < bias.size(); ++c) {
      bias[c] = pick(-20000, 20000);
      mult[c] = pick(kOne, std::numeric_limits<int32_t>::max());
      shift[c] = pick(-12, -6);
    }
    const tinyops_conv_params p = {
        sh,           sw, dh, dw, pad_h, pad_w, -pick(-128, 127), pick(-128, 127), pick(-128, -60),
        pick(60, 127)};
    const tinyops_per_channel_quant quant = {mult.data(), shift.data()};
    std::vector<int8_t> output(static_cast<size_t>(out.n * out.h * out.w * out.c));
    tinyops_conv2d_s8(&p, &quant, &in, input.data(), &fd, filter.data(), bias.data(), &out,
                      output.data());
    ASSERT_EQ(output,
              reference_conv(p, mult.data(), shift.data(), in, input, fd, filter, bias, out))
        << "trial " << trial;
  }
}

TEST(Conv2dF32, ValidWithBiasAndClamp) {
  const std::vector<float> input = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<float> filter = {1, 2, 3, 4};
  const std::vector<float> bias = {0.5f};
  const tinyops_conv_params_f32 p = {1, 1, 1, 1, 0, 0, std::numeric_limits<float>::lowest(), 50.0f};
  const tinyops_dims4 in = {1, 3, 3, 1}, fd = {1, 2, 2, 1}, out = {1, 2, 2, 1};
  std::vector<float> output(4);
  tinyops_conv2d_f32(&p, &in, input.data(), &fd, filter.data(), bias.data(), &out, output.data());
  // 37, 47, 67, 77 plus 0.5, the last two clamped to 50.
  EXPECT_EQ(output, (std::vector<float>{37.5f, 47.5f, 50.0f, 50.0f}));
}

TEST(Conv2dF32, SameStride2SkipsPaddingAndAddsBiasAfterTheSum) {
  // 4x4 ones, 3x3 ones filter, SAME stride 2: windows of 9, 6, 6, 4 pixels; RELU.
  const std::vector<float> input(16, 1.0f);
  const std::vector<float> filter(9, 1.0f);
  const std::vector<float> bias = {-5.0f};
  const tinyops_conv_params_f32 p = {2, 2, 1, 1, 0, 0, 0.0f, std::numeric_limits<float>::max()};
  const tinyops_dims4 in = {1, 4, 4, 1}, fd = {1, 3, 3, 1}, out = {1, 2, 2, 1};
  std::vector<float> output(4);
  tinyops_conv2d_f32(&p, &in, input.data(), &fd, filter.data(), bias.data(), &out, output.data());
  EXPECT_EQ(output, (std::vector<float>{4.0f, 1.0f, 1.0f, 0.0f}));
}

TEST(Conv2dF32, AccumulatesInFloatBeforeAddingBias) {
  // 1e8 + 1 + 1 (float) stays 1e8 when bias 2 is added last; added first it would not.
  const std::vector<float> input = {1e8f, 1.0f, 1.0f};
  const std::vector<float> filter = {1.0f, 1.0f, 1.0f};
  const std::vector<float> bias = {4.0f};
  const tinyops_conv_params_f32 p = {
      1, 1, 1, 1, 0, 0, std::numeric_limits<float>::lowest(), std::numeric_limits<float>::max()};
  const tinyops_dims4 in = {1, 1, 1, 3}, fd = {1, 1, 1, 3}, out = {1, 1, 1, 1};
  float output = 0;
  tinyops_conv2d_f32(&p, &in, input.data(), &fd, filter.data(), bias.data(), &out, &output);
  const float expected = ((1e8f + 1.0f) + 1.0f) + 4.0f;
  EXPECT_EQ(output, expected);
}

}  // namespace
