#include "tinyops/farm/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <stdexcept>

extern char** environ;

namespace tinyops::farm {
namespace {

struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
    read = fds[0];
    write = fds[1];
  }
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// The file `program` names: itself when it holds a slash, else the first match in PATH;
// empty when there is none.
std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  const std::string dirs = path;
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string candidate = dirs.substr(start, end - start) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

// Starts argv with the given descriptors as stdin/stdout/stderr; returns the pid. The child
// is killed when the thread that started it ends, this process included (kill -9 too): an
// emulated board waiting for its next input would otherwise run on forever. (posix_spawn
// cannot ask for that, hence fork; between fork and exec only async-signal-safe calls, as
// this process has threads.)
int spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, const std::string& dir) {
  const std::string program = find_program(argv.at(0));
  if (program.empty())
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(ENOENT));
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent ended before prctl
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(out_fd, 2);
    if (!dir.empty() && ::chdir(dir.c_str()) != 0) ::_exit(127);
    ::execve(program.c_str(), args.data(), environ);
    ::_exit(127);
  }
  return pid;
}

int wait_status(int pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

bool program_in_path(const std::string& program) {
  return !find_program(program).empty();
}

CommandResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& dir) {
  Pipe out;
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  CommandResult result;
  int pid;
  try {
    pid = spawn(argv, null_in, out.write, dir.string());
  } catch (const std::exception& e) {
    close_fd(out.read);
    close_fd(out.write);
    ::close(null_in);
    result.output = e.what();
    return result;
  }
  close_fd(out.write);
  ::close(null_in);
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(out.read, buf, sizeof buf);
    if (n > 0) {
      result.output.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close_fd(out.read);
  result.exit_code = wait_status(pid);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  Pipe in, out;
  try {
    pid_ = spawn(argv, in.read, out.write, {});
  } catch (...) {
    for (int* fd : {&in.read, &in.write, &out.read, &out.write}) close_fd(*fd);
    throw;
  }
  close_fd(in.read);
  close_fd(out.write);
  to_child_ = in.write;
  from_child_ = out.read;
}

ChildProcess::~ChildProcess() {
  close_fd(to_child_);
  close_fd(from_child_);
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    wait_status(pid_);
  }
}

void ChildProcess::write(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(to_child_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("the emulator stopped reading its input");
    done += static_cast<size_t>(n);
  }
}

bool ChildProcess::fill(std::chrono::steady_clock::time_point deadline) {
  if (from_child_ < 0) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{from_child_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
  if (ready < 0 && errno != EINTR) return false;
  if (ready <= 0) return true;
  char buf[4096];
  const ssize_t n = ::read(from_child_, buf, sizeof buf);
  if (n > 0) {
    buffer_.append(buf, static_cast<size_t>(n));
  } else if (n == 0) {
    close_fd(from_child_);
    status_ = wait_status(pid_);
  }
  return true;
}

std::string ChildProcess::read_some(std::chrono::steady_clock::time_point deadline) {
  while (buffer_.empty() && fill(deadline)) {
  }
  return std::exchange(buffer_, {});
}

std::optional<std::string> ChildProcess::read_line(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const size_t eol = buffer_.find('\n');
    if (eol != std::string::npos) {
      std::string line = buffer_.substr(0, eol);
      buffer_.erase(0, eol + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (!fill(deadline)) return std::nullopt;
  }
}

std::optional<int> ChildProcess::exited() {
  return status_;
}

}  // namespace tinyops::farm
