#include "tinyops/interp/op_kernel.hpp"

#include "tinyops/core/error.hpp"

namespace tinyops::interp {

std::string OpContext::where() const {
  return "operator " + std::to_string(index_) + " (" + op_.display_name() + ")";
}

void OpContext::fail(const std::string& message) const {
  throw InputError(where() + ": " + message);
}

void OpContext::unsupported(const std::string& message) const {
  throw UnsupportedError(where() + ": " + message);
}

void OpContext::require(bool condition, const std::string& message) const {
  if (!condition) fail(message);
}

const Tensor* OpContext::optional_input(size_t i) const {
  if (i >= op_.inputs.size() || op_.inputs[i] == kNoTensor) return nullptr;
  return &graph_.tensors.at(static_cast<size_t>(op_.inputs[i]));
}

const Tensor& OpContext::input(size_t i) const {
  const Tensor* t = optional_input(i);
  require(t != nullptr, "input " + std::to_string(i) + " is missing (the op has " +
                            std::to_string(op_.inputs.size()) + " inputs)");
  return *t;
}

const Tensor& OpContext::output(size_t i) const {
  require(i < op_.outputs.size(), "output " + std::to_string(i) + " is missing");
  return graph_.tensors.at(static_cast<size_t>(op_.outputs[i]));
}

std::string KernelRegistry::supported_list() const {
  std::string list;
  for (const auto& [type, fn] : builtin) {
    if (!list.empty()) list += ", ";
    list += to_string(type);
  }
  if (!custom.empty()) {
    list += "; custom: ";
    bool first = true;
    for (const auto& [name, fn] : custom) {
      if (!first) list += ", ";
      list += name;
      first = false;
    }
  }
  return list;
}

const KernelRegistry& kernel_registry() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    register_conv_kernels(r);
    register_elementwise_kernels(r);
    register_signal_kernels(r);
    register_svdf_kernels(r);
    register_lstm_kernels(r);
    return r;
  }();
  return registry;
}

}  // namespace tinyops::interp
