// tflm_mnist_lstm_int8 has no TFLM reference vectors, so its LSTM layer is checked against
// the real-valued LSTM recomputed here in double from the dequantised weights: the int8 /
// int16 kernel must stay within a few output steps of it at every time step (a swapped
// gate, a wrong tensor index or a lost state would be far off), and its state must carry
// from one invoke to the next as TFLite Micro's variable tensors do.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <vector>

#include "tinyops/core/error.hpp"
#include "tinyops/core/graph.hpp"
#include "tinyops/core/tensor_values.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops {
namespace {

namespace fs = std::filesystem;

const fs::path kModel = fs::path(TINYOPS_SHARED_MODELS) / "extra" / "tflm_mnist_lstm_int8.tflite";

double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

// A stroke-like 28 x 28 image: a slanted bar and a ring, as an MNIST digit's rows.
std::vector<int8_t> digit_like_input() {
  std::vector<int8_t> v(28 * 28);
  for (int r = 0; r < 28; ++r) {
    for (int c = 0; c < 28; ++c) {
      const double ring = std::abs(std::hypot(r - 14.0, c - 12.0) - 7.0);
      const double bar = std::abs(c - (20 - r * 0.4));
      const double ink = std::fmax(std::fmax(0.0, 1.0 - ring / 1.5), std::fmax(0.0, 1.0 - bar));
      v[static_cast<size_t>(r * 28 + c)] = static_cast<int8_t>(std::lround(ink * 255.0) - 128);
    }
  }
  return v;
}

struct FloatLstm {
  int steps = 0, inputs = 0, units = 0;
  std::vector<double> wi[4], wr[4], b[4];  // gate order input, forget, cell, output
  double cell_clip = 0.0;
};

std::vector<double> values_of(const Graph& g, int32_t index) {
  const Tensor& t = g.tensors[static_cast<size_t>(index)];
  return real_values(t, t.data);
}

TEST(MnistLstm, LstmLayerFollowsTheRealValuedLstm) {
  if (!fs::exists(kModel)) GTEST_SKIP() << kModel << " is not available";
  const Graph g = formats::import_tflite_file(kModel);
  ASSERT_EQ(g.ops[0].type, OpType::UnidirectionalSequenceLstm);
  const Op& op = g.ops[0];
  FloatLstm f;
  const Tensor& in_t = g.tensors[static_cast<size_t>(op.inputs[0])];
  f.steps = in_t.shape[1];
  f.inputs = in_t.shape[2];
  for (int k = 0; k < 4; ++k) {
    f.wi[k] = values_of(g, op.inputs[static_cast<size_t>(1 + k)]);
    f.wr[k] = values_of(g, op.inputs[static_cast<size_t>(5 + k)]);
    f.b[k] = values_of(g, op.inputs[static_cast<size_t>(12 + k)]);
  }
  f.units = static_cast<int>(f.b[0].size());

  interp::Interpreter interp(g);
  const std::vector<int8_t> image = digit_like_input();
  std::memcpy(interp.input(0).data(), image.data(), image.size());
  interp.invoke();
  const int32_t out_index = op.outputs[0];
  const Tensor& out_t = g.tensors[static_cast<size_t>(out_index)];
  const std::vector<double> got = real_values(out_t, interp.tensor_bytes(out_index));
  const std::vector<double> x = real_values(
      in_t, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
  const double step = out_t.quant.scales.at(0);

  std::vector<double> h(static_cast<size_t>(f.units), 0.0), c(h);
  double worst = 0.0;
  for (int t = 0; t < f.steps; ++t) {
    std::vector<double> gate[4];
    for (int k = 0; k < 4; ++k) {
      gate[k].resize(static_cast<size_t>(f.units));
      for (int u = 0; u < f.units; ++u) {
        double acc = f.b[k][static_cast<size_t>(u)];
        for (int i = 0; i < f.inputs; ++i)
          acc += f.wi[k][static_cast<size_t>(u * f.inputs + i)] *
                 x[static_cast<size_t>(t * f.inputs + i)];
        for (int j = 0; j < f.units; ++j)
          acc += f.wr[k][static_cast<size_t>(u * f.units + j)] * h[static_cast<size_t>(j)];
        gate[k][static_cast<size_t>(u)] = k == 2 ? std::tanh(acc) : sigmoid(acc);
      }
    }
    for (int u = 0; u < f.units; ++u) {
      const auto s = static_cast<size_t>(u);
      c[s] = gate[1][s] * c[s] + gate[0][s] * gate[2][s];
      h[s] = gate[3][s] * std::tanh(c[s]);
      worst = std::fmax(worst, std::abs(h[s] - got[static_cast<size_t>(t * f.units + u)]));
    }
  }
  // Observed: 1.2 output steps at worst over all 28 steps and 20 units.
  EXPECT_LT(worst, 3.0 * step) << "worst difference " << worst << " (output step " << step << ")";
}

TEST(MnistLstm, StateCarriesAcrossInvokesUntilReset) {
  if (!fs::exists(kModel)) GTEST_SKIP() << kModel << " is not available";
  const Graph g = formats::import_tflite_file(kModel);
  interp::Interpreter interp(g);
  const std::vector<int8_t> image = digit_like_input();
  const auto run = [&] {
    std::memcpy(interp.input(0).data(), image.data(), image.size());
    interp.invoke();
    const int32_t lstm_out = g.ops[0].outputs[0];
    const auto bytes = interp.tensor_bytes(lstm_out);
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
  };
  const auto first = run();
  const auto second = run();
  EXPECT_NE(first, second);  // the second sequence starts from the first one's state
  interp.reset_state();
  EXPECT_EQ(run(), first);
}

// Each broken variant must be refused at prepare time with a message naming the problem.
void expect_refused(Graph g, const std::string& needle) {
  try {
    interp::Interpreter interp(g);
    FAIL() << "expected a refusal mentioning '" << needle << "'";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(MnistLstm, RefusesVariantsItCannotComputeByName) {
  if (!fs::exists(kModel)) GTEST_SKIP() << kModel << " is not available";
  const Graph g = formats::import_tflite_file(kModel);
  const Op& op = g.ops[0];
  {
    Graph bad = g;  // a state the op cannot update
    bad.tensors[static_cast<size_t>(op.inputs[19])].is_variable = false;
    expect_refused(bad, "variable");
  }
  {
    Graph bad = g;  // peephole weights present
    bad.ops[0].inputs[9] = op.inputs[1];
    expect_refused(bad, "peephole");
  }
  {
    Graph bad = g;  // CIFG: no input gate
    bad.ops[0].inputs[1] = kNoTensor;
    expect_refused(bad, "input gate");
  }
  {
    Graph bad = g;
    std::get<LstmOptions>(bad.ops[0].options).activation = Activation::Relu;
    expect_refused(bad, "cell gate activation");
  }
  {
    Graph bad = g;  // recurrent weights of the wrong shape
    bad.tensors[static_cast<size_t>(op.inputs[6])].shape = {10, 40};
    expect_refused(bad, "recurrent weights");
  }
}

}  // namespace
}  // namespace tinyops
