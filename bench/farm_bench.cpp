// Generated code on the emulated Cortex-M4F (QEMU mps2-an386, -icount shift=0) beside
// TFLite Micro's figures from ../shared/models/BASELINE.md, measured the same way.
// Run: build/bench/bench_farm [BOARD] [NAME-FILTER]   (default nano33ble; prints a Markdown
// table with every model of ../shared/models and ../shared/models/extra: those without
// TFLM vectors run on seeded random inputs and are compared with the host interpreter)
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
#include <algorithm>
#include <map>
#include <sstream>

#include "tinyops/farm/farm_test.hpp"
#include "tinyops/formats/tflite_importer.hpp"

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

// Every .tflite of ../shared/models and ../shared/models/extra, by name.
std::vector<fs::path> all_models(const fs::path& shared) {
  std::vector<fs::path> out;
  for (const fs::path& dir : {shared, shared / "extra"}) {
    const std::vector<fs::path> found = tinyops::formats::tflite_files_in(dir);
    out.insert(out.end(), found.begin(), found.end());
  }
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
    return a.stem().string() < b.stem().string();
  });
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  // bench_farm [BOARD] [NAME-FILTER]: default board nano33ble (the profile).
  const std::string board = argc > 1 ? argv[1] : "nano33ble";
  const std::string filter = argc > 2 ? argv[2] : "";
  const fs::path models(TINYOPS_SHARED_MODELS);
  const auto baseline = read_baseline(models / "BASELINE.md");
  const fs::path work =
      fs::temp_directory_path() / fmt::format("tinyops-bench-farm-{}", ::getpid());

  std::cout << fmt::format(
      "| model | TinyOps kernels | arena+scratch B | TFLM arena B | × | model flash B | TFLM lib+model B | × | "
      "instructions | TFLM ref | × | TFLM+CMSIS-NN | × | bit-exact (against) "
      "|\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
  for (const fs::path& path : all_models(models)) {
    const std::string model = path.stem().string();
    if (!filter.empty() && model.find(filter) == std::string::npos) continue;
    const auto found = baseline.find(model);
    const TflmFigures none{};
    const auto figures = [&](const char* variant) -> const TflmFigures& {
      if (found == baseline.end()) return none;
      const auto v = found->second.find(variant);
      return v == found->second.end() ? none : v->second;
    };
    const TflmFigures& ref = figures("TFLM ref");
    const TflmFigures& cmsis = figures("TFLM+CMSIS-NN");
    const auto cell = [](int64_t v) { return v > 0 ? fmt::format("{}", v) : std::string("—"); };
    for (bool reference : {true, false}) {
      tinyops::farm::FarmTestOptions options;
      options.model = path;
      options.boards = {board};
      options.reference_kernels = reference;
      options.work_dir = work / model;
      tinyops::farm::FarmTestReport report;
      try {
        report = tinyops::farm::run_farm_test(options);
      } catch (const std::exception& e) {
        if (reference) std::cout << fmt::format("| {} | — | | | | | | | | | | | | cannot run: {} |\n", model, e.what());
        break;
      }
      const auto& b = report.boards.at(0);
      if (!reference && b.kernels == "reference") continue;  // no layer the DSP kernels take
      if (b.status != tinyops::farm::BoardStatus::Pass && b.status != tinyops::farm::BoardStatus::Fail) {
        // Unsupported or too big: one row says so, whichever kernels were asked for.
        if (reference)
          std::cout << fmt::format("| {} | — | — | | | — | | | — | | | | | {}: {} |\n", model,
                                   tinyops::farm::to_string(b.status), b.message);
        break;
      }
      const bool against_tflm = fs::exists(fs::path(path).replace_extension(".vectors"));
      // TFLM's arena holds CMSIS-NN's scratch, so compare with the variant that ran.
      const TflmFigures& same = reference ? ref : cmsis;
      const int64_t ram = b.arena_bytes;  // kernel scratch is planned inside the arena
      std::cout << fmt::format(
          "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} ({}) |\n", model,
          b.kernels, ram, cell(same.arena), ratio(ram, same.arena), b.model_flash_bytes,
          cell(ref.flash_lib_model), ratio(b.model_flash_bytes, ref.flash_lib_model),
          b.instructions, cell(ref.instructions), ratio(b.instructions, ref.instructions),
          cell(cmsis.instructions), ratio(b.instructions, cmsis.instructions),
          b.bit_exact() ? "yes" : "NO",
          against_tflm ? "TFLM vectors" : report.vector_source + " vs host interpreter");
    }
  }
  fs::remove_all(work);
  return 0;
}
