// The Signal-library ops print themselves as C (OpContext::on_emit): every op of the
// micro_speech audio preprocessor has an emitter naming its kernel and runtime source, the
// noise estimate becomes zero-initialised static state with a reset, and the printed C,
// built with `gcc -std=c99 -Wall -Wextra -Werror -pedantic`, computes each op bit for bit
// as the interpreter does, invocation after invocation (state carried, then reset).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::interp {
namespace {

namespace fs = std::filesystem;

const fs::path kRuntimeDir = fs::path(__FILE__).parent_path() / ".." / ".." / "src" / "runtime";

fs::path preprocessor_model() {
  return fs::path(TINYOPS_SHARED_MODELS) / "tflm_micro_speech_audio_preprocessor_int8.tflite";
}

// Records what an emitter prints; tensors are named "t<index>", file-scope arrays the test
// program declares itself.
class RecordingEmitContext : public EmitContext {
 public:
  explicit RecordingEmitContext(size_t op) : prefix_("op" + std::to_string(op) + "_") {}

  std::string tensor(int32_t index) override {
    tensors.insert(index);
    return "t" + std::to_string(index);
  }
  std::string unique(const std::string& base) override { return prefix_ + base; }
  void declare(const std::string& declaration) override { declarations.push_back(declaration); }
  void statement(const std::string& c_statement) override { statements.push_back(c_statement); }
  void reset_statement(const std::string& c_statement) override { resets.push_back(c_statement); }
  void use_source(const std::string& file) override { sources.insert(file); }

  std::set<int32_t> tensors;
  std::vector<std::string> declarations, statements, resets;
  std::set<std::string> sources;

 private:
  std::string prefix_;
};

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

struct SignalOp {
  size_t index;
  RecordingEmitContext emitted;
};

std::vector<SignalOp> emit_signal_ops(const Graph& graph, const Interpreter& interp) {
  std::vector<SignalOp> ops;
  for (size_t k = 0; k < graph.ops.size(); ++k) {
    if (graph.ops[k].name.rfind("Signal", 0) != 0) continue;
    SignalOp op{k, RecordingEmitContext(k)};
    const EmitFn& emit = interp.emitter(k);
    if (emit) emit(op.emitted);
    ops.push_back(std::move(op));
  }
  return ops;
}

TEST(SignalEmit, EveryPreprocessorOpPrintsItsKernelCall) {
  const Graph graph = formats::import_tflite_file(preprocessor_model());
  const Interpreter interp(graph);
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"SignalWindow", {"signal_window.c", "tinyops_signal_window_s16(&op"}},
      {"SignalFftAutoScale", {"signal_fft_auto_scale.c", "tinyops_signal_fft_auto_scale_s16("}},
      {"SignalRfft", {"signal_rfft_s16.c", "tinyops_signal_rfft_s16_frames(&op"}},
      {"SignalEnergy", {"signal_energy.c", "tinyops_signal_energy_s16(&op"}},
      {"SignalFilterBank", {"signal_filter_bank.c", "tinyops_signal_filter_bank_u32(&op"}},
      {"SignalFilterBankSquareRoot",
       {"signal_filter_bank_square_root.c", "tinyops_signal_filter_bank_sqrt_u64("}},
      {"SignalFilterBankSpectralSubtraction",
       {"signal_spectral_subtraction.c", "tinyops_signal_spectral_subtraction_u32(&op"}},
      {"SignalPCAN", {"signal_pcan.c", "tinyops_signal_pcan_u32(&op"}},
      {"SignalFilterBankLog",
       {"signal_filter_bank_log.c", "tinyops_signal_filter_bank_log_u32(&op"}},
  };
  std::set<std::string> seen;
  for (const SignalOp& op : emit_signal_ops(graph, interp)) {
    const std::string& name = graph.ops[op.index].name;
    SCOPED_TRACE("op " + std::to_string(op.index) + " " + name);
    ASSERT_TRUE(interp.emitter(op.index)) << "no emitter";
    ASSERT_TRUE(expected.count(name)) << "unexpected Signal op";
    const auto& [source, call] = expected.at(name);
    EXPECT_EQ(op.emitted.sources, std::set<std::string>{source});
    EXPECT_TRUE(fs::exists(kRuntimeDir / source)) << source;
    EXPECT_NE(joined(op.emitted.statements).find(call), std::string::npos)
        << joined(op.emitted.statements);
    // Every tensor the invoke step touches is printed.
    for (int32_t t : graph.ops[op.index].inputs) EXPECT_TRUE(op.emitted.tensors.count(t)) << t;
    for (int32_t t : graph.ops[op.index].outputs) EXPECT_TRUE(op.emitted.tensors.count(t)) << t;
    // Parameters are constants; only named state and scratch may be mutable.
    for (const std::string& d : op.emitted.declarations) {
      EXPECT_EQ(d.rfind("static ", 0), 0u) << d;
      EXPECT_EQ(d.find("malloc"), std::string::npos) << d;
    }
    if (name == "SignalFilterBankSpectralSubtraction") {
      const int32_t channels =
          static_cast<int32_t>(graph.tensors[graph.ops[op.index].inputs[0]].element_count());
      const std::string state = "static uint32_t op" + std::to_string(op.index) + "_noise[" +
                                std::to_string(channels) + "];";
      EXPECT_NE(joined(op.emitted.declarations).find(state), std::string::npos)
          << joined(op.emitted.declarations);
      ASSERT_EQ(op.emitted.resets.size(), 1u);
      EXPECT_NE(op.emitted.resets[0].find("_noise[i] = 0u"), std::string::npos);
    } else {
      EXPECT_TRUE(op.emitted.resets.empty()) << "only the noise estimate is state";
    }
    if (name == "SignalRfft") {
      const std::string d = joined(op.emitted.declarations);
      EXPECT_NE(
          d.find("static const tinyops_complex_s16 op" + std::to_string(op.index) + "_twiddles["),
          std::string::npos);
      EXPECT_NE(d.find(".twiddles = op" + std::to_string(op.index) + "_twiddles"),
                std::string::npos);
    }
    seen.insert(name);
  }
  EXPECT_EQ(seen.size(), expected.size()) << "the preprocessor uses every Signal op";
}

