#include "tinyops/store/scratch.hpp"

#include <signal.h>

#include <cerrno>
#include <optional>
#include <string>

#include "tinyops/store/runs.hpp"

namespace tinyops::store {

namespace fs = std::filesystem;

namespace {

// The number after `prefix` at the start of `name` ("import-123-9" -> 123).
std::optional<int64_t> number_after(const std::string& name, const std::string& prefix) {
  if (name.rfind(prefix, 0) != 0) return std::nullopt;
  size_t end = prefix.size();
  while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
  if (end == prefix.size() || end - prefix.size() > 18) return std::nullopt;
  return std::stoll(name.substr(prefix.size(), end - prefix.size()));
}

bool process_alive(int64_t pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

uint64_t size_of(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_directory(p, ec)) return fs::file_size(p, ec);
  uint64_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(p, ec))
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  return total;
}

bool run_is_running(Workspace& ws, int64_t run) {
  Statement q = ws.db().prepare("SELECT status FROM runs WHERE id = ?1");
  q.bind(1, run);
  return q.step() && (q.column_text(0) == "running" || q.column_text(0) == "queued");
}

}  // namespace

ScratchSweep sweep_scratch(Workspace& ws, bool dry_run) {
  std::vector<fs::path> abandoned;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(ws.dir() / "tmp", ec)) {
    const std::string name = e.path().filename().string();
    for (const char* prefix : {"import-", "release-"})
      if (const auto pid = number_after(name, prefix); pid && !process_alive(*pid)) abandoned.push_back(e.path());
    if (const auto run = number_after(name, "farm-run-"); run && !run_is_running(ws, *run)) abandoned.push_back(e.path());
  }
  for (const auto& shard : fs::directory_iterator(ws.dir() / "objects", ec)) {
    if (!shard.is_directory(ec)) continue;
    for (const auto& e : fs::directory_iterator(shard.path(), ec))
      if (const auto pid = number_after(e.path().filename().string(), ".tmp-"); pid && !process_alive(*pid))
        abandoned.push_back(e.path());
  }
  ScratchSweep sweep;
  for (const fs::path& p : abandoned) {
    const uint64_t bytes = size_of(p);
    if (!dry_run && (fs::remove_all(p, ec), ec)) continue;  // gone meanwhile, or not ours to remove
    sweep.bytes += bytes;
    sweep.removed.push_back(p);
  }
  return sweep;
}

}  // namespace tinyops::store
