// The code generator's graph rewrites (compiler/lowering.hpp): each must compute what the
// source graph computes, byte for byte, and leave alone what it cannot prove equal.
#include "tinyops/compiler/lowering.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "../support/graph_builder.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::compiler {
namespace {

namespace fs = std::filesystem;
using namespace tinyops::test_graphs;

struct PadThenConv {
  bool depthwise = true;
  Padding conv_padding = Padding::Valid;
  std::vector<int32_t> paddings = {0, 0, 1, 2, 2, 1, 0, 0};  // N, H, W, C: before, after
  int64_t pad_output_zero_point = 5;                         // the input's is 5
  bool second_reader = false;
};

// int8 [1,6,6,3] -> PAD -> 3x3 conv or depthwise (VALID, stride 1) -> output.
Graph pad_then_conv(const PadThenConv& spec) {
  Graph g;
  const auto& p = spec.paddings;
  const int32_t ph = 6 + p[2] + p[3], pw = 6 + p[4] + p[5], pc = 3 + p[6] + p[7];
  g.tensors.push_back(activation("x", DataType::Int8, {1, 6, 6, 3}, quant({0.05f}, {5})));
  g.tensors.push_back(constant<int32_t>("paddings", DataType::Int32, {4, 2}, p));
  g.tensors.push_back(activation("padded", DataType::Int8, {1, ph, pw, pc},
                                 quant({0.05f}, {spec.pad_output_zero_point})));
  std::vector<int8_t> w;
  std::mt19937 rng(7);
  for (int i = 0; i < 9 * (spec.depthwise ? pc : 12); ++i) w.push_back(static_cast<int8_t>(rng()));
  const int32_t out_c = spec.depthwise ? pc : 4;
  g.tensors.push_back(
      spec.depthwise ? constant<int8_t>("w", DataType::Int8, {1, 3, 3, pc}, w,
                                        quant(std::vector<float>(static_cast<size_t>(pc), 0.02f),
                                              std::vector<int64_t>(static_cast<size_t>(pc), 0), 3))
                     : constant<int8_t>("w", DataType::Int8, {4, 3, 3, 3}, w,
                                        quant({0.02f, 0.03f, 0.01f, 0.02f}, {0, 0, 0, 0}, 0)));
  const bool same = spec.conv_padding == Padding::Same;
  g.tensors.push_back(activation("y", DataType::Int8,
                                 {1, same ? ph : ph - 2, same ? pw : pw - 2, out_c},
                                 quant({0.1f}, {-3})));
  g.ops.push_back(make_op(OpType::Pad, {0, 1}, {2}, std::monostate{}));
  if (spec.depthwise) {
    DepthwiseConvOptions o;
    o.padding = spec.conv_padding;
    g.ops.push_back(make_op(OpType::DepthwiseConv2D, {2, 3}, {4}, o));
  } else {
    ConvOptions o;
    o.padding = spec.conv_padding;
    g.ops.push_back(make_op(OpType::Conv2D, {2, 3}, {4}, o));
  }
  g.inputs = {0};
  g.outputs = {4};
  if (spec.second_reader) g.outputs.push_back(2);
  g.validate();
  return g;
}

// Runs both graphs on the same random inputs; their outputs must be identical.
void expect_same_outputs(const Graph& a, const Graph& b) {
  interp::Interpreter ia(a), ib(b);
  std::mt19937 rng(11);
  for (int run = 0; run < 5; ++run) {
    for (size_t i = 0; i < ia.input_count(); ++i) {
      auto in_a = ia.input(i);
      auto in_b = ib.input(i);
      for (size_t j = 0; j < in_a.size(); ++j) in_a[j] = in_b[j] = static_cast<uint8_t>(rng());
    }
    ia.invoke();
    ib.invoke();
    for (size_t o = 0; o < ia.output_count(); ++o) {
      const auto oa = ia.output(o), ob = ib.output(o);
      ASSERT_EQ(std::vector<uint8_t>(oa.begin(), oa.end()),
                std::vector<uint8_t>(ob.begin(), ob.end()))
          << "output " << o << ", run " << run;
    }
  }
}

TEST(FoldPadding, PadBeforeAValidConvolutionBecomesItsPadding) {
  for (bool depthwise : {true, false}) {
    SCOPED_TRACE(depthwise ? "depthwise" : "conv");
    PadThenConv spec;
    spec.depthwise = depthwise;
    const Graph source = pad_then_conv(spec);
    const LoweredGraph lowered = fold_padding_into_convolutions(source);
    ASSERT_EQ(lowered.graph.ops.size(), 1u);
    EXPECT_EQ(lowered.origin, std::vector<int32_t>{1});
    EXPECT_EQ(lowered.folded_into, (std::vector<int32_t>{0, -1}));
    const Op& conv = lowered.graph.ops[0];
    EXPECT_EQ(conv.inputs[0], 0) << "reads the unpadded input";
    const ExplicitPadding& e = depthwise
                                   ? std::get<DepthwiseConvOptions>(conv.options).explicit_padding
                                   : std::get<ConvOptions>(conv.options).explicit_padding;
    EXPECT_EQ(e.top, 1);
    EXPECT_EQ(e.bottom, 2);
    EXPECT_EQ(e.left, 2);
    EXPECT_EQ(e.right, 1);
    expect_same_outputs(source, lowered.graph);
  }
}

TEST(FoldPadding, LeavesWhatItCannotProveEqual) {
  auto unchanged = [](const PadThenConv& spec, const char* why) {
    const Graph source = pad_then_conv(spec);
    const LoweredGraph lowered = fold_padding_into_convolutions(source);
    EXPECT_EQ(lowered.graph.ops.size(), 2u) << why;
    EXPECT_EQ(lowered.folded_into, (std::vector<int32_t>{-1, -1})) << why;
  };
  PadThenConv same;
  same.conv_padding = Padding::Same;
  unchanged(same, "the conv pads again (SAME)");
  PadThenConv channels;
  channels.paddings = {0, 0, 1, 1, 1, 1, 0, 1};
  unchanged(channels, "channels padded");
  PadThenConv requantises;
  requantises.pad_output_zero_point = 6;
  unchanged(requantises, "the PAD output's zero point differs, so its pad value is no zero");
  PadThenConv read_twice;
  read_twice.second_reader = true;
  unchanged(read_twice, "the padded tensor is also a graph output");
  PadThenConv wide;
  wide.paddings = {0, 0, 3, 0, 0, 0, 0, 0};
  unchanged(wide, "a side padded by the filter's extent");
}

TEST(FoldPadding, EverySharedModelComputesTheSame) {
  int folded = 0;
  for (const char* dir : {"", "extra"}) {
    const fs::path folder = fs::path(TINYOPS_SHARED_MODELS) / dir;
    if (!fs::is_directory(folder)) continue;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.path().extension() != ".tflite") continue;
      const Graph source = formats::import_tflite_file(entry.path());
      const LoweredGraph lowered = fold_padding_into_convolutions(source);
      if (lowered.graph.ops.size() == source.ops.size()) continue;
      SCOPED_TRACE(entry.path().string());
      folded += static_cast<int>(source.ops.size() - lowered.graph.ops.size());
      expect_same_outputs(source, lowered.graph);
    }
  }
  EXPECT_GE(folded, 4) << "mcunet_vww_int8's four PADs fold";
}

}  // namespace
}  // namespace tinyops::compiler
