// The convolution family's C emitters (src/interp/ops/conv2d.cpp and its siblings): each prepared op prints its
// parameters as static const initialisers and one kernel call. Checked two ways: the
// printed text of single ops, and whole hand-built graphs printed into a C99 program that
// host gcc builds with -Werror -pedantic and runs; its outputs must equal the
// interpreter's bit for bit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tinyops/core/quantization.hpp"
#include "tinyops/interp/c_emit.hpp"
#include "tinyops/interp/interpreter.hpp"
#include "../support/graph_builder.hpp"

namespace tinyops::interp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test_graphs::activation;
using test_graphs::constant;
using test_graphs::make_op;
using test_graphs::quant;

// Records what an emitter prints. Tensor i is "t<i>"; names are "op<k>_<base>".
class RecordingEmit : public EmitContext {
 public:
  explicit RecordingEmit(size_t op) : op_(op) {}
  std::string tensor(int32_t index) override {
    used_tensors.insert(index);
    return "t" + std::to_string(index);
  }
  std::string unique(const std::string& base) override {
    return "op" + std::to_string(op_) + "_" + base;
  }
  void declare(const std::string& declaration) override { declarations.push_back(declaration); }
  void statement(const std::string& c_statement) override { statements.push_back(c_statement); }
  void reset_statement(const std::string& c_statement) override {
    reset_statements.push_back(c_statement);
  }
  void use_source(const std::string& file) override { sources.insert(file); }

  void set_op(size_t op) { op_ = op; }

  std::set<int32_t> used_tensors;
  std::vector<std::string> declarations;
  std::vector<std::string> statements;
  std::vector<std::string> reset_statements;  // the conv family is stateless: stays empty
  std::set<std::string> sources;

 private:
  size_t op_;
};

// ---- hand-built tensors ----------------------------------------------------------------

// Deterministic values in [lo, hi] (a small LCG, so the test needs no seed handling).
std::vector<int32_t> ints(size_t n, int32_t lo, int32_t hi, uint32_t seed) {
  std::vector<int32_t> v(n);
  for (auto& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = lo + static_cast<int32_t>((seed >> 8) % static_cast<uint32_t>(hi - lo + 1));
  }
  return v;
}

std::vector<int8_t> int8s(size_t n, uint32_t seed) {
  const auto v = ints(n, -128, 127, seed);
  return {v.begin(), v.end()};
}

std::vector<float> floats(size_t n, uint32_t seed) {
  std::vector<float> v;
  for (int32_t x : ints(n, -1000, 1000, seed)) v.push_back(static_cast<float>(x) / 377.0f);
  return v;
}

RecordingEmit emit_op(const Interpreter& interp, size_t k) {
  RecordingEmit e(k);
  const EmitFn& fn = interp.emitter(k);
  EXPECT_TRUE(static_cast<bool>(fn)) << "op " << k << " has no emitter";
  if (fn) fn(e);
  return e;
}

std::string multipliers_text(float in_scale, const std::vector<float>& filter_scales,
                             float out_scale, const char* name) {
  std::vector<int64_t> m;
  std::vector<int64_t> s;
  for (float f : filter_scales) {
    const QuantizedMultiplier q = quantize_multiplier(
        static_cast<double>(in_scale) * static_cast<double>(f) / static_cast<double>(out_scale));
    m.push_back(q.multiplier);
    s.push_back(q.shift);
  }
  return c_array("int32_t", std::string(name) + "_multiplier", m) + "|" +
         c_array("int32_t", std::string(name) + "_shift", s);
}

// ---- printed text of single ops ---------------------------------------------------------

// in int8 [1,4,4,2] -> CONV_2D 3x3 stride 2 SAME RELU (per-channel filter [3,3,3,2], bias)
Graph int8_conv() {
  Graph g;
  g.tensors = {
      activation("in", DataType::Int8, {1, 4, 4, 2}, quant({0.05f}, {-3})),
      constant("w", DataType::Int8, {3, 3, 3, 2}, int8s(54, 1),
               quant({0.01f, 0.02f, 0.015f}, {0, 0, 0}, 0)),
      constant("b", DataType::Int32, {3}, std::vector<int32_t>{100, -50, 7}),
      activation("out", DataType::Int8, {1, 2, 2, 3}, quant({0.08f}, {5})),
  };
  g.ops = {make_op(OpType::Conv2D, {0, 1, 2}, {3},
                   ConvOptions{Padding::Same, 2, 2, 1, 1, Activation::Relu})};
  g.inputs = {0};
  g.outputs = {3};
  return g;
}

