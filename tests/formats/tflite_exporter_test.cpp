#include "tinyops/formats/tflite_exporter.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../support/shared_models.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <unistd.h>

#include "tflite_subset_generated.h"
#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"

namespace tinyops::formats {
namespace {

namespace fs = std::filesystem;
namespace tfl = ::tinyops::tfl;
using ::testing::HasSubstr;

using test_support::all_shared_models;

const tfl::Model* verified_model(const std::vector<uint8_t>& bytes) {
  flatbuffers::Verifier::Options opts;
  opts.check_alignment = true;
  flatbuffers::Verifier verifier(bytes.data(), bytes.size(), opts);
  if (!tfl::ModelBufferHasIdentifier(bytes.data()) || !tfl::VerifyModelBuffer(verifier))
    return nullptr;
  return tfl::GetModel(bytes.data());
}

int32_t code_of(const tfl::OperatorCode* c) {
  return std::max<int32_t>(c->deprecated_builtin_code(), c->builtin_code());
}

template <class T>
std::vector<T> vec(const flatbuffers::Vector<T>* v) {
  return v ? std::vector<T>(v->begin(), v->end()) : std::vector<T>{};
}

std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

std::vector<uint8_t> buffer_of(const tfl::Model* m, uint32_t index) {
  const tfl::Buffer* b = m->buffers()->Get(index);
  return vec(b->data());
}

// The options tables of two operators hold the same values, field by field (read with the
// schema's accessors, independently of the IR).
void expect_same_options(uint8_t tag, const tfl::Operator* a, const tfl::Operator* b) {
  const void* pa = a->builtin_options();
  const void* pb = b->builtin_options();
  ASSERT_NE(pa, nullptr);
  ASSERT_NE(pb, nullptr);
  auto as = [](const void* p, auto* type) {
    return reinterpret_cast<const std::remove_pointer_t<decltype(type)>*>(p);
  };
  switch (tag) {
    case 1: {
      const auto *x = as(pa, (tfl::Conv2DOptions*)nullptr),
                 *y = as(pb, (tfl::Conv2DOptions*)nullptr);
      EXPECT_EQ(x->padding(), y->padding());
      EXPECT_EQ(x->stride_w(), y->stride_w());
      EXPECT_EQ(x->stride_h(), y->stride_h());
      EXPECT_EQ(x->fused_activation_function(), y->fused_activation_function());
      EXPECT_EQ(x->dilation_w_factor(), y->dilation_w_factor());
      EXPECT_EQ(x->dilation_h_factor(), y->dilation_h_factor());
      break;
    }
    case 2: {
      const auto *x = as(pa, (tfl::DepthwiseConv2DOptions*)nullptr),
                 *y = as(pb, (tfl::DepthwiseConv2DOptions*)nullptr);
      EXPECT_EQ(x->padding(), y->padding());
      EXPECT_EQ(x->stride_w(), y->stride_w());
      EXPECT_EQ(x->stride_h(), y->stride_h());
      EXPECT_EQ(x->depth_multiplier(), y->depth_multiplier());
      EXPECT_EQ(x->fused_activation_function(), y->fused_activation_function());
      EXPECT_EQ(x->dilation_w_factor(), y->dilation_w_factor());
      EXPECT_EQ(x->dilation_h_factor(), y->dilation_h_factor());
      break;
    }
    case 5: {
      const auto *x = as(pa, (tfl::Pool2DOptions*)nullptr),
                 *y = as(pb, (tfl::Pool2DOptions*)nullptr);
      EXPECT_EQ(x->padding(), y->padding());
      EXPECT_EQ(x->stride_w(), y->stride_w());
      EXPECT_EQ(x->stride_h(), y->stride_h());
      EXPECT_EQ(x->filter_width(), y->filter_width());
      EXPECT_EQ(x->filter_height(), y->filter_height());
      EXPECT_EQ(x->fused_activation_function(), y->fused_activation_function());
      break;
    }
    case 6: {
      const auto *x = as(pa, (tfl::SVDFOptions*)nullptr), *y = as(pb, (tfl::SVDFOptions*)nullptr);
      EXPECT_EQ(x->rank(), y->rank());
      EXPECT_EQ(x->fused_activation_function(), y->fused_activation_function());
      EXPECT_EQ(x->asymmetric_quantize_inputs(), y->asymmetric_quantize_inputs());
      break;
    }
    case 71: {
      const auto *x = as(pa, (tfl::UnidirectionalSequenceLSTMOptions*)nullptr),
                 *y = as(pb, (tfl::UnidirectionalSequenceLSTMOptions*)nullptr);
      EXPECT_EQ(x->fused_activation_function(), y->fused_activation_function());
      EXPECT_EQ(x->cell_clip(), y->cell_clip());
      EXPECT_EQ(x->proj_clip(), y->proj_clip());
      EXPECT_EQ(x->time_major(), y->time_major());
      EXPECT_EQ(x->asymmetric_quantize_inputs(), y->asymmetric_quantize_inputs());
      break;
    }
    case 8: {
      const auto *x = as(pa, (tfl::FullyConnectedOptions*)nullptr),
                 *y = as(pb, (tfl::FullyConnectedOptions*)nullptr);
      EXPECT_EQ(x->fused_activation_function(), y->fused_activation_function());
      EXPECT_EQ(x->weights_format(), y->weights_format());
      EXPECT_EQ(x->keep_num_dims(), y->keep_num_dims());
      break;
    }
    case 9:
      EXPECT_EQ(as(pa, (tfl::SoftmaxOptions*)nullptr)->beta(),
                as(pb, (tfl::SoftmaxOptions*)nullptr)->beta());
      break;
    case 10: {
      const auto *x = as(pa, (tfl::ConcatenationOptions*)nullptr),
                 *y = as(pb, (tfl::ConcatenationOptions*)nullptr);
      EXPECT_EQ(x->axis(), y->axis());
      EXPECT_EQ(x->fused_activation_function(), y->fused_activation_function());
      break;
    }
    case 11:
    case 21:
    case 28:
    case 29:
      EXPECT_EQ(as(pa, (tfl::ActivationOnlyOptions*)nullptr)->fused_activation_function(),
                as(pb, (tfl::ActivationOnlyOptions*)nullptr)->fused_activation_function());
      break;
    case 17:
      EXPECT_EQ(vec(as(pa, (tfl::ReshapeOptions*)nullptr)->new_shape()),
                vec(as(pb, (tfl::ReshapeOptions*)nullptr)->new_shape()));
      break;
    case 27:
      EXPECT_EQ(as(pa, (tfl::ReducerOptions*)nullptr)->keep_dims(),
                as(pb, (tfl::ReducerOptions*)nullptr)->keep_dims());
      break;
    case 30:
      EXPECT_EQ(vec(as(pa, (tfl::SqueezeOptions*)nullptr)->squeeze_dims()),
                vec(as(pb, (tfl::SqueezeOptions*)nullptr)->squeeze_dims()));
      break;
    case 32: {
      const auto *x = as(pa, (tfl::StridedSliceOptions*)nullptr),
                 *y = as(pb, (tfl::StridedSliceOptions*)nullptr);
      EXPECT_EQ(x->begin_mask(), y->begin_mask());
      EXPECT_EQ(x->end_mask(), y->end_mask());
      EXPECT_EQ(x->ellipsis_mask(), y->ellipsis_mask());
      EXPECT_EQ(x->new_axis_mask(), y->new_axis_mask());
      EXPECT_EQ(x->shrink_axis_mask(), y->shrink_axis_mask());
      EXPECT_EQ(x->offset(), y->offset());
      break;
    }
    default:
      break;  // tables without fields (PAD, TRANSPOSE, DEQUANTIZE)
  }
}

void expect_same_tensors(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    SCOPED_TRACE("tensor " + std::to_string(i));
    const Tensor &x = a.tensors[i], &y = b.tensors[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.shape, y.shape);
    EXPECT_EQ(x.quant.scales, y.quant.scales);
    EXPECT_EQ(x.quant.zero_points, y.quant.zero_points);
    EXPECT_EQ(x.quant.axis, y.quant.axis);
    EXPECT_EQ(x.data, y.data);
    EXPECT_EQ(x.is_variable, y.is_variable);
  }
}

void expect_same_ops(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.ops.size(), b.ops.size());
  for (size_t k = 0; k < a.ops.size(); ++k) {
    SCOPED_TRACE("operator " + std::to_string(k));
    const Op &x = a.ops[k], &y = b.ops[k];
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.inputs, y.inputs);
    EXPECT_EQ(x.outputs, y.outputs);
    EXPECT_EQ(x.options.index(), y.options.index());
    EXPECT_EQ(x.custom_options, y.custom_options);
    EXPECT_EQ(x.attributes, y.attributes);
  }
}

