// A release's model as a simulated device runs it: the same C99 bundle `model compile`
// writes, compiled for the host into a shared library and loaded, so the smoke test on a
// simulated device checks generated code against the interpreter's output in the manifest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "tinyops/core/graph.hpp"

namespace tinyops::fleet {

class HostModel {
 public:
  // Generates and builds the bundle in `dir` (created; gcc must be on PATH).
  HostModel(const Graph& graph, const std::filesystem::path& dir);
  ~HostModel();
  HostModel(const HostModel&) = delete;
  HostModel& operator=(const HostModel&) = delete;

  // Output 0 for `input` (input 0's bytes; shorter inputs are refused with nullopt).
  std::optional<std::vector<uint8_t>> run(std::span<const uint8_t> input);

 private:
  void* library_ = nullptr;
  void* (*input_)(int) = nullptr;
  const void* (*output_)(int) = nullptr;
  void (*invoke_)() = nullptr;
  size_t input_bytes_ = 0, output_bytes_ = 0;
};

}  // namespace tinyops::fleet
