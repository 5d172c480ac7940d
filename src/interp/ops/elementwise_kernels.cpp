// Host bindings of the element-wise family: arithmetic (ADD, SUB, MUL, DIV, MINIMUM,
// MAXIMUM), activations (SOFTMAX, LOGISTIC, TANH, RELU, RELU6), shape and data-movement
// ops (RESHAPE, SQUEEZE, PAD, TRANSPOSE, STRIDED_SLICE, CONCATENATION, CAST, MEAN) and
// QUANTIZE/DEQUANTIZE. This file holds the checks the families share; each family binds
// its ops in its own file. Prepare follows TFLite Micro's prepare step by step so int8
// outputs are bit-identical to TFLM's reference kernels (see docs/kernels.md).
#include <algorithm>
#include <cmath>
#include <limits>

#include "elementwise_prepare.hpp"
#include "tinyops/core/quantization.hpp"
#include "tinyops/core/shape.hpp"

namespace tinyops::interp {

namespace elementwise {

TensorQuant per_tensor_quant(const OpContext& ctx, const Tensor& t, const char* what) {
  ctx.require(
      t.quant.is_quantized() && t.quant.scales.size() == 1 && t.quant.zero_points.size() == 1,
      std::string(what) + " '" + t.name + "' must have one (per-tensor) scale and zero point");
  ctx.require(t.quant.scales[0] > 0.0f && std::isfinite(t.quant.scales[0]),
              std::string(what) + " '" + t.name + "' has a non-positive scale");
  const int64_t zp = t.quant.zero_points[0];
  ctx.require(
      zp >= std::numeric_limits<int32_t>::min() && zp <= std::numeric_limits<int32_t>::max(),
      std::string(what) + " '" + t.name + "' has an out-of-range zero point");
  return {t.quant.scales[0], static_cast<int32_t>(zp)};
}

int32_t element_count32(const OpContext& ctx, const Tensor& t, const char* what) {
  const int64_t n = t.element_count();
  ctx.require(
      n >= 0 && n <= std::numeric_limits<int32_t>::max(),
      std::string(what) + " '" + t.name + "' has an invalid shape " + shape_to_string(t.shape));
  return static_cast<int32_t>(n);
}

void require_type(const OpContext& ctx, const Tensor& t, DataType type, const char* what) {
  ctx.require(t.type == type, std::string(what) + " '" + t.name + "' is " +
                                  std::string(to_string(t.type)) + ", expected " +
                                  std::string(to_string(type)));
}

tinyops_broadcast resolve_broadcast(const OpContext& ctx, const Tensor& a, const Tensor& b,
                                    const Tensor& out) {
  const size_t rank = std::max({a.shape.size(), b.shape.size(), size_t{1}});
  if (rank > TINYOPS_BROADCAST_MAX_DIMS) {
    ctx.unsupported("inputs of rank " + std::to_string(rank) + " exceed the " +
                    std::to_string(TINYOPS_BROADCAST_MAX_DIMS) + "-D broadcasting limit");
  }
  // Right-align both shapes to `rank` dimensions.
  auto extended = [rank](const std::vector<int32_t>& s) {
    std::vector<int32_t> e(rank - s.size(), 1);
    e.insert(e.end(), s.begin(), s.end());
    return e;
  };
  const std::vector<int32_t> ea = extended(a.shape), eb = extended(b.shape);
  tinyops_broadcast r{};
  r.rank = static_cast<int32_t>(rank);
  std::vector<int32_t> out_shape(rank);
  int32_t stride_a = 1, stride_b = 1;
  for (size_t k = rank; k-- > 0;) {
    const int32_t da = ea[k], db = eb[k];
    ctx.require(da == db || da == 1 || db == 1,
                "input shapes " + shape_to_string(a.shape) + " and " + shape_to_string(b.shape) +
                    " do not broadcast (dimension " + std::to_string(k) + ": " +
                    std::to_string(da) + " vs " + std::to_string(db) + ")");
    const int32_t d = da == 1 ? db : da;
    out_shape[k] = d;
    r.dims[k] = d;
    r.stride1[k] = da == 1 ? 0 : stride_a;
    r.stride2[k] = db == 1 ? 0 : stride_b;
    stride_a *= da;
    stride_b *= db;
  }
  const int64_t count = element_count(out_shape);
  ctx.require(count >= 0 && count == out.element_count(),
              "output " + shape_to_string(out.shape) + " does not match the broadcast shape " +
                  shape_to_string(out_shape));
  r.count = static_cast<int32_t>(count);
  return r;
}

namespace {
bool is_clamp_activation(Activation a) {
  return a == Activation::None || a == Activation::Relu || a == Activation::Relu6 ||
         a == Activation::ReluN1To1;
}
void require_clamp_activation(const OpContext& ctx, Activation a) {
  if (!is_clamp_activation(a)) {
    ctx.unsupported("fused activation " + std::string(to_string(a)) +
                    " is not supported; supported: NONE, RELU, RELU6, RELU_N1_TO_1");
  }
}
}  // namespace

std::pair<int32_t, int32_t> quantized_activation_range(const OpContext& ctx, Activation a,
                                                       DataType type, const TensorQuant& out) {
  require_clamp_activation(ctx, a);
  return activation_range_quantized(a, type, out.scale, out.zero_point);
}

std::pair<int32_t, int32_t> int32_activation_range(const OpContext& ctx, Activation a) {
  // TFLite's CalculateActivationRange for int32 outputs: the real bounds, unscaled.
  require_clamp_activation(ctx, a);
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  switch (a) {
    case Activation::Relu:
      return {0, kMax};
    case Activation::Relu6:
      return {0, 6};
    case Activation::ReluN1To1:
      return {-1, 1};
    default:
      return {kMin, kMax};
  }
}

std::pair<float, float> float_activation_range(const OpContext& ctx, Activation a) {
  require_clamp_activation(ctx, a);
  return activation_range_float(a);
}

std::vector<int32_t> constant_ints(const OpContext& ctx, size_t input, const char* what) {
  const Tensor& t = ctx.input(input);
  ctx.require(t.is_constant(), std::string(what) + " '" + t.name +
                                   "' must be a constant tensor (computed shapes are not "
                                   "supported)");
  std::vector<int32_t> values;
  if (t.type == DataType::Int32) {
    const auto v = t.constant_as<int32_t>();
    values.assign(v.begin(), v.end());
  } else if (t.type == DataType::Int64) {
    for (int64_t x : t.constant_as<int64_t>()) {
      ctx.require(
          x >= std::numeric_limits<int32_t>::min() && x <= std::numeric_limits<int32_t>::max(),
          std::string(what) + " '" + t.name + "' holds a value beyond int32");
      values.push_back(static_cast<int32_t>(x));
    }
  } else {
    ctx.fail(std::string(what) + " '" + t.name + "' must be INT32 or INT64, got " +
             std::string(to_string(t.type)));
  }
  ctx.require(static_cast<int64_t>(values.size()) == t.element_count(),
              std::string(what) + " '" + t.name + "' holds " + std::to_string(values.size()) +
                  " values for shape " + shape_to_string(t.shape));
  return values;
}

tinyops_type runtime_type(const OpContext& ctx, DataType type) {
  switch (type) {
    case DataType::Float32:
      return TINYOPS_TYPE_F32;
    case DataType::Int8:
      return TINYOPS_TYPE_S8;
    case DataType::UInt8:
      return TINYOPS_TYPE_U8;
    case DataType::Int16:
      return TINYOPS_TYPE_S16;
    case DataType::UInt16:
      return TINYOPS_TYPE_U16;
    case DataType::Int32:
      return TINYOPS_TYPE_S32;
    case DataType::UInt32:
      return TINYOPS_TYPE_U32;
    case DataType::Int64:
      return TINYOPS_TYPE_S64;
    case DataType::UInt64:
      return TINYOPS_TYPE_U64;
    case DataType::Bool:
      return TINYOPS_TYPE_BOOL;
  }
  ctx.unsupported("type " + std::string(to_string(type)) + " has no runtime representation");
}

std::string c_list(const int32_t* values, int32_t n) {
  if (n <= 0) return "{0}";
  std::string s = "{";
  for (int32_t i = 0; i < n; ++i) s += (i ? ", " : "") + c_int(values[i]);
  return s + "}";
}

std::string declare_broadcast(EmitContext& e, const tinyops_broadcast& b) {
  const std::string name = e.unique("shape");
  e.declare(c_struct("tinyops_broadcast", name,
                     {{"rank", c_int(b.rank)},
                      {"count", c_int(b.count)},
                      {"dims", c_list(b.dims, b.rank)},
                      {"stride1", c_list(b.stride1, b.rank)},
                      {"stride2", c_list(b.stride2, b.rank)}}));
  return name;
}

const char* runtime_type_name(tinyops_type type) {
  switch (type) {
    case TINYOPS_TYPE_F32:
      return "TINYOPS_TYPE_F32";
    case TINYOPS_TYPE_S8:
      return "TINYOPS_TYPE_S8";
    case TINYOPS_TYPE_U8:
      return "TINYOPS_TYPE_U8";
    case TINYOPS_TYPE_S16:
      return "TINYOPS_TYPE_S16";
    case TINYOPS_TYPE_U16:
      return "TINYOPS_TYPE_U16";
    case TINYOPS_TYPE_S32:
      return "TINYOPS_TYPE_S32";
    case TINYOPS_TYPE_U32:
      return "TINYOPS_TYPE_U32";
    case TINYOPS_TYPE_S64:
      return "TINYOPS_TYPE_S64";
    case TINYOPS_TYPE_U64:
      return "TINYOPS_TYPE_U64";
    case TINYOPS_TYPE_BOOL:
      return "TINYOPS_TYPE_BOOL";
  }
  return "TINYOPS_TYPE_S8";
}

}  // namespace elementwise

void register_elementwise_kernels(KernelRegistry& registry) {
  elementwise::register_arithmetic_ops(registry);
  elementwise::register_activation_ops(registry);
  elementwise::register_shape_ops(registry);
  elementwise::register_quantize_ops(registry);
}

}  // namespace tinyops::interp
