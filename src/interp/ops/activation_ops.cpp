// SOFTMAX, LOGISTIC, TANH, RELU and RELU6: the fixed-point set-up of TFLite Micro's
// softmax_common.cc, logistic_common.cc, tanh.cc and activations_common.cc.
#include <algorithm>
#include <cmath>
#include <memory>

#include "elementwise_prepare.hpp"
#include "tinyops/core/quantization.hpp"
#include "tinyops/core/shape.hpp"
#include "tinyops/runtime/activations.h"

namespace tinyops::interp::elementwise {
namespace {

void require_same_shape(const OpContext& ctx, const Tensor& in, const Tensor& out) {
  ctx.require(in.element_count() == out.element_count(), "output " + shape_to_string(out.shape) +
                                                             " does not match input " +
                                                             shape_to_string(in.shape));
}

// TFLite CalculateInputRadius: the largest input magnitude (in input units) whose
// rescaled value still fits in `integer_bits` integer bits.
int32_t input_radius(int integer_bits, int left_shift) {
  const double max_input_rescaled = 1.0 * ((1 << integer_bits) - 1) *
                                    std::ldexp(1.0, 31 - integer_bits) /
                                    std::ldexp(1.0, left_shift);
  return static_cast<int32_t>(std::floor(max_input_rescaled));
}

// Registers the emitter of a unary call fn(<leading>input, output) from runtime `source`.
template <class Leading>
void emit_unary(const OpContext& ctx, const std::string& source, const std::string& fn, int32_t a,
                int32_t o, Leading leading) {
  ctx.on_emit([=](EmitContext& e) {
    e.use_source(source);
    const std::string lead = leading(e);
    e.statement(fn + "(" + lead + e.tensor(a) + ", " + e.tensor(o) + ");");
  });
}

InvokeFn prepare_softmax(const OpContext& ctx) {
  const float beta = ctx.options<SoftmaxOptions>().beta;
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  ctx.require(!in.shape.empty(), "input must have at least one dimension");
  require_same_shape(ctx, in, out);
  const int32_t count = element_count32(ctx, in, "input");
  const int32_t depth = in.shape.back();
  ctx.require(depth > 0 || count == 0, "the last dimension is empty");
  const int32_t rows = depth > 0 ? count / depth : 0;
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);

