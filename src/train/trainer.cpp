// The only translation unit that includes LibTorch's headers (they are heavy).
#include "tinyops/train/trainer.hpp"

#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "tinyops/core/error.hpp"

namespace tinyops::train {

size_t Examples::example_size() const {
  return shape.size() == 3 ? static_cast<size_t>(shape[0]) * shape[1] * shape[2] : 0;
}
size_t Examples::size() const { return example_size() ? x.size() / example_size() : 0; }

Examples Examples::subset(const std::vector<size_t>& rows) const {
  Examples out;
  out.shape = shape;
  const size_t n = example_size();
  out.x.reserve(rows.size() * n);
  for (size_t r : rows) {
    out.x.insert(out.x.end(), x.begin() + static_cast<std::ptrdiff_t>(r * n),
                 x.begin() + static_cast<std::ptrdiff_t>((r + 1) * n));
    if (!y.empty()) out.y.push_back(y[r]);
  }
  return out;
}

namespace {

// The spec as torch layers; input NHWC, converted to NCHW for the convolutions and back
// to NHWC before Flatten, so Dense weights read their inputs in TFLite's order.
class Net : public torch::nn::Module {
 public:
  explicit Net(const NetworkSpec& spec) : spec_(spec) {
    const auto shapes = layer_shapes(spec);
    int64_t channels = spec.input_shape[2];
    int64_t flat = static_cast<int64_t>(spec.input_shape[0]) * spec.input_shape[1] * spec.input_shape[2];
    for (size_t i = 0; i < spec.layers.size(); ++i) {
      const LayerSpec& l = spec.layers[i];
      const std::string name = "l" + std::to_string(i);
      torch::nn::AnyModule m;
      switch (l.kind) {
        case LayerKind::Dense:
          m = torch::nn::AnyModule(register_module(name, torch::nn::Linear(flat, l.units)));
          break;
        case LayerKind::Conv2D:
          m = torch::nn::AnyModule(register_module(
              name, torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, l.units, {l.kernel_h, l.kernel_w})
                                          .stride({l.stride_h, l.stride_w})
                                          .padding(l.same_padding ? torch::ExpandingArray<2>({l.kernel_h / 2, l.kernel_w / 2})
                                                                  : torch::ExpandingArray<2>({0, 0})))));
          break;
        case LayerKind::DepthwiseConv2D:
          m = torch::nn::AnyModule(register_module(
              name, torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, {l.kernel_h, l.kernel_w})
                                          .stride({l.stride_h, l.stride_w})
                                          .groups(channels)
                                          .padding(l.same_padding ? torch::ExpandingArray<2>({l.kernel_h / 2, l.kernel_w / 2})
                                                                  : torch::ExpandingArray<2>({0, 0})))));
          break;
        case LayerKind::Dropout:
          m = torch::nn::AnyModule(register_module(name, torch::nn::Dropout(l.dropout)));
          break;
        default:
          break;
      }
      modules_.push_back(std::move(m));
      if (l.batch_norm) {
        require(l.kind == LayerKind::Conv2D || l.kind == LayerKind::DepthwiseConv2D,
                spec.name + ": batch normalisation follows convolutions only");
        norms_.push_back(register_module("bn" + std::to_string(i), torch::nn::BatchNorm2d(shapes[i][2])));
      } else {
        norms_.push_back(nullptr);
      }
      channels = shapes[i][2];
      flat = static_cast<int64_t>(shapes[i][0]) * shapes[i][1] * shapes[i][2];
    }
  }

  torch::Tensor forward(torch::Tensor x) {
    x = x.permute({0, 3, 1, 2});  // NCHW
    bool nchw = true;
    for (size_t i = 0; i < spec_.layers.size(); ++i) {
      const LayerSpec& l = spec_.layers[i];
      switch (l.kind) {
        case LayerKind::Dense:
          if (nchw) {
            x = x.permute({0, 2, 3, 1}).flatten(1);
            nchw = false;
          }
          x = modules_[i].forward(x);
          break;
        case LayerKind::Conv2D:
        case LayerKind::DepthwiseConv2D:
          x = modules_[i].forward(x);
          if (norms_[i]) x = norms_[i]->forward(x);
          break;
        case LayerKind::MaxPool2D:
          x = torch::max_pool2d(x, {l.kernel_h, l.kernel_w}, {l.stride_h, l.stride_w});
          break;
        case LayerKind::AvgPool2D:
          x = torch::avg_pool2d(x, {l.kernel_h, l.kernel_w}, {l.stride_h, l.stride_w});
          break;
        case LayerKind::GlobalAvgPool:
          x = x.mean({2, 3}, true);
          break;
        case LayerKind::Flatten:
          x = x.permute({0, 2, 3, 1}).flatten(1);
          nchw = false;
          break;
        case LayerKind::Dropout:
          x = modules_[i].forward(x);
          break;
      }
      if (l.activation == LayerActivation::Relu) x = torch::relu(x);
      if (l.activation == LayerActivation::Relu6) x = torch::hardtanh(x, 0, 6);
    }
    return nchw ? x.permute({0, 2, 3, 1}).flatten(1) : x;
  }

  // Weights out in TFLite layouts, and back in.
  std::vector<LayerWeights> export_weights() {
    std::vector<LayerWeights> out(spec_.layers.size());
    torch::NoGradGuard guard;
    for (size_t i = 0; i < spec_.layers.size(); ++i) {
      torch::Tensor w = parameter(i, "weight");
      if (!w.defined()) continue;
      torch::Tensor bias = parameter(i, "bias");
      if (norms_[i]) {
        // Fold the running statistics: y = gamma (x - mean) / sqrt(var + eps) + beta.
        const auto& bn = norms_[i];
        const torch::Tensor factor = bn->weight / torch::sqrt(bn->running_var + bn->options.eps());
        w = w * factor.view({-1, 1, 1, 1});
        bias = (bias - bn->running_mean) * factor + bn->bias;
      }
      const LayerKind kind = spec_.layers[i].kind;
      if (kind == LayerKind::Conv2D) w = w.permute({0, 2, 3, 1});         // OIHW -> OHWI
      if (kind == LayerKind::DepthwiseConv2D) w = w.permute({1, 2, 3, 0});  // C1HW -> 1HWC
      w = w.contiguous();
      out[i].shape.assign(w.sizes().begin(), w.sizes().end());
      out[i].weights.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
      torch::Tensor b = bias.contiguous();
      out[i].bias.assign(b.data_ptr<float>(), b.data_ptr<float>() + b.numel());
    }
    return out;
  }

  void import_weights(const std::vector<LayerWeights>& in) {
    torch::NoGradGuard guard;
    for (size_t i = 0; i < spec_.layers.size(); ++i) {
      torch::Tensor w = parameter(i, "weight");
      if (!w.defined()) continue;
      const LayerWeights& lw = in.at(i);
      std::vector<int64_t> shape(lw.shape.begin(), lw.shape.end());
      torch::Tensor t = torch::from_blob(const_cast<float*>(lw.weights.data()), shape, torch::kFloat32).clone();
      const LayerKind kind = spec_.layers[i].kind;
      if (kind == LayerKind::Conv2D) t = t.permute({0, 3, 1, 2});
      if (kind == LayerKind::DepthwiseConv2D) t = t.permute({3, 0, 1, 2});
      w.copy_(t);
      parameter(i, "bias").copy_(torch::from_blob(const_cast<float*>(lw.bias.data()),
                                                  {static_cast<int64_t>(lw.bias.size())}, torch::kFloat32));
    }
  }

  torch::Tensor parameter(size_t layer, const std::string& what) {
    const std::string key = "l" + std::to_string(layer) + "." + what;
    for (auto& p : named_parameters())
      if (p.key() == key) return p.value();
    return {};
  }

 private:
  NetworkSpec spec_;
  std::vector<torch::nn::AnyModule> modules_;
  std::vector<torch::nn::BatchNorm2d> norms_;  // per layer; null where none
};

