// How the host interpreter binds IR operators to runtime kernels.
//
// Each operator has a prepare function: it runs once per model, checks types, shapes and
// quantisation (throwing InputError/UnsupportedError with the op's index and name), and
// computes everything the kernel needs (fixed-point multipliers, padding, activation
// ranges). It returns the invoke step, which only calls the C kernel: no checks and no
// floating-point set-up in the inner path.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tinyops/core/graph.hpp"
#include "tinyops/interp/c_emit.hpp"
#include "tinyops/interp/tensors.hpp"

namespace tinyops::interp {

using InvokeFn = std::function<void(const Tensors&)>;

// What a prepare function sees: the graph, the op and its position, with checked access.
class OpContext {
 public:
  using ResetFn = std::function<void()>;
  // `resets` collects the state-reset hooks of stateful ops (see on_reset); may be null.
  OpContext(const Graph& graph, const Op& op, size_t index, std::vector<ResetFn>* resets = nullptr,
            EmitFn* emit = nullptr)
      : graph_(graph), op_(op), index_(index), resets_(resets), emit_(emit) {}

  const Graph& graph() const { return graph_; }
  const Op& op() const { return op_; }
  size_t index() const { return index_; }

  size_t input_count() const { return op_.inputs.size(); }
  // Tensor of input i; throws when absent.
  const Tensor& input(size_t i) const;
  // Tensor of input i, or nullptr when the op omits it (-1) or has fewer inputs.
  const Tensor* optional_input(size_t i) const;
  const Tensor& output(size_t i) const;
  int32_t input_index(size_t i) const { return op_.inputs.at(i); }
  int32_t output_index(size_t i) const { return op_.outputs.at(i); }

  // Throws InputError "operator 3 (CONV_2D): <message>" unless condition holds.
  void require(bool condition, const std::string& message) const;
  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void unsupported(const std::string& message) const;
  std::string where() const;

  // A stateful op registers how to return its state to the initial value; the
  // interpreter calls it from reset_state().
  void on_reset(ResetFn reset) const {
    if (resets_ != nullptr) resets_->push_back(std::move(reset));
  }

  // Registers how this op prints itself as C (see c_emit.hpp), from the same parameters
  // its invoke step uses. Ops without an emitter cannot be compiled to C yet.
  void on_emit(EmitFn emit) const {
    if (emit_ != nullptr) *emit_ = std::move(emit);
  }

  template <class T>
  const T& options() const {
    const T* opts = std::get_if<T>(&op_.options);
    require(opts != nullptr, "options are missing or of the wrong kind");
    return *opts;
  }

 private:
  const Graph& graph_;
  const Op& op_;
  size_t index_;
  std::vector<ResetFn>* resets_;
  EmitFn* emit_;
};

using PrepareFn = InvokeFn (*)(const OpContext&);

struct KernelRegistry {
  std::map<OpType, PrepareFn> builtin;
  std::map<std::string, PrepareFn> custom;  // by custom op name, e.g. "SignalRfft"

  // "ADD, AVERAGE_POOL_2D, ..., custom: SignalRfft, ..." for error messages.
  std::string supported_list() const;
};

const KernelRegistry& kernel_registry();

// Each kernel family registers its operators; one file per family under ops/.
void register_conv_kernels(KernelRegistry& registry);         // conv, depthwise, FC, pooling
void register_elementwise_kernels(KernelRegistry& registry);  // arithmetic, activations, shape ops
void register_signal_kernels(KernelRegistry& registry);       // TFLM Signal-library custom ops
void register_svdf_kernels(KernelRegistry& registry);         // SVDF (stateful time filter)
void register_lstm_kernels(KernelRegistry& registry);  // UNIDIRECTIONAL_SEQUENCE_LSTM (stateful)

}  // namespace tinyops::interp
