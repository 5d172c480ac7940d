#include "tinyops/compiler/memory_plan.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <set>
#include <stdexcept>

namespace tinyops::compiler {
namespace {

constexpr int32_t kUnused = std::numeric_limits<int32_t>::min();

bool plannable(const Tensor& t) {
  return !t.is_constant();
}

int64_t align_up(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

// The inputs an op's output may share bytes with when that input dies at the op: its kernel
// reads element i of the input before it writes element i of the output, and never reads
// an element it has overwritten. Binary element-wise kernels (runtime/elementwise_binary.h)
// walk the output in order and read the full-shaped input at the same index, so either
// input qualifies when it has the output's shape (a broadcast one never does).
std::vector<size_t> in_place_inputs(const Op& op) {
  switch (op.type) {
    case OpType::Reshape:
    case OpType::Squeeze:
    case OpType::Relu:
    case OpType::Relu6:
    case OpType::Logistic:
    case OpType::Tanh:
      return {0};
    case OpType::Add:
    case OpType::Sub:
    case OpType::Mul:
    case OpType::Div:
    case OpType::Maximum:
    case OpType::Minimum:
      return {0, 1};
    default:
      return {};
  }
}

// Reshapes only relabel the bytes: they may alias even a graph input.
bool only_relabels(const Op& op) {
  return op.type == OpType::Reshape || op.type == OpType::Squeeze;
}

bool is_graph_io(const Graph& g, int32_t t) {
  return std::find(g.inputs.begin(), g.inputs.end(), t) != g.inputs.end() ||
         std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
}

// The bytes a block holds from its first byte during part of its life: each tensor of an
// alias group starts at the group's first byte and holds its own size while it lives, so
// the bytes above a small member are free while only it is alive (a widening in-place
// kernel's input needs only its own bytes before the op).
struct Piece {
  int64_t bytes = 0;
  Lifetime life;
};

// One block of arena memory, shared by a tensor and the tensors aliased to it, or one op's
// scratch (root -1).
struct Block {
  int32_t root = 0;
  int64_t bytes = 0;  // the largest piece
  Lifetime life;      // the union of the pieces' lives
  std::vector<Piece> pieces;
  int64_t offset = 0;
};

// The bytes a block holds during op k: its largest piece alive then (they share a first byte).
int64_t bytes_at(const Block& blk, int32_t k) {
  int64_t bytes = 0;
  for (const Piece& p : blk.pieces)
    if (p.life.first <= k && k <= p.life.last) bytes = std::max(bytes, p.bytes);
  return bytes;
}

// Where a block may go: the lowest offset at which none of its pieces overlaps a placed
// piece alive at the same time, among the offsets where one of them would end just above a
// placed one.
int64_t lowest_free_offset(const Block& blk, const std::vector<const Block*>& busy,
                           int64_t alignment) {
  std::vector<int64_t> candidates = {0};
  for (const Block* other : busy)
    for (const Piece& q : other->pieces)
      candidates.push_back(align_up(other->offset + q.bytes, alignment));
  std::sort(candidates.begin(), candidates.end());
  for (int64_t at : candidates) {
    bool fits = true;
    for (const Block* other : busy) {
      for (const Piece& q : other->pieces) {
        for (const Piece& p : blk.pieces) {
          if (p.life.overlaps(q.life) && at < other->offset + q.bytes &&
              other->offset < at + p.bytes) {
            fits = false;
          }
        }
      }
    }
    if (fits) return at;
  }
  return candidates.back();  // unreachable: the highest candidate is above every piece
}

// Greedy placement in a given order: each block goes in the smallest gap between blocks
// already placed that live at the same time (best fit), else on top of them; a block whose
// pieces differ in size goes at the lowest offset its pieces fit. Returns the arena size.
int64_t place_in_order(std::vector<Block>& blocks, const std::vector<size_t>& order,
                       int64_t alignment) {
  int64_t arena = 0;
  std::vector<size_t> placed;
  for (size_t i : order) {
    Block& blk = blocks[i];
    std::vector<const Block*> busy;
    for (size_t p : placed)
      if (blocks[p].life.overlaps(blk.life)) busy.push_back(&blocks[p]);
    const bool uniform = std::all_of(blk.pieces.begin(), blk.pieces.end(),
                                     [&](const Piece& p) { return p.bytes == blk.bytes; });
    const bool busy_uniform = std::all_of(busy.begin(), busy.end(), [](const Block* b) {
      return std::all_of(b->pieces.begin(), b->pieces.end(),
                         [&](const Piece& p) { return p.bytes == b->bytes; });
    });
    if (!uniform || !busy_uniform) {
      blk.offset = lowest_free_offset(blk, busy, alignment);
    } else {
      std::sort(busy.begin(), busy.end(),
                [](const Block* a, const Block* b) { return a->offset < b->offset; });
      int64_t best = -1, best_gap = std::numeric_limits<int64_t>::max(), cursor = 0;
      for (const Block* other : busy) {
        const int64_t gap = other->offset - cursor;
        if (gap >= blk.bytes && gap < best_gap) {
          best = cursor;
          best_gap = gap;
        }
        cursor = std::max(cursor, align_up(other->offset + other->bytes, alignment));
      }
      blk.offset = best >= 0 ? best : cursor;
    }
    arena = std::max(arena, blk.offset + blk.bytes);
    placed.push_back(i);
  }
  return align_up(arena, alignment);
}

// No single greedy order is best for every graph (largest-first leaves gaps where early big
// tensors end at different times), so a few are tried and the smallest arena wins; ties
// keep the earlier order, so plans are deterministic.
int64_t place_blocks(std::vector<Block>& blocks, int64_t alignment) {
  auto span = [&](size_t i) { return int64_t{blocks[i].life.last} - blocks[i].life.first + 1; };
  const std::vector<std::function<bool(size_t, size_t)>> orders = {
      [&](size_t a, size_t b) { return blocks[a].bytes > blocks[b].bytes; },
      [&](size_t a, size_t b) { return blocks[a].bytes * span(a) > blocks[b].bytes * span(b); },
      [&](size_t a, size_t b) {
        return blocks[a].life.first != blocks[b].life.first
                   ? blocks[a].life.first < blocks[b].life.first
                   : blocks[a].bytes > blocks[b].bytes;
      },
      [&](size_t a, size_t b) { return span(a) > span(b); },
  };
  std::vector<int64_t> best_offsets;
  std::vector<size_t> best_order;
  int64_t best = -1;
  auto try_order = [&](const std::vector<size_t>& order) {
    const int64_t arena = place_in_order(blocks, order, alignment);
    if (best >= 0 && arena >= best) return false;
    best = arena;
    best_order = order;
    best_offsets.clear();
    for (const Block& b : blocks) best_offsets.push_back(b.offset);
    return true;
  };
  for (const auto& before : orders) {
    std::vector<size_t> order(blocks.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), before);
    try_order(order);
  }
  // Then a short local search from the best order (swapping two blocks' turns) while the
  // arena is above the floor no placement can beat, the most bytes alive at one op. The
  // swaps come from a fixed linear congruential sequence, so plans are the same every run.
  int32_t last_op = 0;
  for (const Block& b : blocks) last_op = std::max(last_op, b.life.last);
  std::vector<int64_t> live(static_cast<size_t>(last_op) + 2, 0);
  for (const Block& b : blocks)
    for (int32_t k = b.life.first; k <= b.life.last; ++k)
      live[static_cast<size_t>(k + 1)] += bytes_at(b, k);
  const int64_t floor =
      blocks.empty() ? 0 : align_up(*std::max_element(live.begin(), live.end()), alignment);
  uint64_t state = 0x2545F4914F6CDD1DULL;
  const size_t n = blocks.size();
  for (int step = 0; step < 400 && n > 1 && best > floor; ++step) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto i = static_cast<size_t>((state >> 33) % n);
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto j = static_cast<size_t>((state >> 33) % n);
    if (i == j) continue;
    std::vector<size_t> order = best_order;
    std::swap(order[i], order[j]);
    try_order(order);
  }
  for (size_t i = 0; i < blocks.size(); ++i) blocks[i].offset = best_offsets[i];
  return std::max<int64_t>(best, 0);
}

}  // namespace

