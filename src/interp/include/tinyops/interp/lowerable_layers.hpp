// Prepared int8 layers an op's emitter offers to the code generator before it prints the
// reference call (EmitContext::lower): the compiler may run them on a target's own kernels
// (compiler/cortex_m_dsp.cpp for cores with the Arm DSP extension). The interpreter only
// describes what it prepared; which kernel runs a layer is the compiler's choice.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tinyops/runtime/conv.h"
#include "tinyops/runtime/depthwise_conv.h"
#include "tinyops/runtime/fully_connected.h"
#include "tinyops/runtime/lstm.h"
#include "tinyops/runtime/svdf.h"

namespace tinyops::interp {

// Constant data is an empty span when the tensor is computed at run time (or, for a bias,
// absent); tensor indices are -1 (kNoTensor) for an absent optional input. `what` names the
// weights for comments in the generated code ("'conv/filter' [8, 3, 3, 1]").
struct Int8ConvLayer {
  tinyops_conv_params params;
  std::vector<int32_t> multiplier, shift;  // per output channel (one each when per tensor)
  tinyops_dims4 in, filter, out;
  std::span<const int8_t> filter_data;
  std::span<const int32_t> bias_data;
  int32_t input, filter_tensor, bias, output;
  std::string what;
};

struct Int8DepthwiseConvLayer {
  tinyops_depthwise_conv_params params;
  std::vector<int32_t> multiplier, shift;
  tinyops_dims4 in, filter, out;
  std::span<const int8_t> filter_data;
  std::span<const int32_t> bias_data;
  int32_t input, filter_tensor, bias, output;
  std::string what;
};

struct Int8FullyConnectedLayer {
  tinyops_fully_connected_params params;
  std::vector<int32_t> multiplier, shift;
  std::span<const int8_t> filter_data;
  std::span<const int32_t> bias_data;
  int32_t input, filter_tensor, bias, output;
  std::string what;
};

struct Int8SvdfLayer {
  tinyops_svdf_params params;
  bool state16;  // int16 state and time weights; else int8
  std::span<const int8_t> weights_feature_data;
  std::span<const int16_t> weights_time16_data;
  std::span<const int8_t> weights_time8_data;
  std::span<const int32_t> bias_data;
  int32_t input, weights_feature, weights_time, bias, state, output;
  std::string what;
};

// UNIDIRECTIONAL_SEQUENCE_LSTM: per gate in the runtime's order (forget, input, cell,
// output) its input-to-gate and recurrent weights and its bias, with their tensor indices.
struct Int8LstmLayer {
  tinyops_lstm_params params;
  std::span<const int8_t> input_weights_data[4], recurrent_weights_data[4];
  std::span<const int32_t> bias_data[4];
  int32_t input_weights[4], recurrent_weights[4], bias[4];
  int32_t input, hidden_state, cell_state, output;
  std::string what;
};

}  // namespace tinyops::interp
