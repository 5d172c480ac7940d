#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/farm/farm_test.hpp"
#include "tinyops/formats/tflite_importer.hpp"

namespace tinyops::cli {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    size_t start = 0;
    for (size_t comma; (comma = item.find(',', start)) != std::string::npos; start = comma + 1)
      if (comma > start) out.push_back(item.substr(start, comma - start));
    if (start < item.size()) out.push_back(item.substr(start));
  }
  return out;
}

nlohmann::json board_json(const farm::BoardOutcome& b) {
  nlohmann::json vectors = nlohmann::json::array();
  for (const farm::VectorOutcome& v : b.vectors) {
    vectors.push_back(
        {{"matches_interpreter", v.matches_interpreter},
         {"matches_reference",
          v.matches_reference ? nlohmann::json(*v.matches_reference) : nlohmann::json()},
         {"instructions", v.instructions},
         {"stack_bytes", v.stack_bytes}});
  }
  nlohmann::json layers = nlohmann::json::array();
  for (size_t k = 0; k < b.layers.size(); ++k)
    layers.push_back(
        {{"index", k}, {"op", b.layers[k].first}, {"instructions", b.layers[k].second}});
  return {{"board", b.board},
          {"status", farm::to_string(b.status)},
          {"message", b.message},
          {"kernels", b.kernels},
          {"bit_exact", b.bit_exact()},
          {"clock_hz", b.clock_hz},
          {"flash_limit", b.flash_limit},
          {"ram_limit", b.ram_limit},
          {"flash_bytes", b.flash_bytes},
          {"model_flash_bytes", b.model_flash_bytes},
          {"static_ram_bytes", b.static_ram_bytes},
          {"arena_bytes", b.arena_bytes},
          {"scratch_bytes", b.scratch_bytes},
          {"stack_bytes", b.stack_bytes},
          {"ram_bytes", b.ram_bytes},
          {"instructions_per_inference", b.instructions},
          {"instructions_min", b.instructions_min},
          {"instructions_max", b.instructions_max},
          {"estimated_ms", b.estimated_ms},
          {"latency_assumption", "1 instruction = 1 cycle at the board's clock, no wait states"},
          {"layers", layers},
          {"layer_kernels", compiler::layer_kernels_json(b.layer_kernels)},
          {"vectors", vectors}};
}

}  // namespace

// Where the time goes: per board, each layer's instructions and share.
void print_layer_profiles(const std::vector<farm::FarmTestReport>& reports) {
  for (const auto& report : reports) {
    for (const auto& b : report.boards) {
      if (b.layers.empty()) continue;
      int64_t total = 0;
      for (const auto& layer : b.layers) total += layer.second;
      std::cout << fmt::format("\n{} @ {}: instructions per layer (median over the vectors)\n",
                               fs::path(report.model).stem().string(), b.board);
      TextTable table({"#", "op", "instructions", "share"});
      for (size_t k = 0; k < b.layers.size(); ++k) {
        const double share =
            total ? 100.0 * static_cast<double>(b.layers[k].second) / static_cast<double>(total) : 0;
        table.add({std::to_string(k), b.layers[k].first, with_commas(b.layers[k].second),
                   fmt::format("{:.1f} %", share)});
      }
      std::cout << table.render();
    }
  }
}

// Folders stand for the .tflite files in them, in name order.
std::vector<fs::path> expand_models(const std::vector<std::string>& paths) {
  std::vector<fs::path> models;
  for (const std::string& p : paths) {
    if (!fs::is_directory(p)) {
      models.emplace_back(p);
      continue;
    }
    const std::vector<fs::path> found = formats::tflite_files_in(p);
    require(!found.empty(), p + ": folder holds no .tflite model");
    models.insert(models.end(), found.begin(), found.end());
  }
  return models;
}