std::vector<Lifetime> tensor_lifetimes(const Graph& graph) {
  std::vector<Lifetime> life(graph.tensors.size(), Lifetime{kUnused, kUnused});
  auto touch = [&](int32_t t, int32_t when) {
    if (t < 0 || static_cast<size_t>(t) >= graph.tensors.size()) return;
    if (!plannable(graph.tensors[static_cast<size_t>(t)])) return;
    Lifetime& l = life[static_cast<size_t>(t)];
    if (l.first == kUnused) {
      l = {when, when};
    } else {
      l.first = std::min(l.first, when);
      l.last = std::max(l.last, when);
    }
  };
  const auto end = static_cast<int32_t>(graph.ops.size());
  for (int32_t t : graph.inputs) touch(t, -1);
  for (int32_t k = 0; k < end; ++k) {
    const Op& op = graph.ops[static_cast<size_t>(k)];
    for (int32_t t : op.inputs) touch(t, k);
    for (int32_t t : op.outputs) touch(t, k);
  }
  for (int32_t t : graph.outputs) touch(t, end);
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    // State must survive from one invocation to the next.
    if (graph.tensors[t].is_variable && life[t].first != kUnused) life[t] = {-1, end};
  }
  return life;
}

MemoryPlan plan_memory(const Graph& graph, const PlanOptions& options) {
  const size_t n = graph.tensors.size();
  MemoryPlan plan;
  plan.lifetimes = tensor_lifetimes(graph);
  plan.offsets.assign(n, MemoryPlan::kNotPlanned);
  plan.aliases.assign(n, -1);

  // Alias groups: an in-place output joins its input's group.
  std::vector<int32_t> group(n);
  for (size_t t = 0; t < n; ++t) group[t] = static_cast<int32_t>(t);
  auto root_of = [&](int32_t t) {
    while (group[static_cast<size_t>(t)] != t) t = group[static_cast<size_t>(t)];
    return t;
  };
  if (options.in_place) {
    for (size_t k = 0; k < graph.ops.size(); ++k) {
      const Op& op = graph.ops[k];
      if (op.outputs.size() != 1 || op.outputs[0] < 0) continue;
      const int32_t out = op.outputs[0];
      const Tensor& to = graph.tensors[static_cast<size_t>(out)];
      std::vector<size_t> slots = in_place_inputs(op);
      const auto& chosen = options.kernel_in_place_ops;
      // A kernel that says so writes output 0 from input 0's first byte whatever their
      // sizes; the shared block holds the larger.
      const bool kernel_says =
          slots.empty() &&
          std::find(chosen.begin(), chosen.end(), static_cast<int32_t>(k)) != chosen.end();
      if (kernel_says) slots = {0};
      for (size_t slot : slots) {
        if (slot >= op.inputs.size() || op.inputs[slot] < 0) continue;
        const int32_t in = op.inputs[slot];
        const Tensor& ti = graph.tensors[static_cast<size_t>(in)];
        const Lifetime& li = plan.lifetimes[static_cast<size_t>(in)];
        const bool dies_here = li.first != kUnused && li.last == static_cast<int32_t>(k);
        const bool io_ok = only_relabels(op) || !is_graph_io(graph, in);
        if (plannable(ti) && !ti.is_variable && dies_here && io_ok &&
            (kernel_says ||
             (ti.byte_size() == to.byte_size() && ti.element_count() == to.element_count())) &&
            !is_graph_io(graph, out)) {
          group[static_cast<size_t>(out)] = root_of(in);
          plan.aliases[static_cast<size_t>(out)] = in;
          break;
        }
      }
    }
  }

  std::vector<Block> blocks;
  std::vector<int32_t> block_of(n, -1);
  for (size_t t = 0; t < n; ++t) {
    const Lifetime& l = plan.lifetimes[t];
    if (l.first == kUnused) continue;
    const int32_t r = root_of(static_cast<int32_t>(t));
    int32_t& b = block_of[static_cast<size_t>(r)];
    if (b < 0) {
      b = static_cast<int32_t>(blocks.size());
      blocks.push_back({r, 0, l, {}, 0});
    }
    Block& blk = blocks[static_cast<size_t>(b)];
    const auto bytes = static_cast<int64_t>(graph.tensors[t].byte_size());
    blk.pieces.push_back({bytes, l});
    blk.bytes = std::max(blk.bytes, bytes);
    blk.life.first = std::min(blk.life.first, l.first);
    blk.life.last = std::max(blk.life.last, l.last);
    block_of[t] = b;
  }

  const size_t tensor_blocks = blocks.size();
  plan.scratch_offsets.assign(graph.ops.size(), MemoryPlan::kNotPlanned);
  for (size_t k = 0; k < options.scratch_bytes_per_op.size() && k < graph.ops.size(); ++k) {
    const int64_t bytes = options.scratch_bytes_per_op[k];
    const Lifetime during{static_cast<int32_t>(k), static_cast<int32_t>(k)};
    if (bytes > 0) blocks.push_back({-1, bytes, during, {{bytes, during}}, 0});
  }

  plan.arena_bytes = place_blocks(blocks, options.alignment);
  // Greedy placement is not optimal: when the scratch blocks placed among the tensors cost
  // more than one region on top of the tensors (all ops sharing it, as they run one at a
  // time), take the latter.
  int64_t largest_scratch = 0;
  for (size_t b = tensor_blocks; b < blocks.size(); ++b)
    largest_scratch = std::max(largest_scratch, blocks[b].bytes);
  if (largest_scratch > 0) {
    std::vector<Block> tensors_only(blocks.begin(),
                                    blocks.begin() + static_cast<std::ptrdiff_t>(tensor_blocks));
    const int64_t top = place_blocks(tensors_only, options.alignment);
    const int64_t stacked = align_up(top + largest_scratch, options.alignment);
    if (stacked < plan.arena_bytes) {
      std::copy(tensors_only.begin(), tensors_only.end(), blocks.begin());
      for (size_t b = tensor_blocks; b < blocks.size(); ++b) blocks[b].offset = top;
      plan.arena_bytes = stacked;
    }
  }

  for (size_t t = 0; t < n; ++t)
    if (block_of[t] >= 0) plan.offsets[t] = blocks[static_cast<size_t>(block_of[t])].offset;
  for (size_t b = tensor_blocks; b < blocks.size(); ++b)
    plan.scratch_offsets[static_cast<size_t>(blocks[b].life.first)] = blocks[b].offset;

  plan.live_bytes_per_op.assign(graph.ops.size(), 0);
  for (const Block& blk : blocks) {
    for (int32_t k = std::max(0, blk.life.first);
         k <= std::min<int32_t>(blk.life.last, static_cast<int32_t>(graph.ops.size()) - 1); ++k)
      plan.live_bytes_per_op[static_cast<size_t>(k)] += bytes_at(blk, k);
  }
  for (int64_t live : plan.live_bytes_per_op)
    plan.peak_live_bytes = std::max(plan.peak_live_bytes, live);
  return plan;
}

