// ADD, SUB, MUL, DIV, MINIMUM and MAXIMUM: type checks, TFLite broadcasting and the
// fixed-point multipliers of TFLite Micro's add_common.cc / sub_common.cc / mul_common.cc.
#include <algorithm>
#include <memory>

#include "elementwise_prepare.hpp"
#include "tinyops/core/quantization.hpp"

namespace tinyops::interp::elementwise {
namespace {

enum class Arith { Add, Sub, Mul, Div };

const char* arith_name(Arith op) {
  switch (op) {
    case Arith::Add:
      return "ADD";
    case Arith::Sub:
      return "SUB";
    case Arith::Mul:
      return "MUL";
    case Arith::Div:
      return "DIV";
  }
  return "?";
}

// Parameters of quantised ADD/SUB (TFLM CalculateOpDataAdd / CalculateOpDataSub): both
// inputs are brought to twice the larger input scale after a left shift of 20 (int8) or
// 15 (int16) bits, all in double.
tinyops_add_params add_sub_params(const TensorQuant& in1, const TensorQuant& in2,
                                  const TensorQuant& out, DataType type,
                                  std::pair<int32_t, int32_t> range) {
  tinyops_add_params p{};
  p.input1_offset = -in1.zero_point;
  p.input2_offset = -in2.zero_point;
  p.output_offset = out.zero_point;
  p.left_shift = type == DataType::Int16 ? 15 : 20;
  const double twice_max_input_scale = 2 * static_cast<double>(std::max(in1.scale, in2.scale));
  const double real1 = static_cast<double>(in1.scale) / twice_max_input_scale;
  const double real2 = static_cast<double>(in2.scale) / twice_max_input_scale;
  const double real_out =
      twice_max_input_scale / ((1 << p.left_shift) * static_cast<double>(out.scale));
  const QuantizedMultiplier m1 = quantize_multiplier(real1);
  const QuantizedMultiplier m2 = quantize_multiplier(real2);
  const QuantizedMultiplier mo = quantize_multiplier(real_out);
  p.input1_multiplier = m1.multiplier;
  p.input1_shift = m1.shift;
  p.input2_multiplier = m2.multiplier;
  p.input2_shift = m2.shift;
  p.output_multiplier = mo.multiplier;
  p.output_shift = mo.shift;
  p.act_min = range.first;
  p.act_max = range.second;
  return p;
}

const char* arith_kernel(Arith op) {
  switch (op) {
    case Arith::Add:
      return "add";
    case Arith::Sub:
      return "sub";
    case Arith::Mul:
      return "mul";
    case Arith::Div:
      return "div";
  }
  return "?";
}

// Registers the emitter of one broadcast kernel call,
//   tinyops_<kernel>_<suffix>(<leading>&shape, input1, input2, output);
// from runtime source <file>_<suffix>.c. `leading` prints the arguments before the shape
// (declaring any parameter struct) and ends with ", " when it prints any.
template <class Leading>
void emit_binary(const OpContext& ctx, const std::string& file, const std::string& kernel,
                 const std::string& suffix, std::shared_ptr<const tinyops_broadcast> shape,
                 int32_t a, int32_t b, int32_t o, Leading leading) {
  ctx.on_emit([=](EmitContext& e) {
    e.use_source(file + "_" + suffix + ".c");
    const std::string lead = leading(e);
    const std::string s = declare_broadcast(e, *shape);
    e.statement("tinyops_" + kernel + "_" + suffix + "(" + lead + "&" + s + ", " + e.tensor(a) +
                ", " + e.tensor(b) + ", " + e.tensor(o) + ");");
  });
}

std::string declare_add_params(EmitContext& e, const tinyops_add_params& p) {
  const std::string name = e.unique("params");
  e.declare(c_struct("tinyops_add_params", name,
                     {{"input1_offset", c_int(p.input1_offset)},
                      {"input2_offset", c_int(p.input2_offset)},
                      {"output_offset", c_int(p.output_offset)},
                      {"left_shift", c_int(p.left_shift)},
                      {"input1_multiplier", c_int(p.input1_multiplier)},
                      {"input1_shift", c_int(p.input1_shift)},
                      {"input2_multiplier", c_int(p.input2_multiplier)},
                      {"input2_shift", c_int(p.input2_shift)},
                      {"output_multiplier", c_int(p.output_multiplier)},
                      {"output_shift", c_int(p.output_shift)},
                      {"act_min", c_int(p.act_min)},
                      {"act_max", c_int(p.act_max)}}));
  return name;
}

std::string declare_mul_params(EmitContext& e, const tinyops_mul_params& p) {
  const std::string name = e.unique("params");
  e.declare(c_struct("tinyops_mul_params", name,
                     {{"input1_offset", c_int(p.input1_offset)},
                      {"input2_offset", c_int(p.input2_offset)},
                      {"output_offset", c_int(p.output_offset)},
                      {"output_multiplier", c_int(p.output_multiplier)},
                      {"output_shift", c_int(p.output_shift)},
                      {"act_min", c_int(p.act_min)},
                      {"act_max", c_int(p.act_max)}}));
  return name;
}

template <Arith kOp>
InvokeFn prepare_arith(const OpContext& ctx) {
  const Activation activation = ctx.options<ElementwiseOptions>().activation;
  const Tensor& in1 = ctx.input(0);
  const Tensor& in2 = ctx.input(1);
  const Tensor& out = ctx.output(0);
  ctx.require(in1.type == in2.type && in1.type == out.type,
              std::string("inputs and output must share one type, got ") +
                  std::string(to_string(in1.type)) + ", " + std::string(to_string(in2.type)) +
                  " -> " + std::string(to_string(out.type)));
  auto shape = std::make_shared<tinyops_broadcast>(resolve_broadcast(ctx, in1, in2, out));
  const int32_t a = ctx.input_index(0), b = ctx.input_index(1), o = ctx.output_index(0);
  const DataType type = out.type;

  if (type == DataType::Float32) {
    // Plain variables, not a structured binding: lambdas capture them (clang 14).
    const auto range = float_activation_range(ctx, activation);
    const float lo = range.first, hi = range.second;
    emit_binary(ctx, arith_kernel(kOp), arith_kernel(kOp), "f32", shape, a, b, o,
                [lo, hi](EmitContext&) { return c_float(lo) + ", " + c_float(hi) + ", "; });
    return [shape, a, b, o, lo, hi](const Tensors& t) {
      const float* x = t.data<float>(a);
      const float* y = t.data<float>(b);
      float* z = t.data<float>(o);
      if constexpr (kOp == Arith::Add) tinyops_add_f32(lo, hi, shape.get(), x, y, z);
      if constexpr (kOp == Arith::Sub) tinyops_sub_f32(lo, hi, shape.get(), x, y, z);
      if constexpr (kOp == Arith::Mul) tinyops_mul_f32(lo, hi, shape.get(), x, y, z);
      if constexpr (kOp == Arith::Div) tinyops_div_f32(lo, hi, shape.get(), x, y, z);
    };
  }

  if (type == DataType::Int32) {
    // TFLM's int32 ADD ignores the fused activation (tinyops_add_s32 takes no range);
    // SUB, MUL and DIV clamp to it.
    const auto range = int32_activation_range(ctx, activation);
    const int32_t lo = range.first, hi = range.second;
    emit_binary(ctx, arith_kernel(kOp), arith_kernel(kOp), "s32", shape, a, b, o,
                [lo, hi](EmitContext&) -> std::string {
                  if constexpr (kOp == Arith::Add) return "";
                  return c_int(lo) + ", " + c_int(hi) + ", ";
                });
    return [=](const Tensors& t) {
      const int32_t* x = t.data<int32_t>(a);
      const int32_t* y = t.data<int32_t>(b);
      int32_t* z = t.data<int32_t>(o);
      if constexpr (kOp == Arith::Add) tinyops_add_s32(shape.get(), x, y, z);
      if constexpr (kOp == Arith::Sub) tinyops_sub_s32(lo, hi, shape.get(), x, y, z);
      if constexpr (kOp == Arith::Mul) tinyops_mul_s32(lo, hi, shape.get(), x, y, z);
      if constexpr (kOp == Arith::Div) tinyops_div_s32(lo, hi, shape.get(), x, y, z);
    };
  }

  if ((type == DataType::Int8 || type == DataType::Int16) && kOp != Arith::Div) {
    const TensorQuant q1 = per_tensor_quant(ctx, in1, "input 0");
    const TensorQuant q2 = per_tensor_quant(ctx, in2, "input 1");
    const TensorQuant qo = per_tensor_quant(ctx, out, "output");
    const auto range = quantized_activation_range(ctx, activation, type, qo);
    if constexpr (kOp == Arith::Add || kOp == Arith::Sub) {
      auto p = std::make_shared<tinyops_add_params>(add_sub_params(q1, q2, qo, type, range));
      emit_binary(ctx, arith_kernel(kOp), arith_kernel(kOp), type == DataType::Int8 ? "s8" : "s16",
                  shape, a, b, o,
                  [p](EmitContext& e) { return "&" + declare_add_params(e, *p) + ", "; });
      if (type == DataType::Int8) {
        return [shape, p, a, b, o](const Tensors& t) {
          if constexpr (kOp == Arith::Add)
            tinyops_add_s8(p.get(), shape.get(), t.data<int8_t>(a), t.data<int8_t>(b),
                           t.data<int8_t>(o));
          else
            tinyops_sub_s8(p.get(), shape.get(), t.data<int8_t>(a), t.data<int8_t>(b),
                           t.data<int8_t>(o));
        };
      }
      return [shape, p, a, b, o](const Tensors& t) {
        if constexpr (kOp == Arith::Add)
          tinyops_add_s16(p.get(), shape.get(), t.data<int16_t>(a), t.data<int16_t>(b),
                          t.data<int16_t>(o));
        else
          tinyops_sub_s16(p.get(), shape.get(), t.data<int16_t>(a), t.data<int16_t>(b),
                          t.data<int16_t>(o));
      };
    } else {
      // TFLM CalculateOpDataMul: s1 * s2 / s_out in double.
      if (type == DataType::Int16) {
        ctx.require(q1.zero_point == 0 && q2.zero_point == 0 && qo.zero_point == 0,
                    "int16 MUL needs zero points of 0 (symmetric quantisation)");
      }
      const QuantizedMultiplier m =
          quantize_multiplier(static_cast<double>(q1.scale) * static_cast<double>(q2.scale) /
                              static_cast<double>(qo.scale));
      auto p = std::make_shared<tinyops_mul_params>(
          tinyops_mul_params{-q1.zero_point, -q2.zero_point, qo.zero_point, m.multiplier, m.shift,
                             range.first, range.second});
      emit_binary(ctx, "mul", "mul", type == DataType::Int8 ? "s8" : "s16", shape, a, b, o,
                  [p](EmitContext& e) { return "&" + declare_mul_params(e, *p) + ", "; });
      if (type == DataType::Int8) {
        return [shape, p, a, b, o](const Tensors& t) {
          tinyops_mul_s8(p.get(), shape.get(), t.data<int8_t>(a), t.data<int8_t>(b),
                         t.data<int8_t>(o));
        };
      }
      return [shape, p, a, b, o](const Tensors& t) {
        tinyops_mul_s16(p.get(), shape.get(), t.data<int16_t>(a), t.data<int16_t>(b),
                        t.data<int16_t>(o));
      };
    }
  }
  ctx.unsupported(std::string(arith_name(kOp)) + " on " + std::string(to_string(type)) +
                  " is not supported; supported: FLOAT32, INT32" +
                  (kOp == Arith::Div ? "" : ", INT8, INT16"));
}

template <bool kMaximum>
InvokeFn prepare_min_max(const OpContext& ctx) {
  const Tensor& in1 = ctx.input(0);
  const Tensor& in2 = ctx.input(1);
  const Tensor& out = ctx.output(0);
  ctx.require(in1.type == in2.type && in1.type == out.type,
              "inputs and output must share one type");
  auto shape = std::make_shared<tinyops_broadcast>(resolve_broadcast(ctx, in1, in2, out));
  const int32_t a = ctx.input_index(0), b = ctx.input_index(1), o = ctx.output_index(0);
  const char* suffix = out.type == DataType::Float32 ? "f32"
                       : out.type == DataType::Int8  ? "s8"
                       : out.type == DataType::Int16 ? "s16"
                                                     : "s32";
  emit_binary(ctx, "maximum_minimum", kMaximum ? "maximum" : "minimum", suffix, shape, a, b, o,
              [](EmitContext&) { return std::string(); });
  switch (out.type) {
    case DataType::Float32:
      return [shape, a, b, o](const Tensors& t) {
        (kMaximum ? tinyops_maximum_f32 : tinyops_minimum_f32)(shape.get(), t.data<float>(a),
                                                               t.data<float>(b), t.data<float>(o));
      };
    case DataType::Int8:
      return [shape, a, b, o](const Tensors& t) {
        (kMaximum ? tinyops_maximum_s8 : tinyops_minimum_s8)(shape.get(), t.data<int8_t>(a),
                                                             t.data<int8_t>(b), t.data<int8_t>(o));
      };
    case DataType::Int16:
      return [shape, a, b, o](const Tensors& t) {
        (kMaximum ? tinyops_maximum_s16 : tinyops_minimum_s16)(
            shape.get(), t.data<int16_t>(a), t.data<int16_t>(b), t.data<int16_t>(o));
      };
    case DataType::Int32:
      return [shape, a, b, o](const Tensors& t) {
        (kMaximum ? tinyops_maximum_s32 : tinyops_minimum_s32)(
            shape.get(), t.data<int32_t>(a), t.data<int32_t>(b), t.data<int32_t>(o));
      };
    default:
      ctx.unsupported(std::string(kMaximum ? "MAXIMUM" : "MINIMUM") + " on " +
                      std::string(to_string(out.type)) +
                      " is not supported; supported: FLOAT32, INT8, INT16, INT32");
  }
}

}  // namespace

void register_arithmetic_ops(KernelRegistry& registry) {
  registry.builtin[OpType::Add] = &prepare_arith<Arith::Add>;
  registry.builtin[OpType::Sub] = &prepare_arith<Arith::Sub>;
  registry.builtin[OpType::Mul] = &prepare_arith<Arith::Mul>;
  registry.builtin[OpType::Div] = &prepare_arith<Arith::Div>;
  registry.builtin[OpType::Minimum] = &prepare_min_max<false>;
  registry.builtin[OpType::Maximum] = &prepare_min_max<true>;
}

}  // namespace tinyops::interp::elementwise
