#include "tinyops/farm/farm_test.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>

#include "tinyops/compiler/board.hpp"
#include "tinyops/compiler/codegen.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/farm/energy_runner.hpp"
#include "tinyops/farm/firmware.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/formats/vector_set.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::farm {
namespace {

namespace fs = std::filesystem;

struct TestVector {
  std::vector<std::vector<uint8_t>> inputs;
  std::vector<std::vector<uint8_t>> reference_outputs;  // empty: none
};

std::vector<TestVector> random_vectors(const Graph& graph, int count) {
  std::mt19937 rng(1234);
  std::vector<TestVector> set(static_cast<size_t>(count));
  for (TestVector& v : set) {
    for (int32_t index : graph.inputs) {
      const Tensor& t = graph.tensors[static_cast<size_t>(index)];
      std::vector<uint8_t> bytes(static_cast<size_t>(t.byte_size()));
      if (t.type == DataType::Float32) {
        std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
        for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
          const float f = dist(rng);
          std::memcpy(&bytes[i], &f, 4);
        }
      } else {
        std::uniform_int_distribution<int> dist(0, 255);
        for (uint8_t& b : bytes) b = static_cast<uint8_t>(dist(rng));
      }
      v.inputs.push_back(std::move(bytes));
    }
  }
  return set;
}

std::vector<TestVector> load_vectors(const FarmTestOptions& options, const Graph& graph,
                                     std::string& source) {
  fs::path folder;
  if (options.vectors) {
    folder = *options.vectors;
  } else {
    fs::path beside = options.model;
    beside.replace_extension(".vectors");
    if (fs::is_directory(beside)) folder = beside;
  }
  if (folder.empty()) {
    source = fmt::format("{} random inputs (seed 1234)", options.random_vectors);
    return random_vectors(graph, options.random_vectors);
  }
  const auto set = formats::load_vector_set(folder, graph.inputs.size(), graph.outputs.size());
  std::vector<TestVector> vectors;
  for (size_t k = 0; k < set.size(); ++k) {
    for (size_t i = 0; i < graph.inputs.size(); ++i) {
      const Tensor& t = graph.tensors[static_cast<size_t>(graph.inputs[i])];
      require(set[k].inputs[i].size() == static_cast<size_t>(t.byte_size()),
              fmt::format("{}: vector {} input {} has {} bytes; the model's input '{}' takes {}",
                          folder.string(), k, i, set[k].inputs[i].size(), t.name, t.byte_size()));
    }
    vectors.push_back({set[k].inputs, set[k].outputs});
  }
  source = folder.string();
  return vectors;
}

