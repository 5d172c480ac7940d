// Data movement: PAD with the zero point, TRANSPOSE permutations, STRIDED_SLICE masks,
// CONCATENATION along any axis, CAST, RESHAPE.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "tinyops/runtime/shape_ops.h"

namespace {

std::vector<int32_t> iota(int n, int32_t first = 0) {
  std::vector<int32_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), first);
  return v;
}

TEST(Pad, Int8UsesTheGivenValue) {
  tinyops_pad_params p{};
  p.rank = 2;
  p.element_size = 1;
  p.input_dims[0] = 2;
  p.input_dims[1] = 2;
  p.before[0] = 1;
  p.after[0] = 0;
  p.before[1] = 0;
  p.after[1] = 2;
  const std::vector<int8_t> in = {1, 2, 3, 4};
  const int8_t zero_point = -7;
  std::vector<int8_t> out(3 * 4);
  tinyops_pad(&p, in.data(), &zero_point, out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{-7, -7, -7, -7, 1, 2, -7, -7, 3, 4, -7, -7}));
}

TEST(Pad, FloatFourDims) {
  tinyops_pad_params p{};
  p.rank = 4;
  p.element_size = 4;
  for (int d = 0; d < 4; ++d) p.input_dims[d] = 1;
  p.before[1] = 1;
  p.after[2] = 1;
  const float in = 5.0f, zero = 0.0f;
  std::vector<float> out(4);
  tinyops_pad(&p, &in, &zero, out.data());
  EXPECT_EQ(out, (std::vector<float>{0, 0, 5, 0}));
}

// The plain definition: every output element is the input element it covers, or the pad value.
std::vector<uint8_t> reference_pad(const tinyops_pad_params& p, const std::vector<uint8_t>& in,
                                   const std::vector<uint8_t>& value) {
  std::vector<int32_t> out_dims(static_cast<size_t>(p.rank));
  size_t total = 1;
  for (int d = 0; d < p.rank; ++d) {
    out_dims[static_cast<size_t>(d)] = p.before[d] + p.input_dims[d] + p.after[d];
    total *= static_cast<size_t>(out_dims[static_cast<size_t>(d)]);
  }
  const auto size = static_cast<size_t>(p.element_size);
  std::vector<uint8_t> out(total * size);
  for (size_t i = 0; i < total; ++i) {
    size_t rest = i, offset = 0, scale = 1;
    bool inside = true;
    for (int d = p.rank - 1; d >= 0; --d) {
      const auto od = static_cast<size_t>(out_dims[static_cast<size_t>(d)]);
      const auto x = static_cast<int32_t>(rest % od) - p.before[d];
      rest /= od;
      if (x < 0 || x >= p.input_dims[d]) inside = false;
      offset += static_cast<size_t>(x) * scale;
      scale *= static_cast<size_t>(p.input_dims[d]);
    }
    for (size_t k = 0; k < size; ++k) out[i * size + k] = inside ? in[offset * size + k] : value[k];
  }
  return out;
}

// Random ranks, sizes (including empty input dimensions), paddings on any subset of the
// dimensions, element sizes 1, 2 and 4, pad values with equal and unequal bytes.
TEST(Pad, MatchesThePlainDefinitionOnRandomShapes) {
  std::mt19937 rng(77);
  auto integer = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int trial = 0; trial < 500; ++trial) {
    tinyops_pad_params p{};
    p.rank = integer(0, 5);
    const int sizes[3] = {1, 2, 4};
    p.element_size = sizes[integer(0, 2)];
    size_t in_count = 1;
    for (int d = 0; d < p.rank; ++d) {
      p.input_dims[d] = integer(0, 9) == 0 ? 0 : integer(1, 5);
      p.before[d] = integer(0, 2) == 0 ? integer(0, 3) : 0;
      p.after[d] = integer(0, 2) == 0 ? integer(0, 3) : 0;
      in_count *= static_cast<size_t>(p.input_dims[d]);
    }
    const auto size = static_cast<size_t>(p.element_size);
    std::vector<uint8_t> in(in_count * size), value(size);
    for (auto& x : in) x = static_cast<uint8_t>(integer(0, 255));
    for (auto& x : value) x = static_cast<uint8_t>(integer(0, 1) ? 0xA5 : integer(0, 255));
    const auto expected = reference_pad(p, in, value);
    std::vector<uint8_t> out(expected.size() + 8, 0x5A);  // guard bytes after the output
    tinyops_pad(&p, in.data(), value.data(), out.data());
    ASSERT_TRUE(std::equal(expected.begin(), expected.end(), out.begin())) << "trial " << trial;
    for (size_t k = expected.size(); k < out.size(); ++k)
      ASSERT_EQ(out[k], 0x5A) << "trial " << trial;
  }
}

