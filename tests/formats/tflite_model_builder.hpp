// Builds tiny .tflite models in memory for tests, with knobs to break them on purpose.
// The model: input float32[1, 4] -> FULLY_CONNECTED (weights [3, 4], bias [3]) -> [1, 3].
#pragma once

#include <cstdint>
#include <vector>

#include "tflite_subset_generated.h"

namespace tinyops::test_models {

struct TinyModelSpec {
  std::vector<int32_t> input_shape{1, 4};
  std::vector<int32_t> op_inputs{0, 1, 2};
  std::vector<int32_t> op_outputs{3};
  uint32_t weights_buffer = 1;
  uint32_t opcode_index = 0;
  int32_t builtin_code = 9;  // FULLY_CONNECTED
  size_t weights_bytes = 3 * 4 * 4;
  bool with_options = true;
};

inline std::vector<uint8_t> build_tiny_model(const TinyModelSpec& spec = {}) {
  namespace tfl = ::tinyops::tfl;
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<float> weights(12);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = 0.25f * static_cast<float>(i) - 1.0f;
  std::vector<float> bias{0.5f, -0.5f, 1.0f};
  std::vector<uint8_t> weight_bytes(reinterpret_cast<uint8_t*>(weights.data()),
                                    reinterpret_cast<uint8_t*>(weights.data()) + 48);
  weight_bytes.resize(spec.weights_bytes);
  std::vector<uint8_t> bias_bytes(reinterpret_cast<uint8_t*>(bias.data()),
                                  reinterpret_cast<uint8_t*>(bias.data()) + 12);

  std::vector<flatbuffers::Offset<tfl::Buffer>> buffers{tfl::CreateBufferDirect(fbb),
                                                        tfl::CreateBufferDirect(fbb, &weight_bytes),
                                                        tfl::CreateBufferDirect(fbb, &bias_bytes)};
  const std::vector<int32_t> weight_shape{3, 4}, bias_shape{3}, out_shape{1, 3};
  std::vector<flatbuffers::Offset<tfl::Tensor>> tensors{
      tfl::CreateTensorDirect(fbb, &spec.input_shape, tfl::TensorType::FLOAT32, 0, "input"),
      tfl::CreateTensorDirect(fbb, &weight_shape, tfl::TensorType::FLOAT32, spec.weights_buffer,
                              "weights"),
      tfl::CreateTensorDirect(fbb, &bias_shape, tfl::TensorType::FLOAT32, 2, "bias"),
      tfl::CreateTensorDirect(fbb, &out_shape, tfl::TensorType::FLOAT32, 0, "output")};
  flatbuffers::Offset<tfl::Opaque> options = 0;
  uint8_t options_type = 0;
  if (spec.with_options) {
    options = flatbuffers::Offset<tfl::Opaque>(tfl::CreateFullyConnectedOptions(fbb).o);
    options_type = 8;
  }
  std::vector<flatbuffers::Offset<tfl::Operator>> ops{tfl::CreateOperatorDirect(
      fbb, spec.opcode_index, &spec.op_inputs, &spec.op_outputs, options_type, options)};
  const std::vector<int32_t> inputs{0}, outputs{3};
  std::vector<flatbuffers::Offset<tfl::SubGraph>> subgraphs{
      tfl::CreateSubGraphDirect(fbb, &tensors, &inputs, &outputs, &ops, "main")};
  std::vector<flatbuffers::Offset<tfl::OperatorCode>> codes{tfl::CreateOperatorCodeDirect(
      fbb, static_cast<int8_t>(spec.builtin_code < 127 ? spec.builtin_code : 127), nullptr, 1,
      spec.builtin_code)};
  auto model = tfl::CreateModelDirect(fbb, 3, &codes, &subgraphs, "tiny test model", &buffers);
  tfl::FinishModelBuffer(fbb, model);
  return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
}

}  // namespace tinyops::test_models
