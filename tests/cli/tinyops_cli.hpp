// The `tinyops` command as the CLI tests run it: to completion (run_cli), or in the
// background with its output read as it comes, so a test can kill it with SIGKILL at a
// chosen point or run several at once (CliProcess). Every wait has a deadline and a
// CliProcess kills whatever it started when it goes, so a hung command fails its test
// instead of hanging it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace tinyops::test_cli {

// Far longer than any command the tests run takes, even on a loaded machine.
constexpr std::chrono::seconds kCommandTimeout{300};

// A child process in a process group of its own (so the emulators and compilers it starts
// can be found and cleaned up), its stdout and stderr into one pipe.
class CliProcess {
 public:
  // argv[0] is a path (no PATH lookup); `dir` is the working folder (empty: this one).
  explicit CliProcess(const std::vector<std::string>& argv, const std::filesystem::path& dir = {}) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      ::dup2(fds[1], 1);  // dup2 leaves the copies open across exec; the originals close
      ::dup2(fds[1], 2);
      if (!dir.empty() && ::chdir(dir.c_str()) != 0) ::_exit(127);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    if (pid_ < 0) {
      ::close(fds[0]);
      return;
    }
    ::setpgid(pid_, pid_);  // also here: either side may run first
    out_fd_ = fds[0];
  }

  // The argv of `tinyops ARGS...`.
  static std::vector<std::string> tinyops(std::vector<std::string> args) {
    args.insert(args.begin(), TINYOPS_CLI);
    return args;
  }

  ~CliProcess() {
    if (pid_ > 0) {
      // The group: the command and anything it left running. (Its id stays this group's
      // while any member lives; when none does, the signal finds nothing.)
      ::kill(-pid_, SIGKILL);
      if (!reaped_) ::waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
  }
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& output() const { return out_; }

  // Reads output until it contains `text` (true), or the output ends or the deadline passes
  // (false).
  bool wait_for(const std::string& text, std::chrono::seconds timeout = kCommandTimeout) {
    return wait_until([&] { return out_.find(text) != std::string::npos; }, timeout);
  }

  // Reads output until `condition` holds (true), or the output ends or the deadline passes
  // (false); it is also checked every few milliseconds while no output comes, for what
  // shows outside the output (a file the command writes).
  template <class Condition>
  bool wait_until(Condition condition, std::chrono::seconds timeout = kCommandTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
      const auto slice = std::chrono::steady_clock::now() + std::chrono::milliseconds(2);
      if (!read_some(std::min(deadline, slice)) &&
          (out_fd_ < 0 || std::chrono::steady_clock::now() >= deadline))
        return condition();
    }
    return true;
  }

  // `kill -9 PID`: SIGKILL to the command alone (not its group), then reaps it. True when
  // the signal ended it, false when it had already ended by itself.
  bool kill9() {
    if (pid_ <= 0 || reaped_) return false;
    ::kill(pid_, SIGKILL);
    reap(true);
    return WIFSIGNALED(status_) && WTERMSIG(status_) == SIGKILL;
  }

  // Reads the rest of the output and reaps the command: its exit code, 128 + the signal
  // when a signal ended it, -1 when it did not end before the deadline (then it and its
  // group are killed).
  int finish(std::chrono::seconds timeout = kCommandTimeout) {
    if (pid_ <= 0) return -1;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!reaped_) {
      const auto slice = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
      if (!read_some(std::min(deadline, slice)) && out_fd_ < 0) ::usleep(10'000);  // exit pending
      reap(false);
      if (!reaped_ && std::chrono::steady_clock::now() >= deadline) {
        ::kill(-pid_, SIGKILL);
        reap(true);
        out_ += "\n[test: no exit within " + std::to_string(timeout.count()) + " s; killed]\n";
        return -1;
      }
    }
    while (read_some(std::chrono::steady_clock::now())) {
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }

  // The live processes of its group (zombies do not count) and their names: the command
  // and what it started (an emulator, a compiler) while it runs, what it left behind after.
  std::vector<std::pair<pid_t, std::string>> group() const {
    std::vector<std::pair<pid_t, std::string>> alive;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
      const std::string name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      // read(2), not a stream: a process that ends meanwhile makes the read fail with ESRCH,
      // which libstdc++'s filebuf turns into an exception.
      std::string line;
      const int fd = ::open((entry.path() / "stat").c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      char buf[1024];
      for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) line.append(buf, static_cast<size_t>(n));
      ::close(fd);
      const size_t open = line.find('('), close = line.rfind(')');  // the name may hold spaces
      if (open == std::string::npos || close == std::string::npos) continue;
      char state = 0;
      long ppid = 0, pgrp = 0;
      if (std::sscanf(line.c_str() + close + 1, " %c %ld %ld", &state, &ppid, &pgrp) == 3 &&
          pgrp == pid_ && state != 'Z' && state != 'X')
        alive.emplace_back(static_cast<pid_t>(std::stol(name)),
                           line.substr(open + 1, close - open - 1));
    }
    return alive;
  }

  // What is left of its group after it ended, once whatever is going away has gone (up to
  // `timeout`): processes a killed command left running.
  std::vector<std::pair<pid_t, std::string>> survivors(std::chrono::seconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto alive = group();
      if (alive.empty() || std::chrono::steady_clock::now() >= deadline) return alive;
      ::usleep(20'000);
    }
  }

 private:
  // One read; false at the end of the output or when `deadline` passes first.
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    if (out_fd_ < 0) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{out_fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
    if (ready < 0 && errno == EINTR) return true;
    if (ready <= 0) return false;
    char buf[4096];
    const ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return true;
    if (n <= 0) {
      ::close(out_fd_);
      out_fd_ = -1;
      return false;
    }
    out_.append(buf, static_cast<size_t>(n));
    return true;
  }

  void reap(bool block) {
    if (reaped_) return;
    int status = 0;
    pid_t r;
    while ((r = ::waitpid(pid_, &status, block ? 0 : WNOHANG)) < 0 && errno == EINTR) {
    }
    if (r == pid_) {
      status_ = status;
      reaped_ = true;
    }
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string out_;
  bool reaped_ = false;
  int status_ = 0;
};

