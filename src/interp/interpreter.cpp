#include "tinyops/interp/interpreter.hpp"

#include <algorithm>

#include "tinyops/core/error.hpp"

namespace tinyops::interp {

Interpreter::Interpreter(const Graph& graph) : graph_(graph) {
  graph_.validate();
  // A hostile model can declare tensors of billions of elements; refuse before allocating.
  constexpr uint64_t kMaxTensorBytes = uint64_t{512} << 20;
  uint64_t needed = 0;
  for (const Tensor& t : graph_.tensors)
    if (!t.is_constant()) needed += t.byte_size();
  require(needed <= kMaxTensorBytes,
          "the model's activations need " + std::to_string(needed) +
              " bytes, more than the interpreter's 512 MiB limit (microcontroller models "
              "need kilobytes: check the tensor shapes)");
  storage_.resize(graph_.tensors.size());
  std::vector<std::span<uint8_t>> views(graph_.tensors.size());
  for (size_t i = 0; i < graph_.tensors.size(); ++i) {
    const Tensor& t = graph_.tensors[i];
    if (t.is_constant()) {
      // Kernels only read constants; the view is mutable only to share one type.
      views[i] = {const_cast<uint8_t*>(t.data.data()), t.data.size()};
    } else {
      storage_[i].assign(t.byte_size(), 0);
      views[i] = storage_[i];
    }
  }
  tensors_ = Tensors(std::move(views));
  reset_state();

  const KernelRegistry& registry = kernel_registry();
  emitters_.reserve(graph_.ops.size());  // OpContext holds a pointer into it during prepare
  for (size_t k = 0; k < graph_.ops.size(); ++k) {
    const Op& op = graph_.ops[k];
    emitters_.emplace_back();
    OpContext ctx(graph_, op, k, &op_resets_, &emitters_.back());
    PrepareFn prepare = nullptr;
    if (op.type == OpType::Custom) {
      auto it = registry.custom.find(op.name);
      if (it != registry.custom.end()) prepare = it->second;
    } else {
      auto it = registry.builtin.find(op.type);
      if (it != registry.builtin.end()) prepare = it->second;
    }
    if (prepare == nullptr) {
      ctx.unsupported("no kernel for this operator. Supported operators: " +
                      registry.supported_list());
    }
    steps_.push_back(prepare(ctx));
  }
}

const Tensor& Interpreter::input_tensor(size_t i) const {
  return graph_.tensors.at(static_cast<size_t>(graph_.inputs.at(i)));
}

const Tensor& Interpreter::output_tensor(size_t i) const {
  return graph_.tensors.at(static_cast<size_t>(graph_.outputs.at(i)));
}

std::span<uint8_t> Interpreter::input(size_t i) {
  return tensors_.bytes(graph_.inputs.at(i));
}

std::span<const uint8_t> Interpreter::output(size_t i) const {
  return tensors_.bytes(graph_.outputs.at(i));
}

std::span<const uint8_t> Interpreter::tensor_bytes(int32_t index) const {
  require(index >= 0 && static_cast<size_t>(index) < graph_.tensors.size(),
          "tensor index " + std::to_string(index) + " is out of range");
  return tensors_.bytes(index);
}

void Interpreter::invoke() {
  for (const InvokeFn& step : steps_) step(tensors_);
}

void Interpreter::invoke(const std::function<void(size_t)>& after_op) {
  for (size_t k = 0; k < steps_.size(); ++k) {
    steps_[k](tensors_);
    after_op(k);
  }
}

void Interpreter::reset_state() {
  for (const auto& reset : op_resets_) reset();
  for (size_t i = 0; i < graph_.tensors.size(); ++i) {
    const Tensor& t = graph_.tensors[i];
    if (!t.is_variable) continue;
    std::vector<uint8_t>& bytes = storage_[i];
    if (t.data.size() == bytes.size()) {
      std::copy(t.data.begin(), t.data.end(), bytes.begin());
    } else {
      // As TFLite Micro's ResetVariableTensors: int8 state starts at its zero point.
      const bool int8_with_zero_point = t.type == DataType::Int8 && t.quant.is_quantized();
      const auto fill = static_cast<uint8_t>(int8_with_zero_point ? t.quant.zero_points[0] : 0);
      std::fill(bytes.begin(), bytes.end(), fill);
    }
  }
}

}  // namespace tinyops::interp
