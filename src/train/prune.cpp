#include "tinyops/train/prune.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tinyops/core/error.hpp"

namespace tinyops::train {

namespace {
constexpr size_t kMinPrunableWeights = 256;
}  // namespace

TrainedModel prune_magnitude(const TrainedModel& model, double sparsity) {
  require(sparsity >= 0 && sparsity < 1, "pruning sparsity must be in [0, 1)");
  TrainedModel out = model;
  for (size_t i = 0; i < out.layers.size(); ++i) {
    LayerWeights& l = out.layers[i];
    // Depthwise kernels (9 weights per channel) and small layers lose too much per weight.
    if (l.weights.size() < kMinPrunableWeights || out.spec.layers[i].kind == LayerKind::DepthwiseConv2D) continue;
    std::vector<float> magnitudes(l.weights.size());
    for (size_t k = 0; k < l.weights.size(); ++k) magnitudes[k] = std::fabs(l.weights[k]);
    const size_t cut = static_cast<size_t>(std::llround(sparsity * static_cast<double>(magnitudes.size())));
    if (cut == 0) continue;
    std::nth_element(magnitudes.begin(), magnitudes.begin() + static_cast<std::ptrdiff_t>(cut - 1), magnitudes.end());
    const float threshold = magnitudes[cut - 1];
    size_t zeroed = 0;
    for (float& w : l.weights)
      if (std::fabs(w) <= threshold && zeroed < cut) {
        w = 0;
        ++zeroed;
      }
  }
  return out;
}

double weight_sparsity(const TrainedModel& model) {
  size_t zeros = 0, total = 0;
  for (const LayerWeights& l : model.layers) {
    total += l.weights.size();
    zeros += static_cast<size_t>(std::count(l.weights.begin(), l.weights.end(), 0.0f));
  }
  return total ? static_cast<double>(zeros) / static_cast<double>(total) : 0;
}

namespace {

// The consumer of layer i's units, or -1 when it cannot be pruned (last layer, a depthwise
// consumer, or something else in between).
int consumer_of(const NetworkSpec& spec, size_t i) {
  for (size_t j = i + 1; j < spec.layers.size(); ++j) {
    const LayerKind k = spec.layers[j].kind;
    if (k == LayerKind::Dense || k == LayerKind::Conv2D) return static_cast<int>(j);
    if (k == LayerKind::DepthwiseConv2D) return -1;
  }
  return -1;
}

}  // namespace

TrainedModel prune_channels(const TrainedModel& model, double fraction) {
  require(fraction >= 0 && fraction < 1, "channel pruning fraction must be in [0, 1)");
  TrainedModel out = model;
  for (size_t i = 0; i < out.spec.layers.size(); ++i) {
    LayerSpec& l = out.spec.layers[i];
    if (l.kind != LayerKind::Dense && l.kind != LayerKind::Conv2D) continue;
    const int j = consumer_of(out.spec, i);
    if (j < 0) continue;
    const int32_t units = l.units;
    const int32_t keep = std::max<int32_t>(1, static_cast<int32_t>(std::lround(units * (1 - fraction))));
    if (keep == units) continue;
    LayerWeights& w = out.layers[i];
    const size_t per_unit = w.weights.size() / static_cast<size_t>(units);
    std::vector<std::pair<double, int32_t>> norm;
    for (int32_t u = 0; u < units; ++u) {
      double s = 0;
      for (size_t k = 0; k < per_unit; ++k) s += std::fabs(w.weights[static_cast<size_t>(u) * per_unit + k]);
      norm.emplace_back(-s, u);
    }
    std::sort(norm.begin(), norm.end());
    std::vector<int32_t> kept;
    for (int32_t k = 0; k < keep; ++k) kept.push_back(norm[static_cast<size_t>(k)].second);
    std::sort(kept.begin(), kept.end());

    // This layer: keep the rows (units) and their biases.
    LayerWeights nw;
    nw.shape = w.shape;
    nw.shape[0] = keep;
    for (int32_t u : kept) {
      nw.weights.insert(nw.weights.end(), w.weights.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(u) * per_unit),
                        w.weights.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(u + 1) * per_unit));
      nw.bias.push_back(w.bias[static_cast<size_t>(u)]);
    }
    w = std::move(nw);
    l.units = keep;

    // The consumer: keep the inputs that read kept units. Its input is the layer output
    // (H, W, units) after pooling / flatten, in H, W, C order: unit c of pixel p sits at
    // p * units + c.
    LayerWeights& next = out.layers[static_cast<size_t>(j)];
    const LayerSpec& nl = out.spec.layers[static_cast<size_t>(j)];
    const int32_t outs = next.shape[0];
    const size_t in_per_out = next.weights.size() / static_cast<size_t>(outs);
    const size_t pixels = in_per_out / static_cast<size_t>(units);
    LayerWeights nn;
    nn.shape = next.shape;
    nn.bias = next.bias;
    if (nl.kind == LayerKind::Dense) nn.shape[1] = static_cast<int32_t>(pixels) * keep;
    else nn.shape[3] = keep;  // conv [out, kh, kw, in]: pixels = kh * kw
    for (int32_t o = 0; o < outs; ++o)
      for (size_t p = 0; p < pixels; ++p)
        for (int32_t c : kept)
          nn.weights.push_back(next.weights[static_cast<size_t>(o) * in_per_out + p * static_cast<size_t>(units) + static_cast<size_t>(c)]);
    next = std::move(nn);
  }
  layer_shapes(out.spec);  // still consistent
  return out;
}

}  // namespace tinyops::train
