#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/compiler/board.hpp"
#include "tinyops/compiler/codegen.hpp"
#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"

namespace tinyops::cli {

namespace fs = std::filesystem;

namespace {

// "25,316 bytes at op 1 (DEPTHWISE_CONV_2D): tensors 1 (8,000), 2 (8,000) + scratch 9,316"
std::string peak_text(const Graph& graph, const compiler::PlanPeak& peak) {
  if (peak.op < 0) return "no ops";
  std::string text = fmt::format("{} bytes at op {} ({}):", with_commas(peak.live_bytes), peak.op,
                                 graph.ops[static_cast<size_t>(peak.op)].display_name());
  const char* sep = " tensors ";
  for (int32_t t : peak.tensors) {
    text += fmt::format(
        "{}{} ({})", sep, t,
        with_commas(static_cast<int64_t>(graph.tensors[static_cast<size_t>(t)].byte_size())));
    sep = ", ";
  }
  if (peak.scratch_bytes > 0) text += fmt::format(" + scratch {}", with_commas(peak.scratch_bytes));
  return text;
}

nlohmann::json peak_json(const Graph& graph, const compiler::PlanPeak& peak) {
  nlohmann::json tensors = nlohmann::json::array();
  for (int32_t t : peak.tensors) {
    const Tensor& tensor = graph.tensors[static_cast<size_t>(t)];
    tensors.push_back({{"index", t}, {"name", tensor.name}, {"bytes", tensor.byte_size()}});
  }
  return {{"op", peak.op},
          {"op_name", peak.op < 0 ? "" : graph.ops[static_cast<size_t>(peak.op)].display_name()},
          {"live_bytes", peak.live_bytes},
          {"tensors", tensors},
          {"scratch_bytes", peak.scratch_bytes}};
}

}  // namespace

int model_compile(const CompileArgs& args) {
  const compiler::Board& board = compiler::find_board(args.board);
  const std::vector<uint8_t> bytes = formats::read_file(args.model);
  const Graph graph = formats::import_tflite(bytes, args.model);
  compiler::CodegenOptions options;
  options.name = args.name;
  options.board = board.name + " (" + board.title + ")";
  options.model_id = fs::path(args.model).filename().string() + " sha256:" + sha256_hex(bytes);
  options.dsp_kernels = board.dsp_extension && !args.reference_kernels;
  const compiler::GeneratedBundle bundle = compiler::generate_c(graph, options);

  std::error_code ec;
  fs::create_directories(fs::path(args.output) / "tinyops/runtime", ec);
  require(!ec, args.output + ": cannot create the output folder: " + ec.message());
  for (const auto& [path, text] : bundle.files) {
    formats::write_file(fs::path(args.output) / path,
                        {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  }

  // A quick fit estimate: the planned arena and the weights only. `farm test` links real
  // firmware and measures code, stack and libc too.
  const bool has_limits = board.ram_bytes > 0;
  const int64_t ram_bytes = bundle.plan.arena_bytes;  // kernel scratch is planned inside
  const bool ram_ok = !has_limits || ram_bytes <= board.ram_bytes;
  const bool flash_ok = !has_limits || bundle.weight_bytes <= board.flash_bytes;

  if (args.json) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& [path, text] : bundle.files)
      files.push_back({{"path", path}, {"bytes", text.size()}});
    std::cout << nlohmann::json{{"model", args.model},
                                {"board", args.board},
                                {"output", args.output},
                                {"arena_bytes", bundle.plan.arena_bytes},
                                {"peak_live_bytes", bundle.plan.peak_live_bytes},
                                {"weight_bytes", bundle.weight_bytes},
                                {"scratch_bytes", bundle.scratch_bytes},
                                {"kernels", options.dsp_kernels ? "cortex-m-dsp" : "reference"},
                                {"live_bytes_per_op", bundle.plan.live_bytes_per_op},
                                {"peak", peak_json(graph, bundle.peak)},
                                {"layers", compiler::layer_kernels_json(bundle.layers)},
                                {"files", files},
                                {"fits_estimate",
                                 {{"checked", has_limits},
                                  {"ram_ok", ram_ok},
                                  {"flash_ok", flash_ok},
                                  {"covers",
                                   "arena and weights only; `tinyops farm test` measures code, "
                                   "stack and libc on the emulated board"}}}}
                     .dump(2)
              << "\n";
    return ram_ok && flash_ok ? 0 : 1;
  }
  std::cout << fmt::format("compiled {} for {} into {}/\n", args.model, args.board, args.output);
  std::cout << fmt::format("  arena   {} bytes (peak live {} bytes)\n",
                           with_commas(bundle.plan.arena_bytes),
                           with_commas(bundle.plan.peak_live_bytes));
  std::cout << fmt::format("  peak    {}\n", peak_text(graph, bundle.peak));
  std::cout << fmt::format("  weights {} bytes\n", with_commas(bundle.weight_bytes));
  if (bundle.scratch_bytes > 0)
    std::cout << fmt::format("  scratch {} bytes (largest kernel work buffer, inside the arena)\n",
                             with_commas(bundle.scratch_bytes));
  std::cout << fmt::format("  kernels {}\n", options.dsp_kernels
                                                 ? "Cortex-M DSP (SMLAD) where they apply"
                                                 : "portable reference");
  std::cout << fmt::format("  files   {}\n", bundle.files.size());
  if (has_limits) {
    std::string verdict = "fits";
    if (!ram_ok)
      verdict = fmt::format("DOES NOT FIT: RAM over by {} bytes",
                            with_commas(ram_bytes - board.ram_bytes));
    if (!flash_ok)
      verdict = fmt::format("{}DOES NOT FIT: flash over by {} bytes", ram_ok ? "" : verdict + "; ",
                            with_commas(bundle.weight_bytes - board.flash_bytes));
    std::cout << fmt::format(
        "  fit     arena {} of {} RAM bytes, weights {} of {} flash bytes: {}\n"
        "          (estimate: buffers and weights only; `tinyops farm test` measures it all)\n",
        with_commas(ram_bytes), with_commas(board.ram_bytes), with_commas(bundle.weight_bytes),
        with_commas(board.flash_bytes), verdict);
  }
  std::cout << fmt::format("  use: #include \"{0}.h\", fill {0}_input(0), call {0}_invoke()\n",
                           args.name);
  return ram_ok && flash_ok ? 0 : 1;
}

}  // namespace tinyops::cli
