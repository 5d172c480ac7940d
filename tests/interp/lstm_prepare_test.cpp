// UNIDIRECTIONAL_SEQUENCE_LSTM prepare: the fixed-point multipliers of the eight gate
// fully-connected layers, read from the parameters the op emits. TFLite Micro derives them
// as its per-tensor FULLY_CONNECTED does (GetQuantizedConvolutionMultipler): the input and
// weight scales multiplied in float, then divided by the gate scale 2^-12 in double. The
// expected values below were worked out that way; the all-double product gives another
// multiplier for every one of these gates (e.g. 2042478135 instead of 2042478080).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "../support/graph_builder.hpp"
#include "tinyops/interp/c_emit.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::interp {
namespace {

using test_graphs::activation;
using test_graphs::constant;
using test_graphs::make_op;
using test_graphs::quant;
using ::testing::HasSubstr;

// Keeps what an op prints; tensors are named by index.
class Recorder : public EmitContext {
 public:
  std::string tensor(int32_t index) override { return "t" + std::to_string(index); }
  std::string unique(const std::string& base) override { return "op0_" + base; }
  void declare(const std::string& d) override { text += d + "\n"; }
  void statement(const std::string& s) override { text += s + "\n"; }
  void reset_statement(const std::string& s) override { text += s + "\n"; }
  void use_source(const std::string&) override {}
  std::string text;
};

// One unit, one input, one step; weight scales per gate as given (TFLite's input order:
// input, forget, cell, output).
Graph one_unit_lstm(float input_scale, float hidden_scale, const float (&input_w)[4],
                    const float (&recurrent_w)[4]) {
  Graph g;
  g.tensors.push_back(activation("x", DataType::Int8, {1, 1, 1}, quant({input_scale}, {-128})));
  for (float s : input_w)
    g.tensors.push_back(constant<int8_t>("wi", DataType::Int8, {1, 1}, {37}, quant({s}, {0})));
  for (float s : recurrent_w)
    g.tensors.push_back(constant<int8_t>("wr", DataType::Int8, {1, 1}, {-21}, quant({s}, {0})));
  for (float s : input_w) {
    g.tensors.push_back(
        constant<int32_t>("b", DataType::Int32, {1}, {1000}, quant({input_scale * s}, {0})));
  }
  Tensor hidden = activation("h", DataType::Int8, {1, 1}, quant({hidden_scale}, {3}));
  hidden.is_variable = true;
  hidden.data.assign(1, 0);
  Tensor cell = activation("c", DataType::Int16, {1, 1}, quant({0x1.0p-11f}, {0}));
  cell.is_variable = true;
  cell.data.assign(2, 0);
  g.tensors.push_back(hidden);  // 13
  g.tensors.push_back(cell);    // 14
  g.tensors.push_back(activation("y", DataType::Int8, {1, 1, 1}, quant({hidden_scale}, {3})));
  constexpr int32_t kNo = kNoTensor;
  g.ops.push_back(make_op(OpType::UnidirectionalSequenceLstm,
                          {0, 1,  2,  3,  4,   5,   6,  7,  8,   kNo, kNo, kNo,
                           9, 10, 11, 12, kNo, kNo, 13, 14, kNo, kNo, kNo, kNo},
                          {15}, LstmOptions{}));
  g.inputs = {0};
  g.outputs = {15};
  return g;
}

TEST(LstmPrepare, GateMultipliersMultiplyTheScalesInFloatAsTflm) {
  const Graph g = one_unit_lstm(0x1.010102p-8f, 0x1.0029f2p-7f,
                                {0x1.267a4p-7f, 0x1.e51p-8f, 0x1.32f8p-7f, 0x1.81e6p-7f},
                                {0x1.3032p-7f, 0x1.7b18p-8f, 0x1.4414p-8f, 0x1.0d9cp-7f});
  Interpreter interp(g);
  Recorder r;
  interp.emitter(0)(r);
  // The runtime's gate order is forget, input, cell, output.
  EXPECT_THAT(r.text, HasSubstr("{2042478080, 1239972096, 1292569472, 1624922752}"));
  EXPECT_THAT(r.text, HasSubstr("{-3, -2, -2, -2}"));
  EXPECT_THAT(r.text, HasSubstr("{1591052160, 1276704256, 1360152192, 1131547392}"));
  EXPECT_THAT(r.text, HasSubstr("{-2, -1, -2, -1}"));
}

}  // namespace
}  // namespace tinyops::interp
