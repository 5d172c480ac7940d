#include "tinyops/train/model_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "tinyops/core/error.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::train {

namespace {

Activation ir_activation(LayerActivation a) {
  switch (a) {
    case LayerActivation::Relu:
      return Activation::Relu;
    case LayerActivation::Relu6:
      return Activation::Relu6;
    case LayerActivation::None:
      break;
  }
  return Activation::None;
}

template <class T>
Tensor constant(const std::string& name, DataType type, std::vector<int32_t> shape, const std::vector<T>& v) {
  Tensor t;
  t.name = name;
  t.type = type;
  t.shape = std::move(shape);
  t.data.resize(v.size() * sizeof(T));
  std::memcpy(t.data.data(), v.data(), t.data.size());
  return t;
}

Tensor activation(const std::string& name, DataType type, std::vector<int32_t> shape) {
  Tensor t;
  t.name = name;
  t.type = type;
  t.shape = std::move(shape);
  return t;
}

// Which graph tensor each spec layer writes (dropout writes its input), and the float graph.
struct Built {
  Graph graph;
  std::vector<int32_t> layer_output;
};

Built build_float(const TrainedModel& m) {
  const NetworkSpec& spec = m.spec;
  const auto shapes = layer_shapes(spec);
  Built b;
  Graph& g = b.graph;
  g.description = "TinyOps " + spec.name;
  const auto& in = spec.input_shape;
  const bool flat_input = in[0] == 1 && in[1] == 1;
  const bool first_is_dense = !spec.layers.empty() && spec.layers[0].kind == LayerKind::Dense;
  g.tensors.push_back(activation("input", DataType::Float32,
                                 flat_input && first_is_dense ? std::vector<int32_t>{1, in[2]}
                                                              : std::vector<int32_t>{1, in[0], in[1], in[2]}));
  g.inputs = {0};
  int32_t current = 0;
  bool flat = flat_input && first_is_dense;
  auto add = [&](Tensor t) {
    g.tensors.push_back(std::move(t));
    return static_cast<int32_t>(g.tensors.size() - 1);
  };
  auto op = [&](OpType type, std::vector<int32_t> inputs, int32_t out, OpOptions options) {
    Op o;
    o.type = type;
    o.inputs = std::move(inputs);
    o.outputs = {out};
    o.options = std::move(options);
    g.ops.push_back(std::move(o));
    current = out;
  };
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& l = spec.layers[i];
    const LayerWeights& w = m.layers.at(i);
    const std::string n = "layer" + std::to_string(i);
    const auto& s = shapes[i];
    switch (l.kind) {
      case LayerKind::Dense: {
        if (!flat) {
          const int32_t reshaped = add(activation(n + "/flatten", DataType::Float32, {1, static_cast<int32_t>(w.shape[1])}));
          op(OpType::Reshape, {current}, reshaped, ReshapeOptions{{1, static_cast<int32_t>(w.shape[1])}});
          flat = true;
        }
        const int32_t wt = add(constant(n + "/weights", DataType::Float32, w.shape, w.weights));
        const int32_t bt = add(constant(n + "/bias", DataType::Float32, {static_cast<int32_t>(w.bias.size())}, w.bias));
        const int32_t out = add(activation(n, DataType::Float32, {1, s[2]}));
        op(OpType::FullyConnected, {current, wt, bt}, out, FullyConnectedOptions{ir_activation(l.activation), false});
        break;
      }
      case LayerKind::Conv2D:
      case LayerKind::DepthwiseConv2D: {
        const bool dw = l.kind == LayerKind::DepthwiseConv2D;
        const int32_t wt = add(constant(n + "/weights", DataType::Float32, w.shape, w.weights));
        const int32_t bt = add(constant(n + "/bias", DataType::Float32, {static_cast<int32_t>(w.bias.size())}, w.bias));
        const int32_t out = add(activation(n, DataType::Float32, {1, s[0], s[1], s[2]}));
        const Padding pad = l.same_padding ? Padding::Same : Padding::Valid;
        if (dw) {
          op(OpType::DepthwiseConv2D, {current, wt, bt}, out,
             DepthwiseConvOptions{pad, l.stride_w, l.stride_h, 1, 1, 1, ir_activation(l.activation)});
        } else {
          op(OpType::Conv2D, {current, wt, bt}, out,
             ConvOptions{pad, l.stride_w, l.stride_h, 1, 1, ir_activation(l.activation)});
        }
        break;
      }
      case LayerKind::MaxPool2D:
      case LayerKind::AvgPool2D:
      case LayerKind::GlobalAvgPool: {
        const auto& prev = i == 0 ? spec.input_shape : shapes[i - 1];
        const bool global = l.kind == LayerKind::GlobalAvgPool;
        PoolOptions p{Padding::Valid, global ? prev[1] : l.stride_w, global ? prev[0] : l.stride_h,
                      global ? prev[1] : l.kernel_w, global ? prev[0] : l.kernel_h, Activation::None};
        const int32_t out = add(activation(n, DataType::Float32, {1, s[0], s[1], s[2]}));
        op(l.kind == LayerKind::MaxPool2D ? OpType::MaxPool2D : OpType::AveragePool2D, {current}, out, p);
        break;
      }
      case LayerKind::Flatten: {
        const int32_t out = add(activation(n, DataType::Float32, {1, s[2]}));
        op(OpType::Reshape, {current}, out, ReshapeOptions{{1, s[2]}});
        flat = true;
        break;
      }
      case LayerKind::Dropout:
        break;  // identity at inference
    }
    b.layer_output.push_back(current);
  }
  if (spec.classifier) {
    const int32_t out = add(activation("probabilities", DataType::Float32, g.tensors[static_cast<size_t>(current)].shape));
    op(OpType::Softmax, {current}, out, SoftmaxOptions{1.0f});
  } else if (!flat) {
    const int32_t n = spec.input_shape[0] * spec.input_shape[1] * spec.input_shape[2];
    const int32_t out = add(activation("output", DataType::Float32, {1, n}));
    op(OpType::Reshape, {current}, out, ReshapeOptions{{1, n}});
  }
  g.outputs = {current};
  g.validate();
  return b;
}