  if (in.type == DataType::Float32 && out.type == DataType::Float32) {
    auto p =
        std::make_shared<tinyops_softmax_params_f32>(tinyops_softmax_params_f32{rows, depth, beta});
    emit_unary(ctx, "softmax_f32.c", "tinyops_softmax_f32", a, o, [p](EmitContext& e) {
      const std::string name = e.unique("params");
      e.declare(c_struct(
          "tinyops_softmax_params_f32", name,
          {{"rows", c_int(p->rows)}, {"depth", c_int(p->depth)}, {"beta", c_float(p->beta)}}));
      return "&" + name + ", ";
    });
    return [p, a, o](const Tensors& t) {
      tinyops_softmax_f32(p.get(), t.data<float>(a), t.data<float>(o));
    };
  }
  if (in.type == DataType::Int8 && (out.type == DataType::Int8 || out.type == DataType::Int16)) {
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    if (out.type == DataType::Int8) {
      ctx.require(qo.zero_point == -128 && qo.scale == 1.0f / 256,
                  "int8 output must have scale 1/256 and zero point -128");
    } else {
      ctx.require(
          qo.zero_point == -32768 && std::fabs(qo.scale - 1.0f / 65536) <= 0.001f * 1.0f / 65536,
          "int16 output must have scale 1/65536 and zero point -32768");
    }
    // TFLite PreprocessSoftmaxScaling with 5 integer bits for the scaled differences.
    constexpr int kScaledDiffIntegerBits = 5;
    const double max_real_multiplier = static_cast<double>((int64_t{1} << 31) - 1);
    const double real = std::min(static_cast<double>(beta) * static_cast<double>(qi.scale) *
                                     static_cast<double>(1 << (31 - kScaledDiffIntegerBits)),
                                 max_real_multiplier);
    const QuantizedMultiplier m = quantize_multiplier(real);
    if (m.shift < 0) {
      ctx.unsupported(
          "beta * input scale is too small for the fixed-point softmax (TFLite "
          "requires beta * scale * 2^26 >= 0.5)");
    }
    auto p = std::make_shared<tinyops_softmax_params>();
    p->rows = rows;
    p->depth = depth;
    p->input_multiplier = m.multiplier;
    p->input_left_shift = m.shift;
    p->diff_min = -input_radius(kScaledDiffIntegerBits, m.shift);
    emit_unary(ctx, "softmax_s8.c",
               out.type == DataType::Int8 ? "tinyops_softmax_s8" : "tinyops_softmax_s8_s16", a, o,
               [p](EmitContext& e) {
                 const std::string name = e.unique("params");
                 e.declare(c_struct("tinyops_softmax_params", name,
                                    {{"rows", c_int(p->rows)},
                                     {"depth", c_int(p->depth)},
                                     {"input_multiplier", c_int(p->input_multiplier)},
                                     {"input_left_shift", c_int(p->input_left_shift)},
                                     {"diff_min", c_int(p->diff_min)}}));
                 return "&" + name + ", ";
               });
    if (out.type == DataType::Int8) {
      return [p, a, o](const Tensors& t) {
        tinyops_softmax_s8(p.get(), t.data<int8_t>(a), t.data<int8_t>(o));
      };
    }
    return [p, a, o](const Tensors& t) {
      tinyops_softmax_s8_s16(p.get(), t.data<int8_t>(a), t.data<int16_t>(o));
    };
  }
  ctx.unsupported("SOFTMAX from " + std::string(to_string(in.type)) + " to " +
                  std::string(to_string(out.type)) +
                  " is not supported; supported: FLOAT32->FLOAT32, INT8->INT8, INT8->INT16");
}

template <bool kTanh>
InvokeFn prepare_sigmoid(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  require_same_shape(ctx, in, out);
  ctx.require(in.type == out.type, "input and output must share one type");
  const int32_t count = element_count32(ctx, in, "input");
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);
  if (in.type == DataType::Float32) {
    emit_unary(ctx, kTanh ? "tanh_f32.c" : "logistic_f32.c",
               kTanh ? "tinyops_tanh_f32" : "tinyops_logistic_f32", a, o,
               [count](EmitContext&) { return c_int(count) + ", "; });
    return [count, a, o](const Tensors& t) {
      (kTanh ? tinyops_tanh_f32 : tinyops_logistic_f32)(count, t.data<float>(a), t.data<float>(o));
    };
  }
  if (in.type == DataType::Int8) {
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    if (!kTanh) {
      const TensorQuant qo = per_tensor_quant(ctx, out, "output");
      ctx.require(qo.zero_point == -128, "int8 LOGISTIC output must have zero point -128");
    }
    // TFLM: the input is rescaled to Q4 (4 integer bits) by frexp of scale * 2^27, with
    // the mantissa rounded to 31 bits (no renormalisation when it rounds up to 2^31).
    constexpr int kInputIntegerBits = 4;
    const double real =
        static_cast<double>(qi.scale) * static_cast<double>(1 << (31 - kInputIntegerBits));
    int shift = 0;
    const double q = std::frexp(real, &shift);
    const double mantissa = std::round(q * static_cast<double>(int64_t{1} << 31));
    auto p = std::make_shared<tinyops_sigmoid_params>();
    p->count = count;
    p->input_zero_point = qi.zero_point;
    p->input_multiplier = mantissa >= 2147483647.0 ? INT32_MAX : static_cast<int32_t>(mantissa);
    p->input_shift = shift;
    p->input_range_radius = input_radius(kInputIntegerBits, shift);
    emit_unary(ctx, kTanh ? "tanh_s8.c" : "logistic_s8.c",
               kTanh ? "tinyops_tanh_s8" : "tinyops_logistic_s8", a, o, [p](EmitContext& e) {
                 const std::string name = e.unique("params");
                 e.declare(c_struct("tinyops_sigmoid_params", name,
                                    {{"count", c_int(p->count)},
                                     {"input_zero_point", c_int(p->input_zero_point)},
                                     {"input_range_radius", c_int(p->input_range_radius)},
                                     {"input_multiplier", c_int(p->input_multiplier)},
                                     {"input_shift", c_int(p->input_shift)}}));
                 return "&" + name + ", ";
               });
    return [p, a, o](const Tensors& t) {
      (kTanh ? tinyops_tanh_s8 : tinyops_logistic_s8)(p.get(), t.data<int8_t>(a),
                                                      t.data<int8_t>(o));
    };
  }
  ctx.unsupported(std::string(kTanh ? "TANH" : "LOGISTIC") + " on " +
                  std::string(to_string(in.type)) + " is not supported; supported: FLOAT32, INT8");
}

