#include "tinyops/formats/tflite_importer.hpp"

#include <gtest/gtest.h>

#include "../support/shared_models.hpp"

#include <filesystem>

#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"

namespace tinyops::formats {
namespace {

namespace fs = std::filesystem;

using test_support::all_shared_models;

TEST(TfliteImporter, ImportsEverySharedModel) {
  const auto models = all_shared_models();
  ASSERT_GE(models.size(), 8u) << "shared models not found under " << TINYOPS_SHARED_MODELS;
  for (const auto& path : models) {
    SCOPED_TRACE(path.string());
    Graph g = import_tflite_file(path);
    EXPECT_FALSE(g.ops.empty());
    EXPECT_FALSE(g.inputs.empty());
    EXPECT_FALSE(g.outputs.empty());
  }
}

TEST(TfliteImporter, ReadsHelloWorldInt8Structure) {
  const Graph g =
      import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) / "tflm_hello_world_int8.tflite");
  ASSERT_EQ(g.ops.size(), 3u);
  for (const Op& op : g.ops) EXPECT_EQ(op.type, OpType::FullyConnected);
  const Tensor& in = g.tensors[static_cast<size_t>(g.inputs[0])];
  EXPECT_EQ(in.type, DataType::Int8);
  EXPECT_EQ(in.shape, (std::vector<int32_t>{1, 1}));
  ASSERT_TRUE(in.quant.is_quantized());
  EXPECT_EQ(in.quant.zero_points[0], -128);
  EXPECT_NEAR(in.quant.scales[0], 0.02448, 1e-5);
  const Tensor& out = g.tensors[static_cast<size_t>(g.outputs[0])];
  EXPECT_EQ(out.quant.zero_points[0], 5);
}

TEST(TfliteImporter, ReadsKwsConvOptionsAndPerChannelWeights) {
  const Graph g =
      import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) / "mlperf_tiny_kws_int8.tflite");
  const Op& conv = g.ops[0];
  ASSERT_EQ(conv.type, OpType::Conv2D);
  const auto& opts = std::get<ConvOptions>(conv.options);
  EXPECT_EQ(opts.stride_h, 2);
  EXPECT_EQ(opts.stride_w, 2);
  EXPECT_EQ(opts.activation, Activation::Relu);
  const Tensor& weights = g.tensors[static_cast<size_t>(conv.inputs[1])];
  EXPECT_TRUE(weights.is_constant());
  EXPECT_TRUE(weights.quant.is_per_channel());
  EXPECT_EQ(weights.quant.scales.size(), static_cast<size_t>(weights.shape[0]));
}

TEST(TfliteImporter, KeepsCustomOpNamesAndOptions) {
  const Graph g = import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) /
                                     "tflm_micro_speech_audio_preprocessor_int8.tflite");
  int custom = 0;
  for (const Op& op : g.ops) {
    if (op.type != OpType::Custom) continue;
    ++custom;
    EXPECT_EQ(op.name.rfind("Signal", 0), 0u) << op.name;
  }
  EXPECT_EQ(custom, 9);
}

TEST(TfliteImporter, ReadsUnidirectionalSequenceLstmOptions) {
  const Graph g =
      import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) / "extra" / "tflm_mnist_lstm_int8.tflite");
  int lstm = 0;
  for (const Op& op : g.ops) {
    if (op.type != OpType::UnidirectionalSequenceLstm) continue;
    ++lstm;
    const auto* o = std::get_if<LstmOptions>(&op.options);
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->activation, Activation::Tanh);
    EXPECT_FALSE(o->time_major);  // the model's input is [batch, time, features]
    ASSERT_EQ(op.inputs.size(), 24u);
    EXPECT_TRUE(g.tensors[static_cast<size_t>(op.inputs[18])].is_variable);  // hidden state
    EXPECT_TRUE(g.tensors[static_cast<size_t>(op.inputs[19])].is_variable);  // cell state
  }
  EXPECT_EQ(lstm, 1);
}

TEST(TfliteImporter, ReadsSvdfOptions) {
  const Graph g = import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) / "extra" /
                                     "tflm_keyword_scrambled_int8.tflite");
  int svdf = 0;
  for (const Op& op : g.ops) {
    if (op.type != OpType::Svdf) continue;
    ++svdf;
    const auto* o = std::get_if<SvdfOptions>(&op.options);
    ASSERT_NE(o, nullptr);
    EXPECT_GT(o->rank, 0);
  }
  EXPECT_GT(svdf, 0);
}

}  // namespace
}  // namespace tinyops::formats
