#include "tinyops/compiler/memory_plan.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "tinyops/formats/tflite_importer.hpp"

namespace tinyops::compiler {
namespace {

namespace fs = std::filesystem;

// Builds graphs of int8 activations with the given sizes; ops are (type, inputs, outputs).
struct GraphBuilder {
  Graph g;
  int32_t tensor(int32_t bytes) {
    Tensor t;
    t.name = "t" + std::to_string(g.tensors.size());
    t.type = DataType::Int8;
    t.shape = {bytes};
    g.tensors.push_back(t);
    return static_cast<int32_t>(g.tensors.size() - 1);
  }
  int32_t constant(int32_t bytes) {
    const int32_t t = tensor(bytes);
    g.tensors.back().data.assign(static_cast<size_t>(bytes), 1);
    return t;
  }
  void op(OpType type, std::vector<int32_t> in, std::vector<int32_t> out) {
    Op o;
    o.type = type;
    o.inputs = std::move(in);
    o.outputs = std::move(out);
    g.ops.push_back(o);
  }
};

TEST(TensorLifetimes, FromOpOrder) {
  GraphBuilder b;
  const int32_t in = b.tensor(10), w = b.constant(5), mid = b.tensor(20), out = b.tensor(30);
  b.op(OpType::FullyConnected, {in, w}, {mid});
  b.op(OpType::Softmax, {mid}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  const auto life = tensor_lifetimes(b.g);
  EXPECT_EQ(life[static_cast<size_t>(in)].first, -1);
  EXPECT_EQ(life[static_cast<size_t>(in)].last, 0);
  EXPECT_EQ(life[static_cast<size_t>(mid)].first, 0);
  EXPECT_EQ(life[static_cast<size_t>(mid)].last, 1);
  EXPECT_EQ(life[static_cast<size_t>(out)].last, 2);
  const MemoryPlan plan = plan_memory(b.g);
  EXPECT_EQ(plan.offsets[static_cast<size_t>(w)], MemoryPlan::kNotPlanned);
}

TEST(MemoryPlan, ChainReusesDeadBuffers) {
  // in(100) -> a(200) -> b(100) -> out(200): at most two neighbours live at once.
  GraphBuilder b;
  const int32_t in = b.tensor(100), a = b.tensor(200), c = b.tensor(100), out = b.tensor(200);
  b.op(OpType::Conv2D, {in}, {a});
  b.op(OpType::Conv2D, {a}, {c});
  b.op(OpType::Conv2D, {c}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  const MemoryPlan plan = plan_memory(b.g);
  check_memory_plan(b.g, plan);
  EXPECT_EQ(plan.peak_live_bytes, 300);
  EXPECT_EQ(plan.arena_bytes, 304);  // 200 + 100 with 8-byte alignment of the second block
  EXPECT_EQ(plan.live_bytes_per_op, (std::vector<int64_t>{300, 300, 300}));
}

TEST(MemoryPlan, ReshapeAndActivationsRunInPlace) {
  GraphBuilder b;
  const int32_t in = b.tensor(8), a = b.tensor(96), r = b.tensor(96), act = b.tensor(96),
                out = b.tensor(8);
  b.op(OpType::Conv2D, {in}, {a});
  b.op(OpType::Reshape, {a}, {r});
  b.op(OpType::Relu, {r}, {act});
  b.op(OpType::FullyConnected, {act}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  const MemoryPlan plan = plan_memory(b.g);
  check_memory_plan(b.g, plan);
  EXPECT_EQ(plan.offsets[static_cast<size_t>(r)], plan.offsets[static_cast<size_t>(a)]);
  EXPECT_EQ(plan.offsets[static_cast<size_t>(act)], plan.offsets[static_cast<size_t>(a)]);
  EXPECT_EQ(plan.aliases[static_cast<size_t>(act)], r);
  EXPECT_EQ(plan.arena_bytes, 104);  // one 96-byte block plus the 8-byte input/output
  const MemoryPlan copied = plan_memory(b.g, {8, false, {}});
  check_memory_plan(b.g, copied);
  EXPECT_EQ(copied.arena_bytes, 192);  // the relu needs its input and output at once
}

TEST(MemoryPlan, ActivationDoesNotOverwriteAGraphInput) {
  GraphBuilder b;
  const int32_t in = b.tensor(32), out = b.tensor(32);
  b.op(OpType::Relu, {in}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  const MemoryPlan plan = plan_memory(b.g);
  EXPECT_NE(plan.offsets[static_cast<size_t>(in)], plan.offsets[static_cast<size_t>(out)]);
}

TEST(MemoryPlan, InputStillNeededIsNotOverwritten) {
  // a feeds both the relu and a later add: the relu must not run in place.
  GraphBuilder b;
  const int32_t in = b.tensor(32), a = b.tensor(32), r = b.tensor(32), out = b.tensor(32);
  b.op(OpType::Conv2D, {in}, {a});
  b.op(OpType::Relu, {a}, {r});
  b.op(OpType::Add, {a, r}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  const MemoryPlan plan = plan_memory(b.g);
  check_memory_plan(b.g, plan);
  EXPECT_NE(plan.offsets[static_cast<size_t>(a)], plan.offsets[static_cast<size_t>(r)]);
}

TEST(MemoryPlan, ResidualAddWritesOverTheInputThatDies) {
  // A residual block: x -> conv -> y; add(x, y). Both die at the add; the sum takes one of
  // their blocks, so the add needs 2 x 64 bytes live instead of 3 x 64.
  GraphBuilder b;
  const int32_t in = b.tensor(8), x = b.tensor(64), y = b.tensor(64), sum = b.tensor(64),
                out = b.tensor(8);
  b.op(OpType::Conv2D, {in}, {x});
  b.op(OpType::Conv2D, {x}, {y});
  b.op(OpType::Add, {x, y}, {sum});
  b.op(OpType::FullyConnected, {sum}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  const MemoryPlan plan = plan_memory(b.g);
  check_memory_plan(b.g, plan);
  EXPECT_EQ(plan.aliases[static_cast<size_t>(sum)], x);
  EXPECT_EQ(plan.arena_bytes, 128);
}

TEST(MemoryPlan, BroadcastOperandIsNeverOverwritten) {
  // mul(x[16], scale[4]) -> 16 int8; scale has a different shape (broadcast): no aliasing
  // with it, even when it is as large in bytes as another tensor would be.
  GraphBuilder b;
  const int32_t in = b.tensor(4), x = b.tensor(16), scale = b.tensor(4), prod = b.tensor(16);
  b.g.tensors[static_cast<size_t>(x)].shape = {4, 4};
  b.g.tensors[static_cast<size_t>(prod)].shape = {4, 4};
  b.op(OpType::Conv2D, {in}, {x});
  b.op(OpType::Relu, {in}, {scale});
  b.op(OpType::Mul, {scale, x}, {prod});
  b.g.inputs = {in};
  b.g.outputs = {prod};
  const MemoryPlan plan = plan_memory(b.g);
  check_memory_plan(b.g, plan);
  EXPECT_EQ(plan.aliases[static_cast<size_t>(prod)], -1) << "the output is a graph output";
  b.g.outputs = {};
  const int32_t tail = b.tensor(16);
  b.op(OpType::Relu, {prod}, {tail});
  b.g.outputs = {tail};
  const MemoryPlan inner = plan_memory(b.g);
  check_memory_plan(b.g, inner);
  EXPECT_EQ(inner.aliases[static_cast<size_t>(prod)], x) << "the same-shaped operand, not slot 0";
}

TEST(MemoryPlan, AKernelThatAllowsItRunsInPlace) {
  // conv -> depthwise -> conv: a depthwise output never aliases its input unless the kernel
  // chosen for it says it may (EmitContext::allows_in_place), as the 3x3 DSP row kernel does.
  GraphBuilder b;
  const int32_t in = b.tensor(8), a = b.tensor(64), d = b.tensor(64), out = b.tensor(8);
  b.op(OpType::Conv2D, {in}, {a});
  b.op(OpType::DepthwiseConv2D, {a}, {d});
  b.op(OpType::Conv2D, {d}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  const MemoryPlan separate = plan_memory(b.g);
  EXPECT_EQ(separate.aliases[static_cast<size_t>(d)], -1);
  PlanOptions options;
  options.kernel_in_place_ops = {1};
  const MemoryPlan shared = plan_memory(b.g, options);
  check_memory_plan(b.g, shared);
  EXPECT_EQ(shared.aliases[static_cast<size_t>(d)], a);
  EXPECT_EQ(separate.arena_bytes, 128);  // a and d alive together at the depthwise
  EXPECT_EQ(shared.arena_bytes, 72);     // one 64-byte block and the 8-byte input or output
}

TEST(MemoryPlan, AKernelInPlaceOutputMayBeLargerOrSmallerThanItsInput) {
  // A pointwise conv that widens 64 -> 128 bytes, then a stride-2 depthwise 128 -> 32, both
  // with kernels that may write over their input: one block of the larger size each time.
  GraphBuilder b;
  const int32_t in = b.tensor(8), a = b.tensor(64), wide = b.tensor(128), narrow = b.tensor(32),
                out = b.tensor(8);
  b.op(OpType::Conv2D, {in}, {a});
  b.op(OpType::Conv2D, {a}, {wide});
  b.op(OpType::DepthwiseConv2D, {wide}, {narrow});
  b.op(OpType::Conv2D, {narrow}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  PlanOptions options;
  options.kernel_in_place_ops = {1, 2};
  const MemoryPlan plan = plan_memory(b.g, options);
  check_memory_plan(b.g, plan);
  EXPECT_EQ(plan.aliases[static_cast<size_t>(wide)], a);
  EXPECT_EQ(plan.aliases[static_cast<size_t>(narrow)], wide);
  EXPECT_EQ(plan.offsets[static_cast<size_t>(narrow)], plan.offsets[static_cast<size_t>(a)]);
  // The 8-byte input and output fit above the smaller pieces of the block (64 bytes before
  // the widening op, 32 after the narrowing one): the arena is the 128-byte piece alone.
  EXPECT_EQ(plan.arena_bytes, 128);
  EXPECT_EQ(plan.peak_live_bytes, 128);
}

TEST(MemoryPlan, PlacementReachesTheFloorWhereLargestFirstDoesNot) {
  // Alternating 8,000-byte blocks with a 9,316-byte scratch at every other op (the shape of
  // a keyword-spotting network with in-place depthwise layers): largest-first puts the
  // scratch at 0 and ends 7 KB above the most bytes alive at once; the plan must not.
  GraphBuilder b;
  const int32_t in = b.tensor(8);
  int32_t prev = in;
  PlanOptions options;
  for (int i = 0; i < 4; ++i) {
    const int32_t t = b.tensor(8000);
    b.op(OpType::Conv2D, {prev}, {t});
    options.scratch_bytes_per_op.push_back(1984);
    const int32_t dw = b.tensor(8000);
    b.op(OpType::DepthwiseConv2D, {t}, {dw});
    options.kernel_in_place_ops.push_back(static_cast<int32_t>(b.g.ops.size() - 1));
    options.scratch_bytes_per_op.push_back(9316);
    prev = dw;
  }
  const int32_t out = b.tensor(8);
  b.op(OpType::FullyConnected, {prev}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  const MemoryPlan plan = plan_memory(b.g, options);
  check_memory_plan(b.g, plan, options.scratch_bytes_per_op);
  EXPECT_EQ(plan.arena_bytes, (plan.peak_live_bytes + 7) / 8 * 8);
}

TEST(MemoryPlan, CheckerCatchesOverlap) {
  GraphBuilder b;
  const int32_t in = b.tensor(32), a = b.tensor(32), out = b.tensor(32);
  b.op(OpType::Conv2D, {in}, {a});
  b.op(OpType::Add, {in, a}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  MemoryPlan plan = plan_memory(b.g);
  check_memory_plan(b.g, plan);
  plan.offsets[static_cast<size_t>(a)] = plan.offsets[static_cast<size_t>(in)] + 8;
  EXPECT_THROW(check_memory_plan(b.g, plan), std::logic_error);
}

TEST(MemoryPlan, ScratchTakesBytesNoTensorAliveAtItsOpHolds) {
  // in(100) -> a(100) -> c(300) -> out(50); op 0 needs 150 bytes of scratch. The peak is at
  // op 1 (a + c = 400); at op 0 only in and a are alive, so the scratch costs nothing: it
  // takes bytes c occupies later.
  GraphBuilder b;
  const int32_t in = b.tensor(100), a = b.tensor(100), c = b.tensor(300), out = b.tensor(50);
  b.op(OpType::Conv2D, {in}, {a});
  b.op(OpType::Conv2D, {a}, {c});
  b.op(OpType::Conv2D, {c}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  PlanOptions options;
  options.scratch_bytes_per_op = {150, 0, 0};
  const MemoryPlan plan = plan_memory(b.g, options);
  check_memory_plan(b.g, plan, options.scratch_bytes_per_op);
  ASSERT_NE(plan.scratch_offsets[0], MemoryPlan::kNotPlanned);
  EXPECT_EQ(plan.scratch_offsets[1], MemoryPlan::kNotPlanned);
  EXPECT_EQ(plan.scratch_offsets[2], MemoryPlan::kNotPlanned);
  EXPECT_EQ(plan.live_bytes_per_op, (std::vector<int64_t>{350, 400, 350}));
  EXPECT_EQ(plan.arena_bytes, plan_memory(b.g).arena_bytes)
      << "a separate scratch buffer would have cost 152 bytes more";
}

TEST(MemoryPlan, CheckerCatchesScratchOverAliveTensor) {
  GraphBuilder b;
  const int32_t in = b.tensor(32), out = b.tensor(32);
  b.op(OpType::Conv2D, {in}, {out});
  b.g.inputs = {in};
  b.g.outputs = {out};
  PlanOptions options;
  options.scratch_bytes_per_op = {16};
  MemoryPlan plan = plan_memory(b.g, options);
  check_memory_plan(b.g, plan, options.scratch_bytes_per_op);
  plan.scratch_offsets[0] = plan.offsets[static_cast<size_t>(out)] + 8;
  EXPECT_THROW(check_memory_plan(b.g, plan, options.scratch_bytes_per_op), std::logic_error);
  plan.scratch_offsets[0] = plan.arena_bytes - 8;  // runs past the end
  EXPECT_THROW(check_memory_plan(b.g, plan, options.scratch_bytes_per_op), std::logic_error);
}

TEST(MemoryPlan, EverySharedModelPlansWithoutOverlap) {
  for (const char* dir : {"", "extra"}) {
    const fs::path folder = fs::path(TINYOPS_SHARED_MODELS) / dir;
    if (!fs::is_directory(folder)) continue;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.path().extension() != ".tflite") continue;
      SCOPED_TRACE(entry.path().string());
      const Graph g = formats::import_tflite_file(entry.path());
      const MemoryPlan plan = plan_memory(g);
      check_memory_plan(g, plan);
      EXPECT_GE(plan.arena_bytes, plan.peak_live_bytes);
    }
  }
}

}  // namespace
}  // namespace tinyops::compiler