TEST(TfliteExporter, EverySharedModelRoundTripsByteExactly) {
  const auto models = all_shared_models();
  ASSERT_GE(models.size(), 8u) << "shared models not found under " << TINYOPS_SHARED_MODELS;
  for (const auto& path : models) {
    SCOPED_TRACE(path.string());
    const Graph g1 = import_tflite_file(path);
    const std::vector<uint8_t> e1 = export_tflite(g1);
    ASSERT_NE(verified_model(e1), nullptr) << "the export fails the flatbuffers verifier";
    const Graph g2 = import_tflite(e1, path.string() + " (exported)");
    const std::vector<uint8_t> e2 = export_tflite(g2);
    EXPECT_TRUE(e1 == e2) << "second export differs: " << e1.size() << " vs " << e2.size()
                          << " bytes";
    expect_same_tensors(g1, g2);
    expect_same_ops(g1, g2);
    EXPECT_EQ(g1.inputs, g2.inputs);
    EXPECT_EQ(g1.outputs, g2.outputs);
    EXPECT_EQ(g1.description, g2.description);
  }
}

// Compares each exported file with its source at the flatbuffer level, so a field the
// importer and exporter both got wrong the same way would still show.
TEST(TfliteExporter, ExportMatchesTheSourceFileFieldByField) {
  for (const auto& path : all_shared_models()) {
    SCOPED_TRACE(path.string());
    const std::vector<uint8_t> original = read_file(path);
    const std::vector<uint8_t> exported = export_tflite(import_tflite(original, path.string()));
    const tfl::Model* a = tfl::GetModel(original.data());
    const tfl::Model* b = verified_model(exported);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->version(), 3u);
    ASSERT_EQ(b->subgraphs()->size(), 1u);
    // Buffer 0 is the empty sentinel.
    ASSERT_GE(b->buffers()->size(), 1u);
    EXPECT_TRUE(b->buffers()->Get(0)->data() == nullptr);

    const tfl::SubGraph* sa = a->subgraphs()->Get(0);
    const tfl::SubGraph* sb = b->subgraphs()->Get(0);
    EXPECT_EQ(vec(sa->inputs()), vec(sb->inputs()));
    EXPECT_EQ(vec(sa->outputs()), vec(sb->outputs()));
    ASSERT_EQ(sa->tensors()->size(), sb->tensors()->size());
    for (uint32_t i = 0; i < sa->tensors()->size(); ++i) {
      SCOPED_TRACE("tensor " + std::to_string(i));
      const tfl::Tensor* x = sa->tensors()->Get(i);
      const tfl::Tensor* y = sb->tensors()->Get(i);
      EXPECT_EQ(vec(x->shape()), vec(y->shape()));
      EXPECT_EQ(x->type(), y->type());
      EXPECT_EQ(str(x->name()), str(y->name()));
      EXPECT_EQ(x->is_variable(), y->is_variable());
      EXPECT_EQ(buffer_of(a, x->buffer()), buffer_of(b, y->buffer()));
      const std::vector<uint8_t> data = buffer_of(b, y->buffer());
      if (data.empty()) {
        EXPECT_EQ(y->buffer(), 0u);
      } else {
        // Constant data starts 16-byte aligned in the file (TFLite's force_align).
        const auto offset =
            static_cast<size_t>(b->buffers()->Get(y->buffer())->data()->data() - exported.data());
        EXPECT_EQ(offset % 16, 0u);
      }
      const auto* qa = x->quantization();
      const auto* qb = y->quantization();
      const bool quantized = qa && qa->scale() && qa->scale()->size() > 0;
      ASSERT_EQ(quantized, qb != nullptr);
      if (!quantized) continue;
      EXPECT_EQ(vec(qa->scale()), vec(qb->scale()));
      EXPECT_EQ(vec(qa->zero_point()), vec(qb->zero_point()));
      // The importer reads the axis of a 1-D per-channel bias as 0, as TFLite Micro does.
      if (x->shape()->size() == 1 && qa->scale()->size() > 1)
        EXPECT_EQ(qb->quantized_dimension(), 0);
      else
        EXPECT_EQ(qa->quantized_dimension(), qb->quantized_dimension());
    }

    ASSERT_EQ(sa->operators()->size(), sb->operators()->size());
    for (uint32_t k = 0; k < sa->operators()->size(); ++k) {
      SCOPED_TRACE("operator " + std::to_string(k));
      const tfl::Operator* x = sa->operators()->Get(k);
      const tfl::Operator* y = sb->operators()->Get(k);
      const tfl::OperatorCode* ca = a->operator_codes()->Get(x->opcode_index());
      const tfl::OperatorCode* cb = b->operator_codes()->Get(y->opcode_index());
      const int32_t code = code_of(ca);
      EXPECT_EQ(code, code_of(cb));
      EXPECT_EQ(cb->builtin_code(), code);
      EXPECT_EQ(cb->deprecated_builtin_code(), std::min(code, 127));
      EXPECT_EQ(str(ca->custom_code()), str(cb->custom_code()));
      EXPECT_EQ(vec(x->inputs()), vec(y->inputs()));
      EXPECT_EQ(vec(x->outputs()), vec(y->outputs()));
      EXPECT_EQ(vec(x->custom_options()), vec(y->custom_options()));
      // Options the IR models come back in a table of the same union type and values.
      // Exception: QUANTIZE's empty table is not written.
      const uint8_t tag = x->builtin_options() ? x->builtin_options_type() : 0;
      if (tag != 0 && code != 114) {
        EXPECT_EQ(tag, y->builtin_options_type());
        if (tag == y->builtin_options_type()) expect_same_options(tag, x, y);
      }
    }
  }
}

