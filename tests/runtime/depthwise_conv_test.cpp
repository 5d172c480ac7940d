// DEPTHWISE_CONV_2D kernels: hand-computed cases (depth multiplier 2, per-channel
// multipliers, SAME + dilation 2) and random shapes against an independent reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "tinyops/runtime/depthwise_conv.h"
#include "tinyops/runtime/fixed_point.h"

namespace {

constexpr int32_t kOne = 1 << 30;  // multiplier 0.5 at shift 0, 1.0 at shift 1

TEST(DepthwiseConv2dS8, DepthMultiplier2PerChannel) {
  // 3x3x2 input: channel 0 all 1, channel 1 = 3y + x. Output channels: ic0 x {all 1,
  // all 2}, ic1 x {top-left tap, bottom-right tap}.
  std::vector<int8_t> input(18);
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 3; ++x) {
      input[static_cast<size_t>((y * 3 + x) * 2)] = 1;
      input[static_cast<size_t>((y * 3 + x) * 2 + 1)] = static_cast<int8_t>(3 * y + x);
    }
  // filter [1, 2, 2, 4], taps (0,0) (0,1) (1,0) (1,1), channels 0..3.
  const std::vector<int8_t> filter = {1, 2, 1, 0,  //
                                      1, 2, 0, 0,  //
                                      1, 2, 0, 0,  //
                                      1, 2, 0, 1};
  const std::vector<int32_t> bias = {1, 0, 0, 0};
  const int32_t mult[] = {kOne, kOne, kOne, kOne}, shift[] = {1, 0, 1, 1};
  const tinyops_per_channel_quant quant = {mult, shift};
  const tinyops_depthwise_conv_params p = {1, 1, 1, 1, 0, 0, 2, 0, 0, -128, 127};
  const tinyops_dims4 in = {1, 3, 3, 2}, fd = {1, 2, 2, 4}, out = {1, 2, 2, 4};
  std::vector<int8_t> output(16);
  tinyops_depthwise_conv2d_s8(&p, &quant, &in, input.data(), &fd, filter.data(), bias.data(), &out,
                              output.data());
  EXPECT_EQ(output, (std::vector<int8_t>{5, 4, 0, 4, 5, 4, 1, 5, 5, 4, 3, 7, 5, 4, 4, 8}));
}

TEST(DepthwiseConv2dS8, SameDilation2WithInputOffset) {
  // v = 5y + x stored with zero point -3 (stored value v - 3); 2x2 ones dilated by 2,
  // SAME stride 1 pads one row/column before: out(0,0) sees only (1,1) = 6, out(2,2)
  // sees (1,1) (1,3) (3,1) (3,3) = 48, out(4,4) sees only (3,3) = 18.
  std::vector<int8_t> input(25);
  for (int i = 0; i < 25; ++i) input[static_cast<size_t>(i)] = static_cast<int8_t>(i - 3);
  const std::vector<int8_t> filter = {1, 1, 1, 1};
  const int32_t mult[] = {kOne}, shift[] = {1};
  const tinyops_per_channel_quant quant = {mult, shift};
  const tinyops_depthwise_conv_params p = {1, 1, 2, 2, 1, 1, 1, 3, 0, -128, 127};
  const tinyops_dims4 in = {1, 5, 5, 1}, fd = {1, 2, 2, 1}, out = {1, 5, 5, 1};
  std::vector<int8_t> output(25);
  tinyops_depthwise_conv2d_s8(&p, &quant, &in, input.data(), &fd, filter.data(), nullptr, &out,
                              output.data());
  EXPECT_EQ(output[0], 6);
  EXPECT_EQ(output[12], 48);
  EXPECT_EQ(output[24], 18);
  EXPECT_EQ(output[1], 12);  // out(0,1): rows -1 and 1, columns 0 and 2 -> 5 + 7
}

std::vector<int8_t> reference_depthwise(const tinyops_depthwise_conv_params& p, const int32_t* mult,
                                        const int32_t* shift, tinyops_dims4 in,
                                        const std::vector<int8_t>& input, tinyops_dims4 fd,
                                        const std::vector<int8_t>& filter,
                                        const std::vector<int32_t>& bias, tinyops_dims4 out) {
  // Output-channel-major order, then reordered to NHWC: a different loop nest from the
  // kernel's, with 64-bit sums and explicit bounds tests.
  std::vector<int8_t> result(static_cast<size_t>(out.n * out.h * out.w * out.c));
  for (int32_t oc = 0; oc < out.c; ++oc) {
    const int32_t ic = oc / p.depth_multiplier;
    for (int32_t n = 0; n < out.n; ++n)
      for (int32_t oy = 0; oy < out.h; ++oy)
        for (int32_t ox = 0; ox < out.w; ++ox) {
          int64_t acc = 0;
          for (int32_t fy = 0; fy < fd.h; ++fy)
            for (int32_t fx = 0; fx < fd.w; ++fx) {
              const int32_t y = oy * p.stride_h - p.pad_h + fy * p.dilation_h;
              const int32_t x = ox * p.stride_w - p.pad_w + fx * p.dilation_w;
              if (y < 0 || x < 0 || y >= in.h || x >= in.w) continue;
              acc += int64_t{filter[static_cast<size_t>((fy * fd.w + fx) * fd.c + oc)]} *
                     (input[static_cast<size_t>(((n * in.h + y) * in.w + x) * in.c + ic)] +
                      p.input_offset);
            }
          acc += bias[static_cast<size_t>(oc)];
          int32_t v = tinyops_multiply_by_quantized_multiplier(static_cast<int32_t>(acc), mult[oc],
                                                               shift[oc]);
          v = std::clamp(v + p.output_offset, p.act_min, p.act_max);
          result[static_cast<size_t>(((n * out.h + oy) * out.w + ox) * out.c + oc)] =
              static_cast<int8_t>(v);
        }
  }
  return result;
}

