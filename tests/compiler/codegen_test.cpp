// Generated C must be warning-free strict C99 and compute exactly what the host
// interpreter computes: every shared model is compiled, built with the host C compiler,
// and run on its reference inputs (or seeded random inputs) in one process, in order.
#include "tinyops/compiler/codegen.hpp"

#include "tinyops/compiler/board.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "../support/graph_builder.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::compiler {
namespace {

namespace fs = std::filesystem;

// Operators with no kernel yet (see tests/models): their models must be refused by name.
const std::map<std::string, std::string> kNotYetSupported = {};

constexpr const char* kHarness = R"(#include <stdio.h>
#include "model.h"
/* Usage: run IN0 OUT0 IN1 OUT1 ...: one inference per pair, in order, in one process. */
int main(int argc, char** argv) {
  int i;
  for (i = 1; i + 1 < argc; i += 2) {
    FILE* in = fopen(argv[i], "rb");
    FILE* out;
    if (!in || fread(model_input(0), 1, MODEL_INPUT0_BYTES, in) != MODEL_INPUT0_BYTES) return 3;
    fclose(in);
    model_invoke();
    out = fopen(argv[i + 1], "wb");
    if (!out || fwrite(model_output(0), 1, MODEL_OUTPUT0_BYTES, out) != MODEL_OUTPUT0_BYTES) return 4;
    fclose(out);
  }
  return 0;
}
)";

std::vector<std::vector<uint8_t>> inputs_for(const fs::path& model, const Tensor& input) {
  std::vector<std::vector<uint8_t>> inputs;
  const fs::path vectors = model.parent_path() / (model.stem().string() + ".vectors");
  for (int k = 0; fs::exists(vectors / ("input_" + std::to_string(k) + ".bin")); ++k)
    inputs.push_back(formats::read_file(vectors / ("input_" + std::to_string(k) + ".bin")));
  if (!inputs.empty()) return inputs;
  std::mt19937 rng(1234);
  for (int k = 0; k < 3; ++k) {
    std::vector<uint8_t> bytes(input.byte_size());
    if (input.type == DataType::Float32) {
      std::uniform_real_distribution<float> u(-1.0f, 1.0f);
      for (size_t i = 0; i < bytes.size(); i += 4) {
        const float v = u(rng);
        std::memcpy(&bytes[i], &v, 4);
      }
    } else {
      for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
    }
    inputs.push_back(std::move(bytes));
  }
  return inputs;
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

// Writes the bundle and the harness into `dir` and builds `run` with the host compiler,
// strict C99 and warning-free.
void build_on_host(const GeneratedBundle& bundle, const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir / "tinyops/runtime");
  for (const auto& [path, text] : bundle.files) write(dir / path, text);
  write(dir / "harness.c", kHarness);
  const std::string build = "cd " + dir.string() +
                            " && cc -std=c99 -Wall -Wextra -Werror -pedantic -O1 -ffp-contract=off"
                            " -I. *.c -o run -lm > build.log 2>&1";
  ASSERT_EQ(std::system(build.c_str()), 0)
      << "generated code does not build:\n"
      << [&] {
           std::ifstream log(dir / "build.log");
           return std::string(std::istreambuf_iterator<char>(log), {}).substr(0, 4000);
         }();
}

// Runs the bundle built in `dir` (harness `run`) on the inputs, in order in one process, and
// checks each output against the interpreter's, also run in order (so state carries over
// alike).
void expect_runs_as_the_interpreter(const Graph& graph, const fs::path& dir,
                                    const std::vector<std::vector<uint8_t>>& inputs) {
  interp::Interpreter interpreter(graph);
  std::string args;
  std::vector<std::vector<uint8_t>> expected;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const fs::path in = dir / ("in" + std::to_string(k)), out = dir / ("out" + std::to_string(k));
    formats::write_file(in, inputs[k]);
    args += " " + in.string() + " " + out.string();
    std::copy(inputs[k].begin(), inputs[k].end(), interpreter.input(0).begin());
    interpreter.invoke();
    expected.emplace_back(interpreter.output(0).begin(), interpreter.output(0).end());
  }
  ASSERT_EQ(std::system((dir / "run").string().append(args).c_str()), 0);
  for (size_t k = 0; k < inputs.size(); ++k) {
    EXPECT_EQ(formats::read_file(dir / ("out" + std::to_string(k))), expected[k])
        << "input " << k << " differs from the interpreter";
  }
}

