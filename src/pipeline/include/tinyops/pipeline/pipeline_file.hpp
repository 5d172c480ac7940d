// tinyops.yaml: a pipeline declared as data. Its sections are the stages, in order:
//
//   pipeline: gestures
//   data:     {paths: [data], split: {test: 0.2, seed: 1}}           # import, split
//   features: {block: spectral, window_ms: 3000, cutoff_hz: 10, ...} # DSP block
//   train:    {model: mlp, hidden: [32, 16], epochs: 60, seed: 1, ...}
//   optimize: {prune_channels: 0.25, prune_sparsity: 0.5, fine_tune_epochs: 15}
//   deploy:   {board: nano33ble, device_examples: 0, accuracy_threshold: 0.9, promote: staging}
//
// `tinyops run` executes them; a stage whose inputs, parameters and code are unchanged is
// skipped (see runs.hpp). Unknown keys are errors (a typo must not silently fall back to a
// default). docs/pipelines.md lists every key.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tinyops/pipeline/impulse.hpp"

namespace tinyops::pipeline {

struct PipelineFile {
  ImpulseConfig impulse;
  std::vector<std::filesystem::path> data_paths;  // relative to the file's folder
  double test_fraction = 0.2;
  uint64_t split_seed = 1;
  std::string promote;  // empty, staging or production: after a passing farm test
};

// Throws InputError naming the file, the key and the fix.
PipelineFile load_pipeline(const std::filesystem::path& file);
// The file's text; InputError when it cannot be read.
std::string read_pipeline_text(const std::filesystem::path& file);
// The same from the file's text (a queued run keeps the text it was queued with); data
// paths are relative to `file`'s folder.
PipelineFile parse_pipeline(const std::string& text, const std::filesystem::path& file);
std::string pipeline_yaml(const PipelineFile& pipeline);  // what load_pipeline reads back

struct PipelineResult {
  ImpulseReport report;
  std::string promoted;  // the stage the model went to, if any
};

// The data stage: imports the data paths (duplicates are skipped) and splits.
void import_and_split(store::Workspace& ws, const PipelineFile& pipeline,
                      const std::function<void(const std::string&)>& progress);

// Imports the data paths (duplicates are skipped, so a rerun imports nothing), splits, runs
// the impulse with stage caching, and promotes when asked.
PipelineResult run_pipeline(store::Workspace& ws, const std::filesystem::path& file,
                            const std::function<void(const std::string&)>& progress);

}  // namespace tinyops::pipeline