std::vector<uint8_t> concatenated(const std::vector<std::vector<uint8_t>>& parts) {
  std::vector<uint8_t> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

class FarmRun {
 public:
  FarmRun(const FarmTestOptions& options, const Graph& graph,
          const std::vector<TestVector>& vectors)
      : options_(options), graph_(graph), vectors_(vectors) {}

  BoardOutcome test_board(const compiler::Board& board) {
    BoardOutcome out;
    out.board = board.name;
    out.clock_hz = board.clock_hz;
    out.flash_limit = board.flash_bytes;
    out.ram_limit = board.ram_bytes;
    try {
      run(board, out);
    } catch (const UnsupportedError& e) {
      out.status = BoardStatus::Unsupported;
      out.message = e.what();
      say(board, std::string("unsupported: ") + e.what());
    } catch (const std::exception& e) {
      out.status = BoardStatus::Error;
      out.message = e.what();
      say(board, std::string("error: ") + e.what());
    }
    return out;
  }

 private:
  void say(const compiler::Board& board, const std::string& text) {
    if (!options_.progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex_);
    options_.progress(
        fmt::format("[{} @ {}] {}", options_.model.stem().string(), board.name, text));
  }

  void run(const compiler::Board& board, BoardOutcome& out) {
    compiler::CodegenOptions codegen;
    codegen.board = board.name + " (" + board.title + ")";
    codegen.model_id = options_.model.filename().string();
    codegen.dsp_kernels = board.dsp_extension && !options_.reference_kernels;
    const compiler::GeneratedBundle bundle = compiler::generate_c(graph_, codegen);
    // What the model really runs on: float models and layers the DSP kernels do not take
    // stay on the portable ones.
    const bool uses_dsp = std::any_of(bundle.files.begin(), bundle.files.end(),
                                      [](const auto& f) { return f.first.ends_with("_dsp.c"); });
    out.kernels = uses_dsp ? "cortex-m-dsp" : "reference";
    out.arena_bytes = bundle.plan.arena_bytes;
    out.scratch_bytes = bundle.scratch_bytes;
    out.layer_kernels = bundle.layers;

    if (!board.emulator) {
      out.status = BoardStatus::SizeCheckOnly;
      out.flash_bytes = bundle.weight_bytes;
      out.ram_bytes = out.arena_bytes;  // kernel scratch is planned inside the arena
      const bool fits =
          out.ram_bytes <= board.ram_bytes && bundle.weight_bytes <= board.flash_bytes;
      out.message = fmt::format(
          "no emulator or cross compiler for {} here: size check only (arena {} of {} "
          "RAM bytes, weights {} of {} flash bytes: {})",
          board.core, out.ram_bytes, board.ram_bytes, bundle.weight_bytes, board.flash_bytes,
          fits ? "fits" : "does not fit");
      if (!fits) out.status = BoardStatus::DoesNotFit;
      say(board, out.message);
      return;
    }

    say(board, "building firmware (" + out.kernels + " kernels)");
    const FirmwareBuild fw = build_firmware(board, graph_, bundle, options_.work_dir / board.name,
                                            {options_.profile_layers, std::nullopt});
    if (!fw.fits) {
      out.status = BoardStatus::DoesNotFit;
      out.message = "does not fit: " + fw.overflow;
      say(board, out.message);
      return;
    }
    out.flash_bytes = fw.sizes.flash_bytes;
    out.model_flash_bytes = fw.sizes.model_flash_bytes;
    out.static_ram_bytes = fw.sizes.static_ram_bytes;
    say(board,
        fmt::format("firmware: flash {} of {} bytes, static RAM {} of {} bytes", out.flash_bytes,
                    board.flash_bytes, out.static_ram_bytes, board.ram_bytes));

    interp::Interpreter host(graph_);
    EnergyRunnerSession device(board, fw.elf, std::chrono::seconds(options_.timeout_seconds));
    device.check_instruction_counter();
    for (size_t k = 0; k < vectors_.size(); ++k) {
      const TestVector& v = vectors_[k];
      for (size_t i = 0; i < v.inputs.size(); ++i)
        std::ranges::copy(v.inputs[i], host.input(i).begin());
      host.invoke();
      std::vector<std::vector<uint8_t>> expected;
      for (size_t o = 0; o < host.output_count(); ++o) {
        const auto bytes = host.output(o);
        expected.emplace_back(bytes.begin(), bytes.end());
      }

      device.load(concatenated(v.inputs));
      const InferenceMeasure m = device.infer();
      const std::vector<uint8_t> got = device.results();
      VectorOutcome r;
      r.instructions = m.instructions;
      r.stack_bytes = m.stack_bytes;
      r.layer_instructions = m.layer_instructions;
      r.matches_interpreter = got == concatenated(expected);
      if (!v.reference_outputs.empty())
        r.matches_reference = got == concatenated(v.reference_outputs);
      r.output = got;
      if (options_.verbose)
        say(board, fmt::format("vector {}/{}: {}{}, {} instructions", k + 1, vectors_.size(),
                               r.matches_interpreter ? "matches the interpreter"
                                                     : "DIFFERS from the interpreter",
                               !r.matches_reference   ? ""
                               : *r.matches_reference ? " and the reference"
                                                      : " but DIFFERS from the reference",
                               r.instructions));
      out.vectors.push_back(r);
    }

    std::vector<int64_t> counts;
    for (const VectorOutcome& r : out.vectors) {
      counts.push_back(r.instructions);
      out.stack_bytes = std::max(out.stack_bytes, r.stack_bytes);
    }
    std::sort(counts.begin(), counts.end());
    if (options_.profile_layers) {
      for (size_t k = 0; k < graph_.ops.size(); ++k) {
        std::vector<int64_t> per_vector;
        for (const VectorOutcome& r : out.vectors)
          if (k < r.layer_instructions.size()) per_vector.push_back(r.layer_instructions[k]);
        std::sort(per_vector.begin(), per_vector.end());
        out.layers.emplace_back(graph_.ops[k].display_name(),
                                per_vector.empty() ? 0 : per_vector[per_vector.size() / 2]);
      }
    }
    out.instructions = counts[counts.size() / 2];
    out.instructions_min = counts.front();
    out.instructions_max = counts.back();
    out.ram_bytes = out.static_ram_bytes + out.stack_bytes;
    out.estimated_ms = board.clock_hz ? 1000.0 * static_cast<double>(out.instructions) /
                                            static_cast<double>(board.clock_hz)
                                      : 0;
    out.status = out.bit_exact() ? BoardStatus::Pass : BoardStatus::Fail;
    if (!out.bit_exact()) out.message = "outputs differ (see the vectors)";
    say(board,
        fmt::format("{} vectors: {}, median {} instructions per inference", out.vectors.size(),
                    out.bit_exact() ? "bit-exact" : "OUTPUTS DIFFER", out.instructions));
  }

  const FarmTestOptions& options_;
  const Graph& graph_;
  const std::vector<TestVector>& vectors_;
  std::mutex progress_mutex_;
};

}  // namespace