Tensor int8_tensor(std::string name, std::vector<int32_t> shape, float scale, int64_t zero_point,
                   std::vector<uint8_t> data = {}) {
  Tensor t;
  t.name = std::move(name);
  t.type = DataType::Int8;
  t.shape = std::move(shape);
  t.quant.scales = {scale};
  t.quant.zero_points = {zero_point};
  t.data = std::move(data);
  return t;
}

// input int8[1,4] -> FULLY_CONNECTED (per-channel int8 weights [3,4], int32 bias [3])
// -> int8[1,3] -> SOFTMAX -> int8[1,3]
Graph hand_built_int8_graph() {
  Graph g;
  std::vector<uint8_t> weights(12);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<uint8_t>(i * 37 + 5);
  Tensor w = int8_tensor("weights", {3, 4}, 0.0f, 0, weights);
  w.quant.scales = {0.01f, 0.02f, 0.03f};
  w.quant.zero_points = {0, 0, 0};
  w.quant.axis = 0;
  Tensor bias;
  bias.name = "bias";
  bias.type = DataType::Int32;
  bias.shape = {3};
  const int32_t bias_values[3] = {100, -200, 300};
  bias.data.resize(12);
  std::memcpy(bias.data.data(), bias_values, 12);
  bias.quant.scales = {0.0005f, 0.001f, 0.0015f};
  bias.quant.zero_points = {0, 0, 0};
  g.tensors = {int8_tensor("input", {1, 4}, 0.05f, -3), std::move(w), std::move(bias),
               int8_tensor("logits", {1, 3}, 0.1f, 7),
               int8_tensor("probs", {1, 3}, 1.0f / 256, -128)};
  Op fc;
  fc.type = OpType::FullyConnected;
  fc.inputs = {0, 1, 2};
  fc.outputs = {3};
  fc.options = FullyConnectedOptions{Activation::Relu6, true};
  Op softmax;
  softmax.type = OpType::Softmax;
  softmax.inputs = {3};
  softmax.outputs = {4};
  softmax.options = SoftmaxOptions{0.5f};
  g.ops = {fc, softmax};
  g.inputs = {0};
  g.outputs = {4};
  g.description = "hand-built";
  return g;
}