// Asymmetric int8 parameters for a range, widened to hold 0 (TFLite's nudging).
QuantParams activation_quant(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  if (hi - lo < 1e-6f) hi = lo + 1e-6f;
  const float scale = (hi - lo) / 255.0f;
  const double zp = std::round(-128.0 - static_cast<double>(lo) / scale);
  QuantParams q;
  q.scales = {scale};
  q.zero_points = {static_cast<int64_t>(std::clamp(zp, -128.0, 127.0))};
  return q;
}

}  // namespace

Graph float_graph(const TrainedModel& model) { return build_float(model).graph; }

Graph quantize_int8(const TrainedModel& model, const Examples& calibration, const QuantizeOptions& options) {
  require(calibration.size() > 0, "quantisation needs calibration examples");
  const Built built = build_float(model);
  const Graph& fg = built.graph;

  // Ranges of every activation tensor: the extremes of each calibration example, averaged
  // over the examples (as the moving averages of quantisation-aware training do), so that a
  // few outliers do not stretch the scale for all the others; kMinMax takes the extremes.
  const size_t count = fg.tensors.size();
  std::vector<double> lo_sum(count, 0), hi_sum(count, 0);
  std::vector<float> lo(count, INFINITY), hi(count, -INFINITY);
  interp::Interpreter interp(fg);
  const size_t n = std::min(calibration.size(), options.max_calibration_examples);
  const size_t stride = calibration.size() / n;
  const size_t per = calibration.example_size();
  auto record = [&](int32_t t) {
    const auto bytes = interp.tensor_bytes(t);
    const float* v = reinterpret_cast<const float*>(bytes.data());
    float example_lo = INFINITY, example_hi = -INFINITY;
    for (size_t k = 0; k < bytes.size() / 4; ++k) {
      example_lo = std::min(example_lo, v[k]);
      example_hi = std::max(example_hi, v[k]);
    }
    const auto i = static_cast<size_t>(t);
    lo_sum[i] += example_lo;
    hi_sum[i] += example_hi;
    lo[i] = std::min(lo[i], example_lo);
    hi[i] = std::max(hi[i], example_hi);
  };
  for (size_t e = 0; e < n; ++e) {
    std::memcpy(interp.input(0).data(), calibration.x.data() + e * stride * per, per * sizeof(float));
    record(fg.inputs[0]);
    interp.invoke([&](size_t k) { record(fg.ops[k].outputs[0]); });
  }
  if (options.ranges == CalibrationRange::MeanExtremes) {
    for (size_t i = 0; i < count; ++i) {
      lo[i] = static_cast<float>(lo_sum[i] / static_cast<double>(n));
      hi[i] = static_cast<float>(hi_sum[i] / static_cast<double>(n));
    }
  }

  Graph q = fg;
  q.description = fg.description + " (int8, post-training quantisation)";
  // Activations first: ops that must keep their input's quantisation take it from there.
  for (size_t t = 0; t < q.tensors.size(); ++t) {
    Tensor& tensor = q.tensors[t];
    if (tensor.is_constant()) continue;
    tensor.type = DataType::Int8;
    tensor.quant = activation_quant(lo[t], hi[t]);
  }
  for (const Op& op : q.ops) {
    Tensor& out = q.tensors[static_cast<size_t>(op.outputs[0])];
    if (op.type == OpType::Softmax) {
      out.quant.scales = {1.0f / 256.0f};
      out.quant.zero_points = {-128};
    }
    if (op.type == OpType::MaxPool2D || op.type == OpType::AveragePool2D || op.type == OpType::Reshape)
      out.quant = q.tensors[static_cast<size_t>(op.inputs[0])].quant;
  }
  // Weights: symmetric per output channel; biases at input scale x weight scale.
  for (const Op& op : q.ops) {
    if (op.type != OpType::FullyConnected && op.type != OpType::Conv2D && op.type != OpType::DepthwiseConv2D) continue;
    Tensor& w = q.tensors[static_cast<size_t>(op.inputs[1])];
    Tensor& b = q.tensors[static_cast<size_t>(op.inputs[2])];
    const float in_scale = q.tensors[static_cast<size_t>(op.inputs[0])].quant.scales[0];
    const auto values = w.constant_as<float>();
    const bool depthwise = op.type == OpType::DepthwiseConv2D;
    const size_t channels = static_cast<size_t>(depthwise ? w.shape.back() : w.shape[0]);
    const size_t per_channel = values.size() / channels;
    auto channel_of = [&](size_t k) { return depthwise ? k % channels : k / per_channel; };
    std::vector<float> max_abs(channels, 0.f);
    for (size_t k = 0; k < values.size(); ++k)
      max_abs[channel_of(k)] = std::max(max_abs[channel_of(k)], std::fabs(values[k]));
    QuantParams wq;
    wq.axis = depthwise ? 3 : 0;
    for (size_t c = 0; c < channels; ++c) {
      wq.scales.push_back(max_abs[c] > 0 ? max_abs[c] / 127.0f : 1e-8f);
      wq.zero_points.push_back(0);
    }
    std::vector<int8_t> qw(values.size());
    for (size_t k = 0; k < values.size(); ++k)
      qw[k] = static_cast<int8_t>(std::clamp(std::lround(values[k] / wq.scales[channel_of(k)]), -127L, 127L));
    const auto bias = b.constant_as<float>();
    std::vector<int32_t> qb(bias.size());
    QuantParams bq;
    for (size_t c = 0; c < bias.size(); ++c) {
      const float s = in_scale * wq.scales[c];
      bq.scales.push_back(s);
      bq.zero_points.push_back(0);
      qb[c] = static_cast<int32_t>(std::clamp(std::llround(static_cast<double>(bias[c]) / s),
                                              static_cast<long long>(INT32_MIN + 1), static_cast<long long>(INT32_MAX)));
    }
    Tensor nw = constant(w.name, DataType::Int8, w.shape, qw);
    nw.quant = wq;
    Tensor nb = constant(b.name, DataType::Int32, b.shape, qb);
    nb.quant = bq;
    w = std::move(nw);
    b = std::move(nb);
  }
  q.validate();
  return q;
}

std::vector<int8_t> quantize_input(const Graph& g, const float* features, size_t count) {
  const Tensor& in = g.tensors.at(static_cast<size_t>(g.inputs.at(0)));
  require(in.type == DataType::Int8 && in.quant.is_quantized(), "the graph's input is not int8");
  const float scale = in.quant.scales[0];
  const int64_t zp = in.quant.zero_points[0];
  std::vector<int8_t> out(count);
  for (size_t i = 0; i < count; ++i)
    out[i] = static_cast<int8_t>(std::clamp<int64_t>(std::lround(features[i] / scale) + zp, -128, 127));
  return out;
}

}  // namespace tinyops::train