TEST(ConvEmit, Int8ConvPrintsParamsQuantDimsAndOneCall) {
  const Graph g = int8_conv();
  Interpreter interp(g);
  const RecordingEmit e = emit_op(interp, 0);
  EXPECT_THAT(e.sources, ElementsAre("conv_s8.c"));
  EXPECT_TRUE(e.reset_statements.empty());
  ASSERT_EQ(e.statements.size(), 1u);
  EXPECT_EQ(e.statements[0],
            "tinyops_conv2d_s8(&op0_params, &op0_quant, &op0_in_dims, t0, &op0_filter_dims, t1, "
            "t2, &op0_out_dims, t3);");
  // SAME, 4 -> 2 with a 3-tap window at stride 2: total padding 1, none before.
  // RELU clamps at the output zero point 5.
  EXPECT_THAT(e.declarations,
              ::testing::Contains(
                  "static const tinyops_conv_params op0_params = {.stride_h = 2, .stride_w = 2, "
                  ".dilation_h = 1, .dilation_w = 1, .pad_h = 0, .pad_w = 0, .input_offset = 3, "
                  ".output_offset = 5, .act_min = 5, .act_max = 127};"));
  const std::string expected = multipliers_text(0.05f, {0.01f, 0.02f, 0.015f}, 0.08f, "op0");
  const std::string multiplier = expected.substr(0, expected.find('|'));
  const std::string shift = expected.substr(expected.find('|') + 1);
  const auto at = [&](const std::string& d) {
    return std::find(e.declarations.begin(), e.declarations.end(), d) - e.declarations.begin();
  };
  const auto quant_at =
      at("static const tinyops_per_channel_quant op0_quant = {.multiplier = op0_multiplier, "
         ".shift = op0_shift};");
  ASSERT_LT(at(multiplier), static_cast<ptrdiff_t>(e.declarations.size())) << multiplier;
  ASSERT_LT(at(shift), static_cast<ptrdiff_t>(e.declarations.size())) << shift;
  ASSERT_LT(quant_at, static_cast<ptrdiff_t>(e.declarations.size()));
  EXPECT_LT(at(multiplier), quant_at) << "arrays must precede the struct pointing at them";
  EXPECT_LT(at(shift), quant_at);
  EXPECT_THAT(e.declarations, ::testing::Contains("static const tinyops_dims4 op0_filter_dims = "
                                                  "{.n = 3, .h = 3, .w = 3, .c = 2};"));
  EXPECT_THAT(e.declarations, ::testing::Contains("static const tinyops_dims4 op0_out_dims = "
                                                  "{.n = 1, .h = 2, .w = 2, .c = 3};"));
}

// in float [1,2] -> FULLY_CONNECTED (int8 hybrid weights [3,2] or float weights [3,2]), no bias
Graph float_fc(bool hybrid) {
  Graph g;
  const std::vector<int8_t> q{10, -20, 30, -40, 127, -128};
  g.tensors = {
      activation("in", DataType::Float32, {1, 2}),
      hybrid ? constant("w", DataType::Int8, {3, 2}, q, quant({0.5f, 0.25f, 0.125f}, {0, 0, 0}))
             : constant("w", DataType::Float32, {3, 2}, floats(6, 3)),
      activation("out", DataType::Float32, {1, 3}),
  };
  g.ops = {make_op(OpType::FullyConnected, {0, 1, kNoTensor}, {2},
                   FullyConnectedOptions{Activation::Relu6, false})};
  g.inputs = {0};
  g.outputs = {2};
  return g;
}

TEST(ConvEmit, FloatFullyConnectedPassesNullForAnAbsentBias) {
  const Graph g = float_fc(false);
  Interpreter interp(g);
  const RecordingEmit e = emit_op(interp, 0);
  EXPECT_THAT(e.sources, ElementsAre("fully_connected_f32.c"));
  ASSERT_EQ(e.statements.size(), 1u);
  EXPECT_EQ(e.statements[0], "tinyops_fully_connected_f32(&op0_params, t0, t1, NULL, t2);");
  EXPECT_THAT(e.declarations,
              ElementsAre("static const tinyops_fully_connected_params_f32 op0_params = "
                          "{.batches = 1, .accum_depth = 2, .output_depth = 3, .act_min = 0.f, "
                          ".act_max = 6.f};"));
}

