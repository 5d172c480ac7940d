// Shape arithmetic shared by importers, executors and the compiler.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace tinyops {

// Product of the dimensions, or -1 when a dimension is negative or the product would not
// fit in 2^31 elements (such tensors cannot exist on a microcontroller).
int64_t element_count(std::span<const int32_t> shape);

// "[1, 49, 10, 1]"
std::string shape_to_string(std::span<const int32_t> shape);

// TFLite's padding rule for SAME/VALID windows: output size and the padding before the
// first element (the extra odd pixel goes after, as TFLite does).
struct WindowGeometry {
  int32_t output_size;
  int32_t pad_before;
};
WindowGeometry compute_window(bool same_padding, int32_t input_size, int32_t filter_size,
                              int32_t stride, int32_t dilation);

}  // namespace tinyops
