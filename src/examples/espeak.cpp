// posix_spawnp with a pipe for standard output. Pipes are close-on-exec, so a child spawned
// by another thread at the same moment does not inherit (and hold open) this one's pipe.
#include "espeak.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tinyops/core/error.hpp"
#include "tinyops/formats/little_endian.hpp"

extern char** environ;

namespace tinyops::examples {

namespace {

std::string missing_program(const std::string& program) {
  return program +
         " was not found in PATH; the keyword example speaks its words with espeak-ng "
         "(Debian package `espeak-ng`: apt-get install espeak-ng)";
}

void write_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

std::string run_for_output(const std::string& program, const std::vector<std::string>& args,
                           int* exit_code) {
  int fds[2];
  require(::pipe2(fds, O_CLOEXEC) == 0,
          std::string("cannot create a pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> argv_storage;
  argv_storage.reserve(args.size() + 1);
  argv_storage.push_back(program);
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    if (rc == ENOENT) throw InputError(missing_program(program));
    throw InputError("cannot start " + program + ": " + std::strerror(rc));
  }
  std::string out;
  char buf[1 << 15];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (exit_code) *exit_code = code;
  // posix_spawnp reports a missing program through the child on some C libraries.
  if (code == 127 && out.empty()) throw InputError(missing_program(program));
  return out;
}

std::vector<uint8_t> speak(const std::string& program, const std::string& text,
                           const SpeechVoice& voice) {
  int code = 0;
  const std::string out =
      run_for_output(program,
                     {"-v", voice.voice, "-s", std::to_string(voice.speed_wpm), "-p",
                      std::to_string(voice.pitch), "--stdout", "--", text},
                     &code);
  const std::string what = program + " -v " + voice.voice + " '" + text + "'";
  require(code == 0, what + " failed (exit code " + std::to_string(code) + ")");
  std::vector<uint8_t> wav(out.begin(), out.end());
  require(wav.size() >= 12 && std::memcmp(wav.data(), "RIFF", 4) == 0 &&
              std::memcmp(wav.data() + 8, "WAVE", 4) == 0,
          what + " did not write a WAV file");
  // Walk the chunks to the data chunk and make its size (and RIFF's) the real one.
  for (size_t at = 12; at + 8 <= wav.size();) {
    const uint32_t size = formats::read_le32(wav, at + 4);
    if (std::memcmp(wav.data() + at, "data", 4) == 0) {
      const auto actual =
          static_cast<uint32_t>(std::min<size_t>(size, wav.size() - at - 8) & ~size_t{1});
      write_u32(wav, at + 4, actual);
      wav.resize(at + 8 + actual);
      write_u32(wav, 4, static_cast<uint32_t>(wav.size() - 8));
      return wav;
    }
    at += 8 + size + (size & 1);
  }
  throw InputError(what + " wrote a WAV without audio");
}

}  // namespace tinyops::examples
