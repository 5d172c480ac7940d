#include "tinyops/core/quantization.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tinyops/core/error.hpp"

namespace tinyops {

QuantizedMultiplier quantize_multiplier(double real_multiplier) {
  // Scales come from model files: a zero, negative, infinite or NaN effective scale
  // (e.g. an output scale of 0) has no fixed-point form.
  require(std::isfinite(real_multiplier) && real_multiplier >= 0.0,
          "effective quantisation scale " + std::to_string(real_multiplier) +
              " is not a finite non-negative number: check the tensors' scales (they must be "
              "positive and finite)");
  if (real_multiplier == 0.0) return {0, 0};
  int exponent = 0;
  const double fraction = std::frexp(real_multiplier, &exponent);
  // TfLiteRound is std::round: halfway cases away from zero.
  int64_t fixed = static_cast<int64_t>(std::round(fraction * static_cast<double>(1LL << 31)));
  if (fixed == (1LL << 31)) {
    fixed /= 2;
    ++exponent;
  }
  // Below 2^-31 every product would shift out to zero; TFLite flushes to an exact zero.
  if (exponent < -31) return {0, 0};
  return {static_cast<int32_t>(fixed), exponent};
}

std::pair<int32_t, int32_t> quantized_type_range(DataType type) {
  switch (type) {
    case DataType::Int8:
      return {-128, 127};
    case DataType::UInt8:
      return {0, 255};
    case DataType::Int16:
      return {-32768, 32767};
    case DataType::Int32:
      return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    default:
      throw InputError("type " + std::string(to_string(type)) + " is not a quantised type");
  }
}

std::pair<int32_t, int32_t> activation_range_quantized(Activation activation, DataType type,
                                                       float scale, int32_t zero_point) {
  auto [qmin, qmax] = quantized_type_range(type);
  auto quantize = [&](float real) {
    // TFLite: zero_point + static_cast<int32_t>(TfLiteRound(real / scale)).
    return zero_point + static_cast<int32_t>(std::round(real / scale));
  };
  switch (activation) {
    case Activation::None:
      return {qmin, qmax};
    case Activation::Relu:
      return {std::max(qmin, quantize(0.0f)), qmax};
    case Activation::Relu6:
      return {std::max(qmin, quantize(0.0f)), std::min(qmax, quantize(6.0f))};
    case Activation::ReluN1To1:
      return {std::max(qmin, quantize(-1.0f)), std::min(qmax, quantize(1.0f))};
    case Activation::Tanh:
    case Activation::SignBit:
      break;
  }
  throw UnsupportedError("fused activation " + std::string(to_string(activation)) +
                         " is not supported on quantised outputs; supported: NONE, RELU, "
                         "RELU6, RELU_N1_TO_1");
}

std::pair<float, float> activation_range_float(Activation activation) {
  constexpr float kLowest = std::numeric_limits<float>::lowest();
  constexpr float kMax = std::numeric_limits<float>::max();
  switch (activation) {
    case Activation::None:
      return {kLowest, kMax};
    case Activation::Relu:
      return {0.0f, kMax};
    case Activation::Relu6:
      return {0.0f, 6.0f};
    case Activation::ReluN1To1:
      return {-1.0f, 1.0f};
    case Activation::Tanh:
    case Activation::SignBit:
      break;
  }
  throw UnsupportedError("fused activation " + std::string(to_string(activation)) +
                         " is not supported; supported: NONE, RELU, RELU6, RELU_N1_TO_1");
}

}  // namespace tinyops