// (model, DSP kernels): with the DSP kernels the host build runs their portable C
// intrinsics, the very algorithm the device runs, and the cross build their native ones.
class GeneratedCode : public testing::TestWithParam<std::tuple<std::string, bool>> {};

TEST_P(GeneratedCode, BuildsStrictC99AndMatchesTheInterpreter) {
  const fs::path model = fs::path(TINYOPS_SHARED_MODELS) / std::get<0>(GetParam());
  const bool dsp = std::get<1>(GetParam());
  const std::string stem = model.stem().string();
  const Graph graph = formats::import_tflite_file(model);
  CodegenOptions options;
  options.dsp_kernels = dsp;

  const auto missing = kNotYetSupported.find(stem);
  if (missing != kNotYetSupported.end()) {
    EXPECT_THROW(generate_c(graph, options), UnsupportedError);
    return;
  }
  const GeneratedBundle bundle = generate_c(graph, options);

  const fs::path dir =
      fs::temp_directory_path() /
      ("tinyops-codegen-" + stem + (dsp ? "-dsp-" : "-") + std::to_string(::getpid()));
  build_on_host(bundle, dir);
  if (HasFatalFailure()) return;

  // The same bundle must also build warning-free for a Cortex-M4F with the board's flags.
  std::string cross =
      "cd " + dir.string() +
      " && arm-none-eabi-gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -ffp-contract=off -I.";
  for (const std::string& flag : find_board("cortex-m4f").cflags) cross += " " + flag;
  cross += " -c";
  for (const auto& [path, text] : bundle.files)
    if (path.ends_with(".c")) cross += " " + path;
  cross += " > cross.log 2>&1";
  EXPECT_EQ(std::system(cross.c_str()), 0)
      << "generated code does not build for Cortex-M4F:\n"
      << [&] {
           std::ifstream log(dir / "cross.log");
           return std::string(std::istreambuf_iterator<char>(log), {}).substr(0, 4000);
         }();

  expect_runs_as_the_interpreter(
      graph, dir, inputs_for(model, graph.tensors[static_cast<size_t>(graph.inputs[0])]));
  if (!HasFailure()) fs::remove_all(dir);
}

