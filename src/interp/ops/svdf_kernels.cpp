// SVDF: TFLite Micro's PrepareSvdf and EvalIntegerSvdfReference / EvalFloatSvdfReference.
//
// Inputs: 0 input [batches, input_size], 1 weights_feature [num_filters, input_size],
// 2 weights_time [num_filters, memory_size], 3 bias [num_units] (optional), 4 the
// activation state [batches, num_filters * memory_size], a variable tensor the op updates
// in place. The state is an ordinary arena tensor, so the interpreter's and the generated
// code's variable-tensor reset returns it to its initial value; the op itself only needs
// int32 (or float) scratch, planned in the arena. The int8 op offers itself to the code
// generator (EmitContext::lower), which runs it on svdf_s8_dsp.c on cores with the DSP
// extension; the interpreter always runs svdf_s8.c, with the same results.
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "conv_family.hpp"
#include "elementwise_prepare.hpp"
#include "tinyops/core/quantization.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/interp/c_emit.hpp"
#include "tinyops/interp/c_params.hpp"
#include "tinyops/interp/op_kernel.hpp"
#include "tinyops/runtime/svdf.h"

namespace tinyops::interp {
namespace {

using elementwise::per_tensor_quant;
using elementwise::require_type;

std::string declare_svdf_params(EmitContext& e, const tinyops_svdf_params& p) {
  return declare_struct(e, "tinyops_svdf_params", "params", fields_of(p));
}

struct SvdfShape {
  int32_t batches, input_size, num_filters, num_units, rank, memory_size;
};

SvdfShape check_shapes(const OpContext& ctx, const SvdfOptions& opts) {
  ctx.require(ctx.input_count() == 5 && ctx.op().outputs.size() == 1,
              "SVDF takes 5 inputs (input, weights_feature, weights_time, bias, state) and "
              "gives 1 output");
  const Tensor& in = ctx.input(0);
  const Tensor& wf = ctx.input(1);
  const Tensor& wt = ctx.input(2);
  const Tensor& state = ctx.input(4);
  const Tensor& out = ctx.output(0);
  const auto two_d = [&](const Tensor& t, const char* what) {
    ctx.require(t.shape.size() == 2,
                std::string(what) + " must be 2-D, got shape " + shape_to_string(t.shape));
  };
  two_d(in, "input");
  two_d(wf, "weights_feature");
  two_d(wt, "weights_time");
  two_d(state, "activation state");
  two_d(out, "output");
  SvdfShape s{in.shape[0], in.shape[1], wf.shape[0], 0, opts.rank, wt.shape[1]};
  ctx.require(s.rank > 0 && s.num_filters % s.rank == 0,
              "weights_feature has " + std::to_string(s.num_filters) +
                  " filters, not a multiple of rank " + std::to_string(s.rank));
  s.num_units = s.num_filters / s.rank;
  ctx.require(wf.shape[1] == s.input_size, "weights_feature " + shape_to_string(wf.shape) +
                                               " does not match input " +
                                               shape_to_string(in.shape));
  ctx.require(wt.shape[0] == s.num_filters && s.memory_size > 0,
              "weights_time " + shape_to_string(wt.shape) + " must have " +
                  std::to_string(s.num_filters) + " rows (one per filter) and a memory size");
  ctx.require(out.shape[0] == s.batches && out.shape[1] == s.num_units,
              "output " + shape_to_string(out.shape) + " must be [" + std::to_string(s.batches) +
                  ", " + std::to_string(s.num_units) + "]");
  ctx.require(
      state.shape[0] == s.batches && static_cast<int64_t>(state.shape[1]) ==
                                         static_cast<int64_t>(s.memory_size) * s.num_filters,
      "activation state " + shape_to_string(state.shape) + " must be [" +
          std::to_string(s.batches) + ", memory_size * num_filters = " +
          std::to_string(static_cast<int64_t>(s.memory_size) * s.num_filters) + "]");
  ctx.require(state.is_variable, "the activation state (input 4) must be a variable tensor");
  ctx.require(!ctx.graph().tensors[static_cast<size_t>(ctx.output_index(0))].is_variable,
              "the output must not be a variable tensor");
  if (const Tensor* bias = ctx.optional_input(3)) {
    ctx.require(bias->element_count() == s.num_units,
                "bias must hold " + std::to_string(s.num_units) + " values (one per unit)");
  }
  return s;
}

InvokeFn prepare_svdf_s8(const OpContext& ctx, const SvdfShape& s) {
  const Tensor& in = ctx.input(0);
  const Tensor& wf = ctx.input(1);
  const Tensor& wt = ctx.input(2);
  const Tensor* bias = ctx.optional_input(3);
  const Tensor& state = ctx.input(4);
  const Tensor& out = ctx.output(0);
  require_type(ctx, wf, DataType::Int8, "weights_feature");
  require_type(ctx, out, DataType::Int8, "output");
  const bool state16 = state.type == DataType::Int16;
  if (!(state16 || state.type == DataType::Int8) || wt.type != state.type) {
    ctx.unsupported(
        "int8 SVDF needs int16 (or int8) weights_time and activation state of "
        "one type; got " +
        std::string(to_string(wt.type)) + " and " + std::string(to_string(state.type)));
  }
  if (bias != nullptr) require_type(ctx, *bias, DataType::Int32, "bias");
  const auto qi = per_tensor_quant(ctx, in, "input");
  const auto qf = per_tensor_quant(ctx, wf, "weights_feature");
  const auto qt = per_tensor_quant(ctx, wt, "weights_time");
  const auto qs = per_tensor_quant(ctx, state, "activation state");
  const auto qo = per_tensor_quant(ctx, out, "output");
  // TFLM multiplies and divides the float scales in float, then widens to double.
  const auto scale_1 = static_cast<double>(qi.scale * qf.scale / qs.scale);
  const auto scale_2 = static_cast<double>(qs.scale * qt.scale / qo.scale);
  if (bias != nullptr) {
    const auto qb = per_tensor_quant(ctx, *bias, "bias");
    ctx.require(
        std::abs(static_cast<double>(qb.scale) - static_cast<double>(qs.scale * qt.scale)) < 1e-5,
        "bias scale must equal activation state scale * weights_time scale");
  }
  const QuantizedMultiplier m1 = quantize_multiplier(scale_1);
  const QuantizedMultiplier m2 = quantize_multiplier(scale_2);
  auto p = std::make_shared<tinyops_svdf_params>(tinyops_svdf_params{
      s.batches, s.input_size, s.num_filters, s.num_units, s.rank, s.memory_size, qi.zero_point,
      qs.zero_point, qo.zero_point, m1.multiplier, m1.shift, m2.multiplier, m2.shift});
  auto scratch = std::make_shared<std::vector<int32_t>>(tinyops_svdf_s8_scratch_size(p.get()));
  const int32_t i_in = ctx.input_index(0), i_wf = ctx.input_index(1), i_wt = ctx.input_index(2),
                i_b = bias != nullptr ? ctx.input_index(3) : kNoTensor, i_s = ctx.input_index(4),
                i_out = ctx.output_index(0);
  const char* fn = state16 ? "tinyops_svdf_s8" : "tinyops_svdf_s8_state8";
  const Int8SvdfLayer layer{
      *p,
      state16,
      conv_family::constant_data<int8_t>(&wf),
      state16 ? conv_family::constant_data<int16_t>(&wt) : std::span<const int16_t>(),
      state16 ? std::span<const int8_t>() : conv_family::constant_data<int8_t>(&wt),
      conv_family::constant_data<int32_t>(bias),
      i_in,
      i_wf,
      i_wt,
      i_b,
      i_s,
      i_out,
      "'" + wf.name + "' " + shape_to_string(wf.shape)};
  ctx.on_emit([=](EmitContext& e) {
    if (e.lower(layer)) return;
    e.use_source("svdf_s8.c");
    const std::string params = declare_svdf_params(e, *p);
    // A per-call work buffer: the bundle's shared scratch, counted with the others.
    const std::string work = e.scratch(static_cast<int64_t>(scratch->size() * sizeof(int32_t)));
    e.statement(c_call(fn, {"&" + params, e.tensor(i_in), e.tensor(i_wf), e.tensor(i_wt),
                            optional_tensor(e, i_b), e.tensor(i_s), work, e.tensor(i_out)}));
  });
  if (state16) {
    return [=](const Tensors& t) {
      tinyops_svdf_s8(p.get(), t.data<int8_t>(i_in), t.data<int8_t>(i_wf), t.data<int16_t>(i_wt),
                      i_b == kNoTensor ? nullptr : t.data<int32_t>(i_b), t.data<int16_t>(i_s),
                      scratch->data(), t.data<int8_t>(i_out));
    };
  }
  return [=](const Tensors& t) {
    tinyops_svdf_s8_state8(p.get(), t.data<int8_t>(i_in), t.data<int8_t>(i_wf),
                           t.data<int8_t>(i_wt), i_b == kNoTensor ? nullptr : t.data<int32_t>(i_b),
                           t.data<int8_t>(i_s), scratch->data(), t.data<int8_t>(i_out));
  };
}

InvokeFn prepare_svdf_f32(const OpContext& ctx, const SvdfShape& s, Activation activation) {
  for (size_t i : {size_t{1}, size_t{2}, size_t{4}})
    require_type(ctx, ctx.input(i), DataType::Float32,
                 i == 1   ? "weights_feature"
                 : i == 2 ? "weights_time"
                          : "activation state");
  require_type(ctx, ctx.output(0), DataType::Float32, "output");
  const Tensor* bias = ctx.optional_input(3);
  if (bias != nullptr) require_type(ctx, *bias, DataType::Float32, "bias");
  if (activation != Activation::None && activation != Activation::Relu &&
      activation != Activation::Relu6 && activation != Activation::ReluN1To1) {
    ctx.unsupported("fused activation " + std::string(to_string(activation)) +
                    " is not supported; supported: NONE, RELU, RELU6, RELU_N1_TO_1");
  }
  const auto [act_min, act_max] = elementwise::float_activation_range(ctx, activation);
  auto p = std::make_shared<tinyops_svdf_params_f32>(
      tinyops_svdf_params_f32{s.batches, s.input_size, s.num_filters, s.num_units, s.rank,
                              s.memory_size, act_min, act_max});
  auto scratch = std::make_shared<std::vector<float>>(tinyops_svdf_f32_scratch_size(p.get()));
  const int32_t i_in = ctx.input_index(0), i_wf = ctx.input_index(1), i_wt = ctx.input_index(2),
                i_b = bias != nullptr ? ctx.input_index(3) : kNoTensor, i_s = ctx.input_index(4),
                i_out = ctx.output_index(0);
  ctx.on_emit([=](EmitContext& e) {
    e.use_source("svdf_f32.c");
    const std::string params = e.unique("params");
    e.declare(c_struct("tinyops_svdf_params_f32", params,
                       {{"batches", c_int(p->batches)},
                        {"input_size", c_int(p->input_size)},
                        {"num_filters", c_int(p->num_filters)},
                        {"num_units", c_int(p->num_units)},
                        {"rank", c_int(p->rank)},
                        {"memory_size", c_int(p->memory_size)},
                        {"act_min", c_float(p->act_min)},
                        {"act_max", c_float(p->act_max)}}));
    const std::string work =
        "(float*)" + e.scratch(static_cast<int64_t>(scratch->size() * sizeof(float)));
    e.statement(c_call("tinyops_svdf_f32",
                       {"&" + params, e.tensor(i_in), e.tensor(i_wf), e.tensor(i_wt),
                        optional_tensor(e, i_b), e.tensor(i_s), work, e.tensor(i_out)}));
  });
  return [=](const Tensors& t) {
    tinyops_svdf_f32(p.get(), t.data<float>(i_in), t.data<float>(i_wf), t.data<float>(i_wt),
                     i_b == kNoTensor ? nullptr : t.data<float>(i_b), t.data<float>(i_s),
                     scratch->data(), t.data<float>(i_out));
  };
}

InvokeFn prepare_svdf(const OpContext& ctx) {
  const SvdfOptions& opts = ctx.options<SvdfOptions>();
  const SvdfShape s = check_shapes(ctx, opts);
  const Tensor& in = ctx.input(0);
  if (in.type == DataType::Int8) return prepare_svdf_s8(ctx, s);
  if (in.type == DataType::Float32) {
    if (ctx.input(1).type != DataType::Float32)
      ctx.unsupported("hybrid SVDF (float input, quantised weights) is not supported");
    return prepare_svdf_f32(ctx, s, opts.activation);
  }
  ctx.unsupported("SVDF on " + std::string(to_string(in.type)) +
                  " input is not supported; supported: INT8, FLOAT32");
}

}  // namespace

void register_svdf_kernels(KernelRegistry& registry) {
  registry.builtin[OpType::Svdf] = &prepare_svdf;
}

}  // namespace tinyops::interp
