// Bit-exact TFLite Micro (90b983c2, reference kernels, default double-rounding build)
// outputs for quantised ops that no shared model with reference vectors exercises. Each
// case is a one-op graph run through the interpreter, so the prepare-time set-up
// (multipliers, shifts, radii, activation ranges) is checked together with the kernel.
//
// The expected values were worked out with TFLM's arithmetic (QuantizeMultiplier, gemmlowp
// fixed point, MultiplyByQuantizedMultiplier with two roundings) in an exact-integer model
// written from the TFLM sources, independently of src/runtime; see docs/op-audit.md. The
// inputs were chosen where a plausible mistake changes the result: single instead of
// double rounding, a truncating instead of a rounding output shift, or a rounded six.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "../support/expect_error.hpp"
#include "../support/graph_builder.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::interp {
namespace {

using test_graphs::activation;
using test_graphs::make_op;
using test_graphs::quant;

template <class TOut, class TIn>
std::vector<TOut> run_unary(OpType type, OpOptions options, DataType in_type, DataType out_type,
                            std::vector<int32_t> shape, QuantParams qi, QuantParams qo,
                            const std::vector<TIn>& input) {
  Graph g;
  g.tensors.push_back(activation("x", in_type, shape, std::move(qi)));
  g.tensors.push_back(activation("y", out_type, shape, std::move(qo)));
  g.ops.push_back(make_op(type, {0}, {1}, std::move(options)));
  g.inputs = {0};
  g.outputs = {1};
  Interpreter interp(g);
  EXPECT_EQ(interp.input(0).size(), input.size() * sizeof(TIn));
  std::memcpy(interp.input(0).data(), input.data(), input.size() * sizeof(TIn));
  interp.invoke();
  std::vector<TOut> out(interp.output(0).size() / sizeof(TOut));
  std::memcpy(out.data(), interp.output(0).data(), out.size() * sizeof(TOut));
  return out;
}

template <class T>
std::vector<T> run_binary(OpType type, Activation act, DataType dtype, QuantParams q1,
                          QuantParams q2, QuantParams qo, const std::vector<T>& a,
                          const std::vector<T>& b) {
  const auto n = static_cast<int32_t>(a.size());
  Graph g;
  g.tensors.push_back(activation("a", dtype, {n}, std::move(q1)));
  g.tensors.push_back(activation("b", dtype, {n}, std::move(q2)));
  g.tensors.push_back(activation("y", dtype, {n}, std::move(qo)));
  g.ops.push_back(make_op(type, {0, 1}, {2}, ElementwiseOptions{act}));
  g.inputs = {0, 1};
  g.outputs = {2};
  Interpreter interp(g);
  std::memcpy(interp.input(0).data(), a.data(), a.size() * sizeof(T));
  std::memcpy(interp.input(1).data(), b.data(), b.size() * sizeof(T));
  interp.invoke();
  std::vector<T> out(a.size());
  std::memcpy(out.data(), interp.output(0).data(), out.size() * sizeof(T));
  return out;
}

// ---- LOGISTIC / TANH int8: frexp multiplier, Q4 input, gemmlowp logistic and tanh ------

TEST(OpArithmeticTflm, LogisticS8) {
  const std::vector<int8_t> in = {-128, -126, -109, -90, -74, -57, -38, -25,
                                  -8,   11,   28,   46,  64,  79,  94,  127};
  const std::vector<int8_t> want = {-82, -81, -77, -72, -67, -62, -56, -52,
                                    -46, -39, -33, -26, -19, -13, -7,  6};
  EXPECT_EQ(run_unary<int8_t>(OpType::Logistic, {}, DataType::Int8, DataType::Int8, {16},
                              quant({0x1.9d1ab6p-8f}, {112}), quant({1.0f / 256}, {-128}), in),
            want);
}

TEST(OpArithmeticTflm, TanhS8) {
  const std::vector<int8_t> in = {-128, -119, -103, -88, -71, -56, -40, -23,
                                  -8,   9,    27,   45,  59,  68,  86,  127};
  const std::vector<int8_t> want = {-126, -125, -124, -123, -121, -119, -116, -111,
                                    -106, -98,  -87,  -73,  -60,  -51,  -30,  22};
  EXPECT_EQ(run_unary<int8_t>(OpType::Tanh, {}, DataType::Int8, DataType::Int8, {16},
                              quant({0x1.491b1p-7f}, {110}), quant({1.0f / 128}, {0}), in),
            want);
}

// ---- SOFTMAX int8: beta * scale * 2^26, diff_min, exp, reciprocal, rounding shift ------

TEST(OpArithmeticTflm, SoftmaxS8ToS8) {
  const std::vector<int8_t> in = {6,  114, 47, 35,  105, 34, 97,  87,  3,  57, 1,  5,   41,
                                  3,  27,  86, 122, 95,  88, 116, 58,  11, 31, 90, 125, 103,
                                  47, 26,  64, 63,  126, 41, 102, 106, 83, 86, 98, 1,   93};
  const std::vector<int8_t> want = {-126, -115, -124, -125, -117, -125, -119, -120, -126, -124,
                                    -126, -126, -125, -126, -125, -120, -113, -119, -120, -115,
                                    -123, -126, -125, -120, -112, -118, -124, -125, -123, -123,
                                    -112, -125, -118, -117, -121, -120, -119, -126, -119};
  EXPECT_EQ(run_unary<int8_t>(OpType::Softmax, SoftmaxOptions{0x1.838908p+0f}, DataType::Int8,
                              DataType::Int8, {1, 39}, quant({0x1.8f83d2p-7f}, {47}),
                              quant({1.0f / 256}, {-128}), in),
            want);
}

TEST(OpArithmeticTflm, SoftmaxS8ToS16) {
  const std::vector<int8_t> in = {13,  17, 12,  -2,  4,  -30, 11,  -58, -68, 14, 52,  51, -59, 21,
                                  -67, 65, 53,  -46, 74, 13,  -45, -29, -68, -1, -60, 85, 8,   -67,
                                  -71, 28, -23, -5,  44, 41,  -1,  -76, -4,  47, -44, -51};
  const std::vector<int16_t> want = {
      -32124, -31993, -32153, -32447, -32344, -32680, -32181, -32744, -32753, -32093,
      -28837, -29015, -32745, -31835, -32752, -25583, -28650, -32726, -21861, -32124,
      -32724, -32676, -32753, -32432, -32746, -14599, -32257, -32752, -32755, -31477,
      -32647, -32489, -30056, -30408, -32432, -32758, -32475, -29651, -32722, -32735};
  EXPECT_EQ(run_unary<int16_t>(OpType::Softmax, SoftmaxOptions{0x1.000e3ep+0f}, DataType::Int8,
                               DataType::Int16, {1, 40}, quant({0x1.7beaa8p-5f}, {-112}),
                               quant({1.0f / 65536}, {-32768}), in),
            want);
}

// ---- ADD / SUB / MUL: left shift 20 (int8) or 15 (int16), three or one multipliers ------

TEST(OpArithmeticTflm, AddS8) {
  const std::vector<int8_t> a = {100, 119, -120, -36, -125, 105, -128, 127};
  const std::vector<int8_t> b = {-3, 60, 127, -128, 0, 54, -128, 127};
  const auto q1 = quant({0x1.db598ap-6f}, {-10});
  const auto q2 = quant({0x1.1ad4eep-3f}, {54});
  const auto qo = quant({0x1.6c18fap-3f}, {-47});
  // Real results -73.3, -21.3, -8.2, -192.6, -107.7, -28.2, -207.6, 32.1 (two saturate).
  const std::vector<int8_t> want = {-73, -21, -8, -128, -108, -28, -128, 32};
  EXPECT_EQ(run_binary<int8_t>(OpType::Add, Activation::None, DataType::Int8, q1, q2, qo, a, b),
            want);
}

TEST(OpArithmeticTflm, SubS8WithRelu) {
  const std::vector<int8_t> a = {-102, -53, -71, 42, 94, 119, -24, 32, -88, -13};
  const std::vector<int8_t> b = {-3, -22, -11, 120, -122, 106, -76, -25, -19, 124};
  const std::vector<int8_t> want = {-24, 82, 39, 127, 127, 127, 127, 127, 16, 25};
  EXPECT_EQ(run_binary<int8_t>(OpType::Sub, Activation::Relu, DataType::Int8,
                               quant({0x1.299cd4p-5f}, {-97}), quant({0x1.22440ep-6f}, {104}),
                               quant({0x1.47005p-6f}, {-110}), a, b),
            want);
}

TEST(OpArithmeticTflm, AddS16LeftShift15WithZeroPoints) {
  const std::vector<int16_t> a = {20694, -9942, 22520, 13955, 17938, -22623, 8382, -14261};
  const std::vector<int16_t> b = {29332, -20987, 14231, 4125, 8070, 18299, -18270, -24731};
  const std::vector<int16_t> want = {12096, -7268, 9805, 5145, 7168, -3842, -898, -9361};
  EXPECT_EQ(run_binary<int16_t>(OpType::Add, Activation::None, DataType::Int16,
                                quant({0x1.24bfecp-5f}, {75}), quant({0x1.5cde4cp-6f}, {42}),
                                quant({0x1.ca391ap-4f}, {-66}), a, b),
            want);
}

TEST(OpArithmeticTflm, SubS16) {
  const std::vector<int16_t> a = {619, 32717, 20795, -28935, 9097, -13897, 13848, 10575};
  const std::vector<int16_t> b = {10398, -4987, 8825, -30399, -29368, 13009, 13067, 6830};
  const std::vector<int16_t> want = {-5815, 11906, 618, 9808, 19613, -11304, -3748, -1018};
  EXPECT_EQ(run_binary<int16_t>(OpType::Sub, Activation::None, DataType::Int16,
                                quant({0x1.6c439cp-5f}, {-77}), quant({0x1.82e9e2p-4f}, {-71}),
                                quant({0x1.4ce58p-3f}, {78}), a, b),
            want);
}

TEST(OpArithmeticTflm, MulS16DoubleRounding) {
  // Multiplier 1511423979 * 2^-3; three of these products round differently with a single
  // rounding (TFLITE_SINGLE_ROUNDING builds).
  const std::vector<int16_t> a = {248, 122, -527, -375, -352, -440, -644, -391};
  const std::vector<int16_t> b = {509, 253, 643, -401, 552, 520, 271, 646};
  const std::vector<int16_t> want = {11106, 2716, -29812, 13230, -17094, -20129, -15354, -22222};
  EXPECT_EQ(run_binary<int16_t>(OpType::Mul, Activation::None, DataType::Int16,
                                quant({0x1.bdb7d6p-4f}, {0}), quant({0x1.9df052p-7f}, {0}),
                                quant({0x1.0p-6f}, {0}), a, b),
            want);
}

// ---- QUANTIZE between integer types: Requantize with s_in / s_out ------------------------

template <class TOut, class TIn>
std::vector<TOut> requantize(DataType from, DataType to, float si, int32_t zi, float so, int32_t zo,
                             const std::vector<TIn>& in) {
  return run_unary<TOut>(OpType::Quantize, {}, from, to, {static_cast<int32_t>(in.size())},
                         quant({si}, {zi}), quant({so}, {zo}), in);
}

TEST(OpArithmeticTflm, RequantizeS8ToS8) {
  const std::vector<int8_t> in = {-29, -9, -2, -54, 74, 41, 59};
  const std::vector<int8_t> want = {2, 10, 12, -8, 42, 29, 36};
  EXPECT_EQ((requantize<int8_t>(DataType::Int8, DataType::Int8, 0x1.3ed97ap-3f, 98, 0x1.955168p-2f,
                                52, in)),
            want);
}

TEST(OpArithmeticTflm, RequantizeS16ToS8Saturates) {
  const std::vector<int16_t> in = {-7614, -16553, 16997, 2640, -952};
  const std::vector<int8_t> want = {-92, -128, 127, 103, 34};
  EXPECT_EQ((requantize<int8_t>(DataType::Int16, DataType::Int8, 0x1.227e9cp-6f, -505,
                                0x1.dd8f9ap-1f, 43, in)),
            want);
}

TEST(OpArithmeticTflm, RequantizeS8ToS16) {
  const std::vector<int8_t> in = {85, 50, -37, 8, -40, 41, -68, -101, -77};
  const std::vector<int16_t> want = {554, 538, 498, 518, 497, 534, 483, 468, 479};
  EXPECT_EQ((requantize<int16_t>(DataType::Int8, DataType::Int16, 0x1.97a41ap-3f, -54,
                                 0x1.bf5bcap-2f, 490, in)),
            want);
}

TEST(OpArithmeticTflm, RequantizeS32ToS16) {
  const std::vector<int32_t> in = {3644, 123274, 121813, -155683, 117380, 195512, 43835, 43736};
  const std::vector<int16_t> want = {2472, 12148, 12030, -10416, 11672, 17992, 5723, 5715};
  EXPECT_EQ((requantize<int16_t>(DataType::Int32, DataType::Int16, 0x1.a69a58p-10f, -14671,
                                 0x1.4687aap-6f, 990, in)),
            want);
}

TEST(OpArithmeticTflm, RequantizeS16ToS32) {
  const std::vector<int16_t> in = {-8735, 18742, 1347, -6843, -21375, -27882, 2223, -1442};
  const std::vector<int32_t> want = {45216, 51753, 47615, 45667, 42209, 40661, 47824, 46951};
  EXPECT_EQ((requantize<int32_t>(DataType::Int16, DataType::Int32, 0x1.9fdbep-3f, -322,
                                 0x1.b503cp-1f, 47218, in)),
            want);
}

// ---- MEAN int8: QuantizedMeanOrSum over non-spatial axes, keep_dims false ---------------

TEST(OpArithmeticTflm, MeanS8OverFirstAndLastAxes) {
  // [3, 4, 5] reduced over axes 0 and -1 (15 elements each) to [4]; multiplier
  // 1608348032 * 2^0 with 1/15 folded in by a shift of 3. Real means -43.03, -19.51,
  // -8.78, -36.39: -19.51 shows the rounding (truncation toward zero would give -19).
  std::vector<int8_t> in(60);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<int8_t>((i * 37) % 256 - 128);
  Graph g;
  g.tensors.push_back(activation("x", DataType::Int8, {3, 4, 5}, quant({0x1.7f75c6p-6f}, {36})));
  g.tensors.push_back(
      test_graphs::constant<int32_t>("axis", DataType::Int32, {2}, std::vector<int32_t>{0, -1}));
  g.tensors.push_back(activation("y", DataType::Int8, {4}, quant({0x1.0p-5f}, {7})));
  g.ops.push_back(make_op(OpType::Mean, {0, 1}, {2}, ReducerOptions{false}));
  g.inputs = {0};
  g.outputs = {2};
  Interpreter interp(g);
  std::memcpy(interp.input(0).data(), in.data(), in.size());
  interp.invoke();
  std::vector<int8_t> out(4);
  std::memcpy(out.data(), interp.output(0).data(), out.size());
  EXPECT_EQ(out, (std::vector<int8_t>{-43, -20, -9, -36}));
}

// ---- PAD int8 with an explicit constant_values -------------------------------------------

// [1, 2] padded by one element on each side with constant_values quantised as `qc`.
Graph pad_graph(QuantParams qc) {
  Graph g;
  g.tensors.push_back(activation("x", DataType::Int8, {1, 2}, quant({0.5f}, {-3})));
  g.tensors.push_back(test_graphs::constant<int32_t>("paddings", DataType::Int32, {2, 2},
                                                     std::vector<int32_t>{0, 0, 1, 1}));
  g.tensors.push_back(test_graphs::constant<int8_t>("value", DataType::Int8, {1},
                                                    std::vector<int8_t>{7}, std::move(qc)));
  g.tensors.push_back(activation("y", DataType::Int8, {1, 4}, quant({0.5f}, {-3})));
  g.ops.push_back(make_op(OpType::Pad, {0, 1, 2}, {3}, {}));
  g.inputs = {0};
  g.outputs = {3};
  return g;
}

TEST(OpArithmeticTflm, PadS8CopiesAConstantThatSharesTheOutputQuantisation) {
  const Graph g = pad_graph(quant({0.5f}, {-3}));
  Interpreter interp(g);
  const std::vector<int8_t> in = {-100, 100};
  std::memcpy(interp.input(0).data(), in.data(), in.size());
  interp.invoke();
  std::vector<int8_t> out(4);
  std::memcpy(out.data(), interp.output(0).data(), out.size());
  EXPECT_EQ(out, (std::vector<int8_t>{7, -100, 100, 7}));
}

TEST(OpArithmeticTflm, PadS8RejectsAConstantInAnotherQuantisation) {
  // TFLM's PadPrepare requires constant_values' zero point and scale to equal the output's:
  // the stored 7 is copied, so in another quantisation it would be another real value.
  for (const QuantParams& qc : {quant({0.5f}, {0}), quant({0.25f}, {-3}), QuantParams{}}) {
    const Graph g = pad_graph(qc);
    EXPECT_THAT(test_support::error_of([&] { Interpreter interp(g); }),
                ::testing::HasSubstr("constant_values"));
  }
}

// ---- STRIDED_SLICE: a shrunk index must exist ---------------------------------------------

TEST(OpArithmeticTflm, StridedSliceRejectsAShrunkIndexOutsideItsDimension) {
  // x[4] on a dimension of 4: TFLM's loop would read one element past the tensor; TensorFlow
  // itself rejects the index. Without the check the output was left unwritten.
  Graph g;
  g.tensors.push_back(activation("x", DataType::Int8, {4}, quant({0.5f}, {0})));
  g.tensors.push_back(test_graphs::constant<int32_t>("b", DataType::Int32, {1}, {4}));
  g.tensors.push_back(test_graphs::constant<int32_t>("e", DataType::Int32, {1}, {5}));
  g.tensors.push_back(test_graphs::constant<int32_t>("s", DataType::Int32, {1}, {1}));
  g.tensors.push_back(activation("y", DataType::Int8, {}, quant({0.5f}, {0})));
  StridedSliceOptions opts;
  opts.shrink_axis_mask = 1;
  g.ops.push_back(make_op(OpType::StridedSlice, {0, 1, 2, 3}, {4}, opts));
  g.inputs = {0};
  g.outputs = {4};
  EXPECT_THAT(test_support::error_of([&] { Interpreter interp(g); }),
              ::testing::HasSubstr("shrink_axis_mask index lies outside its dimension"));
}

// ---- RELU / RELU6 int8 -------------------------------------------------------------------

TEST(OpArithmeticTflm, ReluS8RequantisesIntoTheOutputScale) {
  const std::vector<int8_t> in = {-128, -126, -100, -74, -51, -30, -28, -18, -12, -1,
                                  9,    12,   30,   37,  38,  56,  72,  82,  127};
  const std::vector<int8_t> want = {15, 16, 26, 36, 45, 53, 53, 57, 60, 64,
                                    68, 69, 76, 78, 79, 86, 92, 96, 113};
  EXPECT_EQ(run_unary<int8_t>(OpType::Relu, {}, DataType::Int8, DataType::Int8, {19},
                              quant({0x1.2d2e3ep-2f}, {-127}), quant({0x1.874318p-1f}, {15}), in),
            want);
}

TEST(OpArithmeticTflm, Relu6S8RoundsSixInTheInputScale) {
  // 6 / 0.0988 = 60.74 rounds to 61: six is -27 + 61 = 34 (truncation would give 33).
  const std::vector<int8_t> in = {-128, -28, -27, -26, 0, 20, 33, 34, 35, 100, 127};
  const std::vector<int8_t> want = {-27, -27, -27, -26, 0, 20, 33, 34, 34, 34, 34};
  const auto q = quant({0x1.94a3e2p-4f}, {-27});
  EXPECT_EQ(run_unary<int8_t>(OpType::Relu6, {}, DataType::Int8, DataType::Int8, {11}, q, q, in),
            want);
}

}  // namespace
}  // namespace tinyops::interp