template <bool kRelu6>
InvokeFn prepare_relu(const OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  require_same_shape(ctx, in, out);
  ctx.require(in.type == out.type, "input and output must share one type");
  const int32_t count = element_count32(ctx, in, "input");
  const int32_t a = ctx.input_index(0), o = ctx.output_index(0);
  if (in.type == DataType::Float32) {
    emit_unary(ctx, "relu_f32.c", kRelu6 ? "tinyops_relu6_f32" : "tinyops_relu_f32", a, o,
               [count](EmitContext&) { return c_int(count) + ", "; });
    return [count, a, o](const Tensors& t) {
      (kRelu6 ? tinyops_relu6_f32 : tinyops_relu_f32)(count, t.data<float>(a), t.data<float>(o));
    };
  }
  if (in.type == DataType::Int8) {
    const TensorQuant qi = per_tensor_quant(ctx, in, "input");
    if constexpr (kRelu6) {
      // TFLM Relu6: clamp to the input's quantised 0 and 6, output taken as sharing the
      // input's parameters.
      const auto quantize = [&](float v) {
        const int32_t r = static_cast<int32_t>(std::round(v / qi.scale)) + qi.zero_point;
        return static_cast<int8_t>(std::clamp(r, -128, 127));
      };
      const int8_t zero = static_cast<int8_t>(std::clamp(qi.zero_point, -128, 127));
      const int8_t six = quantize(6.0f);
      emit_unary(ctx, "relu_s8.c", "tinyops_relu6_s8", a, o, [count, zero, six](EmitContext&) {
        return c_int(count) + ", " + c_int(zero) + ", " + c_int(six) + ", ";
      });
      return [count, zero, six, a, o](const Tensors& t) {
        tinyops_relu6_s8(count, zero, six, t.data<int8_t>(a), t.data<int8_t>(o));
      };
    } else {
      // TFLM CalculateReluOpData: requantise by s_in / s_out, clamp at the output's zero.
      const TensorQuant qo = per_tensor_quant(ctx, out, "output");
      const QuantizedMultiplier m =
          quantize_multiplier(static_cast<double>(qi.scale) / static_cast<double>(qo.scale));
      auto p = std::make_shared<tinyops_relu_params>();
      p->count = count;
      p->input_zero_point = qi.zero_point;
      p->output_zero_point = qo.zero_point;
      p->output_multiplier = m.multiplier;
      p->output_shift = m.shift;
      p->act_min =
          std::max(-128, qo.zero_point + static_cast<int32_t>(std::round(0.0f / qo.scale)));
      p->act_max = 127;
      emit_unary(ctx, "relu_s8.c", "tinyops_relu_s8", a, o, [p](EmitContext& e) {
        const std::string name = e.unique("params");
        e.declare(c_struct("tinyops_relu_params", name,
                           {{"count", c_int(p->count)},
                            {"input_zero_point", c_int(p->input_zero_point)},
                            {"output_zero_point", c_int(p->output_zero_point)},
                            {"output_multiplier", c_int(p->output_multiplier)},
                            {"output_shift", c_int(p->output_shift)},
                            {"act_min", c_int(p->act_min)},
                            {"act_max", c_int(p->act_max)}}));
        return "&" + name + ", ";
      });
      return [p, a, o](const Tensors& t) {
        tinyops_relu_s8(p.get(), t.data<int8_t>(a), t.data<int8_t>(o));
      };
    }
  }
  ctx.unsupported(std::string(kRelu6 ? "RELU6" : "RELU") + " on " +
                  std::string(to_string(in.type)) + " is not supported; supported: FLOAT32, INT8");
}

}  // namespace

void register_activation_ops(KernelRegistry& registry) {
  registry.builtin[OpType::Softmax] = &prepare_softmax;
  registry.builtin[OpType::Logistic] = &prepare_sigmoid<false>;
  registry.builtin[OpType::Tanh] = &prepare_sigmoid<true>;
  registry.builtin[OpType::Relu] = &prepare_relu<false>;
  registry.builtin[OpType::Relu6] = &prepare_relu<true>;
}

}  // namespace tinyops::interp::elementwise
