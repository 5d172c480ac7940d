// What killed commands leave in a workspace: import staging folders (.tinyops/tmp/import-
// PID-*), release image builds (.tinyops/tmp/release-PID), farm scratch of runs that are no longer running (.tinyops/tmp/farm-run-N) and
// partial objects (.tinyops/objects/xx/.tmp-PID-*). None of it is ever read (objects are
// renamed into place whole, imports commit all or nothing), so it only takes space;
// `tinyops gc` removes it. A process id is judged on this machine: run gc where the
// workspace's commands run, or when no other machine is writing a shared workspace.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "tinyops/store/workspace.hpp"

namespace tinyops::store {

struct ScratchSweep {
  std::vector<std::filesystem::path> removed;  // or, with dry_run, what would be
  uint64_t bytes = 0;
};

ScratchSweep sweep_scratch(Workspace& ws, bool dry_run);

}  // namespace tinyops::store
