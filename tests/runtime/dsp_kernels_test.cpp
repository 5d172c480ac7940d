// The DSP kernels (dsp_kernels.h) against the reference kernels on random shapes. On the
// host their intrinsics are the portable C of dsp_intrinsics.h, so this checks the
// algorithms and the weight layouts; tests/farm runs the same kernels with the real
// instructions in QEMU. Every case must give the reference's bytes exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "../support/random_ints.hpp"
#include "tinyops/runtime/conv.h"
#include "tinyops/runtime/depthwise_conv.h"
#include "tinyops/runtime/dsp_kernels.h"
#include "tinyops/runtime/dsp_requantize.h"
#include "tinyops/runtime/dsp_row_band.h"
#include "tinyops/runtime/fixed_point.h"
#include "tinyops/runtime/fully_connected.h"

namespace {

class Random : public tinyops::test_support::RandomInts {
 public:
  using RandomInts::RandomInts;
  std::vector<int8_t> int8s(size_t n) { return values<int8_t>(n, -128, 127); }
  // Per-channel requantisation as TFLite converters produce it: multiplier in [2^30, 2^31),
  // shift mostly negative (scale < 1), sometimes +1.
  void quant(size_t n, std::vector<int32_t>& mult, std::vector<int32_t>& shift) {
    mult.resize(n);
    shift.resize(n);
    for (size_t i = 0; i < n; ++i) {
      mult[i] = in(1 << 30, INT32_MAX);
      shift[i] = in(-12, 1);
    }
  }
  std::vector<int32_t> bias(size_t n) { return values<int32_t>(n, -20000, 20000); }
};

// Activation range: full int8, or a ReLU-style clamp at the output zero point.
void activation(Random& r, int32_t output_offset, int32_t& act_min, int32_t& act_max) {
  const bool relu = r.in(0, 2) == 0;
  act_min = relu ? output_offset : -128;
  act_max = relu ? std::min(127, output_offset + r.in(20, 200)) : 127;
}

// The input at the start of a buffer big enough for it and an output of `out_bytes`.
std::vector<int8_t> in_place_buffer(const std::vector<int8_t>& input, size_t out_bytes) {
  std::vector<int8_t> buffer(std::max(input.size(), out_bytes), 0x55);
  std::copy(input.begin(), input.end(), buffer.begin());
  return buffer;
}

int32_t out_size(int32_t in, int32_t filter, int32_t stride, int32_t dilation, int32_t pad) {
  const int32_t effective = (filter - 1) * dilation + 1;
  return (in + 2 * pad - effective) / stride + 1;
}

TEST(DspKernels, ConvMatchesReferenceOnRandomShapes) {
  Random r(101);
  int checked = 0;
  for (int round = 0; round < 300; ++round) {
    const int32_t batches = r.in(1, 2), in_h = r.in(1, 9), in_w = r.in(1, 9), c_in = r.in(1, 9);
    const int32_t c_out = r.in(1, 7), fh = r.in(1, std::min(in_h, 3)),
                  fw = r.in(1, std::min(in_w, 4));
    const int32_t stride_h = r.in(1, 2), stride_w = r.in(1, 2);
    const int32_t dil_h = (fh - 1) * 2 + 1 <= in_h ? r.in(1, 2) : 1;
    const int32_t dil_w = (fw - 1) * 2 + 1 <= in_w ? r.in(1, 2) : 1;
    const int32_t pad_h = r.in(0, fh / 2), pad_w = r.in(0, fw / 2);
    const int32_t out_h = out_size(in_h, fh, stride_h, dil_h, pad_h);
    const int32_t out_w = out_size(in_w, fw, stride_w, dil_w, pad_w);
    if (out_h < 1 || out_w < 1) continue;
    tinyops_conv_params p{};
    p.stride_h = stride_h;
    p.stride_w = stride_w;
    p.dilation_h = dil_h;
    p.dilation_w = dil_w;
    p.pad_h = pad_h;
    p.pad_w = pad_w;
    p.input_offset = r.in(-127, 128);
    p.output_offset = r.in(-128, 127);
    activation(r, p.output_offset, p.act_min, p.act_max);
    const tinyops_dims4 in{batches, in_h, in_w, c_in}, fd{c_out, fh, fw, c_in},
        out{batches, out_h, out_w, c_out};
    const auto input = r.int8s(static_cast<size_t>(batches * in_h * in_w * c_in));
    const auto filter = r.int8s(static_cast<size_t>(c_out * fh * fw * c_in));
    const auto bias = r.bias(static_cast<size_t>(c_out));
    std::vector<int32_t> mult, shift;
    r.quant(static_cast<size_t>(c_out), mult, shift);
    const tinyops_per_channel_quant q{mult.data(), shift.data()};
    const int32_t* b = r.in(0, 3) == 0 ? nullptr : bias.data();
    ASSERT_TRUE(tinyops_conv2d_s8_dsp_supported(&p, &q, &fd));
    // Both requantisations where the bound holds; the exact one always.
    const int32_t small_acc = tinyops_conv2d_s8_dsp_small_acc(&p, &q, &fd, filter.data(), b);
    const int32_t exact = small_acc ? r.in(0, 1) : 1;

    const size_t n = static_cast<size_t>(batches * out_h * out_w * c_out);
    std::vector<int8_t> expected(n), actual(n, 0x55);
    tinyops_conv2d_s8(&p, &q, &in, input.data(), &fd, filter.data(), b, &out, expected.data());
    std::vector<int8_t> laid_out(tinyops_conv2d_s8_dsp_filter_size(&fd));
    tinyops_conv2d_s8_dsp_filter(&fd, filter.data(), laid_out.data());
    std::vector<int32_t> scratch((tinyops_conv2d_s8_dsp_scratch_size(&fd) + 3) / 4);
    tinyops_conv2d_s8_dsp(&p, &q, &in, input.data(), &fd, laid_out.data(), b, &out, actual.data(),
                          scratch.data(), exact);
    ASSERT_EQ(actual, expected) << "round " << round << (exact ? " exact" : " fast") << ": in "
                                << batches << "x" << in_h << "x" << in_w << "x" << c_in
                                << ", filter " << c_out << "x" << fh << "x" << fw << ", stride "
                                << stride_h << "," << stride_w << ", dilation " << dil_h << ","
                                << dil_w << ", pad " << pad_h << "," << pad_w;
    ++checked;
  }
  EXPECT_GT(checked, 200) << "too few random cases were supported";
}

// 1x1 convolutions with stride 1, no padding and whole words of input channels, which skip
// im2col (pixel p's window is input pixel p); odd output channel counts, batches, both
// requantisations, and pixel counts that leave 1, 2 or 3 lanes in the last block.
TEST(DspKernels, PointwiseConvMatchesReferenceOnRandomShapes) {
  Random r(606);
  for (int round = 0; round < 200; ++round) {
    const int32_t batches = r.in(1, 2), h = r.in(1, 7), w = r.in(1, 7), c_in = 4 * r.in(1, 24);
    const int32_t c_out = r.in(1, 19);
    tinyops_conv_params p{};
    p.stride_h = p.stride_w = 1;
    p.dilation_h = r.in(1, 2);  // meaningless for 1x1, must not matter
    p.dilation_w = r.in(1, 2);
    p.input_offset = r.in(-127, 128);
    p.output_offset = r.in(-128, 127);
    activation(r, p.output_offset, p.act_min, p.act_max);
    const tinyops_dims4 in{batches, h, w, c_in}, fd{c_out, 1, 1, c_in}, out{batches, h, w, c_out};
    const auto input = r.int8s(static_cast<size_t>(batches * h * w * c_in));
    const auto filter = r.int8s(static_cast<size_t>(c_out * c_in));
    const auto bias = r.bias(static_cast<size_t>(c_out));
    std::vector<int32_t> mult, shift;
    r.quant(static_cast<size_t>(c_out), mult, shift);
    const tinyops_per_channel_quant q{mult.data(), shift.data()};
    ASSERT_TRUE(tinyops_conv2d_s8_dsp_supported(&p, &q, &fd));
    const int32_t small_acc =
        tinyops_conv2d_s8_dsp_small_acc(&p, &q, &fd, filter.data(), bias.data());
    const int32_t exact = small_acc ? r.in(0, 1) : 1;
    const size_t n = static_cast<size_t>(batches * h * w * c_out);
    std::vector<int8_t> expected(n), actual(n, 0x55);
    tinyops_conv2d_s8(&p, &q, &in, input.data(), &fd, filter.data(), bias.data(), &out,
                      expected.data());
    std::vector<int8_t> laid_out(tinyops_conv2d_s8_dsp_filter_size(&fd));
    tinyops_conv2d_s8_dsp_filter(&fd, filter.data(), laid_out.data());
    std::vector<int32_t> scratch((tinyops_conv2d_s8_dsp_scratch_size(&fd) + 3) / 4);
    tinyops_conv2d_s8_dsp(&p, &q, &in, input.data(), &fd, laid_out.data(), bias.data(), &out,
                          actual.data(), scratch.data(), exact);
    ASSERT_EQ(actual, expected) << "round " << round << ": " << batches << "x" << h << "x" << w
                                << "x" << c_in << " -> " << c_out << (exact ? " exact" : " fast");
    // Written over its own input, as the planner lays it out when the input dies here: one
    // buffer of the larger size, both starting at its first byte.
    ASSERT_TRUE(tinyops_conv2d_s8_dsp_in_place(&p, &in, &fd, &out));
    std::vector<int8_t> shared = in_place_buffer(input, n);
    tinyops_conv2d_s8_dsp(&p, &q, &in, shared.data(), &fd, laid_out.data(), bias.data(), &out,
                          shared.data(), scratch.data(), exact);
    shared.resize(n);
    ASSERT_EQ(shared, expected) << "in place, round " << round << ": " << c_in << " -> " << c_out;
  }
}

// General depthwise kernel and the 3-tap-row one (chosen by the code generator when the
// filter is 3 wide, stride and dilation 1 along the width).
// `wide`: the general kernel with filters up to 7x7 (5 and 7 wide have unrolled rows) and
// depths of whole and partial 4-channel groups.
void check_depthwise(bool row3, uint32_t seed, bool wide = false) {
  Random r(seed);
  int checked = 0, in_place = 0;
  for (int round = 0; round < 300; ++round) {
    const int32_t batches = r.in(1, 2), in_h = r.in(1, wide ? 15 : 9);
    const int32_t in_w = r.in(row3 ? 3 : 1, wide ? 17 : 11);
    const int32_t channels = r.in(1, wide ? 17 : 13);
    const int32_t wide_fw = std::min(in_w, r.in(0, 1) ? 5 : 7);
    const int32_t fh = r.in(1, std::min(in_h, wide ? 7 : 3));
    const int32_t fw = row3 ? 3 : (wide ? wide_fw : r.in(1, std::min(in_w, 4)));
    const int32_t stride_h = r.in(1, 2), stride_w = row3 ? 1 : r.in(1, 2);
    const int32_t dil_h = (fh - 1) * 2 + 1 <= in_h ? r.in(1, 2) : 1;
    const int32_t dil_w = row3 ? 1 : ((fw - 1) * 2 + 1 <= in_w ? r.in(1, 2) : 1);
    const int32_t pad_h = r.in(0, fh / 2), pad_w = r.in(0, fw / 2);
    const int32_t out_h = out_size(in_h, fh, stride_h, dil_h, pad_h);
    const int32_t out_w = out_size(in_w, fw, stride_w, dil_w, pad_w);
    if (out_h < 1 || out_w < 1) continue;
    tinyops_depthwise_conv_params p{};
    p.stride_h = stride_h;
    p.stride_w = stride_w;
    p.dilation_h = dil_h;
    p.dilation_w = dil_w;
    p.pad_h = pad_h;
    p.pad_w = pad_w;
    p.depth_multiplier = 1;
    p.input_offset = r.in(-127, 128);
    p.output_offset = r.in(-128, 127);
    activation(r, p.output_offset, p.act_min, p.act_max);
    const tinyops_dims4 in{batches, in_h, in_w, channels}, fd{1, fh, fw, channels},
        out{batches, out_h, out_w, channels};
    const auto input = r.int8s(static_cast<size_t>(batches * in_h * in_w * channels));
    const auto filter = r.int8s(static_cast<size_t>(fh * fw * channels));
    const auto bias = r.bias(static_cast<size_t>(channels));
    std::vector<int32_t> mult, shift;
    r.quant(static_cast<size_t>(channels), mult, shift);
    const tinyops_per_channel_quant q{mult.data(), shift.data()};
    const int32_t* b = r.in(0, 3) == 0 ? nullptr : bias.data();
    if (!tinyops_depthwise_conv2d_s8_dsp_supported(&p, &q, &fd, filter.data(), b)) continue;

    const size_t n = static_cast<size_t>(batches * out_h * out_w * channels);
    std::vector<int8_t> expected(n), actual(n, 0x55);
    tinyops_depthwise_conv2d_s8(&p, &q, &in, input.data(), &fd, filter.data(), b, &out,
                                expected.data());
    std::vector<int8_t> laid_out(tinyops_depthwise_conv2d_s8_dsp_filter_size(&fd));
    tinyops_depthwise_conv2d_s8_dsp_filter(&fd, filter.data(), laid_out.data());
    std::vector<int32_t> row3_weights(tinyops_depthwise_conv2d_s8_dsp_row3_weights_size(&fd) / 4);
    if (row3) tinyops_depthwise_conv2d_s8_dsp_row3_weights(&fd, filter.data(), row3_weights.data());
    std::vector<tinyops_dsp_channel> dsp_channels;
    for (int32_t c = 0; c < channels; ++c)
      dsp_channels.push_back(tinyops_dsp_channel_of(b ? b[c] : 0, mult[static_cast<size_t>(c)],
                                                shift[static_cast<size_t>(c)]));
    // One pass over all channels, or passes of 4 or 8 (the last one shorter).
    const int32_t pass = r.in(0, 2) * 4;
    const size_t scratch_bytes =
        row3 ? tinyops_depthwise_conv2d_s8_dsp_row3_scratch_size(&in, &fd, &out, pass)
             : tinyops_depthwise_conv2d_s8_dsp_scratch_size(&p, &in, &fd, &out, pass);
    std::vector<int32_t> scratch((scratch_bytes + 3) / 4);
    auto run = [&](const int8_t* from, int8_t* to) {
      if (row3) {
        tinyops_depthwise_conv2d_s8_dsp_row3(&p, &in, from, &fd, row3_weights.data(),
                                             dsp_channels.data(), &out, to, scratch.data(), pass);
      } else {
        tinyops_depthwise_conv2d_s8_dsp(&p, &q, &in, from, &fd, laid_out.data(), b, &out, to,
                                        scratch.data(), pass);
      }
    };
    run(input.data(), actual.data());
    const std::string shape = "round " + std::to_string(round) + ": in " +
                              std::to_string(batches) + "x" + std::to_string(in_h) + "x" +
                              std::to_string(in_w) + "x" + std::to_string(channels) +
                              ", filter " + std::to_string(fh) + "x" + std::to_string(fw) +
                              ", stride " + std::to_string(stride_h) + "," +
                              std::to_string(stride_w) + ", dilation " + std::to_string(dil_h) +
                              "," + std::to_string(dil_w) + ", pad " + std::to_string(pad_h) +
                              "," + std::to_string(pad_w) + ", pass " + std::to_string(pass);
    ASSERT_EQ(actual, expected) << shape;
    ++checked;
    // Where the kernel says it may, written over its own input (as the planner lays it out).
    const int32_t may = row3 ? tinyops_depthwise_conv2d_s8_dsp_row3_in_place(&p, &in, &fd, &out)
                             : tinyops_depthwise_conv2d_s8_dsp_in_place(&p, &in, &fd, &out);
    if (may) {
      std::vector<int8_t> shared = in_place_buffer(input, n);
      run(shared.data(), shared.data());
      shared.resize(n);
      ASSERT_EQ(shared, expected) << "in place, " << shape;
      ++in_place;
    }
  }
  EXPECT_GT(checked, 200) << "too few random cases were supported";
  EXPECT_GT(in_place, 100) << "too few random cases ran in place";
}

// The replay behind the depthwise kernels' *_in_place: output rows wider than the input's
// overwrite rows the band has not copied yet; as wide or narrower, they never do.
TEST(DspKernels, BandInPlaceRefusesOutputRowsThatOvertakeTheInput) {
  const tinyops_dims4 in{1, 4, 2, 4}, wider{1, 4, 4, 4}, same{1, 4, 2, 4}, half{1, 2, 1, 4};
  EXPECT_FALSE(tinyops_dsp_band_allows_in_place(&in, &wider, 1, 1, 0, 1, 1, 0));
  EXPECT_TRUE(tinyops_dsp_band_allows_in_place(&in, &same, 3, 1, 1, 1, 1, 0));
  EXPECT_TRUE(tinyops_dsp_band_allows_in_place(&in, &same, 3, 1, 1, 1, 1, 1));
  EXPECT_TRUE(tinyops_dsp_band_allows_in_place(&in, &half, 3, 2, 1, 1, 1, 0));
  // Two filter rows at dilation 2 (slots by filter row): input row 0 is first read for
  // output row 1, after output row 0 overwrote its bytes.
  EXPECT_FALSE(tinyops_dsp_band_allows_in_place(&in, &same, 2, 1, 1, 2, 0, 0));
}

TEST(DspKernels, DepthwiseMatchesReferenceOnRandomShapes) {
  check_depthwise(false, 202);
}

TEST(DspKernels, DepthwiseWideFiltersMatchReferenceOnRandomShapes) {
  check_depthwise(false, 505, true);
}

TEST(DspKernels, DepthwiseRow3MatchesReferenceOnRandomShapes) {
  check_depthwise(true, 303);
}

TEST(DspKernels, FullyConnectedMatchesReferenceOnRandomShapes) {
  Random r(404);
  int checked = 0;
  for (int round = 0; round < 300; ++round) {
    tinyops_fully_connected_params p{};
    p.batches = r.in(1, 3);
    p.accum_depth = r.in(1, 70);
    p.output_depth = r.in(1, 19);
    p.input_offset = r.in(-127, 128);
    p.filter_offset = 0;
    p.output_offset = r.in(-128, 127);
    p.per_channel = r.in(0, 1);
    activation(r, p.output_offset, p.act_min, p.act_max);
    const auto input = r.int8s(static_cast<size_t>(p.batches * p.accum_depth));
    const auto filter = r.int8s(static_cast<size_t>(p.output_depth * p.accum_depth));
    const auto bias = r.bias(static_cast<size_t>(p.output_depth));
    std::vector<int32_t> mult, shift;
    r.quant(static_cast<size_t>(p.per_channel ? p.output_depth : 1), mult, shift);
    const tinyops_per_channel_quant q{mult.data(), shift.data()};
    const int32_t* b = r.in(0, 3) == 0 ? nullptr : bias.data();
    ASSERT_TRUE(tinyops_fully_connected_s8_dsp_supported(&p, &q));
    const bool small_acc = tinyops_fully_connected_s8_dsp_small_acc(&p, &q, filter.data(), b);

    const size_t n = static_cast<size_t>(p.batches * p.output_depth);
    std::vector<int8_t> expected(n);
    tinyops_fully_connected_s8(&p, &q, input.data(), filter.data(), b, expected.data());
    std::vector<int8_t> laid_out(tinyops_fully_connected_s8_dsp_filter_size(&p));
    tinyops_fully_connected_s8_dsp_filter(&p, filter.data(), laid_out.data());
    std::vector<int32_t> scratch((tinyops_fully_connected_s8_dsp_scratch_size(&p) + 3) / 4);
    // The fast requantisation where its bound is proven; the exact one always.
    for (const int32_t exact : {0, 1}) {
      if (!exact && !small_acc) continue;
      std::vector<int8_t> actual(n, 0x55);
      tinyops_fully_connected_s8_dsp(&p, &q, input.data(), laid_out.data(), b, actual.data(),
                                     scratch.data(), exact);
      ASSERT_EQ(actual, expected) << "round " << round << (exact ? " exact" : " fast") << ": "
                                  << p.batches << " x " << p.accum_depth << " -> " << p.output_depth
                                  << (p.per_channel ? " per channel" : " per tensor");
    }
    checked += small_acc ? 1 : 0;
  }
  EXPECT_GT(checked, 200) << "too few random cases had the fast requantisation's bound";
}

// Rows longer than the scratch's chunk (128 values) are expanded a chunk at a time against
// blocks of 64 output rows whose partial sums wait in the scratch: depths that are not a
// multiple of the chunk nor of 4, row counts across the block size, odd and single rows, and
// the exact requantisation. The scratch is exactly the size the kernel reports, followed by
// guard words that must survive.
TEST(DspKernels, FullyConnectedLongRowsInChunksMatchReference) {
  Random r(606);
  int chunked = 0;
  for (int round = 0; round < 120; ++round) {
    tinyops_fully_connected_params p{};
    p.batches = r.in(1, 2);
    p.accum_depth = round < 4 ? 640 + round : r.in(120, 700);
    const int32_t rows[] = {1, 7, 8, 9, 63, 64, 65, 67, 128, 131};
    p.output_depth = round < 10 ? rows[round] : r.in(1, 150);
    p.input_offset = r.in(-127, 128);
    p.output_offset = r.in(-128, 127);
    p.per_channel = r.in(0, 1);
    activation(r, p.output_offset, p.act_min, p.act_max);
    const auto input = r.int8s(static_cast<size_t>(p.batches * p.accum_depth));
    const auto filter = r.int8s(static_cast<size_t>(p.output_depth * p.accum_depth));
    const auto bias = r.bias(static_cast<size_t>(p.output_depth));
    std::vector<int32_t> mult, shift;
    r.quant(static_cast<size_t>(p.per_channel ? p.output_depth : 1), mult, shift);
    const tinyops_per_channel_quant q{mult.data(), shift.data()};
    const int32_t* b = r.in(0, 3) == 0 ? nullptr : bias.data();
    ASSERT_TRUE(tinyops_fully_connected_s8_dsp_supported(&p, &q));
    const bool small_acc = tinyops_fully_connected_s8_dsp_small_acc(&p, &q, filter.data(), b);

    const size_t n = static_cast<size_t>(p.batches * p.output_depth);
    std::vector<int8_t> expected(n);
    tinyops_fully_connected_s8(&p, &q, input.data(), filter.data(), b, expected.data());
    std::vector<int8_t> laid_out(tinyops_fully_connected_s8_dsp_filter_size(&p));
    tinyops_fully_connected_s8_dsp_filter(&p, filter.data(), laid_out.data());
    const size_t scratch_bytes = tinyops_fully_connected_s8_dsp_scratch_size(&p);
    const size_t whole_row = 2u * static_cast<size_t>((p.accum_depth + 3) / 4 * 4);
    if (p.output_depth >= 8) {
      EXPECT_LE(scratch_bytes, 512u) << p.accum_depth << " -> " << p.output_depth;
      chunked += scratch_bytes < whole_row ? 1 : 0;
    }
    constexpr int32_t kGuard = 0x5a5a5a5a;
    for (const int32_t exact : {0, 1}) {
      if (!exact && !small_acc) continue;
      std::vector<int32_t> scratch(scratch_bytes / 4 + 8, kGuard);
      std::vector<int8_t> actual(n, 0x55);
      tinyops_fully_connected_s8_dsp(&p, &q, input.data(), laid_out.data(), b, actual.data(),
                                     scratch.data(), exact);
      ASSERT_EQ(actual, expected) << "round " << round << (exact ? " exact" : " fast") << ": "
                                  << p.batches << " x " << p.accum_depth << " -> " << p.output_depth
                                  << (p.per_channel ? " per channel" : " per tensor");
      for (size_t i = scratch_bytes / 4; i < scratch.size(); ++i) {
        ASSERT_EQ(scratch[i], kGuard) << "round " << round << ": wrote past the scratch";
      }
    }
  }
  EXPECT_GT(chunked, 60) << "too few random cases took the chunked path";
}

// The scratch the planner reserves: a whole expanded row where that is small, a chunk plus a
// block's partial sums where the row is long (AD's first layer: 512 bytes, not 1,280), none
// for fewer than 8 rows.
TEST(DspKernels, FullyConnectedScratchIsBoundedForLongRows) {
  tinyops_fully_connected_params p{};
  p.batches = 1;
  const auto scratch = [&](int32_t depth, int32_t rows) {
    p.accum_depth = depth;
    p.output_depth = rows;
    return tinyops_fully_connected_s8_dsp_scratch_size(&p);
  };
  EXPECT_EQ(scratch(640, 128), 256u + 256u);
  EXPECT_EQ(scratch(128, 640), 256u);
  EXPECT_EQ(scratch(128, 128), 256u);
  EXPECT_EQ(scratch(130, 8), 264u);         // whole: a chunk and sums would be 288
  EXPECT_EQ(scratch(300, 8), 256u + 32u);   // whole would be 600
  EXPECT_EQ(scratch(255, 11), 256u + 44u);  // whole would be 512
  EXPECT_EQ(scratch(4000, 4), 0u);
  EXPECT_EQ(scratch(700, 200), 512u);
}

// A fully connected layer whose accumulators exceed the one-multiply bound (255 inputs at the
// extremes against +-128 weights, large biases, left shifts) stays on the DSP kernel,
// requantised exactly, with more than 8 rows (the expanded-input path, its quads and its
// remainder rows) and with fewer (the row-by-row path), and matches the reference.
TEST(DspKernels, FullyConnectedBeyondTheFastBoundRequantisesExactly) {
  for (const int32_t rows : {11, 3}) {
    tinyops_fully_connected_params p{};
    p.batches = 2;
    p.accum_depth = 255;
    p.output_depth = rows;
    p.input_offset = 128;
    p.output_offset = -5;
    p.act_min = -128;
    p.act_max = 127;
    p.per_channel = 1;
    std::vector<int8_t> input(static_cast<size_t>(p.batches * p.accum_depth)),
        filter(static_cast<size_t>(rows * p.accum_depth));
    for (size_t i = 0; i < input.size(); ++i)
      input[i] = static_cast<int8_t>(i % 3 ? 127 : -128 + static_cast<int>(i % 5));
    for (size_t i = 0; i < filter.size(); ++i)
      filter[i] = static_cast<int8_t>(i % 4 ? -128 : 127 - static_cast<int>(i % 9));
    std::vector<int32_t> bias(static_cast<size_t>(rows)), mult(bias.size()), shift(bias.size());
    for (int32_t o = 0; o < rows; ++o) {
      bias[static_cast<size_t>(o)] = (o % 2 ? -1 : 1) * (1 << 28) + o * 977;
      mult[static_cast<size_t>(o)] = o % 3 == 0 ? INT32_MAX : (1 << 30) + o * 123457;
      shift[static_cast<size_t>(o)] = o % 3 == 0 ? 2 : -(o + 18);
    }
    const tinyops_per_channel_quant q{mult.data(), shift.data()};
    ASSERT_TRUE(tinyops_fully_connected_s8_dsp_supported(&p, &q));
    ASSERT_FALSE(tinyops_fully_connected_s8_dsp_small_acc(&p, &q, filter.data(), bias.data()));
    const size_t n = static_cast<size_t>(p.batches * rows);
    std::vector<int8_t> expected(n), actual(n, 0x55);
    tinyops_fully_connected_s8(&p, &q, input.data(), filter.data(), bias.data(), expected.data());
    std::vector<int8_t> laid_out(tinyops_fully_connected_s8_dsp_filter_size(&p));
    tinyops_fully_connected_s8_dsp_filter(&p, filter.data(), laid_out.data());
    std::vector<int32_t> scratch((tinyops_fully_connected_s8_dsp_scratch_size(&p) + 3) / 4 + 1);
    tinyops_fully_connected_s8_dsp(&p, &q, input.data(), laid_out.data(), bias.data(),
                                   actual.data(), scratch.data(), 1);
    EXPECT_EQ(actual, expected) << rows << " rows";
    EXPECT_TRUE(std::any_of(expected.begin(), expected.end(), [](int8_t v) {
      return v != 127 && v != -128;
    })) << "every output saturates: the test would not see the arithmetic";
  }
}

// The exact requantisation of dsp_requantize.h against the reference's
// MultiplyByQuantizedMultiplier on extreme and random accumulators, multipliers and shifts.
TEST(DspKernels, ExactRequantisationMatchesTheReferenceEverywhere) {
  Random r(505);
  const int32_t accs[] = {0,
                          1,
                          -1,
                          2,
                          -2,
                          INT32_MAX,
                          INT32_MIN,
                          INT32_MIN + 1,
                          (1 << 30),
                          -(1 << 30),
                          (1 << 30) - 1,
                          12345678,
                          -12345678};
  const int32_t mults[] = {0, 1, 1 << 30, INT32_MAX, (1 << 30) + 1, 1518500250};
  int checked = 0;
  for (int32_t shift = -31; shift <= 30; ++shift) {
    for (const int32_t m : mults) {
      const tinyops_dsp_channel c = tinyops_dsp_channel_of(0, m, shift);
      for (const int32_t acc : accs) {
        ASSERT_EQ(tinyops_dsp_requantize_exact(acc, &c),
                  tinyops_multiply_by_quantized_multiplier(acc, m, shift))
            << acc << " * " << m << " shift " << shift;
        ++checked;
      }
      for (int i = 0; i < 200; ++i) {
        const int32_t acc = static_cast<int32_t>(static_cast<uint32_t>(r.in(INT32_MIN, INT32_MAX)));
        ASSERT_EQ(tinyops_dsp_requantize_exact(acc, &c),
                  tinyops_multiply_by_quantized_multiplier(acc, m, shift))
            << acc << " * " << m << " shift " << shift;
      }
    }
  }
  EXPECT_GT(checked, 4000);
}

// A conv layer whose accumulators may exceed the one-multiply bound (a 3x3 filter over 255
// input channels of +-128 weights, a large bias, a left shift of 4) stays on the DSP kernel,
// requantised exactly, and matches the reference.
TEST(DspKernels, ConvBeyondTheFastBoundRequantisesExactly) {
  const int32_t c_in = 255, c_out = 3;
  tinyops_conv_params p{};
  p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
  p.input_offset = 127;
  p.output_offset = 3;
  p.act_min = -128;
  p.act_max = 127;
  const tinyops_dims4 in{1, 4, 5, c_in}, fd{c_out, 3, 3, c_in}, out{1, 2, 3, c_out};
  std::vector<int8_t> input(static_cast<size_t>(4 * 5 * c_in)),
      filter(static_cast<size_t>(c_out * 9 * c_in));
  for (size_t i = 0; i < input.size(); ++i)
    input[i] = static_cast<int8_t>(i % 2 ? 127 : -128 + static_cast<int>(i % 7));
  for (size_t i = 0; i < filter.size(); ++i) filter[i] = static_cast<int8_t>(i % 3 ? -128 : 127);
  const int32_t bias[] = {-3000000, 0, 5000000}, mult[] = {1518500250, 1 << 30, 2100000000},
                shift[] = {2, -20, 4};
  const tinyops_per_channel_quant q{mult, shift};
  ASSERT_TRUE(tinyops_conv2d_s8_dsp_supported(&p, &q, &fd));
  ASSERT_FALSE(tinyops_conv2d_s8_dsp_small_acc(&p, &q, &fd, filter.data(), bias));
  std::vector<int8_t> expected(18), actual(18, 0x55);
  tinyops_conv2d_s8(&p, &q, &in, input.data(), &fd, filter.data(), bias, &out, expected.data());
  std::vector<int8_t> laid_out(tinyops_conv2d_s8_dsp_filter_size(&fd));
  tinyops_conv2d_s8_dsp_filter(&fd, filter.data(), laid_out.data());
  std::vector<int32_t> scratch((tinyops_conv2d_s8_dsp_scratch_size(&fd) + 3) / 4);
  tinyops_conv2d_s8_dsp(&p, &q, &in, input.data(), &fd, laid_out.data(), bias, &out, actual.data(),
                        scratch.data(), 1);
  EXPECT_EQ(actual, expected);
  // Not every output saturates, so the test sees the arithmetic, not just the clamp.
  EXPECT_TRUE(std::any_of(expected.begin(), expected.end(),
                          [](int8_t v) { return v != 127 && v != -128; }));
}

// The per-output check of the exact requantisation (dsp_requantize.h): one high multiply
// where it is exact, the 64-bit reference elsewhere; equal to the reference for every
// accumulator, including the int32 extremes and both sides of the +-2^30 edges, and for every
// shift from -31 to +30. The fallback counts its calls, so both paths are seen to run.
int fallback_calls = 0;
int32_t counted_reference(int32_t acc, int32_t multiplier, int32_t shift) {
  ++fallback_calls;
  return tinyops_multiply_by_quantized_multiplier(acc, multiplier, shift);
}

TEST(DspKernels, CheckedRequantisationEqualsTheReferenceForEveryAccumulator) {
  Random r(4242);
  fallback_calls = 0;
  int fast = 0;
  for (int32_t shift = -31; shift <= 30; ++shift) {
    for (int round = 0; round < 60; ++round) {
      const int32_t multiplier = round == 0 ? INT32_MAX : (round == 1 ? 0 : r.in(0, INT32_MAX));
      const tinyops_dsp_channel c = tinyops_dsp_channel_of(0, multiplier, shift);
      const int32_t left = shift > 0 ? shift : 0;
      const int32_t edge =
          static_cast<int32_t>((int64_t{1} << 30) >> left);  // |acc| < edge is fast
      std::vector<int32_t> accs = {INT32_MIN,
                                   INT32_MAX,
                                   0,
                                   1,
                                   -1,
                                   edge,
                                   edge - 1,
                                   -edge,
                                   -edge - 1,
                                   -edge + 1,
                                   r.in(INT32_MIN, INT32_MAX),
                                   r.in(-edge, edge),
                                   r.in(-edge / 64, edge / 64)};
      for (const int32_t acc : accs) {
        const int before = fallback_calls;
        ASSERT_EQ(tinyops_dsp_requantize_checked(acc, &c, counted_reference),
                  tinyops_multiply_by_quantized_multiplier(acc, multiplier, shift))
            << "acc " << acc << " multiplier " << multiplier << " shift " << shift;
        fast += fallback_calls == before;
      }
    }
  }
  EXPECT_GT(fast, 10000);
  EXPECT_GT(fallback_calls, 5000);
}

// The exact conv path on a layer whose accumulators fall on both sides of the one-multiply
// range, channel by channel and pixel by pixel (inputs alternate between a calm and a
// saturated half of the image).
TEST(DspKernels, ConvExactPathMixesFastAndFallbackOutputs) {
  Random r(909);
  const int32_t c_in = 64, c_out = 5;
  tinyops_conv_params p{};
  p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
  p.pad_h = p.pad_w = 1;
  p.input_offset = 128;
  p.output_offset = -5;
  p.act_min = -128;
  p.act_max = 127;
  const tinyops_dims4 in{1, 6, 7, c_in}, fd{c_out, 3, 3, c_in}, out{1, 6, 7, c_out};
  // Each pixel is loud (127 + 128 = 255 after the offset) or quiet (2 to 4) in every channel,
  // at random, so a window's accumulator is about k * 1.8 M for its k loud pixels (0..9).
  std::vector<int8_t> input(static_cast<size_t>(6 * 7 * c_in));
  for (size_t px = 0; px < 6 * 7; ++px) {
    const bool loud = r.in(0, 1) == 1;
    for (size_t ch = 0; ch < static_cast<size_t>(c_in); ++ch) {
      input[px * static_cast<size_t>(c_in) + ch] =
          static_cast<int8_t>(loud ? 127 : r.in(-126, -124));
    }
  }
  std::vector<int8_t> filter(static_cast<size_t>(c_out * 9 * c_in));
  for (auto& w : filter) w = static_cast<int8_t>(r.in(100, 127));
  const int32_t bias[] = {-1000, 0, 7, 123456, -99},
                mult[] = {1 << 30, 1518500250, 2100000000, 1200000000, INT32_MAX};
  // Negative shifts: everything is within the one-multiply range and most outputs are not
  // saturated. A left shift of 7 puts the edge (2^23 = 8.4 M) among the windows' sums, so
  // windows with 5 or more loud pixels take the 64-bit fallback and the others do not.
  const int32_t shift[] = {-14, -12, -13, -15, -14}, shift2[] = {7, -12, 7, -15, 8};
  const tinyops_per_channel_quant q2{mult, shift2};
  ASSERT_FALSE(tinyops_conv2d_s8_dsp_small_acc(&p, &q2, &fd, filter.data(), bias));
  for (const int32_t* s : {shift, shift2}) {
    const tinyops_per_channel_quant qs{mult, s};
    std::vector<int8_t> expected(static_cast<size_t>(6 * 7 * c_out)), actual(expected.size(), 0x55);
    tinyops_conv2d_s8(&p, &qs, &in, input.data(), &fd, filter.data(), bias, &out, expected.data());
    std::vector<int8_t> laid_out(tinyops_conv2d_s8_dsp_filter_size(&fd));
    tinyops_conv2d_s8_dsp_filter(&fd, filter.data(), laid_out.data());
    std::vector<int32_t> scratch((tinyops_conv2d_s8_dsp_scratch_size(&fd) + 3) / 4);
    tinyops_conv2d_s8_dsp(&p, &qs, &in, input.data(), &fd, laid_out.data(), bias, &out,
                          actual.data(), scratch.data(), 1);
    ASSERT_EQ(actual, expected);
    EXPECT_TRUE(std::any_of(expected.begin(), expected.end(),
                            [](int8_t v) { return v != 127 && v != -128; }));
  }
}

// The accumulator bound that lets the kernels requantise with one high multiply is checked,
// not assumed: a layer that could exceed it keeps the reference kernel.
TEST(DspKernels, LayersThatCouldOverflowTheFastRequantisationAreRefused) {
  const int32_t mult[] = {1 << 30}, shift_big[] = {1}, shift_small[] = {-8};
  const tinyops_per_channel_quant big{mult, shift_big}, small{mult, shift_small};
  tinyops_fully_connected_params p{};
  p.batches = 1;
  p.accum_depth = 4096;
  p.output_depth = 1;
  p.input_offset = 128;  // zero point -128: |x + offset| reaches 255
  p.act_min = -128;
  p.act_max = 127;
  const std::vector<int8_t> heavy(4096, -128), light(4096, 1);
  // 4096 * 128 * 255 = 2^27 * 1.0...: x2 for shift 1 is still < 2^30, but a bias tips it over,
  // and the layer is then requantised exactly (the kernel still takes it).
  EXPECT_EQ(tinyops_fully_connected_s8_dsp_small_acc(&p, &big, heavy.data(), nullptr), 1);
  const int32_t large_bias[] = {(1 << 29) - (4096 * 128 * 255) + 1};
  EXPECT_EQ(tinyops_fully_connected_s8_dsp_small_acc(&p, &big, heavy.data(), large_bias), 0);
  EXPECT_EQ(tinyops_fully_connected_s8_dsp_small_acc(&p, &small, light.data(), large_bias), 1);
  EXPECT_EQ(tinyops_fully_connected_s8_dsp_supported(&p, &big), 1);
  p.filter_offset = 1;  // asymmetric weights are the reference kernel's job
  EXPECT_EQ(tinyops_fully_connected_s8_dsp_supported(&p, &small), 0);
  p.filter_offset = 0;
  p.input_offset = 129;  // not an int8 zero point
  EXPECT_EQ(tinyops_fully_connected_s8_dsp_supported(&p, &small), 0);
  p.input_offset = 0;
  const int32_t negative[] = {-5};
  const tinyops_per_channel_quant negative_q{negative, shift_small};
  EXPECT_EQ(tinyops_fully_connected_s8_dsp_supported(&p, &negative_q), 0);

  tinyops_depthwise_conv_params dw{};
  dw.depth_multiplier = 2;
  const tinyops_dims4 fd{1, 1, 1, 2};
  const int32_t m2[] = {1 << 30, 1 << 30}, s2[] = {0, 0};
  const tinyops_per_channel_quant q2{m2, s2};
  EXPECT_EQ(tinyops_depthwise_conv2d_s8_dsp_supported(&dw, &q2, &fd, light.data(), nullptr), 0);
}

}  // namespace
