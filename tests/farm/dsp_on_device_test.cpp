// The DSP kernels with the real instructions: random int8 conv / depthwise / fully connected
// chains are compiled for the Cortex-M4F profile (which selects the DSP kernels), run in
// QEMU, and compared byte for byte with the host interpreter (reference kernels).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "../support/graph_builder.hpp"
#include "tinyops/compiler/board.hpp"
#include "tinyops/compiler/codegen.hpp"
#include "tinyops/farm/farm_test.hpp"

namespace tinyops::farm {
namespace {

namespace fs = std::filesystem;
using test_graphs::activation;
using test_graphs::constant;
using test_graphs::make_op;
using test_graphs::quant;

// Builds a chain of int8 layers with random shapes and parameters, tracking the shape.
class ChainBuilder {
 public:
  ChainBuilder(uint32_t seed, std::vector<int32_t> input_shape) : rng_(seed) {
    shape_ = std::move(input_shape);
    scale_ = 0.02f;
    g_.tensors.push_back(
        activation("input", DataType::Int8, shape_, quant({scale_}, {in(-20, 20)})));
    g_.inputs = {0};
    last_ = 0;
  }

  int32_t in(int32_t lo, int32_t hi) {
    return std::uniform_int_distribution<int32_t>(lo, hi)(rng_);
  }

  void conv(int32_t c_out, int32_t fh, int32_t fw, int32_t stride, int32_t dilation, Padding pad) {
    const int32_t c_in = shape_[3];
    const auto [oh, ow] = out_hw(fh, fw, stride, stride, dilation, dilation, pad);
    const int32_t w = add_weights({c_out, fh, fw, c_in}, c_out, 0);
    const int32_t b = add_bias(c_out);
    finish(OpType::Conv2D, {last_, w, b}, {1, oh, ow, c_out}, fh * fw * c_in,
           ConvOptions{pad, stride, stride, dilation, dilation, random_activation()});
  }

  void depthwise(int32_t multiplier, int32_t fh, int32_t fw, int32_t stride_h, int32_t stride_w,
                 int32_t dilation_h, int32_t dilation_w, Padding pad) {
    const int32_t c_out = shape_[3] * multiplier;
    const auto [oh, ow] = out_hw(fh, fw, stride_h, stride_w, dilation_h, dilation_w, pad);
    const int32_t w = add_weights({1, fh, fw, c_out}, c_out, 3);
    const int32_t b = add_bias(c_out);
    finish(OpType::DepthwiseConv2D, {last_, w, b}, {1, oh, ow, c_out}, fh * fw,
           DepthwiseConvOptions{pad, stride_w, stride_h, dilation_w, dilation_h, multiplier,
                                random_activation()});
  }

  void fully_connected(int32_t outputs, bool per_channel) {
    int32_t depth = 1;
    for (int32_t d : shape_) depth *= d;
    const int32_t w = add_weights({outputs, depth}, per_channel ? outputs : 1, 0);
    const int32_t b = add_bias(outputs);
    finish(OpType::FullyConnected, {last_, w, b}, {1, outputs}, depth,
           FullyConnectedOptions{random_activation(), false});
  }

  Graph graph() {
    g_.outputs = {last_};
    return g_;
  }

 private:
  std::pair<int32_t, int32_t> out_hw(int32_t fh, int32_t fw, int32_t sh, int32_t sw, int32_t dh,
                                     int32_t dw, Padding pad) const {
    auto one = [&](int32_t size, int32_t f, int32_t s, int32_t d) {
      const int32_t effective = (f - 1) * d + 1;
      return pad == Padding::Same ? (size + s - 1) / s : (size - effective + s) / s;
    };
    return {one(shape_[1], fh, sh, dh), one(shape_[2], fw, sw, dw)};
  }

  Activation random_activation() {
    const Activation all[] = {Activation::None, Activation::Relu, Activation::Relu6};
    return all[in(0, 2)];
  }

  int32_t add_weights(std::vector<int32_t> shape, int32_t scales, int32_t axis) {
    size_t n = 1;
    for (int32_t d : shape) n *= static_cast<size_t>(d);
    std::vector<int8_t> values(n);
    for (auto& v : values) v = static_cast<int8_t>(in(-127, 127));
    std::vector<float> s;
    for (int32_t i = 0; i < scales; ++i)
      s.push_back(0.002f + 0.001f * static_cast<float>(in(0, 20)));
    w_scales_ = s;
    g_.tensors.push_back(constant("w" + std::to_string(g_.ops.size()), DataType::Int8,
                                  std::move(shape), values,
                                  quant(s, std::vector<int64_t>(s.size(), 0), axis)));
    return static_cast<int32_t>(g_.tensors.size() - 1);
  }

  int32_t add_bias(int32_t n) {
    std::vector<int32_t> values(static_cast<size_t>(n));
    for (auto& v : values) v = in(-3000, 3000);
    std::vector<float> s;
    for (int32_t i = 0; i < n; ++i)
      s.push_back(scale_ * w_scales_[w_scales_.size() == 1 ? 0 : static_cast<size_t>(i)]);
    g_.tensors.push_back(constant("b" + std::to_string(g_.ops.size()), DataType::Int32, {n}, values,
                                  quant(s, std::vector<int64_t>(s.size(), 0))));
    return static_cast<int32_t>(g_.tensors.size() - 1);
  }

