// Every shared model with TFLite Micro reference vectors must reproduce them: int8
// outputs byte for byte, float outputs within 1e-5 relative. Vectors run in order in one
// interpreter, because some models keep state across invocations.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

#include "tinyops/core/error.hpp"
#include "tinyops/core/tensor_values.hpp"

#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops {
namespace {

namespace fs = std::filesystem;

class ReferenceVectors : public testing::TestWithParam<std::string> {};

std::string describe_mismatch(const Tensor& t, std::span<const uint8_t> got,
                              std::span<const uint8_t> want) {
  size_t differing = 0, first = got.size();
  const size_t width = element_size(t.type);
  for (size_t i = 0; i < got.size(); i += width) {
    if (std::memcmp(&got[i], &want[i], width) != 0) {
      ++differing;
      if (first == got.size()) first = i / width;
    }
  }
  return std::to_string(differing) + " of " + std::to_string(got.size() / width) +
         " elements differ; first at element " + std::to_string(first);
}

void expect_close_float(std::span<const uint8_t> got, std::span<const uint8_t> want) {
  const size_t n = got.size() / 4;
  size_t bad = 0;
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    float a, b;
    std::memcpy(&a, &got[i * 4], 4);
    std::memcpy(&b, &want[i * 4], 4);
    const double err = std::fabs(double{a} - double{b}) / std::max(1e-6, std::fabs(double{b}));
    worst = std::max(worst, err);
    if (err > 1e-5) ++bad;
  }
  EXPECT_EQ(bad, 0u) << bad << " of " << n << " elements exceed 1e-5 relative; worst " << worst;
}

TEST_P(ReferenceVectors, MatchesTfliteMicro) {
  const fs::path models(TINYOPS_SHARED_MODELS);
  const std::string name = GetParam();
  const fs::path vectors = models / (name + ".vectors");
  const Graph graph = formats::import_tflite_file(models / (name + ".tflite"));
  interp::Interpreter interpreter(graph);
  ASSERT_EQ(interpreter.input_count(), 1u);
  int checked = 0;
  for (int k = 0; fs::exists(vectors / ("input_" + std::to_string(k) + ".bin")); ++k) {
    SCOPED_TRACE("vector " + std::to_string(k));
    const auto input = formats::read_file(vectors / ("input_" + std::to_string(k) + ".bin"));
    const auto expected = formats::read_file(vectors / ("output_" + std::to_string(k) + ".bin"));
    ASSERT_EQ(input.size(), interpreter.input(0).size());
    std::memcpy(interpreter.input(0).data(), input.data(), input.size());
    interpreter.invoke();
    const auto output = interpreter.output(0);
    ASSERT_EQ(output.size(), expected.size());
    const Tensor& out = interpreter.output_tensor(0);
    if (out.type == DataType::Float32) {
      expect_close_float(output, expected);
    } else {
      EXPECT_TRUE(std::equal(output.begin(), output.end(), expected.begin()))
          << describe_mismatch(out, output, expected);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 8);

  // After reset_state() a stateful model starts afresh: vector 0 gives output 0 again.
  interpreter.reset_state();
  const auto input = formats::read_file(vectors / "input_0.bin");
  std::memcpy(interpreter.input(0).data(), input.data(), input.size());
  interpreter.invoke();
  const auto output = interpreter.output(0);
  const auto expected = formats::read_file(vectors / "output_0.bin");
  EXPECT_TRUE(compare_values(interpreter.output_tensor(0).type, output, expected).matches())
      << "vector 0 after reset_state() differs";
}

std::vector<std::string> models_with_vectors() {
  std::vector<std::string> names;
  const fs::path models(TINYOPS_SHARED_MODELS);
  if (!fs::is_directory(models)) return names;
  for (const auto& entry : fs::directory_iterator(models)) {
    const fs::path p = entry.path();
    if (p.extension() == ".vectors" && fs::exists(models / (p.stem().string() + ".tflite")))
      names.push_back(p.stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(SharedModels, ReferenceVectors, testing::ValuesIn(models_with_vectors()),
                         [](const auto& param_info) { return param_info.param; });

// Models without vectors must still prepare and run (on zero input) without errors.
class RunsWithoutVectors : public testing::TestWithParam<std::string> {};

// Operators outside the kernel set so far; such models must be refused by name.
const std::map<std::string, std::string> kNotYetSupported = {};

TEST_P(RunsWithoutVectors, PreparesAndRuns) {
  const Graph graph = formats::import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) / GetParam());
  const auto missing = kNotYetSupported.find(GetParam());
  if (missing != kNotYetSupported.end()) {
    try {
      interp::Interpreter interpreter(graph);
      FAIL() << "expected " << missing->second << " to be unsupported";
    } catch (const UnsupportedError& e) {
      EXPECT_NE(std::string(e.what()).find(missing->second), std::string::npos) << e.what();
    }
    return;
  }
  interp::Interpreter interpreter(graph);
  interpreter.invoke();
  // Outputs of a finite float model on zero input are finite.
  const Tensor& out = interpreter.output_tensor(0);
  if (out.type == DataType::Float32) {
    for (double v : real_values(out, interpreter.output(0))) EXPECT_TRUE(std::isfinite(v));
  }
}

std::vector<std::string> models_without_vectors() {
  std::vector<std::string> names;
  const fs::path models(TINYOPS_SHARED_MODELS);
  for (const char* dir : {"", "extra"}) {
    const fs::path folder = models / dir;
    if (!fs::is_directory(folder)) continue;
    for (const auto& entry : fs::directory_iterator(folder)) {
      const fs::path p = entry.path();
      if (p.extension() != ".tflite") continue;
      if (fs::exists(folder / (p.stem().string() + ".vectors"))) continue;
      names.push_back((fs::path(dir) / p.filename()).string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(SharedModels, RunsWithoutVectors,
                         testing::ValuesIn(models_without_vectors()), [](const auto& param_info) {
                           return fs::path(param_info.param).stem().string();
                         });

}  // namespace
}  // namespace tinyops