TEST(Transpose, ThreeDimsAllPermutations) {
  const std::vector<int32_t> dims = {2, 3, 4};
  const std::vector<int32_t> in = iota(24);
  const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (const auto& perm : perms) {
    tinyops_transpose_params p{};
    p.rank = 3;
    p.element_size = 4;
    for (int d = 0; d < 3; ++d) {
      p.input_dims[d] = dims[static_cast<size_t>(d)];
      p.perm[d] = perm[d];
    }
    std::vector<int32_t> out(24);
    tinyops_transpose(&p, in.data(), out.data());
    // out[i0][i1][i2] = in[...] with input index j[perm[k]] = i_k.
    const int32_t od[3] = {dims[perm[0]], dims[perm[1]], dims[perm[2]]};
    for (int a = 0; a < od[0]; ++a)
      for (int b = 0; b < od[1]; ++b)
        for (int c = 0; c < od[2]; ++c) {
          int j[3];
          j[perm[0]] = a;
          j[perm[1]] = b;
          j[perm[2]] = c;
          EXPECT_EQ(out[static_cast<size_t>((a * od[1] + b) * od[2] + c)],
                    (j[0] * 3 + j[1]) * 4 + j[2]);
        }
  }
}

TEST(Transpose, SixDimsReverse) {
  tinyops_transpose_params p{};
  p.rank = 6;
  p.element_size = 1;
  for (int d = 0; d < 6; ++d) {
    p.input_dims[d] = 2;
    p.perm[d] = 5 - d;
  }
  std::vector<uint8_t> in(64), out(64);
  std::iota(in.begin(), in.end(), 0);
  tinyops_transpose(&p, in.data(), out.data());
  // Reversing all axes of a 2x..x2 tensor reverses the bits of the flat index.
  for (int i = 0; i < 64; ++i) {
    int r = 0;
    for (int b = 0; b < 6; ++b) r |= ((i >> b) & 1) << (5 - b);
    EXPECT_EQ(out[static_cast<size_t>(i)], r);
  }
}

struct Slice {
  std::vector<int32_t> out_shape;
  std::vector<int32_t> values;
};

Slice slice(const std::vector<int32_t>& dims, const std::vector<int32_t>& begin,
            const std::vector<int32_t>& end, const std::vector<int32_t>& strides,
            tinyops_strided_slice_masks masks) {
  tinyops_strided_slice_params p{};
  int32_t out_dims[TINYOPS_SHAPE_MAX_DIMS];
  int32_t out_rank = 0;
  const int status = tinyops_strided_slice_resolve(
      dims.data(), static_cast<int32_t>(dims.size()), begin.data(), end.data(), strides.data(),
      static_cast<int32_t>(begin.size()), &masks, &p, out_dims, &out_rank);
  EXPECT_EQ(status, 0);
  p.element_size = 4;
  int32_t n = 1;
  for (int32_t d = 0; d < out_rank; ++d) n *= out_dims[d];
  int32_t total = 1;
  for (int32_t d : dims) total *= d;
  const std::vector<int32_t> in = iota(total);
  Slice s{std::vector<int32_t>(out_dims, out_dims + out_rank),
          std::vector<int32_t>(static_cast<size_t>(n))};
  tinyops_strided_slice(&p, in.data(), s.values.data());
  return s;
}