TEST(ConvEmit, HybridFullyConnectedPrintsTheDequantisedWeights) {
  const Graph g = float_fc(true);
  Interpreter interp(g);
  const RecordingEmit e = emit_op(interp, 0);
  ASSERT_EQ(e.statements.size(), 1u);
  EXPECT_EQ(e.statements[0],
            "tinyops_fully_connected_f32(&op0_params, t0, op0_weights, NULL, t2);");
  EXPECT_EQ(e.used_tensors.count(1), 0u) << "the int8 weights are not read by the float kernel";
  ASSERT_EQ(e.declarations.size(), 2u);
  EXPECT_THAT(e.declarations[1],
              HasSubstr(c_float_array("op0_weights", {5.f, -10.f, 7.5f, -10.f, 15.875f, -16.f})));
  EXPECT_THAT(e.declarations[1], HasSubstr("/* 'w' [3, 2]"));
}

TEST(ConvEmit, FloatNoActivationRangeIsPrintedAsFiniteLiterals) {
  Graph g = float_fc(false);
  std::get<FullyConnectedOptions>(g.ops[0].options).activation = Activation::None;
  Interpreter interp(g);
  const RecordingEmit e = emit_op(interp, 0);
  ASSERT_EQ(e.declarations.size(), 1u);
  EXPECT_THAT(e.declarations[0],
              HasSubstr(".act_min = -3.40282347e+38f, .act_max = 3.40282347e+38f}"));
}

// ---- whole graphs compiled by gcc and run ----------------------------------------------

// int8: CONV(SAME, RELU) -> DEPTHWISE(VALID, stride 2, multiplier 2) -> MAX_POOL(SAME)
//       -> AVERAGE_POOL(VALID) -> FC (per-tensor, bias) -> FC (per-channel, no bias, NONE)
Graph int8_chain() {
  Graph g;
  g.tensors = {
      activation("in", DataType::Int8, {1, 5, 5, 2}, quant({0.05f}, {-3})),  // 0
      constant("conv_w", DataType::Int8, {3, 3, 3, 2}, int8s(54, 11),        // 1
               quant({0.01f, 0.02f, 0.015f}, {0, 0, 0}, 0)),
      constant("conv_b", DataType::Int32, {3}, ints(3, -300, 300, 12)),           // 2
      activation("conv_out", DataType::Int8, {1, 5, 5, 3}, quant({0.08f}, {5})),  // 3
      constant("dw_w", DataType::Int8, {1, 3, 3, 6}, int8s(54, 13),               // 4
               quant({0.01f, 0.02f, 0.03f, 0.012f, 0.007f, 0.02f}, {0, 0, 0, 0, 0, 0}, 3)),
      constant("dw_b", DataType::Int32, {6}, ints(6, -300, 300, 14)),                // 5
      activation("dw_out", DataType::Int8, {1, 2, 2, 6}, quant({0.1f}, {-2})),       // 6
      activation("max_out", DataType::Int8, {1, 2, 2, 6}, quant({0.1f}, {-2})),      // 7
      activation("avg_out", DataType::Int8, {1, 1, 1, 6}, quant({0.1f}, {-2})),      // 8
      constant("fc_w", DataType::Int8, {4, 6}, int8s(24, 15), quant({0.02f}, {0})),  // 9
      constant("fc_b", DataType::Int32, {4}, ints(4, -300, 300, 16)),                // 10
      activation("fc_out", DataType::Int8, {1, 4}, quant({0.6f}, {1})),              // 11
      constant("fc2_w", DataType::Int8, {3, 4}, int8s(12, 17),                       // 12
               quant({0.02f, 0.04f, 0.01f}, {0, 0, 0}, 0)),
      activation("fc2_out", DataType::Int8, {1, 3}, quant({0.2f}, {-7})),  // 13
  };
  g.ops = {
      make_op(OpType::Conv2D, {0, 1, 2}, {3},
              ConvOptions{Padding::Same, 1, 1, 1, 1, Activation::Relu}),
      make_op(OpType::DepthwiseConv2D, {3, 4, 5}, {6},
              DepthwiseConvOptions{Padding::Valid, 2, 2, 1, 1, 2, Activation::None}),
      make_op(OpType::MaxPool2D, {6}, {7}, PoolOptions{Padding::Same, 1, 1, 2, 2}),
      make_op(OpType::AveragePool2D, {7}, {8}, PoolOptions{Padding::Valid, 2, 2, 2, 2}),
      make_op(OpType::FullyConnected, {8, 9, 10}, {11}, FullyConnectedOptions{}),
      make_op(OpType::FullyConnected, {11, 12, kNoTensor}, {13},
              FullyConnectedOptions{Activation::None, false}),
  };
  g.inputs = {0};
  g.outputs = {13};
  return g;
}

