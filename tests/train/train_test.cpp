// Training, quantisation and metrics on small synthetic problems that train in seconds:
// the model learns, the same seed gives the same weights, and the int8 graph run by the
// interpreter agrees with the float model.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "tinyops/interp/interpreter.hpp"
#include "tinyops/train/metrics.hpp"
#include "tinyops/train/model_export.hpp"
#include "tinyops/train/prune.hpp"
#include "tinyops/train/trainer.hpp"

namespace tinyops::train {
namespace {

// Three classes of 2-axis signals over 32 steps: sine of 2, 5 or 9 cycles on axis 0 with
// random phase and amplitude, noise on both axes.
Examples waves(size_t per_class, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0, 0.3f);
  std::uniform_real_distribution<float> u(0, 1);
  Examples e;
  e.shape = {1, 32, 2};
  const float cycles[] = {2, 5, 9};
  for (size_t i = 0; i < per_class * 3; ++i) {
    const int32_t c = static_cast<int32_t>(i % 3);
    const float phase = 6.283f * u(rng), amp = 0.5f + u(rng);
    for (int t = 0; t < 32; ++t) {
      e.x.push_back(amp * std::sin(6.283f * cycles[c] * static_cast<float>(t) / 32 + phase) + noise(rng));
      e.x.push_back(noise(rng));
    }
    e.y.push_back(c);
  }
  return e;
}

TrainOptions quick(int epochs) {
  TrainOptions o;
  o.epochs = epochs;
  o.batch_size = 16;
  o.learning_rate = 3e-3;
  o.seed = 42;
  return o;
}

std::vector<int32_t> int8_predictions(const Graph& g, const Examples& e) {
  interp::Interpreter interp(g);
  std::vector<int32_t> out;
  for (size_t i = 0; i < e.size(); ++i) {
    const auto q = quantize_input(g, e.x.data() + i * e.example_size(), e.example_size());
    std::memcpy(interp.input(0).data(), q.data(), q.size());
    interp.invoke();
    const auto o = interp.output(0);
    out.push_back(static_cast<int32_t>(std::max_element(o.begin(), o.end(), [](uint8_t a, uint8_t b) {
                                         return static_cast<int8_t>(a) < static_cast<int8_t>(b);
                                       }) - o.begin()));
  }
  return out;
}

TEST(Train, Conv1dLearnsQuantisesAndIsReproducible) {
  const Examples training = waves(60, 1), validation = waves(20, 2), test = waves(30, 3);
  const NetworkSpec spec = conv1d_net(32, 2, 3, 8);
  int epochs_logged = 0;
  TrainOptions options = quick(12);
  options.on_epoch = [&](const EpochLog& log) {
    ++epochs_logged;
    EXPECT_GT(log.learning_rate, 0);
  };
  const TrainResult a = train(spec, training, validation, options);
  EXPECT_EQ(epochs_logged, static_cast<int>(a.history.size()));

  std::vector<int32_t> truth = test.y, predicted;
  for (const auto& p : predict(a.model, test)) predicted.push_back(argmax(p));
  const double float_accuracy = classification_report(truth, predicted, 3).accuracy;
  EXPECT_GT(float_accuracy, 0.9);

  options.on_epoch = nullptr;
  const TrainResult b = train(spec, training, validation, options);
  for (size_t i = 0; i < a.model.layers.size(); ++i)
    EXPECT_EQ(a.model.layers[i].weights, b.model.layers[i].weights) << "layer " << i << ": same seed, same weights";

  const Graph q = quantize_int8(a.model, training);
  const double int8_accuracy = classification_report(truth, int8_predictions(q, test), 3).accuracy;
  EXPECT_NEAR(int8_accuracy, float_accuracy, 0.05);
}

TEST(Train, MagnitudePruningMasksSurviveFineTuning) {
  const Examples training = waves(40, 4), validation = waves(10, 5);
  const NetworkSpec spec = dense_mlp(64, {16}, 3);
  Examples flat_training = training, flat_validation = validation;
  flat_training.shape = flat_validation.shape = {1, 1, 64};
  const TrainResult base = train(spec, flat_training, flat_validation, quick(5));
  TrainedModel pruned = base.model;
  for (auto& l : pruned.layers)
    for (size_t k = 0; k < l.weights.size(); k += 2) l.weights[k] = 0;  // half the weights
  TrainOptions o = quick(3);
  o.initial = &pruned;
  o.keep_zeros = true;
  const TrainResult tuned = train(spec, flat_training, flat_validation, o);
  for (const auto& l : tuned.model.layers)
    for (size_t k = 0; k < l.weights.size(); k += 2) ASSERT_EQ(l.weights[k], 0.f);
}

TEST(Prune, ChannelPruningShrinksTheNetworkAndFineTuningRecovers) {
  const Examples training = waves(60, 11), validation = waves(20, 12), test = waves(30, 13);
  const NetworkSpec spec = conv1d_net(32, 2, 3, 8);
  const TrainResult base = train(spec, training, validation, quick(12));
  const TrainedModel slim = prune_channels(base.model, 0.5);
  EXPECT_LT(parameter_count(slim.spec), parameter_count(spec) * 6 / 10);
  EXPECT_LT(mac_count(slim.spec), mac_count(spec) * 6 / 10);
  EXPECT_EQ(slim.spec.layers[0].units, 4);
  TrainOptions o = quick(8);
  o.initial = &slim;
  const TrainResult tuned = train(slim.spec, training, validation, o);
  std::vector<int32_t> predicted;
  for (const auto& p : predict(tuned.model, test)) predicted.push_back(argmax(p));
  EXPECT_GT(classification_report(test.y, predicted, 3).accuracy, 0.85);
  // Quantised, the slim network still runs on the interpreter.
  EXPECT_NO_THROW(quantize_int8(tuned.model, training));

  const TrainedModel sparse = prune_magnitude(base.model, 0.6);
  for (size_t i = 0; i < sparse.layers.size(); ++i) {
    const auto& w = sparse.layers[i].weights;
    const double zeros = static_cast<double>(std::count(w.begin(), w.end(), 0.0f)) / static_cast<double>(std::max<size_t>(1, w.size()));
    if (w.size() >= 256) EXPECT_NEAR(zeros, 0.6, 0.01) << "layer " << i;
    else EXPECT_EQ(zeros, 0.0) << "layer " << i << " is too small to prune";
  }
  EXPECT_GT(weight_sparsity(sparse), 0.5);
}

// The float graph computes what the torch module computes, for every architecture (layouts,
// padding, pooling, flatten order, folded batch normalisation).
TEST(ModelExport, FloatGraphMatchesTorchForEveryArchitecture) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0, 1);
  const std::vector<NetworkSpec> specs = {conv1d_net(32, 2, 3, 4), small_cnn(8, 8, 1, 3),
                                          ds_cnn(31, 16, 3, false), dense_mlp(12, {5}, 3)};
  for (const NetworkSpec& spec : specs) {
    Examples e;
    e.shape = spec.input_shape;
    for (int i = 0; i < 40; ++i) {
      for (size_t k = 0; k < e.example_size(); ++k) e.x.push_back(u(rng));
      e.y.push_back(i % 3);
    }
    const TrainResult r = train(spec, e, e, quick(2));  // batch-norm statistics get updated
    const Graph g = float_graph(r.model);
    interp::Interpreter interp(g);
    const auto expected = predict(r.model, e);
    for (size_t i = 0; i < e.size(); ++i) {
      std::memcpy(interp.input(0).data(), e.x.data() + i * e.example_size(), e.example_size() * 4);
      interp.invoke();
      const auto out = interp.output(0);
      for (size_t k = 0; k < expected[i].size(); ++k) {
        float v;
        std::memcpy(&v, out.data() + 4 * k, 4);
        ASSERT_NEAR(v, expected[i][k], 1e-4) << spec.name << " example " << i << " output " << k;
      }
    }
  }
}

