// Hand-built graphs for tests: tensors, quantisation and ops in a few lines each.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "tinyops/core/graph.hpp"

namespace tinyops::test_graphs {

inline QuantParams quant(std::vector<float> scales, std::vector<int64_t> zero_points,
                         int32_t axis = 0) {
  QuantParams q;
  q.scales = std::move(scales);
  q.zero_points = std::move(zero_points);
  q.axis = axis;
  return q;
}

inline Tensor activation(std::string name, DataType type, std::vector<int32_t> shape,
                         QuantParams q = {}) {
  Tensor t;
  t.name = std::move(name);
  t.type = type;
  t.shape = std::move(shape);
  t.quant = std::move(q);
  return t;
}

template <class T>
Tensor constant(std::string name, DataType type, std::vector<int32_t> shape,
                const std::vector<T>& values, QuantParams q = {}) {
  Tensor t = activation(std::move(name), type, std::move(shape), std::move(q));
  t.data.resize(values.size() * sizeof(T));
  std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

inline Op make_op(OpType type, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                  OpOptions options) {
  Op op;
  op.type = type;
  op.inputs = std::move(inputs);
  op.outputs = std::move(outputs);
  op.options = std::move(options);
  return op;
}

}  // namespace tinyops::test_graphs
