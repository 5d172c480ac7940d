// In `tinyops`, the commands that train (example, run, worker, serve) hand over to
// `tinyops-train`, installed beside it: that executable links LibTorch and its ~290 shared
// libraries, which would otherwise cost every command, `model inspect` included, most of
// a second at start-up. main.cpp has already parsed and checked the arguments (usage
// errors stay fast); tinyops-train parses the same command line with the same definitions
// and runs the command. exec keeps the process id, so signals, exit codes and process
// groups behave exactly as if the command ran here.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "commands.hpp"

namespace tinyops::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kTrainingExecutable = "tinyops-train";
constexpr int kNotInstalled = 3;  // an installation problem, not the user's input

// This process's arguments as the kernel received them: the command structs hold the
// parsed values, but the hand-over must repeat exactly what the user typed.
std::vector<std::string> own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  size_t start = 0;
  while (start < raw.size()) {
    const size_t end = raw.find('\0', start);
    args.push_back(raw.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return args;
}

int hand_over_to_training_executable() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    std::cerr << "internal error: cannot find this executable's folder (/proc/self/exe: "
              << ec.message() << "), so cannot start " << kTrainingExecutable << "\n";
    return kNotInstalled;
  }
  const fs::path training = self.parent_path() / kTrainingExecutable;
  std::vector<std::string> args = own_command_line();
  if (args.empty()) args.push_back(self.string());
  args[0] = training.string();
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  ::execv(training.c_str(), argv.data());
  // Only reached when exec failed.
  std::cerr << "error: this command trains models and runs in " << training.string()
            << ", which could not be started (" << std::strerror(errno)
            << "); it is built and installed beside tinyops (cmake --build build, "
            << "target tinyops-train)\n";
  return kNotInstalled;
}

}  // namespace

int run_example(const ExampleArgs&) {
  return hand_over_to_training_executable();
}
int pipeline_run(const PipelineRunArgs&) {
  return hand_over_to_training_executable();
}
int worker(const WorkerArgs&) {
  return hand_over_to_training_executable();
}
int serve(const ServeArgs&) {
  return hand_over_to_training_executable();
}

}  // namespace tinyops::cli
