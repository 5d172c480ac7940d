// A small model's generated C, checked in (tests/compiler/golden/): any change to what the
// code generator prints shows up in review as a diff of these files. After an intended
// change, regenerate them with TINYOPS_UPDATE_GOLDEN=1 ctest -R GoldenModel and read the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../support/graph_builder.hpp"
#include "tinyops/compiler/codegen.hpp"

namespace tinyops::compiler {
namespace {

namespace fs = std::filesystem;
using namespace tinyops::test_graphs;

// int8 [1,4,4,1] -> CONV_2D 3x3 VALID, 2 channels, per-channel scales, RELU -> [1,2,2,2]
// -> MAX_POOL_2D 2x2 -> [1,1,1,2] -> RESHAPE [1,2] -> FULLY_CONNECTED 3 -> [1,3].
Graph tiny_cnn() {
  Graph g;
  g.tensors.push_back(activation("image", DataType::Int8, {1, 4, 4, 1}, quant({0.5f}, {-3})));
  g.tensors.push_back(constant<int8_t>("conv/filter", DataType::Int8, {2, 3, 3, 1},
                                       {1, -2, 3, -4, 5, -6, 7, -8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1},
                                       quant({0.02f, 0.03f}, {0, 0}, 0)));
  g.tensors.push_back(constant<int32_t>("conv/bias", DataType::Int32, {2}, {10, -20},
                                        quant({0.01f, 0.015f}, {0, 0})));
  g.tensors.push_back(
      activation("conv/relu", DataType::Int8, {1, 2, 2, 2}, quant({0.25f}, {-128})));
  g.tensors.push_back(activation("pool", DataType::Int8, {1, 1, 1, 2}, quant({0.25f}, {-128})));
  g.tensors.push_back(activation("flat", DataType::Int8, {1, 2}, quant({0.25f}, {-128})));
  g.tensors.push_back(constant<int8_t>("dense/weights", DataType::Int8, {3, 2},
                                       {12, -7, 100, 3, -50, 60}, quant({0.01f}, {0})));
  g.tensors.push_back(
      constant<int32_t>("dense/bias", DataType::Int32, {3}, {5, -5, 0}, quant({0.0025f}, {0})));
  g.tensors.push_back(activation("scores", DataType::Int8, {1, 3}, quant({0.1f}, {2})));
  ConvOptions conv;
  conv.padding = Padding::Valid;
  conv.activation = Activation::Relu;
  g.ops.push_back(make_op(OpType::Conv2D, {0, 1, 2}, {3}, conv));
  PoolOptions pool;
  pool.padding = Padding::Valid;
  pool.stride_w = pool.stride_h = 2;
  pool.filter_w = pool.filter_h = 2;
  g.ops.push_back(make_op(OpType::MaxPool2D, {3}, {4}, pool));
  g.ops.push_back(make_op(OpType::Reshape, {4}, {5}, ReshapeOptions{{1, 2}}));
  g.ops.push_back(make_op(OpType::FullyConnected, {5, 6, 7}, {8}, FullyConnectedOptions{}));
  g.inputs = {0};
  g.outputs = {8};
  g.validate();
  return g;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void expect_golden(const std::string& generated, const std::string& file) {
  const fs::path golden = fs::path(TINYOPS_TESTS_DIR) / "compiler" / "golden" / file;
  if (std::getenv("TINYOPS_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden) << generated;
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; run with TINYOPS_UPDATE_GOLDEN=1";
  EXPECT_EQ(generated, read_text(golden))
      << "the generated " << file << " differs from " << golden
      << "; if the change is intended, regenerate with TINYOPS_UPDATE_GOLDEN=1 and review the diff";
}

TEST(GoldenModel, GeneratedSourceIsTheCheckedInOne) {
  CodegenOptions options;
  options.name = "tiny_cnn";
  options.model_id = "tiny_cnn (hand-built test graph)";
  const GeneratedBundle bundle = generate_c(tiny_cnn(), options);
  expect_golden(bundle.files.at("tiny_cnn.h"), "tiny_cnn.h");
  expect_golden(bundle.files.at("tiny_cnn.c"), "tiny_cnn.c");
}

TEST(GoldenModel, CallsNameTheirTensors) {
  const GeneratedBundle bundle = generate_c(tiny_cnn(), {});
  const std::string& c = bundle.files.at("model.c");
  EXPECT_NE(c.find("#define t3_conv2d_out ((int8_t*)(model_arena.bytes + "), std::string::npos);
  EXPECT_NE(c.find("t0_input, &op0_filter_dims, w1, w2, &op0_out_dims, t3_conv2d_out)"),
            std::string::npos);
  // Offsets appear only where the names are defined.
  size_t offsets = 0;
  for (size_t at = c.find("_arena.bytes +"); at != std::string::npos;
       at = c.find("_arena.bytes +", at + 1))
    ++offsets;
  EXPECT_EQ(offsets, 5u) << "one per arena tensor the code uses (t0, t3, t4, t5, t8)";
}

}  // namespace
}  // namespace tinyops::compiler
