// Training with LibTorch: a NetworkSpec becomes a torch module, trained with Adam, a
// cosine learning-rate schedule, early stopping on a validation set and class weights;
// the result is plain data (TrainedModel) that quantisation and pruning read. A fixed
// seed gives the same model bit for bit (one intra-op thread, our own shuffling).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tinyops/train/network_spec.hpp"

namespace tinyops::train {

// Examples as a dense block: x is N x H x W x C (NHWC, step-major), y class indices
// (classifiers) or unused (autoencoders learn x -> x).
struct Examples {
  std::vector<int32_t> shape;  // H, W, C of one example
  std::vector<float> x;
  std::vector<int32_t> y;
  size_t size() const;
  size_t example_size() const;
  Examples subset(const std::vector<size_t>& rows) const;
};

// Weights in TFLite's layouts: Dense [out, in] (in in H, W, C order), Conv2D
// [out, kh, kw, in], DepthwiseConv2D [1, kh, kw, channels]; bias [out]. Empty for layers
// without parameters.
struct LayerWeights {
  std::vector<int32_t> shape;
  std::vector<float> weights;
  std::vector<float> bias;
};

struct TrainedModel {
  NetworkSpec spec;
  std::vector<LayerWeights> layers;  // one per spec layer
};

struct EpochLog {
  int epoch = 0, epochs = 0;
  double loss = 0, accuracy = 0, val_loss = 0, val_accuracy = 0, learning_rate = 0;
  bool best = false;  // the best validation loss so far: the weights kept
};

struct TrainOptions {
  int epochs = 60;
  int batch_size = 32;
  double learning_rate = 1e-3;  // peak; cosine decay to 5 % of it over `epochs`
  int patience = 10;            // stop after this many epochs without a better val loss
  bool class_weights = true;    // inverse class frequency in the loss
  uint64_t seed = 1;
  std::function<void(const EpochLog&)> on_epoch;  // progress; may be empty
  // Fine-tuning: start from these weights, and keep zero every weight that is zero in
  // them when `keep_zeros` (magnitude pruning's mask).
  const TrainedModel* initial = nullptr;
  bool keep_zeros = false;
};

struct TrainResult {
  TrainedModel model;  // the weights of the best epoch
  std::vector<EpochLog> history;
  int best_epoch = 0;
  bool stopped_early = false;
};

TrainResult train(const NetworkSpec& spec, const Examples& training, const Examples& validation,
                  const TrainOptions& options);

// "libtorch 1.13.1" (for artifact metadata).
std::string torch_version();

// Float outputs per example: class probabilities (softmax) for classifiers, the
// reconstruction for autoencoders.
std::vector<std::vector<float>> predict(const TrainedModel& model, const Examples& examples);

}  // namespace tinyops::train
