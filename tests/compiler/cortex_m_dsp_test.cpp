// Kernel selection for cores with the Arm DSP extension (src/compiler/cortex_m_dsp.cpp): which
// layers it takes, what it prints for them, and why it declines the others. The results of
// the kernels themselves are checked in tests/runtime/dsp_kernels_test.cpp and on QEMU.
#include "../../src/compiler/cortex_m_dsp.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace tinyops::compiler {
namespace {

using interp::Int8ConvLayer;
using interp::Int8DepthwiseConvLayer;
using interp::Int8FullyConnectedLayer;

// Records what a lowering prints.
class RecordingContext : public interp::EmitContext {
 public:
  std::string tensor(int32_t index) override { return "t" + std::to_string(index); }
  std::string unique(const std::string& base) override { return "op0_" + base; }
  void declare(const std::string& d) override { declarations.push_back(d); }
  void statement(const std::string& s) override { statements.push_back(s); }
  void reset_statement(const std::string& s) override { statements.push_back(s); }
  void use_source(const std::string& file) override { sources.insert(file); }
  void keeps_reference(const std::string& why) override { reasons.push_back(why); }
  void allows_in_place() override { in_place = true; }
  std::string scratch(int64_t bytes) override {
    scratch_bytes = bytes;
    return bytes > 0 ? "op0_scratch" : "NULL";
  }

  std::vector<std::string> declarations, statements, reasons;
  std::set<std::string> sources;
  int64_t scratch_bytes = 0;
  bool in_place = false;

