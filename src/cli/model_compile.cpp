#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/compiler/codegen.hpp"
#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"

namespace tinyops::cli {

namespace fs = std::filesystem;

int model_compile(const CompileArgs& args) {
  // Board profiles (flash/RAM limits, compiler flags, emulators) are not written yet:
  // only the host target exists, and the message says so.
  require(args.board == "host", "board '" + args.board +
                                    "' is unknown: board profiles are not implemented yet; the "
                                    "available target is 'host'");
  const std::vector<uint8_t> bytes = formats::read_file(args.model);
  const Graph graph = formats::import_tflite(bytes, args.model);
  compiler::CodegenOptions options;
  options.name = args.name;
  options.board = args.board;
  options.model_id = fs::path(args.model).filename().string() + " sha256:" + sha256_hex(bytes);
  const compiler::GeneratedBundle bundle = compiler::generate_c(graph, options);

  std::error_code ec;
  fs::create_directories(fs::path(args.output) / "tinyops/runtime", ec);
  require(!ec, args.output + ": cannot create the output folder: " + ec.message());
  for (const auto& [path, text] : bundle.files) {
    formats::write_file(fs::path(args.output) / path,
                        {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  }

  if (args.json) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& [path, text] : bundle.files) files.push_back({{"path", path}, {"bytes", text.size()}});
    std::cout << nlohmann::json{{"model", args.model},
                                {"board", args.board},
                                {"output", args.output},
                                {"arena_bytes", bundle.plan.arena_bytes},
                                {"peak_live_bytes", bundle.plan.peak_live_bytes},
                                {"weight_bytes", bundle.weight_bytes},
                                {"live_bytes_per_op", bundle.plan.live_bytes_per_op},
                                {"files", files}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << fmt::format("compiled {} for {} into {}/\n", args.model, args.board, args.output);
  std::cout << fmt::format("  arena   {} bytes (peak live {} bytes)\n", with_commas(bundle.plan.arena_bytes),
                           with_commas(bundle.plan.peak_live_bytes));
  std::cout << fmt::format("  weights {} bytes\n", with_commas(bundle.weight_bytes));
  std::cout << fmt::format("  files   {}\n", bundle.files.size());
  std::cout << fmt::format("  use: #include \"{0}.h\", fill {0}_input(0), call {0}_invoke()\n", args.name);
  return 0;
}

}  // namespace tinyops::cli