const char* c_type(DataType type) {
  switch (type) {
    case DataType::Int8:
      return "int8_t";
    case DataType::UInt8:
      return "uint8_t";
    case DataType::Int16:
      return "int16_t";
    case DataType::UInt16:
      return "uint16_t";
    case DataType::Int32:
      return "int32_t";
    case DataType::UInt32:
      return "uint32_t";
    case DataType::Int64:
      return "int64_t";
    case DataType::UInt64:
      return "uint64_t";
    default:
      return nullptr;
  }
}

template <class T>
std::vector<int64_t> widened(const Tensor& t) {
  const auto values = t.constant_as<T>();
  return {values.begin(), values.end()};
}

std::vector<int64_t> constant_values(const Tensor& t) {
  switch (t.type) {
    case DataType::Int8:
      return widened<int8_t>(t);
    case DataType::UInt8:
      return widened<uint8_t>(t);
    case DataType::Int16:
      return widened<int16_t>(t);
    case DataType::UInt16:
      return widened<uint16_t>(t);
    case DataType::Int32:
      return widened<int32_t>(t);
    case DataType::UInt32:
      return widened<uint32_t>(t);
    case DataType::Int64:
      return widened<int64_t>(t);
    default:
      return {};
  }
}

std::vector<uint8_t> read_bytes(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// One program holding every Signal op's declarations; per step it reads a reset flag, then
// for each op its non-constant inputs (as the interpreter saw them), runs the op's
// statements and writes its outputs.
std::string test_program(const Graph& graph, const std::vector<SignalOp>& ops) {
  std::string c =
      "#include <stdint.h>\n#include <stdio.h>\n\n#include \"tinyops/runtime/signal.h\"\n\n";
  std::set<int32_t> tensors;
  for (const SignalOp& op : ops)
    tensors.insert(op.emitted.tensors.begin(), op.emitted.tensors.end());
  for (int32_t t : tensors) {
    const Tensor& tensor = graph.tensors[static_cast<size_t>(t)];
    const std::string name = "t" + std::to_string(t);
    if (tensor.is_constant()) {
      c += c_array(c_type(tensor.type), name, constant_values(tensor)) + "\n";
    } else {
      c += "static " + std::string(c_type(tensor.type)) + " " + name + "[" +
           std::to_string(tensor.element_count()) + "];\n";
    }
  }
  std::string reset = "static void reset(void) {\n";
  for (const SignalOp& op : ops) {
    c += "\n" + joined(op.emitted.declarations);
    c += "static void run_op" + std::to_string(op.index) + "(void) {\n";
    for (const auto& s : op.emitted.statements) c += "  " + s + "\n";
    c += "}\n";
    for (const auto& s : op.emitted.resets) reset += "  " + s + "\n";
  }
  c += "\n" + reset + "}\n\n";
  c += "int main(int argc, char** argv) {\n"
       "  FILE* in;\n  FILE* out;\n  int32_t flag;\n"
       "  if (argc != 3) return 2;\n"
       "  in = fopen(argv[1], \"rb\");\n  out = fopen(argv[2], \"wb\");\n"
       "  if (in == NULL || out == NULL) return 2;\n"
       "  reset();\n"
       "  while (fread(&flag, sizeof flag, 1, in) == 1) {\n"
       "    if (flag) reset();\n";
  for (const SignalOp& op : ops) {
    const Op& o = graph.ops[op.index];
    for (int32_t t : o.inputs) {
      if (graph.tensors[static_cast<size_t>(t)].is_constant()) continue;
      const std::string n = "t" + std::to_string(t);
      c += "    if (fread(" + n + ", 1, sizeof " + n + ", in) != sizeof " + n + ") return 3;\n";
    }
    c += "    run_op" + std::to_string(op.index) + "();\n";
    for (int32_t t : o.outputs) {
      const std::string n = "t" + std::to_string(t);
      c += "    if (fwrite(" + n + ", 1, sizeof " + n + ", out) != sizeof " + n + ") return 4;\n";
    }
  }
  c += "  }\n  return fclose(out) == 0 ? 0 : 4;\n}\n";
  return c;
}

TEST(SignalEmit, GeneratedCMatchesTheInterpreterAcrossInvocations) {
  if (std::system("gcc --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no host gcc";
  const Graph graph = formats::import_tflite_file(preprocessor_model());
  Interpreter interp(graph);
  const std::vector<SignalOp> ops = emit_signal_ops(graph, interp);
  ASSERT_FALSE(ops.empty());
  std::set<std::string> sources;
  for (const SignalOp& op : ops) {
    ASSERT_TRUE(interp.emitter(op.index)) << "op " << op.index << " has no emitter";
    sources.insert(op.emitted.sources.begin(), op.emitted.sources.end());
  }

  // Inputs: the TFLM reference vectors (full scale), then quieter noise so the FFT
  // auto-scale shift is above 0; a reset part way through.
  std::vector<std::vector<uint8_t>> inputs;
  const fs::path vectors =
      fs::path(TINYOPS_SHARED_MODELS) / "tflm_micro_speech_audio_preprocessor_int8.vectors";
  for (int k = 0; fs::exists(vectors / ("input_" + std::to_string(k) + ".bin")); ++k)
    inputs.push_back(read_bytes(vectors / ("input_" + std::to_string(k) + ".bin")));
  const size_t input_bytes = interp.input(0).size();
  ASSERT_EQ(graph.tensors[static_cast<size_t>(graph.inputs[0])].type, DataType::Int16);
  std::mt19937 rng(7);
  for (int amplitude : {12000, 3000, 700, 150, 40, 9, 0}) {
    std::uniform_int_distribution<int> sample(-amplitude, amplitude);
    std::vector<int16_t> audio(input_bytes / 2);
    for (auto& s : audio) s = static_cast<int16_t>(sample(rng));
    std::vector<uint8_t> bytes(input_bytes);
    std::memcpy(bytes.data(), audio.data(), input_bytes);
    inputs.push_back(bytes);
  }
  const size_t reset_at = inputs.size() / 2;

  std::vector<uint8_t> stream, expected;
  auto append = [](std::vector<uint8_t>& v, std::span<const uint8_t> b) {
    v.insert(v.end(), b.begin(), b.end());
  };
  for (size_t step = 0; step < inputs.size(); ++step) {
    ASSERT_EQ(inputs[step].size(), input_bytes);
    const int32_t flag = step == reset_at ? 1 : 0;
    if (flag) interp.reset_state();
    std::memcpy(interp.input(0).data(), inputs[step].data(), input_bytes);
    interp.invoke();
    append(stream, {reinterpret_cast<const uint8_t*>(&flag), sizeof flag});
    for (const SignalOp& op : ops) {
      for (int32_t t : graph.ops[op.index].inputs)
        if (!graph.tensors[static_cast<size_t>(t)].is_constant())
          append(stream, interp.tensor_bytes(t));
      for (int32_t t : graph.ops[op.index].outputs) append(expected, interp.tensor_bytes(t));
    }
  }

  const fs::path dir =
      fs::temp_directory_path() / ("tinyops_signal_emit_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream(dir / "model.c") << test_program(graph, ops);
    std::ofstream(dir / "in.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(stream.data()),
               static_cast<std::streamsize>(stream.size()));
  }
  std::string cmd = "gcc -std=c99 -Wall -Wextra -Werror -pedantic -O1 -I" +
                    (kRuntimeDir / "include").string() + " -o " + (dir / "model").string() + " " +
                    (dir / "model.c").string();
  for (const auto& s : sources) cmd += " " + (kRuntimeDir / s).string();
  cmd += " -lm > " + (dir / "gcc.log").string() + " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    const auto log = read_bytes(dir / "gcc.log");
    FAIL() << cmd << "\n" << std::string(log.begin(), log.end());
  }
  const std::string run =
      (dir / "model").string() + " " + (dir / "in.bin").string() + " " + (dir / "out.bin").string();
  ASSERT_EQ(std::system(run.c_str()), 0) << run;
  const std::vector<uint8_t> actual = read_bytes(dir / "out.bin");
  ASSERT_EQ(actual.size(), expected.size());
  EXPECT_TRUE(actual == expected) << "generated C differs from the interpreter (files in " << dir
                                  << ")";
  if (actual == expected) fs::remove_all(dir);
}

}  // namespace
}  // namespace tinyops::interp
