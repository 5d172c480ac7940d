// `tinyops <noun> <verb>`: parses arguments and calls the verbs; no logic lives here.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"
#include "tinyops/core/error.hpp"

namespace {

constexpr const char* kVersion = "0.1.0";

}  // namespace

int main(int argc, char** argv) {
  using namespace tinyops::cli;
  CLI::App app{"TinyOps: TinyML models from data to device"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);

  CLI::App* model = app.add_subcommand("model", "Inspect, run and check models");
  model->require_subcommand(1);

  InspectArgs inspect;
  CLI::App* inspect_cmd = model->add_subcommand(
      "inspect", "Inputs, outputs, operators, per-layer MACs and parameter bytes");
  inspect_cmd->add_option("model", inspect.model, ".tflite file")->required();
  inspect_cmd->add_flag("--json", inspect.json, "Machine-readable output");

  RunArgs run;
  CLI::App* run_cmd = model->add_subcommand("run", "Run a model on the host reference interpreter");
  run_cmd->add_option("model", run.model, ".tflite file")->required();
  run_cmd
      ->add_option("-i,--input", run.inputs,
                   "Input tensor: raw little-endian bytes or .npy (one per model input)")
      ->required();
  run_cmd->add_option("-o,--output", run.output, "Write output 0 here (.npy, or raw bytes)");
  run_cmd->add_option("--top", run.top, "How many top classes to show for classifiers")
      ->default_val(5)
      ->check(CLI::Range(0, 1000));
  run_cmd->add_flag("--json", run.json, "Machine-readable output");

  CheckArgs check;
  CLI::App* check_cmd = model->add_subcommand(
      "check",
      "Import and run models; compare with <model>.vectors/ reference outputs where present");
  check_cmd->add_option("paths", check.paths, ".tflite files or folders")->required();
  check_cmd->add_flag("--json", check.json, "Machine-readable output");

  CompileArgs compile;
  CLI::App* compile_cmd = model->add_subcommand(
      "compile", "Generate a dependency-free C99 bundle (header, source, used kernels)");
  compile_cmd->add_option("model", compile.model, ".tflite file")->required();
  compile_cmd->add_option("--board", compile.board, "Target board")->default_val("host");
  compile_cmd->add_option("-o,--output", compile.output, "Folder to write the bundle into")
      ->required();
  compile_cmd->add_option("--name", compile.name, "C prefix and file names")->default_val("model");
  compile_cmd->add_flag("--reference-kernels", compile.reference_kernels,
                        "Use the portable kernels even where the core has DSP instructions");
  compile_cmd->add_flag("--json", compile.json, "Machine-readable output");

  CLI::App* farm = app.add_subcommand("farm", "Board profiles and tests on emulated boards");
  farm->require_subcommand(1);
  BoardsArgs boards;
  CLI::App* boards_cmd = farm->add_subcommand("boards", "List the board profiles");
  boards_cmd->add_flag("--json", boards.json, "Machine-readable output");

  FarmTestArgs farm_args;
  CLI::App* farm_test_cmd = farm->add_subcommand(
      "test", "Compile, build firmware, run every vector on emulated boards (QEMU) and compare");
  farm_test_cmd->add_option("models", farm_args.models, ".tflite files or folders")->required();
  farm_test_cmd->add_option("--board", farm_args.boards, "Boards, comma-separated or repeated")
      ->required();
  farm_test_cmd->add_option("--vectors", farm_args.vectors,
                            "Reference vectors folder (input_K.bin, output_K.bin); default "
                            "<model>.vectors/ when present, else random inputs");
  farm_test_cmd
      ->add_option("--random", farm_args.random_vectors,
                   "How many random inputs when there are no vectors")
      ->default_val(4)
      ->check(CLI::Range(1, 10000));
  farm_test_cmd->add_flag("--reference-kernels", farm_args.reference_kernels,
                          "Use the portable kernels even where the core has DSP instructions");
  farm_test_cmd->add_option("--build-dir", farm_args.build_dir,
                            "Keep the firmware builds (sources, ELF, map) in this folder");
  farm_test_cmd->add_option("--timeout", farm_args.timeout_seconds, "Seconds per device command")
      ->default_val(300)
      ->check(CLI::Range(1, 86400));
  farm_test_cmd->add_flag("--allow-no-fit", farm_args.allow_no_fit,
                          "Exit 0 even when a model does not fit a board (it is still reported)");
  farm_test_cmd->add_flag("--profile", farm_args.profile,
                          "Also count instructions per layer (timing calls add a few dozen each)");
  farm_test_cmd->add_flag("-v,--verbose", farm_args.verbose, "A progress line per vector");
  farm_test_cmd->add_flag("-q,--quiet", farm_args.quiet, "No progress lines on stderr");
  farm_test_cmd->add_flag("--json", farm_args.json, "Machine-readable output");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  try {
    if (*inspect_cmd) return model_inspect(inspect);
    if (*run_cmd) return model_run(run);
    if (*check_cmd) return model_check(check);
    if (*compile_cmd) return model_compile(compile);
    if (*boards_cmd) return farm_boards(boards);
    if (*farm_test_cmd) return farm_test(farm_args);
  } catch (const tinyops::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory (is the model or input unusually large?)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n  please report it with the command line\n";
    return 3;
  }
  return 2;
}
