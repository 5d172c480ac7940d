// The C emitters of the element-wise, activation, shape and quantisation ops: each one-op
// graph is prepared, printed through a recording EmitContext into a small C99 program,
// built with the host's gcc under -std=c99 -Wall -Wextra -Werror -pedantic, run, and its
// output compared with the interpreter's bit for bit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "tinyops/interp/interpreter.hpp"

namespace tinyops::interp {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kRoot = fs::path(__FILE__).parent_path().parent_path().parent_path();

// Records what an op prints. Constant tensors become arrays t<i>; the others get slices of
// one arena, each at its own 16-byte-aligned offset unless `alias` puts one on another.
class RecordingEmit : public EmitContext {
 public:
  RecordingEmit(const Graph& g, size_t op, std::map<int32_t, int32_t> alias) : graph_(g), op_(op) {
    for (size_t i = 0; i < g.tensors.size(); ++i) {
      const Tensor& t = g.tensors[i];
      if (t.is_constant()) continue;
      const auto it = alias.find(static_cast<int32_t>(i));
      if (it != alias.end()) {
        offsets_[static_cast<int32_t>(i)] = offsets_.at(it->second);
        continue;
      }
      offsets_[static_cast<int32_t>(i)] = arena_size_;
      arena_size_ += (t.byte_size() + 15) / 16 * 16 + 16;
    }
  }

  std::string tensor(int32_t index) override {
    const Tensor& t = graph_.tensors.at(static_cast<size_t>(index));
    if (t.is_constant()) {
      used_constants_.insert(index);
      return "t" + std::to_string(index);
    }
    return "((" + ctype(t.type) + "*)(tinyops_arena + " + std::to_string(offsets_.at(index)) + "))";
  }
  std::string unique(const std::string& base) override {
    const std::string name = "op" + std::to_string(op_) + "_" + base;
    EXPECT_TRUE(names_.insert(name).second) << "duplicate name " << name;
    return name;
  }
  void declare(const std::string& d) override { declarations.push_back(d); }
  void statement(const std::string& s) override { statements.push_back(s); }
  void reset_statement(const std::string& s) override { resets.push_back(s); }
  void use_source(const std::string& file) override { sources.insert(file); }

  static std::string ctype(DataType type) {
    switch (type) {
      case DataType::Float32:
        return "float";
      case DataType::Int8:
        return "int8_t";
      case DataType::Int16:
        return "int16_t";
      case DataType::Int32:
        return "int32_t";
      case DataType::Int64:
        return "int64_t";
      default:
        return "uint8_t";
    }
  }
  // The program: constants, the arena, the declarations, then main() copying the inputs in,
  // running the statements and writing the output's bytes to stdout.
  std::string program(const std::vector<std::pair<int32_t, std::vector<uint8_t>>>& inputs,
                      int32_t output) const {
    std::string c =
        "#include <math.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <string.h>\n"
        "#include \"tinyops/runtime/activations.h\"\n"
        "#include \"tinyops/runtime/elementwise_binary.h\"\n"
        "#include \"tinyops/runtime/quantize.h\"\n"
        "#include \"tinyops/runtime/shape_ops.h\"\n";
    auto bytes_array = [](const std::string& type, const std::string& name,
                          const std::vector<uint8_t>& data) {
      std::string s = "static const " + type + " " + name + "[" +
                      std::to_string(std::max<size_t>(data.size(), 1)) + "] = {";
      for (size_t i = 0; i < data.size(); ++i) s += (i ? "," : "") + std::to_string(data[i]);
      return s + (data.empty() ? "0" : "") + "};\n";
    };
    for (int32_t i : used_constants_) {
      const Tensor& t = graph_.tensors[static_cast<size_t>(i)];
      // Typed constants, as the generator prints them: via a union with the bytes.
      c += "static const union { uint8_t b[" + std::to_string(t.data.size()) + "]; " +
           ctype(t.type) + " v[" + std::to_string(t.data.size() / element_size(t.type)) + "]; } t" +
           std::to_string(i) + "_u = {{";
      for (size_t k = 0; k < t.data.size(); ++k) c += (k ? "," : "") + std::to_string(t.data[k]);
      c += "}};\n#define t" + std::to_string(i) + " (t" + std::to_string(i) + "_u.v)\n";
    }
    c += "static union { double d; int64_t i; uint8_t b[" + std::to_string(arena_size_ + 16) +
         "]; } arena_u;\n#define tinyops_arena (arena_u.b)\n";
    for (size_t k = 0; k < inputs.size(); ++k)
      c += bytes_array("uint8_t", "input" + std::to_string(k), inputs[k].second);
    for (const std::string& d : declarations) c += d + "\n";
    c += "int main(void) {\n";
    for (size_t k = 0; k < inputs.size(); ++k)
      c += "  memcpy(tinyops_arena + " + std::to_string(offsets_.at(inputs[k].first)) + ", input" +
           std::to_string(k) + ", " + std::to_string(inputs[k].second.size()) + ");\n";
    for (const std::string& s : statements) c += "  " + s + "\n";
    c += "  fwrite(tinyops_arena + " + std::to_string(offsets_.at(output)) + ", 1, " +
         std::to_string(graph_.tensors[static_cast<size_t>(output)].byte_size()) +
         ", stdout);\n  return 0;\n}\n";
    return c;
  }