std::vector<std::string> all_models() {
  std::vector<std::string> names;
  for (const char* sub : {"", "extra"}) {
    const fs::path folder = fs::path(TINYOPS_SHARED_MODELS) / sub;
    if (!fs::is_directory(folder)) continue;
    for (const auto& e : fs::directory_iterator(folder))
      if (e.path().extension() == ".tflite")
        names.push_back((fs::path(sub) / e.path().filename()).string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(SharedModels, GeneratedCode,
                         testing::Combine(testing::ValuesIn(all_models()), testing::Bool()),
                         [](const auto& param_info) {
                           return fs::path(std::get<0>(param_info.param)).stem().string() +
                                  (std::get<1>(param_info.param) ? "_dsp" : "_reference");
                         });

std::set<std::string> file_names(const GeneratedBundle& bundle) {
  std::set<std::string> names;
  for (const auto& [path, text] : bundle.files) names.insert(fs::path(path).filename().string());
  return names;
}

TEST(Codegen, DspKernelsReplaceTheInt8ConvFamilyAndTakeScratchFromTheArena) {
  const Graph graph =
      formats::import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) / "mlperf_tiny_kws_int8.tflite");
  const GeneratedBundle reference = generate_c(graph, {});
  EXPECT_TRUE(file_names(reference).count("conv_s8.c"));
  EXPECT_EQ(reference.scratch_bytes, 0);

  CodegenOptions options;
  options.dsp_kernels = true;
  const GeneratedBundle dsp = generate_c(graph, options);
  const std::set<std::string> names = file_names(dsp);
  for (const char* kernel :
       {"conv_s8_dsp.c", "depthwise_conv_s8_dsp_row3.c", "fully_connected_s8_dsp.c"})
    EXPECT_TRUE(names.count(kernel)) << kernel;
  for (const char* kernel : {"conv_s8.c", "depthwise_conv_s8.c", "fully_connected_s8.c"})
    EXPECT_FALSE(names.count(kernel)) << kernel << " is no longer needed";
  EXPECT_GT(dsp.scratch_bytes, 0);
  // The work buffers are blocks of the arena, placed by the planner among the tensors: never
  // more than a separate buffer beside the arena would cost (less here: the DSP kernels of
  // this model write over their inputs, the reference ones do not).
  EXPECT_LE(dsp.plan.arena_bytes, reference.plan.arena_bytes + (dsp.scratch_bytes + 7) / 8 * 8);
  const std::string& source = dsp.files.at("model.c");
  EXPECT_NE(source.find("#define op0_scratch ((int32_t*)(model_arena.bytes + "), std::string::npos);
  EXPECT_EQ(source.find("model_scratch"), std::string::npos) << "no buffer beside the arena";
  EXPECT_NE(source.find("int32_t align4;"), std::string::npos)
      << "re-laid-out filters are word-aligned";
}

// The keyword_scrambled models: every SVDF and FULLY_CONNECTED layer on its DSP kernel (none
// keeps a reference reason), the FC layers whose large biases defeat the one-multiply bound
// and the SVDF outputs (any int16 / int8 state) requantised exactly, as the calls say.
TEST(Codegen, KeywordModelsRunSvdfAndFullyConnectedOnTheDspKernels) {
  for (const char* model : {"tflm_keyword_scrambled_int8", "tflm_keyword_scrambled_8bit"}) {
    const Graph graph = formats::import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) / "extra" /
                                                    (std::string(model) + ".tflite"));
    CodegenOptions options;
    options.dsp_kernels = true;
    const GeneratedBundle bundle = generate_c(graph, options);
    const std::set<std::string> names = file_names(bundle);
    EXPECT_TRUE(names.count("svdf_s8_dsp.c")) << model;
    EXPECT_FALSE(names.count("svdf_s8.c")) << model << ": an SVDF layer kept the reference";
    EXPECT_FALSE(names.count("fully_connected_s8.c"))
        << model << ": an FC layer kept the reference";
    for (const LayerKernel& layer : bundle.layers) {
      if (layer.op == "SVDF" || layer.op == "FULLY_CONNECTED") {
        EXPECT_NE(layer.kernels.at(0).find("_dsp"), std::string::npos) << model << " " << layer.op;
        EXPECT_TRUE(layer.reference_reason.empty()) << layer.reference_reason;
      }
    }
    const std::string& source = bundle.files.at("model.c");
    EXPECT_NE(source.find("TINYOPS_SVDF_EXACT_OUTPUT /* exact requantisation"), std::string::npos);
    EXPECT_NE(source.find("1 /* exact requantisation: accumulator bound not proven */"),
              std::string::npos)
        << "the FC layers' calls ask for the exact requantisation";
  }
}

// tflm_mnist_lstm_int8's LSTM runs on lstm_s8_dsp.c on DSP cores (its gate products' bound is
// proven, so the call asks for the one-multiply requantisation) and on lstm_s8.c elsewhere,
// and the per-layer report names the kernel either way (the call sits in a block after the
// weights' local struct).
TEST(Codegen, MnistLstmRunsItsGatesOnTheDspKernel) {
  const Graph graph = formats::import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) / "extra" /
                                                  "tflm_mnist_lstm_int8.tflite");
  for (const bool dsp : {false, true}) {
    CodegenOptions options;
    options.dsp_kernels = dsp;
    const GeneratedBundle bundle = generate_c(graph, options);
    const std::set<std::string> names = file_names(bundle);
    EXPECT_TRUE(names.count("lstm_s8.c")) << dsp;  // the shared int16 gate arithmetic
    EXPECT_EQ(names.count("lstm_s8_dsp.c"), dsp ? 1u : 0u);
    const LayerKernel& lstm = bundle.layers.at(0);
    ASSERT_EQ(lstm.op, "UNIDIRECTIONAL_SEQUENCE_LSTM");
    ASSERT_EQ(lstm.kernels.size(), 1u) << dsp;
    EXPECT_EQ(lstm.kernels[0], dsp ? "tinyops_lstm_s8_dsp" : "tinyops_lstm_s8");
    EXPECT_TRUE(lstm.reference_reason.empty()) << lstm.reference_reason;
    if (dsp) {
      const std::string& source = bundle.files.at("model.c");
      const size_t call = source.find("tinyops_lstm_s8_dsp(");
      ASSERT_NE(call, std::string::npos);
      const size_t end = source.find(");", call);
      ASSERT_NE(end, std::string::npos);
      EXPECT_EQ(source.substr(end - 3, 3), ", 0") << source.substr(call, end - call);
    }
  }
}

