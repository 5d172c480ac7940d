// Architectures as data: a network is a list of layers over an NHWC input (time series
// are H = 1, W = steps, C = axes). The same description builds the LibTorch module for
// training and the graph IR for the device, so the two cannot drift apart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinyops::train {

enum class LayerKind { Dense, Conv2D, DepthwiseConv2D, MaxPool2D, AvgPool2D, GlobalAvgPool, Flatten, Dropout };
enum class LayerActivation { None, Relu, Relu6 };

struct LayerSpec {
  LayerKind kind = LayerKind::Dense;
  int32_t units = 0;  // Dense units or Conv2D filters
  int32_t kernel_h = 1, kernel_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  bool same_padding = false;  // stride 1 and odd kernels only (symmetric, as TFLite pads)
  LayerActivation activation = LayerActivation::None;
  float dropout = 0;
  // Batch normalisation after a Conv2D, DepthwiseConv2D or Dense layer while training; it
  // is folded into the layer's weights and bias when training ends (TrainedModel specs
  // never have it), so the device sees a plain layer.
  bool batch_norm = false;
};

struct NetworkSpec {
  std::string name;
  std::vector<int32_t> input_shape;  // H, W, C
  std::vector<LayerSpec> layers;     // the last is the output layer (logits or reconstruction)
  bool classifier = true;            // softmax over the outputs; else a regression (autoencoder)
};

// Dense layers with ReLU, then `classes` logits.
NetworkSpec dense_mlp(int32_t features, std::vector<int32_t> hidden, int32_t classes);
// 1D CNN for motion: conv (kernel along time) + pooling blocks, then dense.
NetworkSpec conv1d_net(int32_t steps, int32_t axes, int32_t classes, int32_t filters = 16);
// Depthwise-separable CNN for keyword spotting; `mlperf` gives the MLPerf Tiny DS-CNN's
// shape (64 filters, 4 separable blocks, 10x4 first conv, stride 2), else a smaller one.
NetworkSpec ds_cnn(int32_t height, int32_t width, int32_t classes, bool mlperf = false);
// Small CNN for images: two conv + pool blocks, then dense.
NetworkSpec small_cnn(int32_t height, int32_t width, int32_t channels, int32_t classes);
// Dense autoencoder for anomaly detection (input -> ... -> bottleneck -> ... -> input).
NetworkSpec dense_autoencoder(int32_t features, std::vector<int32_t> encoder);

// Shape after each layer (H, W, C; Dense and Flatten give 1, 1, N). Throws InputError for a
// layer that does not fit its input.
std::vector<std::vector<int32_t>> layer_shapes(const NetworkSpec& spec);
int64_t parameter_count(const NetworkSpec& spec);
int64_t mac_count(const NetworkSpec& spec);
std::string describe(const NetworkSpec& spec);  // one line per layer, for logs

}  // namespace tinyops::train
