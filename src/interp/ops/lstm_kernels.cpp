// UNIDIRECTIONAL_SEQUENCE_LSTM: TFLite Micro's UnidirectionalSequenceLstmPrepare and
// PrepareGateParametersInteger, evaluated by tinyops_lstm_s8 (int8 activations, int8
// weights, int32 biases, int16 cell state).
//
// Inputs (TFLite's lstm_shared.h): 0 input, 1-4 input-to-{input,forget,cell,output}
// weights, 5-8 recurrent-to-{input,forget,cell,output} weights, 9-11 peephole weights,
// 12-15 {input,forget,cell,output} gate biases, 16-17 projection, 18 the hidden (output)
// state and 19 the cell state, both variable tensors the op updates in place, 20-23 layer
// norm coefficients. Like TFLite Micro we support the standard LSTM only: no peephole,
// projection, layer norm or CIFG (coupled input and forget gate).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "conv_family.hpp"
#include "elementwise_prepare.hpp"
#include "tinyops/core/quantization.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/interp/c_emit.hpp"
#include "tinyops/interp/c_params.hpp"
#include "tinyops/interp/op_kernel.hpp"
#include "tinyops/runtime/lstm.h"

namespace tinyops::interp {
namespace {

using elementwise::per_tensor_quant;
using elementwise::require_type;

constexpr int32_t kInput = 0, kHiddenState = 18, kCellState = 19;
// Tensor indices per gate, in the runtime's order (forget, input, cell, output).
constexpr int32_t kInputWeights[4] = {2, 1, 3, 4};
constexpr int32_t kRecurrentWeights[4] = {6, 5, 7, 8};
constexpr int32_t kBiases[4] = {13, 12, 14, 15};
constexpr const char* kGateNames[4] = {"forget", "input", "cell", "output"};

// Pre-activation gate values are Q3.12, activated ones Q0.15 (TFLite Micro's fixed choice).
constexpr float kGateInputScale = 0.000244140625f;      // 2^-12
constexpr float kGateOutputScale = 0.000030517578125f;  // 2^-15

// TFLM's CreateInterGateMulParams: product of two float scales over the output's, in double.
QuantizedMultiplier inter_gate_multiplier(float a, float b, float out) {
  return quantize_multiplier(static_cast<double>(a) * static_cast<double>(b) /
                             static_cast<double>(out));
}

// TFLM's gate fully-connected layers (CreateGateParams -> CalculateOpDataFullyConnected ->
// GetQuantizedConvolutionMultipler for per-tensor weights): the input and weight scales are
// multiplied in float, and only that product is widened to double for the division. It
// rounds differently from the all-double product, giving another multiplier for almost
// every gate (all 8 of tflm_mnist_lstm_int8's), as for per-tensor FULLY_CONNECTED.
QuantizedMultiplier gate_fc_multiplier(float input_scale, float weight_scale, float out) {
  const float product = input_scale * weight_scale;
  return quantize_multiplier(static_cast<double>(product) / static_cast<double>(out));
}

InvokeFn prepare_lstm(const OpContext& ctx) {
  const LstmOptions& opts = ctx.options<LstmOptions>();
  ctx.require(ctx.input_count() == 24 && ctx.op().outputs.size() == 1,
              "UNIDIRECTIONAL_SEQUENCE_LSTM takes 24 inputs and gives 1 output");
  for (int32_t i : {9, 10, 11, 16, 17, 20, 21, 22, 23}) {
    if (ctx.optional_input(static_cast<size_t>(i)) != nullptr)
      ctx.unsupported("LSTM input " + std::to_string(i) +
                      " is set: peephole, projection and layer-norm LSTMs are not supported "
                      "(TFLite Micro rejects them too)");
  }
  for (int g = 0; g < 4; ++g) {
    for (int32_t i : {kInputWeights[g], kRecurrentWeights[g], kBiases[g]}) {
      ctx.require(ctx.optional_input(static_cast<size_t>(i)) != nullptr,
                  std::string("the ") + kGateNames[g] + " gate lacks input " + std::to_string(i) +
                      " (CIFG LSTMs are not supported)");
    }
  }
  const Tensor& in = ctx.input(kInput);
  const Tensor& hidden = ctx.input(kHiddenState);
  const Tensor& cell = ctx.input(kCellState);
  const Tensor& out = ctx.output(0);
  if (in.type != DataType::Int8) {
    ctx.unsupported("UNIDIRECTIONAL_SEQUENCE_LSTM on " + std::string(to_string(in.type)) +
                    " input is not supported; supported: INT8 (with an INT16 cell state)");
  }
  require_type(ctx, hidden, DataType::Int8, "hidden state");
  require_type(ctx, cell, DataType::Int16, "cell state");
  require_type(ctx, out, DataType::Int8, "output");
  ctx.require(hidden.is_variable && cell.is_variable,
              "the hidden state (input 18) and cell state (input 19) must be variable tensors");
  ctx.require(in.shape.size() == 3 && out.shape.size() == 3,
              "input and output must be 3-D, got " + shape_to_string(in.shape) + " and " +
                  shape_to_string(out.shape));
  if (opts.activation != Activation::Tanh) {
    // The cell gate runs this activation; TFLite Micro's integer kernel only has tanh
    // (and sigmoid, whose fused-activation code the IR does not model).
    ctx.unsupported("cell gate activation " + std::string(to_string(opts.activation)) +
                    " is not supported; supported: TANH");
  }

  tinyops_lstm_params p{};
  p.time_major = opts.time_major ? 1 : 0;
  p.batches = opts.time_major ? in.shape[1] : in.shape[0];
  p.time_steps = opts.time_major ? in.shape[0] : in.shape[1];
  p.input_size = in.shape[2];
  const Tensor& w0 = ctx.input(static_cast<size_t>(kInputWeights[0]));
  ctx.require(w0.shape.size() == 2,
              "input-to-forget weights must be 2-D, got " + shape_to_string(w0.shape));
  p.state_size = w0.shape[0];
  ctx.require(p.batches > 0 && p.time_steps > 0 && p.input_size > 0 && p.state_size > 0,
              "input " + shape_to_string(in.shape) + " and weights " + shape_to_string(w0.shape) +
                  " must have positive sizes");
  ctx.require(
      out.shape[0] == in.shape[0] && out.shape[1] == in.shape[1] && out.shape[2] == p.state_size,
      "output " + shape_to_string(out.shape) + " must be [" + std::to_string(in.shape[0]) + ", " +
          std::to_string(in.shape[1]) + ", " + std::to_string(p.state_size) + "]");
  const int64_t states = int64_t{p.batches} * p.state_size;
  ctx.require(hidden.element_count() == states && cell.element_count() == states,
              "hidden and cell state must hold batches * state size = " + std::to_string(states) +
                  " values");

  const auto qi = per_tensor_quant(ctx, in, "input");
  const auto qh = per_tensor_quant(ctx, hidden, "hidden state");
  const auto qc = per_tensor_quant(ctx, cell, "cell state");
  // The output rows are byte copies of the hidden state, as in TFLM, which does not check
  // that their quantisation agrees either; only the hidden state's is used.
  ctx.require(qc.zero_point == 0, "the cell state must be symmetric (zero point 0)");
  p.input_zero_point = qi.zero_point;
  p.hidden_zero_point = qh.zero_point;

  for (int g = 0; g < 4; ++g) {
    const Tensor& wi = ctx.input(static_cast<size_t>(kInputWeights[g]));
    const Tensor& wr = ctx.input(static_cast<size_t>(kRecurrentWeights[g]));
    const Tensor& b = ctx.input(static_cast<size_t>(kBiases[g]));
    const std::string gate = kGateNames[g];
    require_type(ctx, wi, DataType::Int8, (gate + " gate input weights").c_str());
    require_type(ctx, wr, DataType::Int8, (gate + " gate recurrent weights").c_str());
    require_type(ctx, b, DataType::Int32, (gate + " gate bias").c_str());
    ctx.require(wi.shape == std::vector<int32_t>{p.state_size, p.input_size},
                gate + " gate input weights " + shape_to_string(wi.shape) + " must be [" +
                    std::to_string(p.state_size) + ", " + std::to_string(p.input_size) + "]");
    ctx.require(wr.shape == std::vector<int32_t>{p.state_size, p.state_size},
                gate + " gate recurrent weights " + shape_to_string(wr.shape) + " must be [" +
                    std::to_string(p.state_size) + ", " + std::to_string(p.state_size) + "]");
    ctx.require(b.element_count() == p.state_size,
                gate + " gate bias must hold " + std::to_string(p.state_size) + " values");
    const auto qwi = per_tensor_quant(ctx, wi, "gate input weights");
    const auto qwr = per_tensor_quant(ctx, wr, "gate recurrent weights");
    ctx.require(qwi.zero_point == 0 && qwr.zero_point == 0, "LSTM weights must be symmetric");
    const QuantizedMultiplier mi = gate_fc_multiplier(qi.scale, qwi.scale, kGateInputScale);
    const QuantizedMultiplier mr = gate_fc_multiplier(qh.scale, qwr.scale, kGateInputScale);
    p.input_multiplier[g] = mi.multiplier;
    p.input_shift[g] = mi.shift;
    p.recurrent_multiplier[g] = mr.multiplier;
    p.recurrent_shift[g] = mr.shift;
  }
  const QuantizedMultiplier fc = inter_gate_multiplier(kGateOutputScale, qc.scale, qc.scale);
  const QuantizedMultiplier ic =
      inter_gate_multiplier(kGateOutputScale, kGateOutputScale, qc.scale);
  const QuantizedMultiplier hm =
      inter_gate_multiplier(kGateOutputScale, kGateOutputScale, qh.scale);
  p.forget_cell_multiplier = fc.multiplier;
  p.forget_cell_shift = fc.shift;
  p.input_cell_multiplier = ic.multiplier;
  p.input_cell_shift = ic.shift;
  p.hidden_multiplier = hm.multiplier;
  p.hidden_shift = hm.shift;
  // TFLM's CheckedLog2, whose verdict it ignores: the nearest power of two is used.
  p.cell_state_scale_power =
      static_cast<int32_t>(std::round(std::log(qc.scale) * (1.0f / std::log(2.0f))));
  p.clip_cell = opts.cell_clip > 0.0f ? 1 : 0;
  p.quantized_cell_clip = static_cast<int16_t>(std::min(
      std::max(static_cast<double>(opts.cell_clip) / static_cast<double>(qc.scale), -32768.0),
      32767.0));
  p.cell_gate_sigmoid = 0;

  auto params = std::make_shared<tinyops_lstm_params>(p);
  auto scratch = std::make_shared<std::vector<int16_t>>(tinyops_lstm_s8_scratch_size(params.get()));
  std::vector<int32_t> wi_v(4), wr_v(4), b_v(4);
  for (size_t g = 0; g < 4; ++g) {
    wi_v[g] = ctx.input_index(static_cast<size_t>(kInputWeights[g]));
    wr_v[g] = ctx.input_index(static_cast<size_t>(kRecurrentWeights[g]));
    b_v[g] = ctx.input_index(static_cast<size_t>(kBiases[g]));
  }
  const int32_t i_in = ctx.input_index(kInput), i_h = ctx.input_index(kHiddenState),
                i_c = ctx.input_index(kCellState), i_out = ctx.output_index(0);
  Int8LstmLayer layer{};
  layer.params = *params;
  for (size_t g = 0; g < 4; ++g) {
    const Tensor* wi = ctx.optional_input(static_cast<size_t>(kInputWeights[g]));
    const Tensor* wr = ctx.optional_input(static_cast<size_t>(kRecurrentWeights[g]));
    const Tensor* b = ctx.optional_input(static_cast<size_t>(kBiases[g]));
    layer.input_weights_data[g] = conv_family::constant_data<int8_t>(wi);
    layer.recurrent_weights_data[g] = conv_family::constant_data<int8_t>(wr);
    layer.bias_data[g] = conv_family::constant_data<int32_t>(b);
    layer.input_weights[g] = wi_v[g];
    layer.recurrent_weights[g] = wr_v[g];
    layer.bias[g] = b_v[g];
  }
  layer.input = i_in;
  layer.hidden_state = i_h;
  layer.cell_state = i_c;
  layer.output = i_out;
  layer.what = "gate weights of '" + ctx.input(kInputWeights[0]).name + "' " +
               shape_to_string(ctx.input(kInputWeights[0]).shape) + " and the other 7";
  ctx.on_emit([=](EmitContext& e) {
    if (e.lower(layer)) return;
    e.use_source("lstm_s8.c");
    const std::string name = declare_struct(e, "tinyops_lstm_params", "params", fields_of(*params));
    // A per-call work buffer: the bundle's shared scratch, counted with the others.
    const std::string work =
        "(int16_t*)" + e.scratch(static_cast<int64_t>(scratch->size() * sizeof(int16_t)));
    const auto list = [&](const std::vector<int32_t>& idx) {
      return "{" + e.tensor(idx[0]) + ", " + e.tensor(idx[1]) + ", " + e.tensor(idx[2]) + ", " +
             e.tensor(idx[3]) + "}";
    };
    // The weight pointers go in a local struct: C99 allows non-constant initialisers there.
    e.statement("{ const tinyops_lstm_s8_weights weights = {" + list(wi_v) + ", " + list(wr_v) +
                ", " + list(b_v) + "}; " +
                c_call("tinyops_lstm_s8", {"&" + name, "&weights", e.tensor(i_in), e.tensor(i_h),
                                           e.tensor(i_c), work, e.tensor(i_out)}) +
                " }");
  });
  return [=](const Tensors& t) {
    tinyops_lstm_s8_weights w{};
    for (int g = 0; g < 4; ++g) {
      w.input_weights[g] = t.data<int8_t>(wi_v[static_cast<size_t>(g)]);
      w.recurrent_weights[g] = t.data<int8_t>(wr_v[static_cast<size_t>(g)]);
      w.bias[g] = t.data<int32_t>(b_v[static_cast<size_t>(g)]);
    }
    tinyops_lstm_s8(params.get(), &w, t.data<int8_t>(i_in), t.data<int8_t>(i_h),
                    t.data<int16_t>(i_c), scratch->data(), t.data<int8_t>(i_out));
  };
}

}  // namespace

void register_lstm_kernels(KernelRegistry& registry) {
  registry.builtin[OpType::UnidirectionalSequenceLstm] = &prepare_lstm;
}

}  // namespace tinyops::interp
