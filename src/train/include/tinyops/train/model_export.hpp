// From trained weights to the graph IR the compiler and the device take: the float graph
// (FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, pooling, RESHAPE, SOFTMAX), and its int8
// post-training quantisation by TFLite's rules: symmetric per-channel int8 weights,
// asymmetric int8 activations whose ranges come from a calibration set run through the
// float graph, int32 biases at input scale x weight scale, softmax output at 1/256 with
// zero point -128, pooling and reshape outputs at their input's quantisation.
#pragma once

#include <vector>

#include "tinyops/core/graph.hpp"
#include "tinyops/train/trainer.hpp"

namespace tinyops::train {

Graph float_graph(const TrainedModel& model);

enum class CalibrationRange {
  MinMax,        // the extremes over all calibration examples
  MeanExtremes,  // each example's extremes, averaged: robust to outliers
};

struct QuantizeOptions {
  size_t max_calibration_examples = 500;
  CalibrationRange ranges = CalibrationRange::MeanExtremes;
};

// `calibration`: representative inputs (the training set or part of it).
Graph quantize_int8(const TrainedModel& model, const Examples& calibration,
                    const QuantizeOptions& options = {});

// The int8 input of a quantised graph for float features: round(x / scale) + zero point,
// clamped to int8 (TFLite's QUANTIZE).
std::vector<int8_t> quantize_input(const Graph& int8_graph, const float* features, size_t count);

}  // namespace tinyops::train
