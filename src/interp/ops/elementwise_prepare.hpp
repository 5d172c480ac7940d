// Prepare-time checks and parameter set-up shared by the element-wise, activation, shape
// and quantisation operator bindings (private to src/interp/ops).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tinyops/core/graph.hpp"
#include "tinyops/interp/op_kernel.hpp"
#include "tinyops/runtime/elementwise_binary.h"
#include "tinyops/runtime/shape_ops.h"

namespace tinyops::interp::elementwise {

// Families registered by register_elementwise_kernels.
void register_arithmetic_ops(KernelRegistry& registry);
void register_activation_ops(KernelRegistry& registry);
void register_shape_ops(KernelRegistry& registry);
void register_quantize_ops(KernelRegistry& registry);

// Per-tensor affine quantisation of an activation tensor.
struct TensorQuant {
  float scale = 0.0f;
  int32_t zero_point = 0;
};

// Throws unless `t` has exactly one positive scale and one zero point.
TensorQuant per_tensor_quant(const OpContext& ctx, const Tensor& t, const char* what);

// Number of elements as int32 (throws for unknown or oversized shapes).
int32_t element_count32(const OpContext& ctx, const Tensor& t, const char* what);

// Throws unless every listed tensor has type `type`.
void require_type(const OpContext& ctx, const Tensor& t, DataType type, const char* what);

// Resolves TFLite broadcasting of two inputs against the output (shapes right-aligned,
// each dimension equal or 1, at most TINYOPS_BROADCAST_MAX_DIMS dimensions).
tinyops_broadcast resolve_broadcast(const OpContext& ctx, const Tensor& a, const Tensor& b,
                                    const Tensor& out);

// Fused activation ranges: quantised int8/int16 outputs, plain int32 and float outputs.
std::pair<int32_t, int32_t> quantized_activation_range(const OpContext& ctx, Activation a,
                                                       DataType type, const TensorQuant& out);
std::pair<int32_t, int32_t> int32_activation_range(const OpContext& ctx, Activation a);
std::pair<float, float> float_activation_range(const OpContext& ctx, Activation a);

// Values of a constant integer operand (int32 or int64), e.g. axes, paddings, shapes.
std::vector<int32_t> constant_ints(const OpContext& ctx, size_t input, const char* what);

// The C runtime's type code of an IR type; throws UnsupportedError when it has none.
tinyops_type runtime_type(const OpContext& ctx, DataType type);

// ---- C emission (see c_emit.hpp) ---------------------------------------------------------

// "{1, 2, 3}": the first n values as a C brace initialiser ("{0}" when n is 0).
std::string c_list(const int32_t* values, int32_t n);

// Declares `b` as a static const tinyops_broadcast and returns its name.
std::string declare_broadcast(EmitContext& e, const tinyops_broadcast& b);

// The enumerator spelling of a runtime type code ("TINYOPS_TYPE_S8").
const char* runtime_type_name(tinyops_type type);

}  // namespace tinyops::interp::elementwise
