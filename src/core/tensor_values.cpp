#include "tinyops/core/tensor_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "tinyops/core/error.hpp"

namespace tinyops {
namespace {

template <class T>
double read_as(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return static_cast<double>(v);
}

double read_element(DataType type, const uint8_t* p) {
  switch (type) {
    case DataType::Float32:
      return read_as<float>(p);
    case DataType::Int8:
      return read_as<int8_t>(p);
    case DataType::UInt8:
    case DataType::Bool:
      return read_as<uint8_t>(p);
    case DataType::Int16:
      return read_as<int16_t>(p);
    case DataType::UInt16:
      return read_as<uint16_t>(p);
    case DataType::Int32:
      return read_as<int32_t>(p);
    case DataType::UInt32:
      return read_as<uint32_t>(p);
    case DataType::Int64:
      return read_as<int64_t>(p);
    case DataType::UInt64:
      return read_as<uint64_t>(p);
  }
  return 0;
}

}  // namespace

std::vector<double> stored_values(DataType type, std::span<const uint8_t> bytes) {
  const size_t width = element_size(type);
  std::vector<double> values(bytes.size() / width);
  for (size_t i = 0; i < values.size(); ++i) values[i] = read_element(type, &bytes[i * width]);
  return values;
}

std::vector<double> real_values(const Tensor& tensor, std::span<const uint8_t> bytes) {
  std::vector<double> values = stored_values(tensor.type, bytes);
  if (tensor.quant.is_quantized() && !tensor.quant.is_per_channel() &&
      tensor.type != DataType::Float32) {
    const double scale = tensor.quant.scales[0];
    const double zero = static_cast<double>(tensor.quant.zero_points[0]);
    for (double& v : values) v = scale * (v - zero);
  }
  return values;
}

Comparison compare_values(DataType type, std::span<const uint8_t> got,
                          std::span<const uint8_t> want, double float_rel_tol) {
  require(got.size() == want.size(), "cannot compare tensors of " + std::to_string(got.size()) +
                                         " and " + std::to_string(want.size()) + " bytes");
  const std::vector<double> a = stored_values(type, got), b = stored_values(type, want);
  Comparison c;
  c.total = a.size();
  for (size_t i = 0; i < a.size(); ++i) {
    const double diff = std::fabs(a[i] - b[i]);
    c.max_abs_diff = std::max(c.max_abs_diff, diff);
    const bool same = type == DataType::Float32
                          ? diff <= float_rel_tol * std::max(1e-6 / float_rel_tol, std::fabs(b[i]))
                          : diff == 0;
    if (!same && c.differing++ == 0) c.first_differing = i;
  }
  return c;
}

}  // namespace tinyops