PlanPeak plan_peak(const Graph& graph, const MemoryPlan& plan,
                   const std::vector<int64_t>& scratch_bytes_per_op) {
  PlanPeak peak;
  for (size_t k = 0; k < plan.live_bytes_per_op.size(); ++k) {
    if (peak.op < 0 || plan.live_bytes_per_op[k] > peak.live_bytes) {
      peak.op = static_cast<int32_t>(k);
      peak.live_bytes = plan.live_bytes_per_op[k];
    }
  }
  if (peak.op < 0) return peak;
  const Lifetime at{peak.op, peak.op};
  std::set<int32_t> roots;  // a block is alive while any tensor sharing it is
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    if (plan.offsets[t] == MemoryPlan::kNotPlanned || !plan.lifetimes[t].overlaps(at)) continue;
    auto root = static_cast<int32_t>(t);
    while (plan.aliases[static_cast<size_t>(root)] >= 0)
      root = plan.aliases[static_cast<size_t>(root)];
    roots.insert(root);
  }
  peak.tensors.assign(roots.begin(), roots.end());
  if (static_cast<size_t>(peak.op) < scratch_bytes_per_op.size())
    peak.scratch_bytes = scratch_bytes_per_op[static_cast<size_t>(peak.op)];
  return peak;
}

void check_memory_plan(const Graph& graph, const MemoryPlan& plan,
                       const std::vector<int64_t>& scratch_bytes_per_op) {
  const size_t n = graph.tensors.size();
  auto same_block = [&](size_t a, size_t b) {
    auto root = [&](size_t t) {
      while (plan.aliases[t] >= 0) t = static_cast<size_t>(plan.aliases[t]);
      return t;
    };
    return root(a) == root(b);
  };
  for (size_t a = 0; a < n; ++a) {
    if (plan.offsets[a] == MemoryPlan::kNotPlanned) continue;
    const int64_t a_end = plan.offsets[a] + static_cast<int64_t>(graph.tensors[a].byte_size());
    if (plan.offsets[a] < 0 || a_end > plan.arena_bytes)
      throw std::logic_error("tensor " + std::to_string(a) + " runs past the arena");
    for (size_t b = a + 1; b < n; ++b) {
      if (plan.offsets[b] == MemoryPlan::kNotPlanned || same_block(a, b)) continue;
      if (!plan.lifetimes[a].overlaps(plan.lifetimes[b])) continue;
      const int64_t b_end = plan.offsets[b] + static_cast<int64_t>(graph.tensors[b].byte_size());
      if (plan.offsets[a] < b_end && plan.offsets[b] < a_end) {
        throw std::logic_error("tensors " + std::to_string(a) + " ('" + graph.tensors[a].name +
                               "') and " + std::to_string(b) + " ('" + graph.tensors[b].name +
                               "') are alive together but overlap in the arena");
      }
    }
  }
  for (size_t k = 0; k < scratch_bytes_per_op.size(); ++k) {
    const int64_t bytes = scratch_bytes_per_op[k];
    if (bytes <= 0) continue;
    const int64_t at = k < plan.scratch_offsets.size() ? plan.scratch_offsets[k] : -1;
    if (at < 0 || at + bytes > plan.arena_bytes)
      throw std::logic_error("the scratch of op " + std::to_string(k) +
                             " has no place in the arena");
    const Lifetime during{static_cast<int32_t>(k), static_cast<int32_t>(k)};
    for (size_t t = 0; t < n; ++t) {
      if (plan.offsets[t] == MemoryPlan::kNotPlanned || !plan.lifetimes[t].overlaps(during))
        continue;
      const int64_t t_end = plan.offsets[t] + static_cast<int64_t>(graph.tensors[t].byte_size());
      if (at < t_end && plan.offsets[t] < at + bytes) {
        throw std::logic_error("the scratch of op " + std::to_string(k) + " overlaps tensor " +
                               std::to_string(t) + " ('" + graph.tensors[t].name +
                               "'), which is alive at that op");
      }
    }
  }
}

}  // namespace tinyops::compiler