const char* to_string(BoardStatus status) {
  switch (status) {
    case BoardStatus::Pass:
      return "pass";
    case BoardStatus::Fail:
      return "fail";
    case BoardStatus::DoesNotFit:
      return "does-not-fit";
    case BoardStatus::SizeCheckOnly:
      return "size-check-only";
    case BoardStatus::Unsupported:
      return "unsupported";
    case BoardStatus::Error:
      return "error";
  }
  return "error";
}

bool BoardOutcome::bit_exact() const {
  if (vectors.empty()) return false;
  for (const VectorOutcome& v : vectors)
    if (!v.matches_interpreter || v.matches_reference == false) return false;
  return true;
}

bool FarmTestReport::passed(bool allow_no_fit, bool allow_unsupported) const {
  for (const BoardOutcome& b : boards) {
    if (b.status == BoardStatus::Pass || b.status == BoardStatus::SizeCheckOnly) continue;
    if (b.status == BoardStatus::DoesNotFit && allow_no_fit) continue;
    if (b.status == BoardStatus::Unsupported && allow_unsupported) continue;
    return false;
  }
  return !boards.empty();
}

namespace {

// The boards asked for; throws InputError for an unknown one, none, or the host.
std::vector<const compiler::Board*> checked_boards(const FarmTestOptions& options) {
  require(!options.boards.empty(),
          "no board given: name one or more with --board (see `tinyops farm boards`)");
  require(options.random_vectors > 0, "the number of random vectors must be at least 1");
  std::vector<const compiler::Board*> boards;
  for (const std::string& name : options.boards) boards.push_back(&compiler::find_board(name));
  for (const compiler::Board* b : boards)
    require(b->arch != "host",
            "board 'host' is not a device: `tinyops model check` runs models on the host");
  return boards;
}

}  // namespace

FarmTestReport run_farm_test(const FarmTestOptions& options) {
  checked_boards(options);  // before the import: a typo in a board name fails fast
  return run_farm_test(formats::import_tflite_file(options.model), options);
}

FarmTestReport run_farm_test(const Graph& graph, const FarmTestOptions& options) {
  const std::vector<const compiler::Board*> boards = checked_boards(options);
  FarmTestReport report;
  report.model = options.model.string();
  const std::vector<TestVector> vectors = load_vectors(options, graph, report.vector_source);
  report.vector_count = vectors.size();

  FarmRun run(options, graph, vectors);
  report.boards.resize(boards.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < boards.size(); ++i)
    threads.emplace_back([&, i] { report.boards[i] = run.test_board(*boards[i]); });
  for (std::thread& t : threads) t.join();
  return report;
}

}  // namespace tinyops::farm
