#include "tinyops/train/network_spec.hpp"

#include <fmt/format.h>

#include "tinyops/core/error.hpp"

namespace tinyops::train {

namespace {

LayerSpec dense(int32_t units, LayerActivation act = LayerActivation::Relu) {
  LayerSpec l;
  l.kind = LayerKind::Dense;
  l.units = units;
  l.activation = act;
  return l;
}

LayerSpec conv(int32_t filters, int32_t kh, int32_t kw, int32_t sh, int32_t sw, bool same) {
  LayerSpec l;
  l.kind = LayerKind::Conv2D;
  l.units = filters;
  l.kernel_h = kh;
  l.kernel_w = kw;
  l.stride_h = sh;
  l.stride_w = sw;
  l.same_padding = same;
  l.activation = LayerActivation::Relu;
  return l;
}

LayerSpec depthwise(int32_t kh, int32_t kw) {
  LayerSpec l;
  l.batch_norm = true;
  l.kind = LayerKind::DepthwiseConv2D;
  l.kernel_h = kh;
  l.kernel_w = kw;
  l.same_padding = true;
  l.activation = LayerActivation::Relu;
  return l;
}

LayerSpec pool(LayerKind kind, int32_t kh, int32_t kw) {
  LayerSpec l;
  l.kind = kind;
  l.kernel_h = l.stride_h = kh;
  l.kernel_w = l.stride_w = kw;
  return l;
}

LayerSpec simple(LayerKind kind, float dropout = 0) {
  LayerSpec l;
  l.kind = kind;
  l.dropout = dropout;
  return l;
}

}  // namespace

NetworkSpec dense_mlp(int32_t features, std::vector<int32_t> hidden, int32_t classes) {
  NetworkSpec s{"dense_mlp", {1, 1, features}, {}, true};
  for (int32_t h : hidden) s.layers.push_back(dense(h));
  s.layers.push_back(dense(classes, LayerActivation::None));
  return s;
}

NetworkSpec conv1d_net(int32_t steps, int32_t axes, int32_t classes, int32_t filters) {
  NetworkSpec s{"conv1d", {1, steps, axes}, {}, true};
  s.layers.push_back(conv(filters, 1, 5, 1, 1, true));
  s.layers.push_back(pool(LayerKind::MaxPool2D, 1, 2));
  s.layers.push_back(conv(filters * 2, 1, 5, 1, 1, true));
  s.layers.push_back(pool(LayerKind::MaxPool2D, 1, 2));
  s.layers.push_back(simple(LayerKind::Flatten));
  s.layers.push_back(simple(LayerKind::Dropout, 0.25f));
  s.layers.push_back(dense(32));
  s.layers.push_back(dense(classes, LayerActivation::None));
  return s;
}

NetworkSpec ds_cnn(int32_t height, int32_t width, int32_t classes, bool mlperf) {
  const int32_t f = mlperf ? 64 : 32;
  NetworkSpec s{mlperf ? "ds_cnn_mlperf" : "ds_cnn", {height, width, 1}, {}, true};
  s.layers.push_back(conv(f, 10, 4, 2, 2, false));
  s.layers.back().batch_norm = true;
  for (int b = 0; b < (mlperf ? 4 : 2); ++b) {
    s.layers.push_back(depthwise(3, 3));
    s.layers.push_back(conv(f, 1, 1, 1, 1, true));
    s.layers.back().batch_norm = true;
  }
  s.layers.push_back(simple(LayerKind::Dropout, 0.2f));
  s.layers.push_back(simple(LayerKind::GlobalAvgPool));
  s.layers.push_back(dense(classes, LayerActivation::None));
  return s;
}

NetworkSpec small_cnn(int32_t height, int32_t width, int32_t channels, int32_t classes) {
  NetworkSpec s{"small_cnn", {height, width, channels}, {}, true};
  s.layers.push_back(conv(8, 3, 3, 1, 1, true));
  s.layers.push_back(pool(LayerKind::MaxPool2D, 2, 2));
  s.layers.push_back(conv(16, 3, 3, 1, 1, true));
  s.layers.push_back(pool(LayerKind::MaxPool2D, 2, 2));
  s.layers.push_back(simple(LayerKind::Flatten));
  s.layers.push_back(dense(classes, LayerActivation::None));
  return s;
}

NetworkSpec dense_autoencoder(int32_t features, std::vector<int32_t> encoder) {
  NetworkSpec s{"dense_autoencoder", {1, 1, features}, {}, false};
  for (int32_t h : encoder) s.layers.push_back(dense(h));
  for (size_t i = encoder.size(); i-- > 1;) s.layers.push_back(dense(encoder[i - 1]));
  s.layers.push_back(dense(features, LayerActivation::None));
  return s;
}

std::vector<std::vector<int32_t>> layer_shapes(const NetworkSpec& spec) {
  require(spec.input_shape.size() == 3, spec.name + ": the input shape must be H, W, C");
  std::vector<int32_t> shape = spec.input_shape;
  std::vector<std::vector<int32_t>> out;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& l = spec.layers[i];
    const std::string where = fmt::format("{}: layer {}", spec.name, i);
    auto spatial = [&](int32_t size, int32_t k, int32_t stride, bool same) {
      require(!same || (stride == 1 && k % 2 == 1), where + ": same padding needs stride 1 and an odd kernel");
      const int32_t o = same ? size : (size - k) / stride + 1;
      require(o >= 1 && (same || size >= k), where + ": the kernel is larger than its input");
      return o;
    };
    switch (l.kind) {
      case LayerKind::Dense:
        require(l.units > 0, where + ": a dense layer needs units");
        shape = {1, 1, l.units};
        break;
      case LayerKind::Conv2D:
        shape = {spatial(shape[0], l.kernel_h, l.stride_h, l.same_padding),
                 spatial(shape[1], l.kernel_w, l.stride_w, l.same_padding), l.units};
        break;
      case LayerKind::DepthwiseConv2D:
        shape = {spatial(shape[0], l.kernel_h, l.stride_h, l.same_padding),
                 spatial(shape[1], l.kernel_w, l.stride_w, l.same_padding), shape[2]};
        break;
      case LayerKind::MaxPool2D:
      case LayerKind::AvgPool2D:
        shape = {spatial(shape[0], l.kernel_h, l.stride_h, false),
                 spatial(shape[1], l.kernel_w, l.stride_w, false), shape[2]};
        break;
      case LayerKind::GlobalAvgPool:
        shape = {1, 1, shape[2]};
        break;
      case LayerKind::Flatten:
        shape = {1, 1, shape[0] * shape[1] * shape[2]};
        break;
      case LayerKind::Dropout:
        break;
    }
    out.push_back(shape);
  }
  return out;
}