// float: CONV (hybrid int8 weights, RELU6) -> DEPTHWISE (float, no bias, stride 2)
//        -> AVERAGE_POOL(SAME) -> MAX_POOL(VALID) -> FC (hybrid) -> FC (float, bias)
Graph float_chain() {
  Graph g;
  g.tensors = {
      activation("in", DataType::Float32, {1, 4, 4, 2}),               // 0
      constant("conv_w", DataType::Int8, {2, 3, 3, 2}, int8s(36, 21),  // 1
               quant({0.01f, 0.005f}, {0, 0}, 0)),
      constant("conv_b", DataType::Float32, {2}, floats(2, 22)),                     // 2
      activation("conv_out", DataType::Float32, {1, 4, 4, 2}),                       // 3
      constant("dw_w", DataType::Float32, {1, 3, 3, 2}, floats(18, 23)),             // 4
      activation("dw_out", DataType::Float32, {1, 2, 2, 2}),                         // 5
      activation("avg_out", DataType::Float32, {1, 2, 2, 2}),                        // 6
      activation("max_out", DataType::Float32, {1, 1, 1, 2}),                        // 7
      constant("fc_w", DataType::Int8, {3, 2}, int8s(6, 24), quant({0.013f}, {0})),  // 8
      activation("fc_out", DataType::Float32, {1, 3}),                               // 9
      constant("fc2_w", DataType::Float32, {2, 3}, floats(6, 25)),                   // 10
      constant("fc2_b", DataType::Float32, {2}, floats(2, 26)),                      // 11
      activation("fc2_out", DataType::Float32, {1, 2}),                              // 12
  };
  g.ops = {
      make_op(OpType::Conv2D, {0, 1, 2}, {3},
              ConvOptions{Padding::Same, 1, 1, 1, 1, Activation::Relu6}),
      make_op(OpType::DepthwiseConv2D, {3, 4, kNoTensor}, {5},
              DepthwiseConvOptions{Padding::Same, 2, 2, 1, 1, 1, Activation::None}),
      make_op(OpType::AveragePool2D, {5}, {6}, PoolOptions{Padding::Same, 1, 1, 2, 2}),
      make_op(OpType::MaxPool2D, {6}, {7}, PoolOptions{Padding::Valid, 2, 2, 2, 2}),
      make_op(OpType::FullyConnected, {7, 8, kNoTensor}, {9}, FullyConnectedOptions{}),
      make_op(OpType::FullyConnected, {9, 10, 11}, {12},
              FullyConnectedOptions{Activation::ReluN1To1, false}),
  };
  g.inputs = {0};
  g.outputs = {12};
  return g;
}

const char* c_type(DataType t) {
  switch (t) {
    case DataType::Int8:
      return "int8_t";
    case DataType::Int32:
      return "int32_t";
    case DataType::Float32:
      return "float";
    default:
      return nullptr;
  }
}

std::string tensor_array(const Tensor& t, const std::string& name, bool is_const,
                         std::span<const uint8_t> values) {
  std::string text;
  if (t.type == DataType::Float32) {
    std::vector<float> v(values.size() / 4);
    std::memcpy(v.data(), values.data(), values.size());
    text = c_float_array(name, v);
  } else {
    std::vector<int64_t> v;
    if (t.type == DataType::Int8) {
      for (uint8_t b : values) v.push_back(static_cast<int8_t>(b));
    } else {
      std::vector<int32_t> w(values.size() / 4);
      std::memcpy(w.data(), values.data(), values.size());
      v.assign(w.begin(), w.end());
    }
    text = c_array(c_type(t.type), name, v);
  }
  if (!is_const) text.erase(text.find("const "), 6);
  return text;
}

std::string hex(std::span<const uint8_t> bytes) {
  std::string s;
  char buf[3];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    s += buf;
  }
  return s;
}

