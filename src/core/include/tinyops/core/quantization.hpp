// TFLite's published quantisation arithmetic, host side: turning real-valued scales into
// the fixed-point multipliers the int8 kernels use, and fused-activation ranges.
// Kernels themselves (in runtime/) only ever see the integers computed here.
#pragma once

#include <cstdint>
#include <utility>

#include "tinyops/core/data_type.hpp"
#include "tinyops/core/graph.hpp"

namespace tinyops {

// A real multiplier M represented as multiplier * 2^(shift - 31), with multiplier in
// [2^30, 2^31) (or 0). shift > 0 shifts left. Same as TFLite's QuantizeMultiplier
// (double rounding variant, as TFLite Micro builds it).
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int32_t shift = 0;
};
QuantizedMultiplier quantize_multiplier(double real_multiplier);

// Inclusive [min, max] of a fused activation in the quantised domain of an output with
// this scale and zero point, clamped to the type's range (TFLite's
// CalculateActivationRangeQuantized).
std::pair<int32_t, int32_t> activation_range_quantized(Activation activation, DataType type,
                                                       float scale, int32_t zero_point);

// [min, max] of a fused activation for float outputs.
std::pair<float, float> activation_range_float(Activation activation);

// The integer range of a quantised type (int8: [-128, 127]).
std::pair<int32_t, int32_t> quantized_type_range(DataType type);

}  // namespace tinyops