  std::vector<std::string> declarations, statements, resets;
  std::set<std::string> sources;

 private:
  const Graph& graph_;
  size_t op_;
  std::map<int32_t, size_t> offsets_;
  size_t arena_size_ = 0;
  std::set<int32_t> used_constants_;
  std::set<std::string> names_;
};

Tensor tensor(DataType type, std::vector<int32_t> shape, float scale = 0.0f, int64_t zp = 0) {
  Tensor t;
  t.name = "t";
  t.type = type;
  t.shape = std::move(shape);
  if (scale > 0.0f) t.quant = {{scale}, {zp}, 0};
  return t;
}

template <class T>
Tensor constant(DataType type, std::vector<int32_t> shape, std::vector<T> values,
                float scale = 0.0f, int64_t zp = 0) {
  Tensor t = tensor(type, std::move(shape), scale, zp);
  t.data.resize(values.size() * sizeof(T));
  std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

Tensor ints(std::vector<int32_t> values) {
  return constant(DataType::Int32, {static_cast<int32_t>(values.size())}, values);
}

// Deterministic input bytes: floats in [-4, 4], integers over their whole range.
std::vector<uint8_t> random_bytes(const Tensor& t, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> bytes(t.byte_size());
  if (t.type == DataType::Float32) {
    std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
    for (size_t i = 0; i < bytes.size(); i += 4) {
      const float v = dist(rng);
      std::memcpy(&bytes[i], &v, 4);
    }
  } else {
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
    if (t.type == DataType::Int32) {
      // Small int32 values (and no zero divisors) keep DIV and requantisation interesting.
      for (size_t i = 0; i < bytes.size(); i += 4) {
        int32_t v = static_cast<int32_t>(rng() % 2001) - 1000;
        if (v == 0) v = 7;
        std::memcpy(&bytes[i], &v, 4);
      }
    }
  }
  return bytes;
}

int run_command(const std::string& command, std::string* output) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct Emitted {
  std::vector<std::string> declarations, statements;
  std::set<std::string> sources;
};

// Builds a one-op graph (tensor 0.. as given; op inputs/outputs by index), runs it in the
// interpreter and as emitted C, and expects identical output bytes. Returns what it printed.
Emitted check_op(const std::string& label, std::vector<Tensor> tensors, OpType type,
                 std::vector<int32_t> inputs, int32_t output, OpOptions options = {},
                 std::map<int32_t, int32_t> alias = {}) {
  Graph g;
  g.tensors = std::move(tensors);
  Op op;
  op.type = type;
  op.inputs = std::move(inputs);
  op.outputs = {output};
  op.options = std::move(options);
  g.ops = {op};
  for (int32_t i : g.ops[0].inputs)
    if (i >= 0 && !g.tensors[static_cast<size_t>(i)].is_constant()) g.inputs.push_back(i);
  g.outputs = {output};

  Interpreter interp(g);
  std::vector<std::pair<int32_t, std::vector<uint8_t>>> input_bytes;
  for (size_t k = 0; k < g.inputs.size(); ++k) {
    const int32_t i = g.inputs[k];
    std::vector<uint8_t> bytes =
        random_bytes(g.tensors[static_cast<size_t>(i)], static_cast<uint32_t>(17 + k));
    std::memcpy(interp.input(k).data(), bytes.data(), bytes.size());
    input_bytes.emplace_back(i, std::move(bytes));
  }
  interp.invoke();
  const std::vector<uint8_t> expected(interp.output(0).begin(), interp.output(0).end());

  const EmitFn& emit = interp.emitter(0);
  EXPECT_TRUE(static_cast<bool>(emit)) << label << ": no emitter";
  if (!emit) return {};
  RecordingEmit rec(g, 0, std::move(alias));
  emit(rec);
  EXPECT_FALSE(rec.statements.empty()) << label;
  EXPECT_FALSE(rec.sources.empty()) << label;

  const fs::path dir =
      fs::temp_directory_path() / ("tinyops_emit_" + std::to_string(getpid()) + "_" + label);
  fs::create_directories(dir);
  { std::ofstream(dir / "main.c") << rec.program(input_bytes, output); }
  std::string cmd = "gcc -std=c99 -Wall -Wextra -Werror -pedantic -O1 -ffp-contract=off -I" +
                    (kRoot / "src/runtime/include").string() + " -o " + (dir / "prog").string() +
                    " " + (dir / "main.c").string();
  for (const std::string& s : rec.sources) cmd += " " + (kRoot / "src/runtime" / s).string();
  cmd += " -lm 2>&1";
  std::string log;
  const int rc = run_command(cmd, &log);
  EXPECT_EQ(rc, 0) << label << ": gcc failed:\n" << log << "\n" << rec.program(input_bytes, output);
  if (rc == 0) {
    std::string out;
    EXPECT_EQ(run_command((dir / "prog").string(), &out), 0) << label;
    const std::vector<uint8_t> actual(out.begin(), out.end());
    EXPECT_EQ(actual, expected) << label << ": emitted C differs from the interpreter\n"
                                << rec.program(input_bytes, output);
  }
  fs::remove_all(dir);
  return {rec.declarations, rec.statements, rec.sources};
}

constexpr DataType F32 = DataType::Float32, S8 = DataType::Int8, S16 = DataType::Int16,
                   S32 = DataType::Int32;

TEST(ElementwiseEmit, BinaryArithmeticMatchesInterpreter) {
  const OpType kOps[] = {OpType::Add, OpType::Sub, OpType::Mul};
  for (OpType op : kOps) {
    const std::string name(to_string(op));
    // int8 with broadcasting and a constant second input, fused RELU.
    check_op(name + "_s8",
             {tensor(S8, {1, 2, 3, 4}, 0.05f, 3),
              constant<int8_t>(S8, {1, 1, 1, 4}, {-128, -5, 9, 127}, 0.02f, -7),
              tensor(S8, {1, 2, 3, 4}, 0.07f, -2)},
             op, {0, 1}, 2, ElementwiseOptions{Activation::Relu});
    check_op(name + "_s16",
             {tensor(S16, {2, 3, 1}, 0.001f, 0), tensor(S16, {1, 5}, 0.0004f, 0),
              tensor(S16, {2, 3, 5}, 0.002f, 0)},
             op, {0, 1}, 2, ElementwiseOptions{Activation::None});
    check_op(name + "_f32", {tensor(F32, {3, 4}), tensor(F32, {4}), tensor(F32, {3, 4})}, op,
             {0, 1}, 2, ElementwiseOptions{Activation::None});
    check_op(name + "_f32_relu6", {tensor(F32, {3, 4}), tensor(F32, {3, 4}), tensor(F32, {3, 4})},
             op, {0, 1}, 2, ElementwiseOptions{Activation::Relu6});
    check_op(name + "_s32", {tensor(S32, {2, 3}), tensor(S32, {2, 1}), tensor(S32, {2, 3})}, op,
             {0, 1}, 2, ElementwiseOptions{Activation::Relu});
  }
  check_op("DIV_f32", {tensor(F32, {5}), tensor(F32, {1}), tensor(F32, {5})}, OpType::Div, {0, 1},
           2, ElementwiseOptions{Activation::ReluN1To1});
  check_op("DIV_s32", {tensor(S32, {2, 4}), tensor(S32, {4}), tensor(S32, {2, 4})}, OpType::Div,
           {0, 1}, 2, ElementwiseOptions{Activation::None});
}

TEST(ElementwiseEmit, MinimumMaximumMatchInterpreter) {
  for (OpType op : {OpType::Minimum, OpType::Maximum}) {
    for (DataType type : {F32, S8, S16, S32}) {
      const float scale = type == F32 || type == S32 ? 0.0f : 0.1f;
      check_op(std::string(to_string(op)) + "_" + std::string(to_string(type)),
               {tensor(type, {2, 1, 3}, scale), tensor(type, {4, 1}, scale),
                tensor(type, {2, 4, 3}, scale)},
               op, {0, 1}, 2);
    }
  }
}

TEST(ElementwiseEmit, ActivationsMatchInterpreter) {
  check_op("SOFTMAX_f32", {tensor(F32, {2, 5}), tensor(F32, {2, 5})}, OpType::Softmax, {0}, 1,
           SoftmaxOptions{0.7f});
  check_op("SOFTMAX_s8", {tensor(S8, {3, 6}, 0.1f, 5), tensor(S8, {3, 6}, 1.0f / 256, -128)},
           OpType::Softmax, {0}, 1, SoftmaxOptions{1.0f});
  check_op("SOFTMAX_s8_s16",
           {tensor(S8, {3, 6}, 0.1f, 5), tensor(S16, {3, 6}, 1.0f / 65536, -32768)},
           OpType::Softmax, {0}, 1, SoftmaxOptions{1.0f});
  for (OpType op : {OpType::Logistic, OpType::Tanh}) {
    const std::string name(to_string(op));
    check_op(name + "_f32", {tensor(F32, {7}), tensor(F32, {7})}, op, {0}, 1);
    const float out_scale = op == OpType::Tanh ? 1.0f / 128 : 1.0f / 256;
    const int64_t out_zp = op == OpType::Tanh ? 0 : -128;
    check_op(name + "_s8", {tensor(S8, {4, 8}, 0.06f, -3), tensor(S8, {4, 8}, out_scale, out_zp)},
             op, {0}, 1);
  }
  for (OpType op : {OpType::Relu, OpType::Relu6}) {
    const std::string name(to_string(op));
    check_op(name + "_f32", {tensor(F32, {9}), tensor(F32, {9})}, op, {0}, 1);
    check_op(name + "_s8", {tensor(S8, {2, 9}, 0.05f, -10), tensor(S8, {2, 9}, 0.03f, -128)}, op,
             {0}, 1);
  }
}

TEST(ElementwiseEmit, QuantizeDequantizeMatchInterpreter) {
  check_op("QUANTIZE_f32_s8", {tensor(F32, {10}), tensor(S8, {10}, 0.03f, 4)}, OpType::Quantize,
           {0}, 1);
  check_op("QUANTIZE_f32_s16", {tensor(F32, {10}), tensor(S16, {10}, 0.0003f, 0)}, OpType::Quantize,
           {0}, 1);
  const std::pair<DataType, DataType> kRequant[] = {{S8, S8},   {S8, S16},  {S8, S32}, {S16, S8},
                                                    {S16, S16}, {S16, S32}, {S32, S8}, {S32, S16}};
  for (auto [from, to] : kRequant) {
    check_op(
        "REQUANTIZE_" + std::string(to_string(from)) + "_" + std::string(to_string(to)),
        {tensor(from, {12}, 0.02f, from == S8 ? 3 : 0), tensor(to, {12}, 0.05f, to == S8 ? -4 : 0)},
        OpType::Quantize, {0}, 1);
  }
  check_op("DEQUANTIZE_s8", {tensor(S8, {10}, 0.037f, -9), tensor(F32, {10})}, OpType::Dequantize,
           {0}, 1);
  check_op("DEQUANTIZE_s16", {tensor(S16, {10}, 0.00071f, 0), tensor(F32, {10})},
           OpType::Dequantize, {0}, 1);
}

TEST(ElementwiseEmit, ReshapeCopiesOrRunsInPlace) {
  const Emitted copy =
      check_op("RESHAPE", {tensor(S8, {2, 6}, 0.1f), ints({3, -1}), tensor(S8, {3, 4}, 0.1f)},
               OpType::Reshape, {0, 1}, 2);
  ASSERT_EQ(copy.statements.size(), 1u);
  EXPECT_THAT(copy.statements[0], HasSubstr("tinyops_reshape(12u, "));
  EXPECT_TRUE(copy.declarations.empty());
  // The planner may put the output on the input: the call must tolerate dst == src.
  check_op("RESHAPE_inplace", {tensor(F32, {2, 6}), ints({12}), tensor(F32, {12})}, OpType::Reshape,
           {0, 1}, 2, {}, {{2, 0}});
  check_op("SQUEEZE", {tensor(F32, {1, 5, 1}), tensor(F32, {5})}, OpType::Squeeze, {0}, 1,
           SqueezeOptions{{0, 2}});
}

TEST(ElementwiseEmit, DataMovementMatchesInterpreter) {
  const Emitted pad = check_op("PAD_s8",
                               {tensor(S8, {1, 2, 3, 1}, 0.1f, 5), ints({0, 0, 1, 2, 2, 0, 0, 1}),
                                tensor(S8, {1, 5, 5, 2}, 0.1f, 5)},
                               OpType::Pad, {0, 1}, 2);
  EXPECT_THAT(pad.declarations,
              ::testing::Contains(HasSubstr("static const int8_t op0_pad_value[1] = {5};")));
  check_op("PAD_f32_constant",
           {tensor(F32, {2, 3}), ints({1, 1, 0, 2}), constant<float>(F32, {1}, {-1.5f}),
            tensor(F32, {4, 5})},
           OpType::Pad, {0, 1, 2}, 3);
  check_op("TRANSPOSE",
           {tensor(S16, {2, 3, 4}, 0.1f), ints({2, 0, 1}), tensor(S16, {4, 2, 3}, 0.1f)},
           OpType::Transpose, {0, 1}, 2);
  check_op("STRIDED_SLICE",
           {tensor(F32, {4, 6, 3}), ints({1, -1, 0}), ints({4, 0, 2}), ints({2, -2, 1}),
            tensor(F32, {2, 3})},
           OpType::StridedSlice, {0, 1, 2, 3}, 4, StridedSliceOptions{0, 0, 0, 0, 4, false});
  const Emitted concat =
      check_op("CONCATENATION",
               {tensor(S8, {2, 3}, 0.1f), constant<int8_t>(S8, {2, 1}, {-1, 100}, 0.1f),
                tensor(S8, {2, 2}, 0.1f), tensor(S8, {2, 6}, 0.1f)},
               OpType::Concatenation, {0, 1, 2}, 3, ConcatenationOptions{1, Activation::None});
  EXPECT_THAT(concat.declarations,
              ::testing::Contains(HasSubstr("op0_copy_bytes[3] = {3, 1, 2};")));
  check_op("CAST_f32_s32", {tensor(F32, {6}), tensor(S32, {6})}, OpType::Cast, {0}, 1);
  check_op("CAST_s8_f32", {tensor(S8, {6}), tensor(F32, {6})}, OpType::Cast, {0}, 1);
  check_op("MEAN_f32", {tensor(F32, {2, 3, 4}), ints({1, -1}), tensor(F32, {2})}, OpType::Mean,
           {0, 1}, 2, ReducerOptions{false});
  check_op("MEAN_s8",
           {tensor(S8, {1, 3, 3, 5}, 0.1f, 3), ints({1, 2}), tensor(S8, {1, 1, 1, 5}, 0.04f, -6)},
           OpType::Mean, {0, 1}, 2, ReducerOptions{true});
  check_op("MEAN_s8_same",
           {tensor(S8, {1, 3, 3, 5}, 0.1f, 3), ints({1, 2}), tensor(S8, {1, 5}, 0.1f, 3)},
           OpType::Mean, {0, 1}, 2, ReducerOptions{false});
}

TEST(ElementwiseEmit, PrintsExactParameters) {
  const Emitted add =
      check_op("ADD_params",
               {tensor(S8, {4}, 0.5f, 1), tensor(S8, {4}, 0.25f, -1), tensor(S8, {4}, 1.0f, 0)},
               OpType::Add, {0, 1}, 2, ElementwiseOptions{Activation::None});
  EXPECT_EQ(add.sources, std::set<std::string>{"add_s8.c"});
  ASSERT_EQ(add.statements.size(), 1u);
  EXPECT_EQ(add.statements[0],
            "tinyops_add_s8(&op0_params, &op0_shape, ((int8_t*)(tinyops_arena + 0)), "
            "((int8_t*)(tinyops_arena + 32)), ((int8_t*)(tinyops_arena + 64)));");
  EXPECT_THAT(add.declarations,
              ::testing::Contains("static const tinyops_broadcast op0_shape = {.rank = 1, "
                                  ".count = 4, .dims = {4}, .stride1 = {1}, .stride2 = {1}};"));
  EXPECT_THAT(add.declarations, ::testing::Contains(HasSubstr(".left_shift = 20, ")));
  const Emitted relu =
      check_op("ADD_f32_none", {tensor(F32, {4}), tensor(F32, {4}), tensor(F32, {4})}, OpType::Add,
               {0, 1}, 2, ElementwiseOptions{Activation::None});
  ASSERT_EQ(relu.statements.size(), 1u);
  EXPECT_THAT(relu.statements[0], HasSubstr("tinyops_add_f32(-3.40282347e+38f, 3.40282347e+38f, "));
}

}  // namespace
}  // namespace tinyops::interp
