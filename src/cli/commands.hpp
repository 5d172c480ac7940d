// The `tinyops` command's verbs. Each parses nothing itself: main.cpp binds CLI11 options
// to these structs and calls the function, which returns the process exit code
// (0 success, 1 a check failed, 2 bad input via InputError).
#pragma once

#include <string>
#include <vector>

namespace tinyops::cli {

struct InspectArgs {
  std::string model;
  bool json = false;
};
int model_inspect(const InspectArgs& args);

struct RunArgs {
  std::string model;
  std::vector<std::string> inputs;  // one per model input: raw bytes or .npy
  std::string output;               // file for output 0: .npy or raw bytes; empty prints
  int top = 5;
  bool json = false;
};
int model_run(const RunArgs& args);

struct CheckArgs {
  std::vector<std::string> paths;  // .tflite files or folders of them
  bool json = false;
};
int model_check(const CheckArgs& args);

struct CompileArgs {
  std::string model;
  std::string board = "host";
  std::string output;
  std::string name = "model";
  bool reference_kernels = false;
  bool json = false;
};
int model_compile(const CompileArgs& args);

struct BoardsArgs {
  bool json = false;
};
int farm_boards(const BoardsArgs& args);

struct FarmTestArgs {
  std::vector<std::string> models;  // .tflite files or folders of them
  std::vector<std::string> boards;  // names, possibly comma-separated
  std::string vectors;              // reference vector folder; empty: default
  int random_vectors = 4;
  bool reference_kernels = false;
  std::string build_dir;  // keep the firmware builds here; empty: a temporary folder
  int timeout_seconds = 300;
  bool allow_no_fit = false;  // a model that does not fit a board is not a failure
  bool verbose = false;
  bool profile = false;  // instructions per layer
  bool quiet = false;
  bool json = false;
};
int farm_test(const FarmTestArgs& args);

}  // namespace tinyops::cli