torch::Tensor to_tensor(const Examples& e) {
  return torch::from_blob(const_cast<float*>(e.x.data()),
                          {static_cast<int64_t>(e.size()), e.shape[0], e.shape[1], e.shape[2]},
                          torch::kFloat32);
}

}  // namespace

TrainResult train(const NetworkSpec& spec, const Examples& training, const Examples& validation,
                  const TrainOptions& options) {
  require(training.size() > 0, "no training examples");
  require(training.shape == spec.input_shape,
          "the features do not have the network's input shape");
  torch::set_num_threads(1);  // the same sums in the same order: a seed fixes the result
  torch::manual_seed(options.seed);
  auto net = std::make_shared<Net>(spec);
  if (options.initial) {
    for (const LayerSpec& l : spec.layers)
      require(!l.batch_norm, "fine-tuning starts from folded weights: the spec must not add batch normalisation");
    net->import_weights(options.initial->layers);
  }

  // Pruning masks: 1 where the initial weight is nonzero.
  std::vector<std::pair<torch::Tensor, torch::Tensor>> masks;
  if (options.keep_zeros) {
    for (auto& p : net->named_parameters())
      if (p.key().ends_with(".weight")) masks.emplace_back(p.value(), (p.value() != 0).to(torch::kFloat32));
  }

  const int64_t classes = spec.classifier ? spec.layers.back().units : 0;
  torch::Tensor weights;
  if (spec.classifier && options.class_weights) {
    std::vector<float> counts(static_cast<size_t>(classes), 0.f);
    for (int32_t c : training.y) counts.at(static_cast<size_t>(c)) += 1;
    std::vector<float> w(counts.size());
    for (size_t c = 0; c < counts.size(); ++c)
      w[c] = counts[c] > 0 ? static_cast<float>(training.size()) / (static_cast<float>(classes) * counts[c]) : 0.f;
    weights = torch::tensor(w);
  }

  const torch::Tensor x_all = to_tensor(training);
  const torch::Tensor y_all = spec.classifier ? torch::tensor(training.y, torch::kInt64) : torch::Tensor();
  const torch::Tensor vx = validation.size() ? to_tensor(validation) : torch::Tensor();
  const torch::Tensor vy = spec.classifier && validation.size() ? torch::tensor(validation.y, torch::kInt64) : torch::Tensor();

  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(options.learning_rate));
  auto loss_of = [&](const torch::Tensor& out, const torch::Tensor& target_x, const torch::Tensor& target_y) {
    if (!spec.classifier) return torch::mse_loss(out, target_x.flatten(1));
    return weights.defined()
               ? torch::nn::functional::cross_entropy(out, target_y,
                                                      torch::nn::functional::CrossEntropyFuncOptions().weight(weights))
               : torch::nn::functional::cross_entropy(out, target_y);
  };

  TrainResult result;
  double best = INFINITY;
  int since_best = 0;
  std::mt19937_64 rng(options.seed);
  std::vector<int64_t> order(training.size());
  std::iota(order.begin(), order.end(), 0);
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    const double lr = options.learning_rate *
                      (0.05 + 0.95 * 0.5 * (1 + std::cos(M_PI * (epoch - 1) / std::max(1, options.epochs))));
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    // Fisher-Yates with our own generator: the same order on every platform.
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    net->train();
    double loss_sum = 0;
    int64_t correct = 0;
    for (size_t start = 0; start < order.size(); start += static_cast<size_t>(options.batch_size)) {
      const size_t end = std::min(order.size(), start + static_cast<size_t>(options.batch_size));
      const torch::Tensor idx = torch::tensor(std::vector<int64_t>(order.begin() + static_cast<std::ptrdiff_t>(start),
                                                                   order.begin() + static_cast<std::ptrdiff_t>(end)));
      const torch::Tensor bx = x_all.index_select(0, idx);
      const torch::Tensor by = spec.classifier ? y_all.index_select(0, idx) : torch::Tensor();
      optimizer.zero_grad();
      const torch::Tensor out = net->forward(bx);
      const torch::Tensor loss = loss_of(out, bx, by);
      loss.backward();
      optimizer.step();
      if (!masks.empty()) {
        torch::NoGradGuard guard;
        for (auto& [p, m] : masks) p.mul_(m);
      }
      loss_sum += loss.item<double>() * static_cast<double>(end - start);
      if (spec.classifier) correct += out.argmax(1).eq(by).sum().item<int64_t>();
    }
    EpochLog log;
    log.epoch = epoch;
    log.epochs = options.epochs;
    log.learning_rate = lr;
    log.loss = loss_sum / static_cast<double>(order.size());
    log.accuracy = spec.classifier ? static_cast<double>(correct) / static_cast<double>(order.size()) : 0;
    net->eval();
    {
      torch::NoGradGuard guard;
      if (vx.defined()) {
        const torch::Tensor out = net->forward(vx);
        log.val_loss = loss_of(out, vx, vy).item<double>();
        if (spec.classifier)
          log.val_accuracy = out.argmax(1).eq(vy).sum().item<double>() / static_cast<double>(validation.size());
      } else {
        log.val_loss = log.loss;
        log.val_accuracy = log.accuracy;
      }
    }
    log.best = log.val_loss < best;
    if (log.best) {
      best = log.val_loss;
      since_best = 0;
      result.best_epoch = epoch;
      result.model.layers = net->export_weights();
    } else {
      ++since_best;
    }
    result.history.push_back(log);
    if (options.on_epoch) options.on_epoch(log);
    if (since_best >= options.patience) {
      result.stopped_early = true;
      break;
    }
  }
  result.model.spec = spec;
  for (LayerSpec& l : result.model.spec.layers) l.batch_norm = false;  // folded into the weights
  return result;
}

std::string torch_version() { return std::string("libtorch ") + TORCH_VERSION; }

std::vector<std::vector<float>> predict(const TrainedModel& model, const Examples& examples) {
  torch::set_num_threads(1);
  auto net = std::make_shared<Net>(model.spec);
  net->import_weights(model.layers);
  net->eval();
  torch::NoGradGuard guard;
  torch::Tensor out = net->forward(to_tensor(examples));
  if (model.spec.classifier) out = torch::softmax(out, 1);
  out = out.contiguous();
  std::vector<std::vector<float>> rows(examples.size());
  const int64_t width = out.size(1);
  for (size_t i = 0; i < rows.size(); ++i)
    rows[i].assign(out.data_ptr<float>() + static_cast<int64_t>(i) * width,
                   out.data_ptr<float>() + static_cast<int64_t>(i + 1) * width);
  return rows;
}

}  // namespace tinyops::train