  // The output scale spreads the typical sum (random walk over `taps` terms) across int8.
  void finish(OpType type, std::vector<int32_t> inputs, std::vector<int32_t> shape, int32_t taps,
              OpOptions options) {
    const float typical =
        scale_ * w_scales_[0] * 60.0f * 70.0f * std::sqrt(static_cast<float>(taps));
    scale_ = typical / 40.0f;
    g_.tensors.push_back(activation("t" + std::to_string(g_.ops.size()), DataType::Int8, shape,
                                    quant({scale_}, {in(-10, 10)})));
    const int32_t out = static_cast<int32_t>(g_.tensors.size() - 1);
    g_.ops.push_back(make_op(type, std::move(inputs), {out}, std::move(options)));
    last_ = out;
    shape_ = std::move(shape);
  }

  std::mt19937 rng_;
  Graph g_;
  std::vector<int32_t> shape_;
  std::vector<float> w_scales_;
  float scale_;
  int32_t last_;
};

// One input channel (depthwise as a conv) -> 3-tap depthwise rows -> conv -> two FCs.
Graph single_channel_chain(uint32_t seed) {
  std::mt19937 pick(seed);
  ChainBuilder b(
      seed, {1, 9 + static_cast<int32_t>(pick() % 6), 8 + static_cast<int32_t>(pick() % 7), 1});
  b.depthwise(b.in(3, 8), b.in(2, 4), b.in(2, 4), b.in(1, 2), b.in(1, 2), 1, 1, Padding::Same);
  b.depthwise(1, 3, 3, b.in(1, 2), 1, 1, 1, b.in(0, 1) ? Padding::Same : Padding::Valid);
  b.conv(b.in(3, 9), 1, 1, 1, 1, Padding::Valid);
  b.fully_connected(b.in(5, 13), true);
  b.fully_connected(b.in(2, 6), false);
  return b.graph();
}

// Conv with stride or dilation -> general depthwise -> 1x1 conv with an odd channel count
// -> FC.
Graph multi_channel_chain(uint32_t seed) {
  std::mt19937 pick(seed);
  ChainBuilder b(seed,
                 {1, 10 + static_cast<int32_t>(pick() % 5), 9 + static_cast<int32_t>(pick() % 6),
                  2 + static_cast<int32_t>(pick() % 5)});
  const bool dilated = b.in(0, 1) == 1;
  b.conv(b.in(4, 11), b.in(2, 3), b.in(2, 3), dilated ? 1 : 2, dilated ? 2 : 1,
         b.in(0, 1) ? Padding::Same : Padding::Valid);
  b.depthwise(1, b.in(2, 3), b.in(1, 4) == 3 ? 2 : b.in(1, 2), b.in(1, 2), 2, 1, 1, Padding::Same);
  b.conv(2 * b.in(2, 6) + 1, 1, 1, 1, 1, Padding::Valid);
  b.fully_connected(b.in(4, 12), true);
  return b.graph();
}

// An image stem: 3x3 conv over 3 channels with stride 2 (9-value window rows read as 12 in
// place) -> general depthwise 5x5 and 7x7 (unrolled rows; channel counts with whole and
// partial 4-channel groups) -> FC.
Graph image_stem_chain(uint32_t seed) {
  std::mt19937 pick(seed);
  ChainBuilder b(
      seed, {1, 17 + static_cast<int32_t>(pick() % 6), 17 + static_cast<int32_t>(pick() % 6), 3});
  b.conv(b.in(5, 10), 3, 3, 2, 1, b.in(0, 1) ? Padding::Same : Padding::Valid);
  b.depthwise(1, 5, 5, 2, 2, 1, 1, Padding::Same);
  b.depthwise(1, 7, 7, b.in(1, 2), b.in(1, 2), 1, 1, Padding::Same);
  b.fully_connected(b.in(3, 9), true);
  return b.graph();
}

class DspOnDevice : public testing::TestWithParam<uint32_t> {};

TEST_P(DspOnDevice, RandomChainsMatchTheInterpreterByteForByte) {
  for (const Graph& graph : {single_channel_chain(GetParam()), multi_channel_chain(GetParam()),
                             image_stem_chain(GetParam())}) {
    // The chain really runs on the DSP kernels (none fell back to the reference ones).
    compiler::CodegenOptions codegen;
    codegen.dsp_kernels = true;
    const compiler::GeneratedBundle bundle = compiler::generate_c(graph, codegen);
    for (const auto& [path, text] : bundle.files) {
      const std::string file = fs::path(path).filename().string();
      EXPECT_TRUE(file != "conv_s8.c" && file != "depthwise_conv_s8.c" &&
                  file != "fully_connected_s8.c")
          << path << ": a layer fell back to the reference kernel";
    }

    FarmTestOptions options;
    options.model = "random_chain_" + std::to_string(GetParam()) + ".tflite";
    options.boards = {"cortex-m4f"};
    options.random_vectors = 3;
    options.work_dir =
        fs::temp_directory_path() /
        ("tinyops-dsp-device-" + std::to_string(::getpid()) + "-" + std::to_string(GetParam()));
    const FarmTestReport report = run_farm_test(graph, options);
    const BoardOutcome& b = report.boards.at(0);
    EXPECT_EQ(b.kernels, "cortex-m-dsp");
    EXPECT_EQ(b.status, BoardStatus::Pass) << b.message;
    for (const VectorOutcome& v : b.vectors) EXPECT_TRUE(v.matches_interpreter);
    if (!HasFailure()) fs::remove_all(options.work_dir);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, DspOnDevice, testing::Values(1u, 2u, 3u));

}  // namespace
}  // namespace tinyops::farm