int64_t parameter_count(const NetworkSpec& spec) {
  const auto shapes = layer_shapes(spec);
  int64_t n = 0;
  std::vector<int32_t> in = spec.input_shape;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& l = spec.layers[i];
    const int64_t in_elems = static_cast<int64_t>(in[0]) * in[1] * in[2];
    if (l.kind == LayerKind::Dense) n += in_elems * l.units + l.units;
    if (l.kind == LayerKind::Conv2D) n += static_cast<int64_t>(l.kernel_h) * l.kernel_w * in[2] * l.units + l.units;
    if (l.kind == LayerKind::DepthwiseConv2D) n += static_cast<int64_t>(l.kernel_h) * l.kernel_w * in[2] + in[2];
    in = shapes[i];
  }
  return n;
}

int64_t mac_count(const NetworkSpec& spec) {
  const auto shapes = layer_shapes(spec);
  int64_t n = 0;
  std::vector<int32_t> in = spec.input_shape;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& l = spec.layers[i];
    const auto& o = shapes[i];
    const int64_t out_pixels = static_cast<int64_t>(o[0]) * o[1];
    if (l.kind == LayerKind::Dense) n += static_cast<int64_t>(in[0]) * in[1] * in[2] * l.units;
    if (l.kind == LayerKind::Conv2D) n += out_pixels * l.units * l.kernel_h * l.kernel_w * in[2];
    if (l.kind == LayerKind::DepthwiseConv2D) n += out_pixels * in[2] * l.kernel_h * l.kernel_w;
    in = o;
  }
  return n;
}

std::string describe(const NetworkSpec& spec) {
  static const char* names[] = {"dense", "conv2d", "depthwise_conv2d", "max_pool", "avg_pool",
                                "global_avg_pool", "flatten", "dropout"};
  const auto shapes = layer_shapes(spec);
  std::string s = fmt::format("{}: input {}x{}x{}\n", spec.name, spec.input_shape[0],
                              spec.input_shape[1], spec.input_shape[2]);
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& l = spec.layers[i];
    s += fmt::format("  {:<2} {:<16} -> {}x{}x{}\n", i, names[static_cast<int>(l.kind)], shapes[i][0],
                     shapes[i][1], shapes[i][2]);
  }
  return s + fmt::format("  {} parameters, {} MACs\n", parameter_count(spec), mac_count(spec));
}

}  // namespace tinyops::train