  bool printed_nothing() const {
    return declarations.empty() && statements.empty() && sources.empty();
  }
};

const std::vector<int8_t> kFilter = [] {
  std::vector<int8_t> f(2 * 3 * 3 * 4);
  for (size_t i = 0; i < f.size(); ++i) f[i] = static_cast<int8_t>(static_cast<int>(i % 11) - 5);
  return f;
}();
const std::vector<int32_t> kBias = {100, -100};

Int8ConvLayer conv_layer() {
  return {{1, 1, 1, 1, 1, 1, 3, -2, -128, 127},
          {1 << 30, 1 << 30},
          {-8, -8},
          {1, 5, 5, 4},
          {2, 3, 3, 4},
          {1, 5, 5, 2},
          kFilter,
          kBias,
          0,
          1,
          2,
          3,
          "'w' [2, 3, 3, 4]"};
}

TEST(CortexMDsp, TakesAnInt8ConvWithConstantWeights) {
  RecordingContext e;
  ASSERT_TRUE(cortex_m_dsp::lower(e, conv_layer()));
  ASSERT_EQ(e.statements.size(), 1u);
  EXPECT_EQ(e.statements[0].rfind("tinyops_conv2d_s8_dsp(", 0), 0u) << e.statements[0];
  EXPECT_NE(e.statements[0].find("t0, "), std::string::npos) << "reads the input tensor";
  EXPECT_NE(e.statements[0].find(", 0);"), std::string::npos) << "small accumulators: fast form";
  EXPECT_TRUE(e.sources.count("conv_s8_dsp.c"));
  EXPECT_GT(e.scratch_bytes, 0);
  EXPECT_TRUE(e.reasons.empty());
  bool relaid = false;
  for (const std::string& d : e.declarations)
    relaid |= d.find("int32_t align4;") != std::string::npos;
  EXPECT_TRUE(relaid) << "the filter is re-laid out and word-aligned";
}

TEST(CortexMDsp, ExactRequantisationWhereTheBoundIsNotProven) {
  Int8ConvLayer layer = conv_layer();
  layer.shift = {10, 10};  // a large left shift: the one-multiply bound cannot hold
  const std::vector<int32_t> big_bias = {1 << 28, -(1 << 28)};
  layer.bias_data = big_bias;
  RecordingContext e;
  ASSERT_TRUE(cortex_m_dsp::lower(e, layer));
  EXPECT_NE(e.statements[0].find("1 /* exact requantisation"), std::string::npos)
      << e.statements[0];
}

TEST(CortexMDsp, DeclinesWithAReasonAndPrintsNothing) {
  {
    Int8ConvLayer layer = conv_layer();
    layer.filter_data = {};
    RecordingContext e;
    EXPECT_FALSE(cortex_m_dsp::lower(e, layer));
    EXPECT_TRUE(e.printed_nothing());
    ASSERT_EQ(e.reasons.size(), 1u);
    EXPECT_EQ(e.reasons[0], "its filter is not a constant tensor");
  }
  {
    Int8ConvLayer layer = conv_layer();
    layer.bias_data = {};  // a bias tensor (index 2) whose data is not constant
    RecordingContext e;
    EXPECT_FALSE(cortex_m_dsp::lower(e, layer));
    EXPECT_EQ(e.reasons.at(0), "its bias is not a constant tensor");
  }
  {
    const Int8ConvLayer c = conv_layer();
    const std::vector<int8_t> filter(3 * 3 * 8, 1);
    Int8DepthwiseConvLayer layer{{1, 1, 1, 1, 1, 1, 2, 3, -2, -128, 127},
                                 std::vector<int32_t>(8, 1 << 30),
                                 std::vector<int32_t>(8, -8),
                                 c.in,
                                 {1, 3, 3, 8},
                                 {1, 5, 5, 8},
                                 filter,
                                 {},
                                 0,
                                 1,
                                 -1,
                                 3,
                                 "'dw'"};
    RecordingContext e;
    EXPECT_FALSE(cortex_m_dsp::lower(e, layer));
    EXPECT_TRUE(e.printed_nothing());
    EXPECT_NE(e.reasons.at(0).find("depth multiplier 2"), std::string::npos) << e.reasons.at(0);
  }
  {
    const std::vector<int8_t> weights(3 * 8, 2);
    Int8FullyConnectedLayer layer{
        {1, 8, 3, 5, 7, -2, -128, 127, 0}, {1 << 30}, {-8}, weights, {}, 0, 1, -1, 3, "'fc'"};
    RecordingContext e;
    EXPECT_FALSE(cortex_m_dsp::lower(e, layer));
    EXPECT_NE(e.reasons.at(0).find("asymmetric weights (filter zero point -7"), std::string::npos)
        << e.reasons.at(0);
  }
}

// A lowering lets the planner write a layer's output over its input exactly where the chosen
// kernel says it may (dsp_kernels.h *_in_place, checked against the kernels themselves in
// tests/runtime/dsp_kernels_test.cpp): depthwise layers whose row band copies every input
// row before an output row overwrites it, and pointwise convs, not a 3x3 conv.
TEST(CortexMDsp, LayersRunInPlaceWhereTheirKernelSaysItMay) {
  const std::vector<int8_t> filter(3 * 5 * 8, 1);
  auto layer = [&](int32_t stride, int32_t out_hw, int32_t fh, int32_t fw, int32_t dilation_h) {
    return Int8DepthwiseConvLayer{
        {stride, stride, dilation_h, 1, 1, 1, 1, 3, -2, -128, 127},
        std::vector<int32_t>(8, 1 << 30),
        std::vector<int32_t>(8, -8),
        {1, 6, 6, 8},
        {1, fh, fw, 8},
        {1, out_hw, out_hw, 8},
        std::span<const int8_t>(filter.data(), static_cast<size_t>(fh * fw * 8)),
        {},
        0,
        1,
        -1,
        3,
        "'dw'"};
  };
  struct Case {
    Int8DepthwiseConvLayer l;
    bool in_place;
  };
  // The last: two filter rows at dilation 2 take slots by filter row, so input row 0 is
  // first copied for output row 1, after output row 0 overwrote it.
  for (const Case& c : {Case{layer(1, 6, 3, 3, 1), true}, Case{layer(2, 3, 3, 3, 1), true},
                        Case{layer(1, 6, 3, 5, 1), true}, Case{layer(1, 6, 2, 3, 2), false}}) {
    RecordingContext e;
    ASSERT_TRUE(cortex_m_dsp::lower(e, c.l));
    EXPECT_EQ(e.in_place, c.in_place) << e.statements.at(0);
  }
  RecordingContext three_by_three;
  ASSERT_TRUE(cortex_m_dsp::lower(three_by_three, conv_layer()));
  EXPECT_FALSE(three_by_three.in_place);
  Int8ConvLayer pointwise = conv_layer();
  pointwise.params.pad_h = pointwise.params.pad_w = 0;
  pointwise.filter = {2, 1, 1, 4};
  pointwise.filter_data = std::span<const int8_t>(kFilter.data(), 8);
  RecordingContext one_by_one;
  ASSERT_TRUE(cortex_m_dsp::lower(one_by_one, pointwise));
  EXPECT_TRUE(one_by_one.in_place) << one_by_one.statements.at(0);
}

TEST(CortexMDsp, DepthwiseOverOneInputChannelRunsAsAConv) {
  const std::vector<int8_t> filter(3 * 3 * 4, 3);
  Int8DepthwiseConvLayer layer{{1, 1, 1, 1, 1, 1, 4, 3, -2, -128, 127},
                               std::vector<int32_t>(4, 1 << 30),
                               std::vector<int32_t>(4, -8),
                               {1, 6, 6, 1},
                               {1, 3, 3, 4},
                               {1, 6, 6, 4},
                               filter,
                               {},
                               0,
                               1,
                               -1,
                               3,
                               "'dw'"};
  RecordingContext e;
  ASSERT_TRUE(cortex_m_dsp::lower(e, layer));
  EXPECT_EQ(e.statements.at(0).rfind("tinyops_conv2d_s8_dsp(", 0), 0u) << e.statements.at(0);
}

}  // namespace
}  // namespace tinyops::compiler
