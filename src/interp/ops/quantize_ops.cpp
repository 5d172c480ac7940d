// QUANTIZE and DEQUANTIZE: TFLite Micro's quantize_common.cc / dequantize_common.cc.
#include <memory>

#include "elementwise_prepare.hpp"
#include "tinyops/core/quantization.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/runtime/quantize.h"

namespace tinyops::interp::elementwise {
namespace {

// Registers the emitter of fn(&params, input, output) from runtime `source`; `declare`
// prints the parameter struct under the name it is given.
template <class Declare>
void emit_call(const OpContext& ctx, const std::string& source, const std::string& fn, int32_t a,
               int32_t o, Declare declare) {
  ctx.on_emit([=](EmitContext& e) {
    e.use_source(source);
    const std::string name = e.unique("params");
    e.declare(declare(name));
    e.statement(c_call(fn, {"&" + name, e.tensor(a), e.tensor(o)}));
  });
}

InvokeFn prepare_quantize(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  ctx.require(in.element_count() == out.element_count(), "output " + shape_to_string(out.shape) +
                                                             " does not match input " +
                                                             shape_to_string(in.shape));
  const int32_t count = element_count32(ctx, in, "input");
  const TensorQuant qo = per_tensor_quant(ctx, out, "output");
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);
  if (in.type == DataType::Float32) {
    auto p = std::make_shared<tinyops_quantize_params>(
        tinyops_quantize_params{count, qo.scale, qo.zero_point});
    emit_call(ctx, "quantize_f32.c",
              out.type == DataType::Int8 ? "tinyops_quantize_f32_s8" : "tinyops_quantize_f32_s16",
              a, o, [p](const std::string& name) {
                return c_struct("tinyops_quantize_params", name,
                                {{"count", c_int(p->count)},
                                 {"scale", c_float(p->scale)},
                                 {"zero_point", c_int(p->zero_point)}});
              });
    if (out.type == DataType::Int8) {
      return [p, a, o](const Tensors& t) {
        tinyops_quantize_f32_s8(p.get(), t.data<float>(a), t.data<int8_t>(o));
      };
    }
    if (out.type == DataType::Int16) {
      return [p, a, o](const Tensors& t) {
        tinyops_quantize_f32_s16(p.get(), t.data<float>(a), t.data<int16_t>(o));
      };
    }
  } else if (in.type == DataType::Int8 || in.type == DataType::Int16 ||
             in.type == DataType::Int32) {
    // Requantisation: s_in / s_out in double (TFLM PrepareQuantizeReference).
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    const QuantizedMultiplier m =
        quantize_multiplier(static_cast<double>(qi.scale) / static_cast<double>(qo.scale));
    auto p = std::make_shared<tinyops_requantize_params>(
        tinyops_requantize_params{count, qi.zero_point, qo.zero_point, m.multiplier, m.shift});
    using Fn = InvokeFn;
    const char* source = in.type == DataType::Int8    ? "quantize_s8.c"
                         : in.type == DataType::Int16 ? "quantize_s16.c"
                                                      : "quantize_s32.c";
    auto bind = [&](auto kernel, const char* name, auto in_tag, auto out_tag) -> Fn {
      using In = decltype(in_tag);
      using Out = decltype(out_tag);
      emit_call(ctx, source, name, a, o, [p](const std::string& params) {
        return c_struct("tinyops_requantize_params", params,
                        {{"count", c_int(p->count)},
                         {"input_zero_point", c_int(p->input_zero_point)},
                         {"output_zero_point", c_int(p->output_zero_point)},
                         {"multiplier", c_int(p->multiplier)},
                         {"shift", c_int(p->shift)}});
      });
      return
          [p, a, o, kernel](const Tensors& t) { kernel(p.get(), t.data<In>(a), t.data<Out>(o)); };
    };
    const DataType from = in.type, to = out.type;
    if (from == DataType::Int8 && to == DataType::Int8)
      return bind(&tinyops_requantize_s8_s8, "tinyops_requantize_s8_s8", int8_t{}, int8_t{});
    if (from == DataType::Int8 && to == DataType::Int16)
      return bind(&tinyops_requantize_s8_s16, "tinyops_requantize_s8_s16", int8_t{}, int16_t{});
    if (from == DataType::Int8 && to == DataType::Int32)
      return bind(&tinyops_requantize_s8_s32, "tinyops_requantize_s8_s32", int8_t{}, int32_t{});
    if (from == DataType::Int16 && to == DataType::Int8)
      return bind(&tinyops_requantize_s16_s8, "tinyops_requantize_s16_s8", int16_t{}, int8_t{});
    if (from == DataType::Int16 && to == DataType::Int16)
      return bind(&tinyops_requantize_s16_s16, "tinyops_requantize_s16_s16", int16_t{}, int16_t{});
    if (from == DataType::Int16 && to == DataType::Int32)
      return bind(&tinyops_requantize_s16_s32, "tinyops_requantize_s16_s32", int16_t{}, int32_t{});
    if (from == DataType::Int32 && to == DataType::Int8)
      return bind(&tinyops_requantize_s32_s8, "tinyops_requantize_s32_s8", int32_t{}, int8_t{});
    if (from == DataType::Int32 && to == DataType::Int16)
      return bind(&tinyops_requantize_s32_s16, "tinyops_requantize_s32_s16", int32_t{}, int16_t{});
  }
  ctx.unsupported("QUANTIZE from " + std::string(to_string(in.type)) + " to " +
                  std::string(to_string(out.type)) +
                  " is not supported; supported: FLOAT32->INT8/INT16, INT8->INT8/INT16/INT32, "
                  "INT16->INT8/INT16/INT32, INT32->INT8/INT16");
}

InvokeFn prepare_dequantize(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  ctx.require(in.element_count() == out.element_count(), "output " + shape_to_string(out.shape) +
                                                             " does not match input " +
                                                             shape_to_string(in.shape));
  require_type(ctx, out, DataType::Float32, "output");
  const int32_t count = element_count32(ctx, in, "input");
  const TensorQuant qi = per_tensor_quant(ctx, in, "input");
  auto p = std::make_shared<tinyops_dequantize_params>(
      tinyops_dequantize_params{count, static_cast<double>(qi.scale), qi.zero_point});
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);
  // The scale is a float widened to double, so its float literal is exact.
  emit_call(ctx, in.type == DataType::Int8 ? "dequantize_s8.c" : "dequantize_s16.c",
            in.type == DataType::Int8 ? "tinyops_dequantize_s8_f32" : "tinyops_dequantize_s16_f32",
            a, o, [p](const std::string& name) {
              return c_struct("tinyops_dequantize_params", name,
                              {{"count", c_int(p->count)},
                               {"scale", c_float(static_cast<float>(p->scale))},
                               {"zero_point", c_int(p->zero_point)}});
            });
  if (in.type == DataType::Int8) {
    return [p, a, o](const Tensors& t) {
      tinyops_dequantize_s8_f32(p.get(), t.data<int8_t>(a), t.data<float>(o));
    };
  }
  if (in.type == DataType::Int16) {
    return [p, a, o](const Tensors& t) {
      tinyops_dequantize_s16_f32(p.get(), t.data<int16_t>(a), t.data<float>(o));
    };
  }
  ctx.unsupported("DEQUANTIZE from " + std::string(to_string(in.type)) +
                  " is not supported; supported: INT8, INT16");
}

}  // namespace

void register_quantize_ops(KernelRegistry& registry) {
  registry.builtin[OpType::Quantize] = &prepare_quantize;
  registry.builtin[OpType::Dequantize] = &prepare_dequantize;
}

}  // namespace tinyops::interp::elementwise
