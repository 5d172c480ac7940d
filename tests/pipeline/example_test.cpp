// The bundled examples end to end, in their quick form (smaller data, fewer epochs): data
// generated, imported, trained, pruned, quantised, exported, compiled and run on the
// emulated board, with the device bit-exact with the host and accuracy far above chance.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tinyops/core/error.hpp"

#include "tinyops/formats/tflite_exporter.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/pipeline/examples.hpp"
#include "tinyops/store/registry.hpp"

namespace tinyops::pipeline {
namespace {

namespace fs = std::filesystem;

class QuickExample : public testing::TestWithParam<std::string> {};

TEST_P(QuickExample, RunsFromDataToTheEmulatedBoard) {
  if (GetParam() == "keywords" && std::system("espeak-ng --version > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "espeak-ng is not installed (scripts/setup.sh installs it)";
  const fs::path dir = fs::temp_directory_path() / ("tinyops-example-" + GetParam() + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ExampleOptions o;
  o.name = GetParam();
  o.dir = dir;
  o.quick = true;
  const ExampleResult result = run_example(o);
  ASSERT_FALSE(result.impulses.empty());
  const ImpulseReport& r = result.impulses[0];
  const double chance = 1.0 / static_cast<double>(r.labels.size());
  EXPECT_GT(r.int8_accuracy, std::min(0.8, 2 * chance)) << "the quick model learned little";
  EXPECT_NEAR(r.int8_accuracy, r.float_accuracy, 0.1);
  EXPECT_TRUE(r.fits);
  EXPECT_TRUE(r.device_bit_exact);
  EXPECT_GT(r.device_examples, 0u);
  EXPECT_DOUBLE_EQ(r.device_accuracy,
                   r.device_examples == r.test_examples ? r.int8_accuracy : r.device_accuracy);
  EXPECT_GT(r.instructions, 0);
  // Pruning shrank the network, and the stages are reported in order.
  ASSERT_GE(r.stages.size(), 4u);
  EXPECT_EQ(r.stages.front().stage, "float");
  EXPECT_LE(r.stages.back().parameters, r.stages.front().parameters);
  // The exported int8 model is a .tflite our importer reads back to the same file.
  const auto bytes = formats::read_file(r.int8_model);
  const Graph back = formats::import_tflite(bytes, r.int8_model.string());
  EXPECT_EQ(formats::export_tflite(back), bytes);
  EXPECT_TRUE(fs::exists(r.bundle / "model.c"));

  // The registry holds the chain dataset version -> features -> training run -> float model
  // -> int8 model -> bundle -> farm report, and the model can go to production.
  {
    store::Workspace ws = store::Workspace::open(result.workspace);
    const auto parents = store::parents_of(ws, r.model_id);
    ASSERT_EQ(parents.size(), 2u);
    EXPECT_EQ(store::find_artifact(ws, parents[0].parent).kind, "feature_set");  // calibration
    EXPECT_EQ(store::find_artifact(ws, parents[1].parent).kind, "float_model");
    EXPECT_EQ(store::parents_of(ws, parents[0].parent).size(), 1u) << "features come from a dataset version";
    EXPECT_EQ(store::find_artifact(ws, r.farm_report_id).kind, "farm_report");
    if (r.int8_accuracy >= result.target) {
      EXPECT_NO_THROW(store::promote(ws, r.model_id, "production"));
    } else {
      EXPECT_THROW(store::promote(ws, r.model_id, "production"), InputError) << "below the threshold";
    }
  }

  // A second run reuses the data and the workspace, and gives the same result.
  const ExampleResult again = run_example(o);
  EXPECT_EQ(again.impulses[0].int8_accuracy, r.int8_accuracy) << "same seed, same model";
  EXPECT_EQ(formats::read_file(again.impulses[0].int8_model), bytes);
  if (!HasFailure()) fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Examples, QuickExample, testing::Values("gestures", "digits", "keywords"));

}  // namespace
}  // namespace tinyops::pipeline
