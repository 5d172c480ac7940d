// Generated code on the emulated Cortex-M4F (QEMU mps2-an386, -icount shift=0) beside
// TFLite Micro's figures from ../shared/models/BASELINE.md, measured the same way.
// Run: build/bench/bench_farm [BOARD]   (default cortex-m4f; prints a Markdown table)
//
// Per model: arena bytes (plus the DSP kernels' scratch buffer, as TFLM's arena holds
// CMSIS-NN's scratch), flash of the model (generated code + kernels + weights; TFLM:
// "TFLM lib + model") and instructions per inference (median over the reference vectors),
// for the portable reference kernels and for the board's optimised kernels, with ratios
// against TFLM (arena and flash against TFLM ref, instructions against TFLM+CMSIS-NN).
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "tinyops/farm/farm_test.hpp"

namespace {

namespace fs = std::filesystem;

struct TflmFigures {
  int64_t instructions = 0, arena = 0, flash_lib_model = 0;
};

int64_t number(std::string cell) {
  std::string digits;
  for (char c : cell) {
    if (c >= '0' && c <= '9') digits += c;
    if (c == '(') break;  // "1,360,200 (1,360,200–1,360,240)": the median comes first
  }
  return digits.empty() ? 0 : std::stoll(digits);
}

// model -> variant ("TFLM ref", "TFLM+CMSIS-NN") -> figures, from the results table.
std::map<std::string, std::map<std::string, TflmFigures>> read_baseline(const fs::path& file) {
  std::map<std::string, std::map<std::string, TflmFigures>> out;
  std::ifstream in(file);
  std::string line;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    if (line.rfind("|", 0) != 0) {
      header.clear();
      continue;
    }
    if (line.rfind("|---", 0) == 0) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    for (std::string cell; std::getline(ss, cell, '|');) {
      const size_t a = cell.find_first_not_of(' '), b = cell.find_last_not_of(' ');
      cells.push_back(a == std::string::npos ? "" : cell.substr(a, b - a + 1));
    }
    if (header.empty()) {
      header = cells;
      continue;
    }
    auto col = [&](const std::string& name) -> std::string {
      for (size_t i = 0; i < header.size() && i < cells.size(); ++i)
        if (header[i] == name) return cells[i];
      return "";
    };
    if (col("kernels").empty()) continue;
    TflmFigures f{number(col("instructions / inference")), number(col("arena_used_bytes")),
                  number(col("flash: TFLM lib + model"))};
    if (f.instructions > 0) out[col("model")][col("kernels")] = f;
  }
  return out;
}

std::string ratio(int64_t ours, int64_t theirs) {
  return theirs > 0 ? fmt::format("{:.2f}", static_cast<double>(ours) / static_cast<double>(theirs))
                    : "—";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string board = argc > 1 ? argv[1] : "cortex-m4f";
  const fs::path models(TINYOPS_SHARED_MODELS);
  const auto baseline = read_baseline(models / "BASELINE.md");
  const fs::path work =
      fs::temp_directory_path() / fmt::format("tinyops-bench-farm-{}", ::getpid());

  std::cout << fmt::format(
      "| model | TinyOps kernels | arena+scratch B | × TFLM | model flash B | × TFLM | instructions | × "
      "TFLM ref | × TFLM+CMSIS-NN | bit-exact "
      "|\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
  for (const auto& [model, variants] : baseline) {
    if (!fs::exists(models / (model + ".vectors"))) continue;
    const auto ref = variants.find("TFLM ref");
    const auto cmsis = variants.find("TFLM+CMSIS-NN");
    for (bool reference : {true, false}) {
      tinyops::farm::FarmTestOptions options;
      options.model = models / (model + ".tflite");
      options.boards = {board};
      options.reference_kernels = reference;
      options.work_dir = work / model;
      const auto report = tinyops::farm::run_farm_test(options);
      const auto& b = report.boards.at(0);
      if (!reference && b.kernels == "reference") continue;  // no layer the DSP kernels take
      if (b.status != tinyops::farm::BoardStatus::Pass) {
        std::cout << fmt::format("| {} | {} | — | | — | | — | | | {}: {} |\n", model,
                                 reference ? "reference" : "optimised",
                                 tinyops::farm::to_string(b.status), b.message);
        continue;
      }
      std::cout << fmt::format(
          "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", model, b.kernels,
          b.arena_bytes + b.scratch_bytes,
          ratio(b.arena_bytes + b.scratch_bytes, ref != variants.end() ? ref->second.arena : 0), b.model_flash_bytes,
          ratio(b.model_flash_bytes, ref != variants.end() ? ref->second.flash_lib_model : 0),
          b.instructions,
          ratio(b.instructions, ref != variants.end() ? ref->second.instructions : 0),
          ratio(b.instructions, cmsis != variants.end() ? cmsis->second.instructions : 0),
          b.bit_exact() ? "yes" : "NO");
    }
  }
  fs::remove_all(work);
  return 0;
}
