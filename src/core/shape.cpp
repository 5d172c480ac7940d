#include "tinyops/core/shape.hpp"

#include <algorithm>

namespace tinyops {

int64_t element_count(std::span<const int32_t> shape) {
  int64_t count = 1;
  for (int32_t d : shape) {
    if (d < 0) return -1;
    count *= d;
    if (count > (int64_t{1} << 31)) return -1;
  }
  return count;
}

std::string shape_to_string(std::span<const int32_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

WindowGeometry compute_window(bool same_padding, int32_t input_size, int32_t filter_size,
                              int32_t stride, int32_t dilation) {
  const int32_t effective_filter = (filter_size - 1) * dilation + 1;
  const int32_t output_size = same_padding ? (input_size + stride - 1) / stride
                                           : (input_size - effective_filter + stride) / stride;
  const int32_t total_pad = std::max(0, (output_size - 1) * stride + effective_filter - input_size);
  return {output_size, total_pad / 2};
}

}  // namespace tinyops