// TFLite's quantisation rules and their error bounds: each weight within half a step of its
// channel's scale, each bias within half a step of input scale x weight scale, zero points
// of weights 0, and the int8 graph's outputs close to the float graph's.
TEST(Quantize, WeightsBiasesAndOutputsStayWithinTheirErrorBounds) {
  const Examples training = waves(40, 21);
  const TrainResult r = train(conv1d_net(32, 2, 3, 6), training, training, quick(6));
  const Graph f = float_graph(r.model);
  const Graph q = quantize_int8(r.model, training);
  ASSERT_EQ(f.tensors.size(), q.tensors.size());
  int checked = 0;
  for (const Op& op : q.ops) {
    if (op.type != OpType::Conv2D && op.type != OpType::FullyConnected) continue;
    const Tensor& wq = q.tensors[static_cast<size_t>(op.inputs[1])];
    const Tensor& wf = f.tensors[static_cast<size_t>(op.inputs[1])];
    const Tensor& bq = q.tensors[static_cast<size_t>(op.inputs[2])];
    const Tensor& bf = f.tensors[static_cast<size_t>(op.inputs[2])];
    ASSERT_EQ(wq.type, DataType::Int8);
    ASSERT_EQ(bq.type, DataType::Int32);
    const auto wv = wq.constant_as<int8_t>();
    const auto fv = wf.constant_as<float>();
    const size_t channels = wq.quant.scales.size();
    ASSERT_EQ(channels, static_cast<size_t>(wq.shape[0])) << "per output channel";
    const size_t per = wv.size() / channels;
    for (size_t k = 0; k < wv.size(); ++k) {
      const float scale = wq.quant.scales[k / per];
      EXPECT_EQ(wq.quant.zero_points[k / per], 0);
      EXPECT_LE(std::fabs(wv[k] * scale - fv[k]), scale / 2 + 1e-7f);
      EXPECT_GE(wv[k], -127);
    }
    const float in_scale = q.tensors[static_cast<size_t>(op.inputs[0])].quant.scales[0];
    const auto bv = bq.constant_as<int32_t>();
    const auto bfv = bf.constant_as<float>();
    for (size_t c = 0; c < bv.size(); ++c) {
      const double s = static_cast<double>(in_scale) * wq.quant.scales[c];
      EXPECT_FLOAT_EQ(bq.quant.scales[c], static_cast<float>(s));
      EXPECT_LE(std::fabs(bv[c] * s - bfv[c]), s / 2 + 1e-6);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 4);
  // Softmax output: scale 1/256, zero point -128.
  const Tensor& out = q.tensors[static_cast<size_t>(q.outputs[0])];
  EXPECT_FLOAT_EQ(out.quant.scales[0], 1.0f / 256);
  EXPECT_EQ(out.quant.zero_points[0], -128);
  // Probabilities: on average within 0.05 of the float ones (noise of four layers), the same class for
  // nearly every example (quantisation noise may flip a near tie).
  interp::Interpreter fi(f), qi(q);
  double total = 0;
  size_t agree = 0;
  for (size_t i = 0; i < training.size(); ++i) {
    std::memcpy(fi.input(0).data(), training.x.data() + i * training.example_size(), training.example_size() * 4);
    fi.invoke();
    const auto in = quantize_input(q, training.x.data() + i * training.example_size(), training.example_size());
    std::memcpy(qi.input(0).data(), in.data(), in.size());
    qi.invoke();
    std::vector<float> pf(3), pq(3);
    for (size_t k = 0; k < 3; ++k) {
      std::memcpy(&pf[k], fi.output(0).data() + 4 * k, 4);
      pq[k] = static_cast<float>((static_cast<int8_t>(qi.output(0)[k]) + 128) / 256.0);
      total += std::fabs(pq[k] - pf[k]);
    }
    agree += argmax(pf) == argmax(pq);
  }
  EXPECT_LT(total / static_cast<double>(3 * training.size()), 0.05);
  EXPECT_GE(static_cast<double>(agree), 0.95 * static_cast<double>(training.size()));
}

TEST(Metrics, HandComputedReportAndAuc) {
  const ClassificationReport r = classification_report({0, 0, 1, 1, 1, 2}, {0, 1, 1, 1, 2, 2}, 3);
  EXPECT_DOUBLE_EQ(r.accuracy, 4.0 / 6);
  EXPECT_EQ(r.confusion[1][2], 1);
  EXPECT_DOUBLE_EQ(r.classes[1].precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(r.classes[1].recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(r.classes[0].recall, 0.5);
  EXPECT_DOUBLE_EQ(r.classes[0].f1, 2 * 1.0 * 0.5 / 1.5);
  EXPECT_DOUBLE_EQ(roc_auc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75);
  EXPECT_DOUBLE_EQ(roc_auc({1, 1}, {0, 1}), 0.5);
}

TEST(Train, AutoencoderSeparatesAnomaliesByReconstructionError) {
  // Normal: smooth sines; anomalies: white noise.
  Examples normal = waves(60, 6);
  normal.shape = {1, 1, 64};
  const NetworkSpec spec = dense_autoencoder(64, {16, 4});
  TrainOptions o = quick(20);
  const TrainResult r = train(spec, normal, normal, o);
  Examples probe = waves(10, 7);
  probe.shape = {1, 1, 64};
  std::mt19937 rng(8);
  std::normal_distribution<float> noise(0, 1);
  std::vector<int32_t> anomaly(probe.size(), 0);
  for (size_t i = 0; i < 30; ++i) {
    for (int k = 0; k < 64; ++k) probe.x.push_back(noise(rng));
    anomaly.push_back(1);
  }
  const auto out = predict(r.model, probe);
  std::vector<double> score;
  for (size_t i = 0; i < out.size(); ++i) {
    double e = 0;
    for (size_t k = 0; k < 64; ++k) e += std::pow(out[i][k] - probe.x[i * 64 + k], 2);
    score.push_back(e);
  }
  EXPECT_GT(roc_auc(score, anomaly), 0.9);
}

}  // namespace
}  // namespace tinyops::train