TEST(TfliteExporter, HandBuiltInt8GraphComesBackIdentical) {
  const Graph g = hand_built_int8_graph();
  const std::vector<uint8_t> bytes = export_tflite(g);
  const Graph back = import_tflite(bytes, "hand-built.tflite");
  expect_same_tensors(g, back);
  expect_same_ops(g, back);
  EXPECT_EQ(back.inputs, g.inputs);
  EXPECT_EQ(back.outputs, g.outputs);
  EXPECT_EQ(back.description, "hand-built");
  const auto& fc = std::get<FullyConnectedOptions>(back.ops[0].options);
  EXPECT_EQ(fc.activation, Activation::Relu6);
  EXPECT_TRUE(fc.keep_num_dims);
  EXPECT_EQ(std::get<SoftmaxOptions>(back.ops[1].options).beta, 0.5f);
  EXPECT_EQ(export_tflite(back), bytes);

  // TFLite's conventions: schema 3, buffer 0 empty, one buffer per constant, int8 versions.
  const tfl::Model* m = verified_model(bytes);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->version(), 3u);
  EXPECT_EQ(m->buffers()->size(), 3u);
  EXPECT_EQ(m->subgraphs()->Get(0)->name()->str(), "main");
  ASSERT_EQ(m->operator_codes()->size(), 2u);
  EXPECT_EQ(m->operator_codes()->Get(0)->builtin_code(), 9);
  EXPECT_EQ(m->operator_codes()->Get(0)->deprecated_builtin_code(), 9);
  EXPECT_EQ(m->operator_codes()->Get(0)->version(), 4);
  EXPECT_EQ(m->operator_codes()->Get(1)->builtin_code(), 25);
  EXPECT_EQ(m->operator_codes()->Get(1)->version(), 2);
  const auto* ops = m->subgraphs()->Get(0)->operators();
  EXPECT_EQ(ops->Get(0)->builtin_options_type(), 8);
  EXPECT_EQ(ops->Get(1)->builtin_options_type(), 9);
  const auto* weights = m->subgraphs()->Get(0)->tensors()->Get(1);
  EXPECT_EQ(weights->quantization()->quantized_dimension(), 0);
  EXPECT_EQ(vec(weights->quantization()->scale()), (std::vector<float>{0.01f, 0.02f, 0.03f}));
}

