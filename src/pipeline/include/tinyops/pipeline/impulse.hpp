// An impulse, as Edge Impulse calls it: a workspace's samples -> a DSP block -> a learning
// block -> pruning -> int8 quantisation -> C for a board -> the test set on the emulated
// board. run_impulse does every step in order, reports progress as it goes, and writes
// the artifacts (float and int8 .tflite, the C bundle) under the output folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tinyops/data/features.hpp"
#include "tinyops/store/workspace.hpp"
#include "tinyops/train/metrics.hpp"
#include "tinyops/train/trainer.hpp"

namespace tinyops::pipeline {

enum class ModelKind { Mlp, Conv1d, DsCnn, DsCnnMlperf, SmallCnn };
ModelKind parse_model(const std::string& name);  // mlp, conv1d, ds-cnn, ds-cnn-mlperf, small-cnn
const char* to_string(ModelKind kind);

struct ImpulseConfig {
  std::string name = "impulse";
  data::FeatureConfig features;
  ModelKind model = ModelKind::Mlp;
  std::vector<int32_t> hidden = {32, 16};  // mlp
  int32_t filters = 16;                    // conv1d
  train::TrainOptions training;
  double validation_fraction = 0.15;  // of the training category, by sample (not window)
  double prune_channels = 0.25;       // structured pruning, then fine-tuning (0: skip)
  double prune_sparsity = 0.5;        // magnitude pruning, then fine-tuning (0: skip)
  int fine_tune_epochs = 15;
  double max_pruning_loss = 0.01;
  double accuracy_threshold = 0;      // recorded with the model: the promotion gate's bar     // a pruning step that costs more validation accuracy is undone
  std::string board = "nano33ble";
  size_t device_examples = 0;  // test examples run on the emulated board (0: all)
};

struct StageAccuracy {
  std::string stage;  // "float", "channel-pruned", "magnitude-pruned", "int8 (host)", "int8 (device)"
  double accuracy = 0;
  int64_t parameters = 0, nonzero_parameters = 0, macs = 0;
};

struct ImpulseReport {
  std::string name;
  std::vector<std::string> labels;
  std::vector<int32_t> feature_shape;
  size_t training_examples = 0, validation_examples = 0, test_examples = 0;
  std::string network;  // the final network's layers
  std::vector<StageAccuracy> stages;
  train::ClassificationReport int8_report;  // on the test set, host interpreter
  double float_accuracy = 0, int8_accuracy = 0, device_accuracy = 0;
  std::string calibration;  // the activation-range rule kept ("min/max" or "averaged extremes")
  size_t device_examples = 0;
  bool device_bit_exact = false;
  std::string board;
  bool fits = false;
  int64_t flash_bytes = 0, ram_bytes = 0, arena_bytes = 0, instructions = 0;
  double estimated_ms = 0;
  std::filesystem::path float_model, int8_model, bundle;
  std::string model_id, farm_report_id;  // registry artifacts (`tinyops model show ID`)
  int64_t run_id = 0;                    // `tinyops runs`
  std::vector<std::string> stage_outputs;  // with only_stage: the artifacts that stage made
};

// The impulse's cached stages, in order. A worker runs one at a time (see queue.hpp).
const std::vector<std::string>& impulse_stages();  // features, train, quantise, compile, farm

// How run_impulse is driven: whole, in one process (the defaults), or one stage of a queued
// run by a worker, the stages before it taken from the cache.
struct ImpulseRunOptions {
  int64_t run = 0;              // the run to record into; 0 begins (and finishes) a new run
  std::string only_stage;       // run just this stage; earlier ones must be cached
  std::string dataset_version;  // the frozen version to use; empty freezes the workspace's samples
};

ImpulseReport run_impulse(store::Workspace& ws, const ImpulseConfig& config,
                          const std::filesystem::path& out_dir,
                          const std::function<void(const std::string&)>& progress,
                          const ImpulseRunOptions& how = {});

// The name a run gives the dataset version it freezes: the pipeline, the time and the run
// (two runs of one pipeline may freeze different samples in the same second).
std::string dataset_version_name(const std::string& pipeline, int64_t run);

// The run's parameters as recorded with it (what `tinyops runs diff` compares).
std::string impulse_params_json(const ImpulseConfig& config);
// The run's metrics as recorded with it (accuracies, size, instructions, model id).
std::string impulse_metrics_json(const ImpulseReport& report);

}  // namespace tinyops::pipeline
