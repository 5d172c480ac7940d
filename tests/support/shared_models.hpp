// Every .tflite under TINYOPS_SHARED_MODELS and its extra/ folder, sorted.
#pragma once

#include <algorithm>
#include <filesystem>
#include <vector>

namespace tinyops::test_support {

inline std::vector<std::filesystem::path> all_shared_models() {
  namespace fs = std::filesystem;
  std::vector<fs::path> models;
  for (const char* dir : {"", "extra"}) {
    const fs::path folder = fs::path(TINYOPS_SHARED_MODELS) / dir;
    if (!fs::is_directory(folder)) continue;
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.path().extension() == ".tflite") models.push_back(entry.path());
  }
  std::sort(models.begin(), models.end());
  return models;
}

}  // namespace tinyops::test_support
