// Hostile .tflite files: every one must be rejected with an InputError that says what is
// wrong, and none may crash (the sanitizer build runs these too).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "tflite_model_builder.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"

namespace tinyops::formats {
namespace {

using ::testing::HasSubstr;
using tinyops::test_models::build_tiny_model;
using tinyops::test_models::TinyModelSpec;

std::string import_error(const std::vector<uint8_t>& bytes) {
  try {
    import_tflite(bytes, "model.tflite");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(MalformedModel, BuilderMakesAValidModel) {
  const Graph g = import_tflite(build_tiny_model(), "tiny");
  ASSERT_EQ(g.ops.size(), 1u);
  EXPECT_EQ(g.ops[0].type, OpType::FullyConnected);
  EXPECT_EQ(g.tensors[1].data.size(), 48u);
}

TEST(MalformedModel, EmptyAndTinyFiles) {
  EXPECT_THAT(import_error({}), HasSubstr("too short"));
  EXPECT_THAT(import_error({1, 2, 3}), HasSubstr("too short"));
}

TEST(MalformedModel, WrongIdentifier) {
  auto bytes = build_tiny_model();
  bytes[4] = 'X';
  EXPECT_THAT(import_error(bytes), HasSubstr("TFL3"));
}

TEST(MalformedModel, EveryTruncationIsRejected) {
  const auto bytes = build_tiny_model();
  for (size_t len = 0; len < bytes.size(); ++len) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_FALSE(import_error(cut).empty()) << "truncated to " << len << " bytes was accepted";
  }
}

TEST(MalformedModel, TruncatedRealModelIsRejected) {
  const auto bytes =
      read_file(std::filesystem::path(TINYOPS_SHARED_MODELS) / "mlperf_tiny_kws_int8.tflite");
  for (size_t len : {size_t{8}, size_t{64}, bytes.size() / 2, bytes.size() - 1}) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_THAT(import_error(cut), HasSubstr("model.tflite")) << len;
  }
}

TEST(MalformedModel, BitFlipsNeverCrash) {
  const auto original = build_tiny_model();
  std::mt19937 rng(1234);
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    auto bytes = original;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f)
      bytes[rng() % bytes.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    try {
      Graph g = import_tflite(bytes, "flipped");
      g.validate();  // accepted files must still be internally consistent
    } catch (const InputError&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 0);
}

TEST(MalformedModel, HugeDimensions) {
  TinyModelSpec spec;
  spec.input_shape = {1 << 20, 1 << 20};
  EXPECT_THAT(import_error(build_tiny_model(spec)), HasSubstr("invalid shape"));
  spec.input_shape = {1, -4};
  EXPECT_THAT(import_error(build_tiny_model(spec)), HasSubstr("invalid shape"));
}

TEST(MalformedModel, TensorIndexOutOfRange) {
  TinyModelSpec spec;
  spec.op_inputs = {0, 99, 2};
  EXPECT_THAT(import_error(build_tiny_model(spec)), HasSubstr("refers to tensor 99"));
  spec.op_inputs = {0, 1, 2};
  spec.op_outputs = {-7};
  EXPECT_THAT(import_error(build_tiny_model(spec)), HasSubstr("refers to tensor -7"));
}

TEST(MalformedModel, BufferIndexOutOfRange) {
  TinyModelSpec spec;
  spec.weights_buffer = 42;
  EXPECT_THAT(import_error(build_tiny_model(spec)), HasSubstr("refers to buffer 42"));
}

TEST(MalformedModel, BufferSizeDisagreesWithShape) {
  TinyModelSpec spec;
  spec.weights_bytes = 40;
  EXPECT_THAT(import_error(build_tiny_model(spec)), HasSubstr("needs 48"));
}

TEST(MalformedModel, OperatorCodeOutOfRange) {
  TinyModelSpec spec;
  spec.opcode_index = 5;
  EXPECT_THAT(import_error(build_tiny_model(spec)), HasSubstr("operator code 5"));
}

TEST(MalformedModel, UnknownBuiltinImportsAsOther) {
  TinyModelSpec spec;
  spec.builtin_code = 150;  // GELU: known to TFLite, not modelled by the IR
  spec.with_options = false;
  const Graph g = import_tflite(build_tiny_model(spec), "gelu");
  EXPECT_EQ(g.ops[0].type, OpType::Other);
  EXPECT_EQ(g.ops[0].name, "BUILTIN_150");
}

TEST(MalformedModel, MissingFileNamesThePath) {
  try {
    import_tflite_file("/nonexistent/model.tflite");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/model.tflite"));
  }
}

}  // namespace
}  // namespace tinyops::formats
