// Memory planning: where each activation tensor lives in one static arena.
//
// Tensor lifetimes come from op order; offsets are chosen greedily, largest tensor first,
// each at the lowest offset that overlaps no tensor alive at the same time (best fit).
// Ops that may write their output over a dying input (RESHAPE, SQUEEZE, element-wise
// activations, and ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM over a same-shaped input) share
// the input's bytes, as do ops whose chosen kernel says it may write its output over its
// input (a pointwise conv, the depthwise DSP kernels; the shared block is the larger of the
// two, both starting at its first byte). The checker
// proves no two tensors that are alive at once overlap. A kernel's work buffer (scratch) is
// one more block, alive only during its op, so it reuses bytes no live tensor holds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tinyops/core/graph.hpp"

namespace tinyops::compiler {

// First and last op index (inclusive) during which a tensor must hold its value. Graph
// inputs are born before op 0 (-1); graph outputs live past the last op (ops.size()).
struct Lifetime {
  int32_t first = 0;
  int32_t last = 0;
  bool overlaps(const Lifetime& o) const { return first <= o.last && o.first <= last; }
};

struct MemoryPlan {
  static constexpr int64_t kNotPlanned = -1;  // constants and unused tensors
  std::vector<int64_t> offsets;               // per tensor; kNotPlanned if not in the arena
  std::vector<Lifetime> lifetimes;            // per tensor (meaningful where planned)
  std::vector<int32_t> aliases;               // per tensor: index it shares bytes with, or -1
  int64_t arena_bytes = 0;
  std::vector<int64_t> scratch_offsets;    // per op; kNotPlanned if it needs none
  std::vector<int64_t> live_bytes_per_op;  // bytes of planned tensors and scratch at each op
  int64_t peak_live_bytes = 0;             // lower bound for any plan of this op order
};

struct PlanOptions {
  int64_t alignment = 8;  // every offset is a multiple of this
  bool in_place = true;   // let eligible ops reuse their input's bytes
  // Work-buffer bytes each op's kernel needs during its call (empty: none needs any).
  std::vector<int64_t> scratch_bytes_per_op = {};
  // Ops whose chosen kernel may write output 0 over input 0 from its first byte, whatever
  // their sizes (EmitContext::allows_in_place), besides the ops every kernel of which may.
  std::vector<int32_t> kernel_in_place_ops = {};
};

// Lifetimes of every non-constant tensor that some op or the graph uses.
std::vector<Lifetime> tensor_lifetimes(const Graph& graph);

MemoryPlan plan_memory(const Graph& graph, const PlanOptions& options = {});

// What holds the arena at the op where the most bytes are live: the floor of this op order
// (no plan of it needs less), reported per model by `model compile`.
struct PlanPeak {
  int32_t op = -1;               // -1 for a graph without ops
  int64_t live_bytes = 0;        // tensors + scratch alive there
  std::vector<int32_t> tensors;  // alive there, one per shared block (aliases left out)
  int64_t scratch_bytes = 0;     // the op's work buffer
};
PlanPeak plan_peak(const Graph& graph, const MemoryPlan& plan,
                   const std::vector<int64_t>& scratch_bytes_per_op = {});

// Throws std::logic_error naming the two tensors when planned tensors with overlapping
// lifetimes overlap in the arena (aliases excepted), an op's scratch overlaps a tensor alive
// at that op, or either runs past the arena. `scratch_bytes_per_op` as planned with.
void check_memory_plan(const Graph& graph, const MemoryPlan& plan,
                       const std::vector<int64_t>& scratch_bytes_per_op = {});

}  // namespace tinyops::compiler