TEST(TfliteExporter, SharesOperatorCodesAndDefaultsUnsetOptions) {
  Graph g = hand_built_int8_graph();
  // A second FC with its options left unset: the IR's defaults are written.
  g.tensors.push_back(int8_tensor("out2", {1, 3}, 0.1f, 7));
  Op fc2;
  fc2.type = OpType::FullyConnected;
  fc2.inputs = {0, 1, kNoTensor};
  fc2.outputs = {5};
  g.ops.push_back(fc2);
  g.outputs.push_back(5);
  const std::vector<uint8_t> bytes = export_tflite(g);
  const tfl::Model* m = verified_model(bytes);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->operator_codes()->size(), 2u);
  const auto* op = m->subgraphs()->Get(0)->operators()->Get(2);
  EXPECT_EQ(op->opcode_index(), 0u);
  EXPECT_EQ(vec(op->inputs()), (std::vector<int32_t>{0, 1, -1}));
  const Graph back = import_tflite(bytes, "fc2");
  EXPECT_EQ(back.ops[2].inputs[2], kNoTensor);
  const auto& o = std::get<FullyConnectedOptions>(back.ops[2].options);
  EXPECT_EQ(o.activation, Activation::None);
  EXPECT_FALSE(o.keep_num_dims);
}

Graph single_op_graph(Op op) {
  Graph g;
  Tensor in, out;
  in.name = "in";
  in.shape = {1, 4};
  out.name = "out";
  out.shape = {1, 4};
  g.tensors = {in, out};
  op.inputs = {0};
  op.outputs = {1};
  g.ops = {std::move(op)};
  g.inputs = {0};
  g.outputs = {1};
  return g;
}

TEST(TfliteExporter, WritesUnmodelledBuiltinsByTheirCode) {
  Op leaky;
  leaky.type = OpType::Other;
  leaky.name = "LEAKY_RELU";
  std::vector<uint8_t> bytes = export_tflite(single_op_graph(leaky));
  const tfl::Model* m = verified_model(bytes);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->operator_codes()->Get(0)->builtin_code(), 98);
  EXPECT_EQ(import_tflite(bytes, "leaky").ops[0].name, "LEAKY_RELU");

  // Codes beyond 127 keep 127 (PLACEHOLDER_FOR_GREATER_OP_CODES) in the 8-bit field.
  Op high;
  high.type = OpType::Other;
  high.name = "BUILTIN_150";
  bytes = export_tflite(single_op_graph(high));
  m = verified_model(bytes);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->operator_codes()->Get(0)->builtin_code(), 150);
  EXPECT_EQ(m->operator_codes()->Get(0)->deprecated_builtin_code(), 127);
  EXPECT_EQ(import_tflite(bytes, "high").ops[0].name, "BUILTIN_150");

  Op foreign;
  foreign.type = OpType::Other;
  foreign.name = "Gemm";
  EXPECT_THAT([&] { export_tflite(single_op_graph(foreign)); },
              ::testing::ThrowsMessage<UnsupportedError>(HasSubstr("Gemm")));
  foreign.name = "BUILTIN_32";  // CUSTOM needs a custom name
  EXPECT_THROW(export_tflite(single_op_graph(foreign)), UnsupportedError);
}

