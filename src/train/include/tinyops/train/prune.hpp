// Pruning. Magnitude pruning zeroes the smallest weights of every layer (fine-tune with
// TrainOptions::keep_zeros to keep them zero); structured channel pruning removes whole
// units and filters, ranked by the L1 norm of their weights, with the matching inputs of
// the next layer, so the network really has fewer MACs and bytes. Fine-tune after both.
#pragma once

#include <cstdint>

#include "tinyops/train/trainer.hpp"

namespace tinyops::train {

// Zeroes round(sparsity x count) of the smallest-magnitude weights in each layer of at
// least 256 weights, depthwise layers excepted (they have a handful of weights per channel).
TrainedModel prune_magnitude(const TrainedModel& model, double sparsity);

// Removes `fraction` of the units of every hidden Dense and Conv2D layer whose consumer is
// a Dense or Conv2D layer (through pooling, flatten or dropout); keeps at least one.
TrainedModel prune_channels(const TrainedModel& model, double fraction);

// Fraction of weights that are exactly zero.
double weight_sparsity(const TrainedModel& model);

}  // namespace tinyops::train
