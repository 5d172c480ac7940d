// An exported .tflite computes exactly what its source computes: every shared model is
// imported, exported, imported again, and both graphs run side by side on the same
// random inputs (several invocations, so stateful ops carry state between them).
#include <gtest/gtest.h>

#include "../support/shared_models.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>

#include "tinyops/core/error.hpp"
#include "tinyops/formats/tflite_exporter.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::interp {
namespace {

namespace fs = std::filesystem;

using test_support::all_shared_models;

// Random bytes for an input: floats in [-1, 1] (no NaNs), any bit pattern for integers.
std::vector<uint8_t> random_input(const Tensor& t, size_t bytes, std::mt19937& rng) {
  std::vector<uint8_t> out(bytes);
  if (t.type == DataType::Float32) {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (size_t i = 0; i + 4 <= bytes; i += 4) {
      const float v = dist(rng);
      std::memcpy(out.data() + i, &v, 4);
    }
  } else {
    std::uniform_int_distribution<int> dist(0, 255);
    for (auto& b : out) b = static_cast<uint8_t>(dist(rng));
  }
  return out;
}

TEST(TfliteExport, ExportedModelsComputeIdenticalOutputs) {
  const auto models = all_shared_models();
  ASSERT_GE(models.size(), 8u) << "shared models not found under " << TINYOPS_SHARED_MODELS;
  int compared = 0;
  for (const auto& path : models) {
    SCOPED_TRACE(path.string());
    const Graph original = formats::import_tflite_file(path);
    const Graph exported =
        formats::import_tflite(formats::export_tflite(original), path.string() + " (exported)");
    std::unique_ptr<Interpreter> a;
    try {
      a = std::make_unique<Interpreter>(original);
    } catch (const UnsupportedError&) {
      // Not runnable here (e.g. UNIDIRECTIONAL_SEQUENCE_LSTM); the export must refuse alike.
      EXPECT_THROW(Interpreter{exported}, UnsupportedError);
      continue;
    }
    Interpreter b(exported);
    ASSERT_EQ(a->input_count(), b.input_count());
    ASSERT_EQ(a->output_count(), b.output_count());
    std::mt19937 rng(1234);
    for (int run = 0; run < 3; ++run) {
      SCOPED_TRACE("invocation " + std::to_string(run));
      for (size_t i = 0; i < a->input_count(); ++i) {
        ASSERT_EQ(a->input(i).size(), b.input(i).size());
        const auto bytes = random_input(a->input_tensor(i), a->input(i).size(), rng);
        std::memcpy(a->input(i).data(), bytes.data(), bytes.size());
        std::memcpy(b.input(i).data(), bytes.data(), bytes.size());
      }
      a->invoke();
      b.invoke();
      for (size_t o = 0; o < a->output_count(); ++o) {
        const auto x = a->output(o), y = b.output(o);
        ASSERT_EQ(x.size(), y.size());
        EXPECT_TRUE(std::equal(x.begin(), x.end(), y.begin())) << "output " << o << " differs";
      }
      // Intermediates too, so a difference that the outputs happen to hide still shows.
      for (size_t t = 0; t < original.tensors.size(); ++t) {
        const auto x = a->tensor_bytes(static_cast<int32_t>(t));
        const auto y = b.tensor_bytes(static_cast<int32_t>(t));
        ASSERT_EQ(x.size(), y.size());
        EXPECT_TRUE(std::equal(x.begin(), x.end(), y.begin())) << "tensor " << t << " differs";
      }
    }
    ++compared;
  }
  EXPECT_GE(compared, 8) << "too few shared models ran on the interpreter";
}

}  // namespace
}  // namespace tinyops::interp
