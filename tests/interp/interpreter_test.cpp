#include "tinyops/interp/interpreter.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "tinyops/core/error.hpp"

namespace tinyops::interp {
namespace {

using ::testing::HasSubstr;

Tensor float_tensor(std::string name, std::vector<int32_t> shape, std::vector<float> values = {}) {
  Tensor t;
  t.name = std::move(name);
  t.type = DataType::Float32;
  t.shape = std::move(shape);
  t.data.resize(values.size() * 4);
  if (!values.empty()) std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

// input[1,2] -> FULLY_CONNECTED(weights [2,2], bias [2]) -> RELU fused -> output[1,2]
Graph tiny_dense(Activation activation) {
  Graph g;
  g.tensors = {float_tensor("in", {1, 2}), float_tensor("w", {2, 2}, {1, 2, -3, -4}),
               float_tensor("b", {2}, {0.5f, 0.25f}), float_tensor("out", {1, 2})};
  Op fc;
  fc.type = OpType::FullyConnected;
  fc.inputs = {0, 1, 2};
  fc.outputs = {3};
  fc.options = FullyConnectedOptions{activation, false};
  g.ops = {fc};
  g.inputs = {0};
  g.outputs = {3};
  return g;
}

std::vector<float> run(Interpreter& interp, std::vector<float> input) {
  std::memcpy(interp.input(0).data(), input.data(), input.size() * 4);
  interp.invoke();
  std::vector<float> out(interp.output(0).size() / 4);
  std::memcpy(out.data(), interp.output(0).data(), interp.output(0).size());
  return out;
}

TEST(Interpreter, RunsAHandBuiltGraph) {
  const Graph g = tiny_dense(Activation::None);
  Interpreter interp(g);
  // [1, 1] . [1, 2] + 0.5 = 3.5 ; [1, 1] . [-3, -4] + 0.25 = -6.75
  EXPECT_EQ(run(interp, {1, 1}), (std::vector<float>{3.5f, -6.75f}));
}

TEST(Interpreter, AppliesFusedActivation) {
  const Graph g = tiny_dense(Activation::Relu);
  Interpreter interp(g);
  EXPECT_EQ(run(interp, {1, 1}), (std::vector<float>{3.5f, 0.0f}));
}

TEST(Interpreter, UnsupportedOpNamesIndexNameAndSupportedList) {
  Graph g = tiny_dense(Activation::None);
  g.ops[0].type = OpType::Other;
  g.ops[0].name = "UNIDIRECTIONAL_SEQUENCE_LSTM";
  try {
    Interpreter interp(g);
    FAIL();
  } catch (const UnsupportedError& e) {
    EXPECT_THAT(e.what(), HasSubstr("operator 0 (UNIDIRECTIONAL_SEQUENCE_LSTM)"));
    EXPECT_THAT(e.what(), HasSubstr("FULLY_CONNECTED"));
  }
}

TEST(Interpreter, RefusesHugeActivations) {
  Graph g = tiny_dense(Activation::None);
  g.tensors[3].shape = {1 << 15, 1 << 14};  // 2 GiB of float32
  EXPECT_THROW(Interpreter interp(g), InputError);
}

TEST(Interpreter, RejectsOutOfRangeTensorIndices) {
  Graph g = tiny_dense(Activation::None);
  g.ops[0].inputs[1] = 17;
  try {
    Interpreter interp(g);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("refers to tensor 17"));
  }
}

TEST(Interpreter, ReportsEachOpAfterItRuns) {
  const Graph g = tiny_dense(Activation::None);
  Interpreter interp(g);
  std::vector<size_t> seen;
  interp.invoke([&](size_t k) { seen.push_back(k); });
  EXPECT_EQ(seen, (std::vector<size_t>{0}));
  EXPECT_THROW(interp.tensor_bytes(99), InputError);
}

TEST(Interpreter, ResetStateRestoresVariableTensors) {
  Graph g = tiny_dense(Activation::None);
  Tensor state;
  state.name = "state";
  state.type = DataType::Int8;
  state.shape = {4};
  state.is_variable = true;
  state.quant.scales = {0.5f};
  state.quant.zero_points = {-3};
  g.tensors.push_back(state);
  Interpreter interp(g);
  const auto bytes = interp.tensor_bytes(4);
  for (uint8_t b : bytes) EXPECT_EQ(static_cast<int8_t>(b), -3);
}

}  // namespace
}  // namespace tinyops::interp