TEST(TfliteExporter, EncodesAttributesOfCustomOpsBuiltInMemory) {
  Op custom;
  custom.type = OpType::Custom;
  custom.name = "SignalWindow";
  custom.attributes = {{"shift", int64_t{12}},
                       {"flag", true},
                       {"gain", 0.5},
                       {"label", std::string("hann")},
                       {"sizes", std::vector<int64_t>{1, 2, 3}},
                       {"weights", std::vector<double>{0.25, -1.5}}};
  const std::vector<uint8_t> bytes = export_tflite(single_op_graph(custom));
  const Graph back = import_tflite(bytes, "custom");
  ASSERT_EQ(back.ops[0].type, OpType::Custom);
  EXPECT_EQ(back.ops[0].name, "SignalWindow");
  EXPECT_EQ(back.ops[0].attributes, custom.attributes);
  EXPECT_FALSE(back.ops[0].custom_options.empty());
  EXPECT_EQ(export_tflite(back), bytes);
  const tfl::Model* m = verified_model(bytes);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->operator_codes()->Get(0)->builtin_code(), 32);
  EXPECT_EQ(m->operator_codes()->Get(0)->deprecated_builtin_code(), 32);
  EXPECT_EQ(m->operator_codes()->Get(0)->custom_code()->str(), "SignalWindow");

  custom.name.clear();
  EXPECT_THROW(export_tflite(single_op_graph(custom)), UnsupportedError);
}

TEST(TfliteExporter, WritesDescriptionAndMinRuntimeVersion) {
  const Graph g = hand_built_int8_graph();
  ExportOptions options;
  options.description = "TinyOps export";
  options.min_runtime_version = "1.14.0";
  const std::vector<uint8_t> bytes = export_tflite(g, options);
  const tfl::Model* m = verified_model(bytes);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->description()->str(), "TinyOps export");
  ASSERT_NE(m->metadata(), nullptr);
  ASSERT_EQ(m->metadata()->size(), 1u);
  EXPECT_EQ(m->metadata()->Get(0)->name()->str(), "min_runtime_version");
  const std::vector<uint8_t> text = buffer_of(m, m->metadata()->Get(0)->buffer());
  ASSERT_EQ(text.size(), 16u);
  EXPECT_STREQ(reinterpret_cast<const char*>(text.data()), "1.14.0");
  // The metadata buffer belongs to no tensor; the graph comes back unchanged.
  const Graph back = import_tflite(bytes, "meta");
  expect_same_tensors(g, back);
  EXPECT_EQ(back.description, "TinyOps export");
  EXPECT_EQ(export_tflite(back, options), bytes);
}

TEST(TfliteExporter, WritesAFileTheImporterReads) {
  const fs::path path =
      fs::temp_directory_path() / ("tinyops_export_test_" + std::to_string(::getpid()) + ".tflite");
  const Graph g = hand_built_int8_graph();
  export_tflite_file(g, path);
  const Graph back = import_tflite_file(path);
  fs::remove(path);
  expect_same_tensors(g, back);
  expect_same_ops(g, back);
}

// Per-side padding exists only in the compiler's lowered graphs (PAD folded into a conv);
// a .tflite file cannot hold it, so the exporter says so instead of dropping it.
TEST(TfliteExporter, RefusesExplicitPadding) {
  Graph g = import_tflite_file(std::filesystem::path(TINYOPS_SHARED_MODELS) /
                               "mlperf_tiny_kws_int8.tflite");
  ASSERT_EQ(g.ops[0].type, OpType::Conv2D);
  std::get<ConvOptions>(g.ops[0].options).explicit_padding.top = 1;
  try {
    export_tflite(g);
    FAIL() << "exported a conv with explicit padding";
  } catch (const UnsupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("explicit padding"), std::string::npos) << e.what();
  }
}

TEST(TfliteExporter, RefusesAnInvalidGraph) {
  Graph g = hand_built_int8_graph();
  g.ops[0].inputs[0] = 42;
  EXPECT_THROW(export_tflite(g), InputError);
}

}  // namespace
}  // namespace tinyops::formats
