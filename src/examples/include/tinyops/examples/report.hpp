// What an example generator wrote: files per label, so callers (the CLI, tests) can show
// and check the data set's balance without listing the folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace tinyops::examples {

struct GenerationReport {
  std::filesystem::path folder;                    // where the files were written
  std::map<std::string, int64_t> files_per_label;  // label -> files written
  int64_t total() const {
    int64_t n = 0;
    for (const auto& [label, count] : files_per_label) n += count;
    return n;
  }
};

// Progress of a long generation: files done so far out of the total. Calls are
// serialised (never two at once) but may come from worker threads.
using ProgressCallback = std::function<void(int64_t done, int64_t total)>;

}  // namespace tinyops::examples
