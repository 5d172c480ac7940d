// `tinyops gc`: scratch of processes that are gone and of runs that ended is removed; that
// of live processes and running runs, and anything else, is left alone.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "../support/temp_dir.hpp"
#include "backends.hpp"
#include "tinyops/store/runs.hpp"
#include "tinyops/store/scratch.hpp"

namespace tinyops::store {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

using Scratch = BothBackends;
TINYOPS_ON_BOTH_BACKENDS(Scratch);

pid_t a_dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

fs::path touch(const fs::path& file) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << "12345";
  return file;
}

TEST_P(Scratch, RemovesWhatGoneProcessesAndEndedRunsLeft) {
  TempDir tmp("scratch");
  Workspace ws = new_workspace(tmp);
  const std::string dead = std::to_string(a_dead_pid()), alive = std::to_string(::getpid());
  const int64_t ended = begin_run(ws, "p", "{}");
  finish_run(ws, ended, true, "{}", "");
  const int64_t running = begin_run(ws, "p", "{}");
  const fs::path t = ws.dir() / "tmp", o = ws.dir() / "objects";
  const std::vector<fs::path> abandoned = {
      touch(t / ("import-" + dead + "-7") / "shard"),
      touch(t / ("farm-run-" + std::to_string(ended)) / "firmware.elf"),
      touch(o / "ab" / (".tmp-" + dead + "-abcdef")),
  };
  const std::vector<fs::path> kept = {
      touch(t / ("import-" + alive + "-8") / "shard"),
      touch(t / ("farm-run-" + std::to_string(running)) / "firmware.elf"),
      touch(o / "ab" / (".tmp-" + alive + "-abcdef")),
      touch(o / "ab" / "cdef0123"),
      touch(t / "notes.txt"),
  };

  const ScratchSweep listed = sweep_scratch(ws, true);
  EXPECT_EQ(listed.removed.size(), 3u);
  EXPECT_EQ(listed.bytes, 15u);
  for (const auto& p : abandoned) EXPECT_TRUE(fs::exists(p)) << "a dry run removes nothing: " << p;

  const ScratchSweep swept = sweep_scratch(ws, false);
  EXPECT_EQ(swept.removed.size(), 3u);
  for (const auto& p : abandoned) EXPECT_FALSE(fs::exists(p.parent_path() == o / "ab" ? p : p.parent_path())) << p;
  for (const auto& p : kept) EXPECT_TRUE(fs::exists(p)) << p;
  EXPECT_TRUE(sweep_scratch(ws, false).removed.empty());
}

}  // namespace
}  // namespace tinyops::store
