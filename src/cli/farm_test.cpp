#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/farm/farm_test.hpp"

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
          {"stack_bytes", b.stack_bytes},
          {"ram_bytes", b.ram_bytes},
          {"instructions_per_inference", b.instructions},
          {"instructions_min", b.instructions_min},
          {"instructions_max", b.instructions_max},
          {"estimated_ms", b.estimated_ms},
          {"latency_assumption", "1 instruction = 1 cycle at the board's clock, no wait states"},
          {"vectors", vectors}};
}

}  // namespace

int farm_test(const FarmTestArgs& args) {
  farm::FarmTestOptions options;
  options.model = args.model;
  options.boards = split_commas(args.boards);
  if (!args.vectors.empty()) options.vectors = fs::path(args.vectors);
  options.random_vectors = args.random_vectors;
  options.reference_kernels = args.reference_kernels;
  options.timeout_seconds = args.timeout_seconds;
  const bool keep = !args.build_dir.empty();
  options.work_dir = keep ? fs::path(args.build_dir)
                          : fs::temp_directory_path() / fmt::format("tinyops-farm-{}", ::getpid());
  if (!args.quiet) options.progress = [](const std::string& line) { std::cerr << line << "\n"; };

  farm::FarmTestReport report;
  try {
    report = farm::run_farm_test(options);
  } catch (...) {
    if (!keep) fs::remove_all(options.work_dir);
    throw;
  }
  if (!keep) fs::remove_all(options.work_dir);

  if (args.json) {
    nlohmann::json boards = nlohmann::json::array();
    for (const auto& b : report.boards) boards.push_back(board_json(b));
    std::cout << nlohmann::json{{"model", report.model},
                                {"vectors", report.vector_source},
                                {"vector_count", report.vector_count},
                                {"passed", report.passed()},
                                {"boards", boards}}
                     .dump(2)
              << "\n";
    return report.passed() ? 0 : 1;
  }

  std::cout << fmt::format("{}: {} vectors from {}\n", report.model, report.vector_count,
                           report.vector_source);
  TextTable table({"board", "kernels", "fits", "flash B", "RAM B", "stack B", "instr/inference",
                   "est. ms", "bit-exact"});
  for (const auto& b : report.boards) {
    const bool ran = !b.vectors.empty();
    const std::string fits = b.status == farm::BoardStatus::DoesNotFit ? "NO"
                             : b.status == farm::BoardStatus::Error    ? "?"
                                                                       : "yes";
    table.add({b.board, b.kernels, fits, b.flash_bytes ? with_commas(b.flash_bytes) : "",
               b.ram_bytes ? with_commas(b.ram_bytes) : "", ran ? with_commas(b.stack_bytes) : "",
               ran ? with_commas(b.instructions) : "",
               ran ? fmt::format("{:.2f} @{} MHz", b.estimated_ms, b.clock_hz / 1'000'000) : "",
               ran ? (b.bit_exact() ? fmt::format("yes ({}/{})", b.vectors.size(), b.vectors.size())
                                    : "NO")
                   : "-"});
  }
  std::cout << table.render();
  for (const auto& b : report.boards)
    if (!b.message.empty()) std::cout << fmt::format("  {}: {}\n", b.board, b.message);
  std::cout << "  flash: whole firmware (harness and start-up included); RAM: data + bss (arena "
               "included) + stack high-water mark.\n"
               "  est. ms assumes 1 instruction = 1 cycle at the board's clock with no wait "
               "states; compare instructions, not ms.\n";
  return report.passed() ? 0 : 1;
}

}  // namespace tinyops::cli