struct Result {
  int exit_code = -1;  // 128 + the signal when one ended it; -1: no exit before the timeout
  std::string out;     // stdout and stderr together
};

// `tinyops ARGS`, ARGS as typed on a command line (through /bin/sh), started.
inline std::unique_ptr<CliProcess> start_cli(const std::string& args) {
  return std::make_unique<CliProcess>(
      std::vector<std::string>{"/bin/sh", "-c", std::string("exec ") + TINYOPS_CLI + " " + args});
}

// `tinyops ARGS` to completion.
inline Result run_cli(const std::string& args, std::chrono::seconds timeout = kCommandTimeout) {
  const std::unique_ptr<CliProcess> p = start_cli(args);
  Result r;
  r.exit_code = p->finish(timeout);
  r.out = p->output();
  return r;
}

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Sets `key: value` in a pipeline file, on the first line that starts with the key (as
// tinyops writes them: one key per line, indented), or adds it below the first line that
// starts with `after` when no line has the key. False when neither line is there.
inline bool set_yaml_value(const std::filesystem::path& file, const std::string& key,
                           const std::string& value, const std::string& after = {}) {
  std::string yaml = read_text(file);
  auto line_start = [&](size_t at) {
    const size_t newline = at == 0 ? std::string::npos : yaml.rfind('\n', at - 1);
    return newline == std::string::npos ? 0 : newline + 1;
  };
  auto line_starting_with = [&](const std::string& text) {
    for (size_t at = 0; (at = yaml.find(text, at)) != std::string::npos; at += text.size())
      if (yaml.find_first_not_of(' ', line_start(at)) == at) return at;
    return std::string::npos;
  };
  const std::string entry = key + ": ";
  if (const size_t at = line_starting_with(entry); at != std::string::npos) {
    yaml.replace(at, yaml.find('\n', at) - at, entry + value);
  } else {
    const size_t anchor = after.empty() ? std::string::npos : line_starting_with(after);
    if (anchor == std::string::npos) return false;
    yaml.insert(yaml.find('\n', anchor) + 1,
                std::string(anchor - line_start(anchor), ' ') + entry + value + "\n");
  }
  std::ofstream(file) << yaml;
  return true;
}

}  // namespace tinyops::test_cli