// Prints `g` as a C program that runs it on `input` and prints each activation's bytes in
// hex, one line per tensor in index order; builds it with gcc (warnings are errors) and returns
// what it prints.
std::string compile_and_run(const Graph& g, const Interpreter& interp,
                            std::span<const uint8_t> input, const std::string& tag) {
  const std::filesystem::path root =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  const std::filesystem::path runtime = root / "src" / "runtime";
  if (!std::filesystem::exists(runtime / "conv_s8.c")) return "skip: no runtime sources";
  if (std::system("gcc --version > /dev/null 2>&1") != 0) return "skip: no gcc";

  RecordingEmit e(0);
  for (size_t k = 0; k < g.ops.size(); ++k) {
    e.set_op(k);
    const EmitFn& fn = interp.emitter(k);
    if (!fn) return "op " + std::to_string(k) + " has no emitter";
    fn(e);
  }
  for (size_t i = 0; i < g.tensors.size(); ++i) {
    if (!g.tensors[i].is_constant()) e.used_tensors.insert(static_cast<int32_t>(i));
  }

  std::ostringstream c;
  c << "#include <stdint.h>\n#include <stdio.h>\n\n"
       "#include \"tinyops/runtime/conv.h\"\n#include \"tinyops/runtime/depthwise_conv.h\"\n"
       "#include \"tinyops/runtime/fully_connected.h\"\n#include \"tinyops/runtime/pooling.h\"\n\n";
  for (int32_t i : e.used_tensors) {
    const Tensor& t = g.tensors[static_cast<size_t>(i)];
    const std::string name = "t" + std::to_string(i);
    if (t.is_constant()) {
      c << tensor_array(t, name, true, t.data) << "\n";
    } else if (i == g.inputs[0]) {
      c << tensor_array(t, name, false, input) << "\n";
    } else {
      c << "static " << c_type(t.type) << " " << name << "[" << t.element_count() << "];\n";
    }
  }
  for (const auto& d : e.declarations) c << d << "\n";
  c << "\nint main(void) {\n  size_t i;\n";
  for (const auto& s : e.statements) c << "  " << s << "\n";
  for (int32_t t : e.used_tensors) {
    if (g.tensors[static_cast<size_t>(t)].is_constant()) continue;
    const std::string a = "t" + std::to_string(t);
    c << "  for (i = 0; i < sizeof " << a << "; ++i) printf(\"%02x\", ((const unsigned char*)" << a
      << ")[i]);\n  printf(\"\\n\");\n";
  }
  c << "  return 0;\n}\n";

  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("tinyops_conv_emit_" + tag + "_" +
       std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
       std::to_string(reinterpret_cast<uintptr_t>(&e)));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "model.c") << c.str();
  std::string command = "gcc -std=c99 -Wall -Wextra -Werror -pedantic -ffp-contract=off -I" +
                        (runtime / "include").string() + " " + (dir / "model.c").string();
  for (const auto& src : e.sources) command += " " + (runtime / src).string();
  command += " -o " + (dir / "model").string() + " -lm 2> " + (dir / "gcc.log").string();
  if (std::system(command.c_str()) != 0) {
    std::ifstream log(dir / "gcc.log");
    return "gcc failed:\n" + std::string(std::istreambuf_iterator<char>(log), {}) + "\n" + c.str();
  }
  std::string printed;
  if (FILE* p = popen((dir / "model").string().c_str(), "r")) {
    char buf[256];
    while (fgets(buf, sizeof buf, p) != nullptr) printed += buf;
    pclose(p);
  }
  std::filesystem::remove_all(dir);
  return printed;
}

void expect_generated_matches_interpreter(const Graph& g, std::span<const uint8_t> input,
                                          const std::string& tag) {
  Interpreter interp(g);
  std::memcpy(interp.input(0).data(), input.data(), input.size());
  interp.invoke();
  const std::string got = compile_and_run(g, interp, input, tag);
  if (got.rfind("skip:", 0) == 0) GTEST_SKIP() << got;
  // Every activation, not only the graph output, so each op is checked on its own.
  std::string want;
  for (size_t i = 0; i < g.tensors.size(); ++i) {
    if (!g.tensors[i].is_constant())
      want += hex(interp.tensor_bytes(static_cast<int32_t>(i))) + "\n";
  }
  EXPECT_EQ(got, want);
}

TEST(ConvEmit, Int8ChainBuildsWarningFreeAndMatchesTheInterpreter) {
  const Graph g = int8_chain();
  const auto in = int8s(50, 31);
  expect_generated_matches_interpreter(g, {reinterpret_cast<const uint8_t*>(in.data()), in.size()},
                                       "int8");
}

TEST(ConvEmit, FloatChainWithHybridWeightsBuildsWarningFreeAndMatchesTheInterpreter) {
  const Graph g = float_chain();
  const auto in = floats(32, 41);
  expect_generated_matches_interpreter(
      g, {reinterpret_cast<const uint8_t*>(in.data()), in.size() * 4}, "f32");
}

}  // namespace
}  // namespace tinyops::interp
