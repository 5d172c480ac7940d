// The DSP kernels with the real instructions: random int8 conv / depthwise / fully connected
// chains (long FC rows among them) and SVDF pairs are compiled for the Cortex-M4F profile (which
// selects the DSP kernels), run in QEMU, and compared byte for byte with the host interpreter
// (reference kernels).
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

// Two SVDF layers, int16 then int8 state, with random ranks, odd or even memory sizes and
// state zero points; the state carries over from one random vector to the next, so the
// device's row-by-row shift meets the interpreter's whole-buffer one over several steps.
Graph svdf_chain(uint32_t seed) {
  std::mt19937 rng(seed);
  const auto in = [&](int32_t lo, int32_t hi) {
    return std::uniform_int_distribution<int32_t>(lo, hi)(rng);
  };
  Graph g;
  const int32_t batches = in(1, 2);
  int32_t width = in(3, 40);
  float scale = 0.02f;
  g.tensors.push_back(
      activation("input", DataType::Int8, {batches, width}, quant({scale}, {in(-20, 20)})));
  g.inputs = {0};
  int32_t last = 0;
  const auto add = [&](Tensor t) {
    g.tensors.push_back(std::move(t));
    return static_cast<int32_t>(g.tensors.size() - 1);
  };
  for (const bool state16 : {true, false}) {
    // Memory sizes that take every path of the row shift across the three seeds: even and
    // odd for int16 slots, multiples of 4 and not for int8 ones.
    const int32_t mem =
        state16 ? std::vector<int32_t>{2, 8, 5}[seed % 3] : std::vector<int32_t>{8, 4, 7}[seed % 3];
    const int32_t rank = in(1, 3), units = in(2, 9), filters = rank * units;
    const std::string k = std::to_string(g.ops.size());
    std::vector<int8_t> wf(static_cast<size_t>(filters * width));
    for (auto& v : wf) v = static_cast<int8_t>(in(-127, 127));
    const float wf_scale = 0.01f;
    const int32_t wf_idx =
        add(constant("wf" + k, DataType::Int8, {filters, width}, wf, quant({wf_scale}, {0})));
    const float typical_feature = scale * wf_scale * 60.0f * 70.0f * std::sqrt(float(width));
    const float state_scale = typical_feature / (state16 ? 3000.0f : 40.0f);
    const int32_t state_zp = state16 && in(0, 1) == 0 ? 0 : in(-40, 40);
    int32_t wt_idx;
    float wt_scale, typical_time;
    if (state16) {
      std::vector<int16_t> wt(static_cast<size_t>(filters * mem));
      for (auto& v : wt) v = static_cast<int16_t>(in(-3000, 3000));
      wt_scale = 1e-4f;
      wt_idx = add(constant("wt" + k, DataType::Int16, {filters, mem}, wt, quant({wt_scale}, {0})));
      typical_time = 3000.0f * 1700.0f;
    } else {
      std::vector<int8_t> wt(static_cast<size_t>(filters * mem));
      for (auto& v : wt) v = static_cast<int8_t>(in(-127, 127));
      wt_scale = 0.005f;
      wt_idx = add(constant("wt" + k, DataType::Int8, {filters, mem}, wt, quant({wt_scale}, {0})));
      typical_time = 40.0f * 70.0f;
    }
    std::vector<int32_t> bias(static_cast<size_t>(units));
    for (auto& v : bias) v = in(-3000, 3000);
    const int32_t b_idx = add(
        constant("b" + k, DataType::Int32, {units}, bias, quant({state_scale * wt_scale}, {0})));
    Tensor state = activation("state" + k, state16 ? DataType::Int16 : DataType::Int8,
                              {batches, filters * mem}, quant({state_scale}, {state_zp}));
    state.is_variable = true;
    const int32_t s_idx = add(std::move(state));
    scale = state_scale * wt_scale * typical_time * std::sqrt(float(mem * rank)) / 40.0f;
    const int32_t out =
        add(activation("t" + k, DataType::Int8, {batches, units}, quant({scale}, {in(-10, 10)})));
    g.ops.push_back(make_op(OpType::Svdf, {last, wf_idx, wt_idx, b_idx, s_idx}, {out},
                            SvdfOptions{rank, Activation::None, false}));
    last = out;
    width = units;
  }
  g.outputs = {last};
  return g;
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

// Long rows: an input of 257-700 values (a multiple of the 128-value chunk or not, of 4 or
// not) into 65-140 rows (more than one 64-row block, quads and remainder rows): more than
// 512 bytes expanded, so the FC kernel expands it a chunk at a time; per channel or per
// tensor by the seed; then a short FC.
Graph long_rows_chain(uint32_t seed) {
  std::mt19937 pick(seed);
  const int32_t depths[] = {640, 257, 260 + static_cast<int32_t>(pick() % 440)};
  ChainBuilder b(seed, {1, depths[seed % 3]});
  b.fully_connected(b.in(65, 140), seed % 2 == 1);
  b.fully_connected(b.in(8, 20), false);
  return b.graph();
}

class DspOnDevice : public testing::TestWithParam<uint32_t> {};

TEST_P(DspOnDevice, RandomChainsMatchTheInterpreterByteForByte) {
  for (const Graph& graph :
       {single_channel_chain(GetParam()), multi_channel_chain(GetParam()), svdf_chain(GetParam()),
        image_stem_chain(GetParam()), long_rows_chain(GetParam())}) {
    // The chain really runs on the DSP kernels (none fell back to the reference ones).
    compiler::CodegenOptions codegen;
    codegen.dsp_kernels = true;
    const compiler::GeneratedBundle bundle = compiler::generate_c(graph, codegen);
    for (const auto& [path, text] : bundle.files) {
      const std::string file = fs::path(path).filename().string();
      EXPECT_TRUE(file != "conv_s8.c" && file != "depthwise_conv_s8.c" &&
                  file != "fully_connected_s8.c" && file != "svdf_s8.c")
          << path << ": a layer fell back to the reference kernel";
    }

    FarmTestOptions options;
    options.model = "random_chain_" + std::to_string(GetParam()) + ".tflite";
    options.boards = {"cortex-m4f"};
    options.random_vectors = 4;  // stateful layers: 4 steps
    options.work_dir =
        fs::temp_directory_path() /
        ("tinyops-dsp-device-" + std::to_string(::getpid()) + "-" + std::to_string(GetParam()));
    const FarmTestReport report = run_farm_test(graph, options);
    const BoardOutcome& b = report.boards.at(0);
    EXPECT_EQ(b.kernels, "cortex-m-dsp");
    EXPECT_EQ(b.status, BoardStatus::Pass) << b.message;
    bool unsaturated = false;
    for (const VectorOutcome& v : b.vectors) {
      EXPECT_TRUE(v.matches_interpreter);
      for (uint8_t byte : v.output) unsaturated |= byte != 0x80 && byte != 0x7f;
    }
    EXPECT_TRUE(unsaturated) << "every output saturates: the test would not see the arithmetic";
    if (!HasFailure()) fs::remove_all(options.work_dir);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, DspOnDevice, testing::Values(1u, 2u, 3u));

}  // namespace
}  // namespace tinyops::farm
