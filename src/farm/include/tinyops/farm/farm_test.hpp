// `tinyops farm test`: a model on one or more boards. Per board: generate C (with the DSP
// kernels where the core has the extension), build firmware with the board's real flash
// and RAM, run every vector through the EnergyRunner harness in QEMU, compare each
// output byte for byte with the host interpreter (and with the reference outputs when
// the vectors have them), and measure flash, RAM, stack and instructions per inference.
// Boards run in parallel, one emulator each.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tinyops/compiler/codegen.hpp"
#include "tinyops/core/graph.hpp"

namespace tinyops::farm {

struct FarmTestOptions {
  std::filesystem::path model;
  std::vector<std::string> boards;
  // Reference vectors (input_K.bin/output_K.bin). Empty: <model>.vectors/ next to the
  // model when it exists, otherwise `random_vectors` seeded random inputs.
  std::optional<std::filesystem::path> vectors;
  int random_vectors = 4;
  bool reference_kernels = false;  // ignore the DSP extension (for comparisons)
  std::filesystem::path work_dir;  // firmware builds go here, one folder per board
  int timeout_seconds = 300;       // per device command
  std::function<void(const std::string&)> progress;  // one line per step; may be empty
  bool verbose = false;                              // progress per vector, too
  bool profile_layers = false;                       // instructions per layer (slightly
                                                     // inflated by the timing calls)
};

struct VectorOutcome {
  bool matches_interpreter = false;
  std::optional<bool> matches_reference;  // when the vector has a reference output
  int64_t instructions = 0;
  int64_t stack_bytes = 0;
  std::vector<int64_t> layer_instructions;  // with profile_layers
  std::vector<uint8_t> output;              // what the device answered (outputs concatenated)
};

enum class BoardStatus { Pass, Fail, DoesNotFit, SizeCheckOnly, Unsupported, Error };
const char* to_string(BoardStatus status);

struct BoardOutcome {
  std::string board;
  BoardStatus status = BoardStatus::Error;
  std::string message;  // why it failed, did not fit, or is a size check only
  std::string kernels;  // "cortex-m-dsp" (some layers run on the DSP kernels) or "reference"
  int64_t clock_hz = 0;
  int64_t flash_limit = 0, ram_limit = 0;
  int64_t flash_bytes = 0;        // whole firmware image
  int64_t model_flash_bytes = 0;  // generated model + kernels
  int64_t static_ram_bytes = 0;   // data + bss, arena included
  int64_t arena_bytes = 0;
  int64_t scratch_bytes = 0;  // the largest kernel work buffer (planned inside the arena)
  int64_t stack_bytes = 0;   // high-water mark over all vectors
  int64_t ram_bytes = 0;     // static + stack
  int64_t instructions = 0;  // median over vectors, per inference
  int64_t instructions_min = 0, instructions_max = 0;
  double estimated_ms = 0;  // instructions / clock, assuming one instruction per cycle
  std::vector<VectorOutcome> vectors;
  // With profile_layers: per layer, its op name and median instructions over the vectors.
  std::vector<std::pair<std::string, int64_t>> layers;
  // Per layer, the kernels the generated code calls (and why one kept the reference kernel).
  std::vector<compiler::LayerKernel> layer_kernels;
  bool bit_exact() const;
};

struct FarmTestReport {
  std::string model;
  std::string vector_source;  // where the inputs came from
  size_t vector_count = 0;
  std::vector<BoardOutcome> boards;  // in the order asked for
  // Every board ran bit-exact or is a size check that fits (or, with allow_no_fit, does
  // not fit: a fact about the board, not a defect).
  // With allow_unsupported, a model with an operator that has no kernel yet is reported
  // but is not a failure either.
  bool passed(bool allow_no_fit = false, bool allow_unsupported = false) const;
};

// Throws InputError for a bad model, board name or vector folder.
FarmTestReport run_farm_test(const FarmTestOptions& options);
// The same for a graph already in memory; options.model only names it in the report.
FarmTestReport run_farm_test(const Graph& graph, const FarmTestOptions& options);

}  // namespace tinyops::farm