// Each layer reports the kernel functions it calls, so a heavy layer that stays on the
// reference kernel shows in `model compile --json` and `farm test --json`.
TEST(Codegen, NamesTheKernelEachLayerCalls) {
  const Graph graph =
      formats::import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) / "mlperf_tiny_kws_int8.tflite");
  CodegenOptions options;
  for (bool dsp : {false, true}) {
    options.dsp_kernels = dsp;
    const GeneratedBundle bundle = generate_c(graph, options);
    ASSERT_EQ(bundle.layers.size(), graph.ops.size());
    for (size_t k = 0; k < graph.ops.size(); ++k) {
      const LayerKernel& layer = bundle.layers[k];
      EXPECT_EQ(layer.op, graph.ops[k].display_name());
      ASSERT_EQ(layer.kernels.size(), 1u) << k;
      EXPECT_TRUE(layer.reference_reason.empty()) << k << ": " << layer.reference_reason;
      const bool heavy =
          layer.op == "CONV_2D" || layer.op == "DEPTHWISE_CONV_2D" || layer.op == "FULLY_CONNECTED";
      if (heavy) {
        EXPECT_EQ(layer.kernels[0].find("_dsp") != std::string::npos, dsp)
            << k << " " << layer.kernels[0];
      }
    }
    EXPECT_EQ(bundle.layers[0].kernels[0], dsp ? "tinyops_conv2d_s8_dsp" : "tinyops_conv2d_s8");
    const nlohmann::json json = layer_kernels_json(bundle.layers);
    EXPECT_EQ(json.at(0).at("kernels").at(0), bundle.layers[0].kernels[0]);
  }
}

// A state tensor with initial values starts from them on the device too (and again after
// reset), as in the interpreter; without them int8 state starts at its zero point.
TEST(Codegen, StateStartsFromTheModelsInitialValues) {
  using namespace tinyops::test_graphs;
  Graph g;
  g.tensors.push_back(activation("x", DataType::Int8, {1, 4}, quant({0.5f}, {0})));
  Tensor state = constant<int8_t>("state", DataType::Int8, {1, 4},
                                  std::vector<int8_t>{9, -7, 5, 100}, quant({0.5f}, {0}));
  state.is_variable = true;
  g.tensors.push_back(state);
  g.tensors.push_back(activation("sum", DataType::Int8, {1, 4}, quant({0.5f}, {0})));
  g.ops.push_back(make_op(OpType::Add, {0, 1}, {2}, ElementwiseOptions{}));
  g.inputs = {0};
  g.outputs = {2};
  g.validate();
  const GeneratedBundle bundle = generate_c(g, {});
  const std::string& c = bundle.files.at("model.c");
  EXPECT_NE(c.find("memcpy(t1_state, t1_state_initial, 4);"), std::string::npos) << c;
  const fs::path dir =
      fs::temp_directory_path() / ("tinyops-codegen-state-" + std::to_string(::getpid()));
  build_on_host(bundle, dir);
  if (HasFatalFailure()) return;
  expect_runs_as_the_interpreter(g, dir, {{1, 2, 3, 4}, {0, 0, 0, 0}});
  if (!HasFailure()) fs::remove_all(dir);
}

TEST(Codegen, RejectsNamesThatAreNotCIdentifiers) {
  const Graph graph =
      formats::import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) / "tflm_hello_world_int8.tflite");
  CodegenOptions options;
  options.name = "9 lives";
  EXPECT_THROW(generate_c(graph, options), InputError);
}

}  // namespace
}  // namespace tinyops::compiler
