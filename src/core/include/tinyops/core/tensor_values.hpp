// Reading tensor bytes as numbers, for printing, comparing and checking outputs.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "tinyops/core/graph.hpp"

namespace tinyops {

// The stored values (not dequantised), widened to double.
std::vector<double> stored_values(DataType type, std::span<const uint8_t> bytes);
// Real values: scale * (q - zero_point) for per-tensor quantised tensors, else stored.
std::vector<double> real_values(const Tensor& tensor, std::span<const uint8_t> bytes);

struct Comparison {
  size_t total = 0;      // elements compared
  size_t differing = 0;  // elements outside tolerance
  size_t first_differing = 0;
  double max_abs_diff = 0;  // in stored units
  bool matches() const { return differing == 0; }
};

// Integer tensors must match exactly; float32 within `float_rel_tol` relative
// (absolute below 1e-6).
Comparison compare_values(DataType type, std::span<const uint8_t> got,
                          std::span<const uint8_t> want, double float_rel_tol = 1e-5);

}  // namespace tinyops
