// The bundled examples, one command each: generate the data on this machine, import it
// into a workspace, split it, and run the example's impulse down to the emulated board.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tinyops/pipeline/impulse.hpp"

namespace tinyops::pipeline {

struct ExampleOptions {
  std::string name;                 // gestures, keywords, digits
  std::filesystem::path dir;        // data, workspace and artifacts go under dir/<name>/
  std::string board = "nano33ble";
  uint64_t seed = 1;
  bool quick = false;               // fewer samples and epochs (tests, smoke runs)
  bool setup_only = false;          // data, workspace and tinyops.yaml; `tinyops run` does the rest
  std::function<void(const std::string&)> progress;
};

struct ExampleTarget {
  double accuracy = 0;  // the target for int8 on the test set
};

struct ExampleResult {
  std::vector<ImpulseReport> impulses;  // the example's model (and, for keywords, the MLPerf-shaped DS-CNN)
  std::vector<std::filesystem::path> pipeline_files;  // one per model
  double target = 0;                    // int8 accuracy to reach
  std::filesystem::path workspace;
};

const std::vector<std::string>& example_names();
ExampleResult run_example(const ExampleOptions& options);

}  // namespace tinyops::pipeline