TEST(StridedSlice, BasicRangesAndNegativeIndices) {
  // The preprocessor's slice: [257] -> [236] from 4 to -17.
  const Slice a = slice({257}, {4}, {-17}, {1}, {});
  EXPECT_EQ(a.out_shape, (std::vector<int32_t>{236}));
  EXPECT_EQ(a.values.front(), 4);
  EXPECT_EQ(a.values.back(), 239);
  // 2-D with a step of 2 and a reversed row.
  const Slice b = slice({3, 4}, {0, 3}, {3, 0}, {2, -1}, {});
  EXPECT_EQ(b.out_shape, (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(b.values, (std::vector<int32_t>{3, 2, 1, 11, 10, 9}));
}

TEST(StridedSlice, BeginEndAndShrinkMasks) {
  tinyops_strided_slice_masks m{};
  m.begin_mask = 1;        // dim 0 from its start
  m.end_mask = 2;          // dim 1 to its end
  m.shrink_axis_mask = 4;  // dim 2 takes one element and disappears
  const Slice s = slice({2, 3, 4}, {1, 1, -1}, {2, 0, 0}, {1, 1, 1}, m);
  EXPECT_EQ(s.out_shape, (std::vector<int32_t>{2, 2}));
  // Elements [i][j][3] for i in 0..1, j in 1..2.
  EXPECT_EQ(s.values, (std::vector<int32_t>{7, 11, 19, 23}));
}

TEST(StridedSlice, ShrinkTakesTheElementAtBeginWhateverTheStride) {
  // x[3] written with a stride of -1 (or -2): one element, axis dropped. TFLite Micro's loop
  // runs from begin to begin + 1 with the negative stride and copies nothing.
  tinyops_strided_slice_masks m{};
  m.shrink_axis_mask = 1;
  for (int32_t stride : {1, -1, -2}) {
    const Slice s = slice({5}, {3}, {0}, {stride}, m);
    EXPECT_TRUE(s.out_shape.empty());
    EXPECT_EQ(s.values, (std::vector<int32_t>{3})) << "stride " << stride;
  }
  // With a negative begin and a reversed middle axis.
  m.shrink_axis_mask = 4;
  const Slice t = slice({2, 3, 4}, {0, 2, -2}, {2, 0, 0}, {1, -1, -1}, m);
  EXPECT_EQ(t.out_shape, (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(t.values, (std::vector<int32_t>{10, 6, 22, 18}));
}

TEST(StridedSlice, ShrinkIndexOutsideTheDimensionIsRejected) {
  tinyops_strided_slice_params p{};
  tinyops_strided_slice_masks m{};
  m.shrink_axis_mask = 1;
  int32_t out_dims[TINYOPS_SHAPE_MAX_DIMS];
  int32_t out_rank = 0;
  const int32_t dims[1] = {4}, e[1] = {0};
  for (int32_t begin : {4, 9, -5}) {
    for (int32_t stride : {1, -1}) {
      const int32_t b[1] = {begin}, st[1] = {stride};
      EXPECT_EQ(tinyops_strided_slice_resolve(dims, 1, b, e, st, 1, &m, &p, out_dims, &out_rank),
                -3)
          << "begin " << begin << " stride " << stride;
    }
  }
}

TEST(StridedSlice, EllipsisAndNewAxis) {
  tinyops_strided_slice_masks m{};
  m.ellipsis_mask = 1;  // spec[0] = ...
  m.new_axis_mask = 4;  // spec[2] = newaxis
  // x[..., 1:3, newaxis] on [2, 3, 4]: the ellipsis covers dims 0 and 1.
  const Slice s = slice({2, 3, 4}, {0, 1, 0}, {0, 3, 0}, {1, 1, 1}, m);
  EXPECT_EQ(s.out_shape, (std::vector<int32_t>{2, 3, 2, 1}));
  EXPECT_EQ(s.values[0], 1);
  EXPECT_EQ(s.values[1], 2);
  EXPECT_EQ(s.values[2], 5);
  EXPECT_EQ(s.values.back(), 22);
}

TEST(StridedSlice, OffsetMakesEndALength) {
  tinyops_strided_slice_masks m{};
  m.offset = 1;
  const Slice s = slice({10}, {3}, {4}, {1}, m);
  EXPECT_EQ(s.out_shape, (std::vector<int32_t>{4}));
  EXPECT_EQ(s.values, (std::vector<int32_t>{3, 4, 5, 6}));
}

TEST(StridedSlice, ZeroStrideIsRejected) {
  tinyops_strided_slice_params p{};
  tinyops_strided_slice_masks m{};
  const int32_t dims[1] = {4}, b[1] = {0}, e[1] = {4}, st[1] = {0};
  int32_t out_dims[TINYOPS_SHAPE_MAX_DIMS];
  int32_t out_rank = 0;
  EXPECT_EQ(tinyops_strided_slice_resolve(dims, 1, b, e, st, 1, &m, &p, out_dims, &out_rank), -1);
}

TEST(Concatenation, MiddleAxisMixedSizes) {
  // [2, 1, 2] ++ [2, 2, 2] along axis 1 -> [2, 3, 2].
  const std::vector<int16_t> a = {1, 2, 3, 4};
  const std::vector<int16_t> b = {10, 11, 12, 13, 14, 15, 16, 17};
  const tinyops_concatenation_params p{2, 2};
  const int32_t bytes[2] = {1 * 2 * 2, 2 * 2 * 2};
  const void* inputs[2] = {a.data(), b.data()};
  std::vector<int16_t> out(12);
  tinyops_concatenation(&p, bytes, inputs, out.data());
  EXPECT_EQ(out, (std::vector<int16_t>{1, 2, 10, 11, 12, 13, 3, 4, 14, 15, 16, 17}));
}

TEST(Cast, SixteenAndThirtyTwoBitIntegersWrapLikeStaticCast) {
  // the plain loops for these pairs against what C++'s static_cast does (modulo 2^bits)
  std::vector<int32_t> s32(1000);
  uint32_t seed = 3;
  for (auto& v : s32) {
    seed = seed * 1664525u + 1013904223u;
    v = static_cast<int32_t>(seed);
  }
  s32[0] = INT32_MIN;
  s32[1] = INT32_MAX;
  s32[2] = 0x18000;
  std::vector<int16_t> s16(s32.size());
  tinyops_cast(static_cast<int32_t>(s32.size()), TINYOPS_TYPE_S32, s32.data(), TINYOPS_TYPE_S16, s16.data());
  for (size_t i = 0; i < s32.size(); ++i) ASSERT_EQ(s16[i], static_cast<int16_t>(s32[i])) << i;
  std::vector<int32_t> widened(s16.size());
  tinyops_cast(static_cast<int32_t>(s16.size()), TINYOPS_TYPE_S16, s16.data(), TINYOPS_TYPE_S32, widened.data());
  for (size_t i = 0; i < s16.size(); ++i) ASSERT_EQ(widened[i], s16[i]) << i;
  std::vector<uint32_t> u32(s16.size());
  tinyops_cast(static_cast<int32_t>(s16.size()), TINYOPS_TYPE_S16, s16.data(), TINYOPS_TYPE_U32, u32.data());
  for (size_t i = 0; i < s16.size(); ++i) ASSERT_EQ(u32[i], static_cast<uint32_t>(s16[i])) << i;
  std::vector<int16_t> from_u32(u32.size());
  tinyops_cast(static_cast<int32_t>(u32.size()), TINYOPS_TYPE_U32, u32.data(), TINYOPS_TYPE_S16, from_u32.data());
  EXPECT_EQ(from_u32, s16);
}

TEST(Cast, BetweenTypes) {
  const std::vector<uint32_t> u = {0, 5, 0x80000000u, 0xFFFFFFFFu};
  std::vector<int32_t> s(4);
  tinyops_cast(4, TINYOPS_TYPE_U32, u.data(), TINYOPS_TYPE_S32, s.data());
  EXPECT_EQ(s, (std::vector<int32_t>{0, 5, INT32_MIN, -1}));
  std::vector<uint32_t> back(4);
  tinyops_cast(4, TINYOPS_TYPE_S32, s.data(), TINYOPS_TYPE_U32, back.data());
  EXPECT_EQ(back, u);
  const std::vector<int32_t> wide = {127, 128, -129, 300};
  std::vector<int8_t> narrow(4);
  tinyops_cast(4, TINYOPS_TYPE_S32, wide.data(), TINYOPS_TYPE_S8, narrow.data());
  EXPECT_EQ(narrow, (std::vector<int8_t>{127, -128, 127, 44}));  // wraps like static_cast
  const std::vector<float> f = {1.9f, -1.9f, 1e10f, NAN};
  std::vector<int32_t> fi(4);
  tinyops_cast(4, TINYOPS_TYPE_F32, f.data(), TINYOPS_TYPE_S32, fi.data());
  EXPECT_EQ(fi, (std::vector<int32_t>{1, -1, INT32_MAX, 0}));
  const std::vector<uint64_t> big = {(1ull << 40) + 1};
  float out = 0;
  tinyops_cast(1, TINYOPS_TYPE_U64, big.data(), TINYOPS_TYPE_F32, &out);
  EXPECT_EQ(out, static_cast<float>((1ull << 40) + 1));
  const std::vector<int16_t> s16 = {-3, 0, 32767};
  std::vector<int32_t> s32(3);
  tinyops_cast(3, TINYOPS_TYPE_S16, s16.data(), TINYOPS_TYPE_S32, s32.data());
  EXPECT_EQ(s32, (std::vector<int32_t>{-3, 0, 32767}));
}

TEST(Reshape, CopiesBytes) {
  const std::vector<int32_t> in = {1, 2, 3};
  std::vector<int32_t> out(3);
  tinyops_reshape(sizeof(int32_t) * 3, in.data(), out.data());
  EXPECT_EQ(out, in);
}

}  // namespace
