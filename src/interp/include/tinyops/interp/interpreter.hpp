// Host reference executor: runs an IR graph op by op over the C runtime kernels.
// It is the truth the compiler's generated code and the device farm are checked against.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "tinyops/core/graph.hpp"
#include "tinyops/interp/op_kernel.hpp"

namespace tinyops::interp {

class Interpreter {
 public:
  // Validates the graph and prepares every op. Throws UnsupportedError naming the first
  // operator without a kernel (its index, its name and the supported list), or
  // InputError for shapes/types a kernel rejects. `graph` must outlive the interpreter.
  explicit Interpreter(const Graph& graph);

  const Graph& graph() const { return graph_; }
  size_t input_count() const { return graph_.inputs.size(); }
  size_t output_count() const { return graph_.outputs.size(); }
  const Tensor& input_tensor(size_t i) const;
  const Tensor& output_tensor(size_t i) const;

  // Writable bytes of graph input i; fill before invoke().
  std::span<uint8_t> input(size_t i);
  std::span<const uint8_t> output(size_t i) const;
  // Bytes of any tensor after invoke() (intermediates too, for debugging).
  std::span<const uint8_t> tensor_bytes(int32_t index) const;

  // Runs every op in order. State in variable tensors persists between calls.
  void invoke();
  // Runs the ops, calling `after_op(op_index)` after each (profiling, tracing).
  void invoke(const std::function<void(size_t)>& after_op);
  // How op k prints itself as C; empty when the op has no emitter yet.
  const EmitFn& emitter(size_t k) const { return emitters_.at(k); }

  // Restores variable tensors and the state kept by stateful ops to their initial values.
  void reset_state();

 private:
  const Graph& graph_;
  std::vector<std::vector<uint8_t>> storage_;  // per tensor; empty for constants
  Tensors tensors_;
  std::vector<InvokeFn> steps_;
  std::vector<OpContext::ResetFn> op_resets_;
  std::vector<EmitFn> emitters_;
};

}  // namespace tinyops::interp