int farm_test(const FarmTestArgs& args) {
  const std::vector<fs::path> models = expand_models(args.models);
  require(!args.vectors.empty() ? models.size() == 1 : true,
          "--vectors belongs to one model; give one model with it");
  farm::FarmTestOptions options;
  options.boards = split_commas(args.boards);
  if (!args.vectors.empty()) options.vectors = fs::path(args.vectors);
  options.random_vectors = args.random_vectors;
  options.reference_kernels = args.reference_kernels;
  options.timeout_seconds = args.timeout_seconds;
  options.verbose = args.verbose;
  options.profile_layers = args.profile;
  const bool keep = !args.build_dir.empty();
  const fs::path work =
      keep ? fs::path(args.build_dir)
           : fs::temp_directory_path() / fmt::format("tinyops-farm-{}", ::getpid());
  if (!args.quiet) options.progress = [](const std::string& line) { std::cerr << line << "\n"; };

  std::vector<farm::FarmTestReport> reports;
  try {
    for (const fs::path& model : models) {
      options.model = model;
      options.work_dir = work / model.stem();
      reports.push_back(farm::run_farm_test(options));
    }
  } catch (...) {
    if (!keep) fs::remove_all(work);
    throw;
  }
  if (!keep) fs::remove_all(work);
  bool passed = true;
  for (const auto& r : reports) passed = passed && r.passed(args.allow_no_fit, args.allow_unsupported);

  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& report : reports) {
      nlohmann::json boards = nlohmann::json::array();
      for (const auto& b : report.boards) boards.push_back(board_json(b));
      list.push_back({{"model", report.model},
                      {"vectors", report.vector_source},
                      {"vector_count", report.vector_count},
                      {"passed", report.passed(args.allow_no_fit, args.allow_unsupported)},
                      {"boards", boards}});
    }
    std::cout << nlohmann::json{{"passed", passed}, {"models", list}}.dump(2) << "\n";
    return passed ? 0 : 1;
  }

  TextTable table({"model", "board", "kernels", "fits", "flash B", "RAM B", "instr/inference",
                   "est. ms", "bit-exact"});
  std::vector<std::string> notes;
  for (const auto& report : reports) {
    const std::string name = fs::path(report.model).stem().string();
    for (const auto& b : report.boards) {
      const bool ran = !b.vectors.empty();
      const std::string fits =
          b.status == farm::BoardStatus::DoesNotFit ? "NO"
          : b.status == farm::BoardStatus::Error || b.status == farm::BoardStatus::Unsupported
              ? "?"
              : "yes";
      const std::string exact =
          ran ? (b.bit_exact() ? fmt::format("yes ({}/{})", b.vectors.size(), b.vectors.size())
                               : "NO")
          : b.status == farm::BoardStatus::Unsupported ? "unsupported"
          : b.status == farm::BoardStatus::Error       ? "ERROR"
                                                       : "-";
      table.add({name, b.board, b.kernels, fits, b.flash_bytes ? with_commas(b.flash_bytes) : "",
                 b.ram_bytes ? with_commas(b.ram_bytes) : "",
                 ran ? with_commas(b.instructions) : "",
                 ran ? fmt::format("{:.2f} @{} MHz", b.estimated_ms, b.clock_hz / 1'000'000) : "",
                 exact});
      if (!b.message.empty())
        notes.push_back(fmt::format("  {} @ {}: {}", name, b.board, b.message));
    }
  }
  std::cout << table.render();
  for (const std::string& n : notes) std::cout << n << "\n";
  if (args.profile) print_layer_profiles(reports);
  std::cout
      << "  flash: the whole firmware (harness and start-up included); RAM: data + bss (arena "
         "included) + stack high-water mark.\n"
         "  instructions are counted by SysTick under QEMU -icount shift=0 (median over the "
         "vectors); est. ms assumes\n  1 instruction = 1 cycle at the board's clock with no "
         "wait states: compare instructions, not ms.\n";
  return passed ? 0 : 1;
}

}  // namespace tinyops::cli
