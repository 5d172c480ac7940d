// Child processes for the farm: tools that run to completion (compiler, size) and the
// emulator, which the farm talks to through its standard input and output.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tinyops::farm {

struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal or could not start
  std::string output;  // standard output and error together
};

// Runs argv[0] (looked up in PATH) with no shell; waits for it to exit.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::filesystem::path& working_dir = {});

// True when `program` can be found in PATH.
bool program_in_path(const std::string& program);

// A running child with pipes to its standard input and output (standard error joins
// the output). The destructor kills it, so no emulator outlives its session.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void write(const std::string& text);
  // The next line of output without its line ending, or nullopt when `deadline` passes
  // or the child closes its output first (see exited()).
  std::optional<std::string> read_line(std::chrono::steady_clock::time_point deadline);
  // The exit status once the child has ended (after read_line returned nullopt).
  std::optional<int> exited();
  // Whatever output has arrived (waiting until `deadline` for the first byte), for binary
  // protocols; empty when the deadline passes or the child has closed its output.
  std::string read_some(std::chrono::steady_clock::time_point deadline);
  int pid() const { return pid_; }  // to signal it (e.g. SIGHUP: reload its configuration)
  // Output received but not yet returned as a line (for error messages).
  const std::string& pending_output() const { return buffer_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);  // false: deadline or end
  int pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffer_;
  std::optional<int> status_;
};

}  // namespace tinyops::farm