TEST(DepthwiseConv2dS8, RandomShapesMatchReference) {
  std::mt19937 rng(11);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int trial = 0; trial < 200; ++trial) {
    const int32_t m = pick(1, 3);
    const tinyops_dims4 in = {pick(1, 2), pick(1, 9), pick(1, 9), pick(1, 4)};
    const tinyops_dims4 fd = {1, pick(1, 3), pick(1, 3), in.c * m};
    const int32_t sh = pick(1, 3), sw = pick(1, 3), dh = pick(1, 2), dw = pick(1, 2);
    const bool same = pick(0, 1) == 1;
    const int32_t eh = (fd.h - 1) * dh + 1, ew = (fd.w - 1) * dw + 1;
    if (!same && (eh > in.h || ew > in.w)) continue;
    const int32_t oh = same ? (in.h + sh - 1) / sh : (in.h - eh + sh) / sh;
    const int32_t ow = same ? (in.w + sw - 1) / sw : (in.w - ew + sw) / sw;
    const int32_t pad_h = std::max(0, (oh - 1) * sh + eh - in.h) / 2;
    const int32_t pad_w = std::max(0, (ow - 1) * sw + ew - in.w) / 2;
    const tinyops_dims4 out = {in.n, oh, ow, fd.c};
    std::vector<int8_t> input(static_cast<size_t>(in.n * in.h * in.w * in.c));
    std::vector<int8_t> filter(static_cast<size_t>(fd.h * fd.w * fd.c));
    std::vector<int32_t> bias(static_cast<size_t>(fd.c)), mult(bias.size()), shift(bias.size());
    for (auto& v : input) v = static_cast<int8_t>(pick(-128, 127));
    for (auto& v : filter) v = static_cast<int8_t>(pick(-127, 127));
    for (size_t c = 0; c < bias.size(); ++c) {
      bias[c] = pick(-5000, 5000);
      mult[c] = pick(kOne, std::numeric_limits<int32_t>::max());
      shift[c] = pick(-9, -3);
    }
    const tinyops_depthwise_conv_params p = {sh,
                                             sw,
                                             dh,
                                             dw,
                                             pad_h,
                                             pad_w,
                                             m,
                                             -pick(-128, 127),
                                             pick(-128, 127),
                                             pick(-128, -60),
                                             pick(60, 127)};
    const tinyops_per_channel_quant quant = {mult.data(), shift.data()};
    std::vector<int8_t> output(static_cast<size_t>(out.n * out.h * out.w * out.c));
    tinyops_depthwise_conv2d_s8(&p, &quant, &in, input.data(), &fd, filter.data(), bias.data(),
                                &out, output.data());
    ASSERT_EQ(output,
              reference_depthwise(p, mult.data(), shift.data(), in, input, fd, filter, bias, out))
        << "trial " << trial;
  }
}

TEST(DepthwiseConv2dF32, DepthMultiplier2WithBiasAndRelu6) {
  // 2x2x1 input, VALID 2x2 filter: one output pixel, channels x1 and x-1 of the sum 10.
  const std::vector<float> input = {1, 2, 3, 4};
  const std::vector<float> filter = {1, -1, 1, -1, 1, -1, 1, -1};
  const std::vector<float> bias = {-7.0f, 12.5f};
  const tinyops_depthwise_conv_params_f32 p = {1, 1, 1, 1, 0, 0, 2, 0.0f, 6.0f};
  const tinyops_dims4 in = {1, 2, 2, 1}, fd = {1, 2, 2, 2}, out = {1, 1, 1, 2};
  std::vector<float> output(2);
  tinyops_depthwise_conv2d_f32(&p, &in, input.data(), &fd, filter.data(), bias.data(), &out,
                               output.data());
  EXPECT_EQ(output, (std::vector<float>{3.0f, 2.5f}));
}

TEST(DepthwiseConv2dF32, SameStride2) {
  // 3x3 ramp 1..9, 2x2 ones, SAME stride 2: windows {1,2,4,5} {3,6} {7,8} {9}.
  const std::vector<float> input = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<float> filter = {1, 1, 1, 1};
  const tinyops_depthwise_conv_params_f32 p = {
      2, 2, 1, 1, 0, 0, 1, std::numeric_limits<float>::lowest(), std::numeric_limits<float>::max()};
  const tinyops_dims4 in = {1, 3, 3, 1}, fd = {1, 2, 2, 1}, out = {1, 2, 2, 1};
  std::vector<float> output(4);
  tinyops_depthwise_conv2d_f32(&p, &in, input.data(), &fd, filter.data(), nullptr, &out,
                               output.data());
  EXPECT_EQ(output, (std::vector<float>{12.0f, 9.0f, 15.0f, 9.0f}));
}

}  // namespace
