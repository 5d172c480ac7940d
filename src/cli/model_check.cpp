#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/core/graph_stats.hpp"
#include "tinyops/core/tensor_values.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/formats/vector_set.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::cli {
namespace {

namespace fs = std::filesystem;

enum class Verdict { Pass, Fail, Unsupported };

struct ModelReport {
  std::string model;
  size_t ops = 0;
  int64_t macs = 0;
  int64_t param_bytes = 0;
  size_t vectors = 0;  // reference vectors compared
  size_t vectors_matched = 0;
  double host_us_per_inference = 0;
  Verdict verdict = Verdict::Pass;
  std::string detail;
};

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Pass:
      return "PASS";
    case Verdict::Fail:
      return "FAIL";
    case Verdict::Unsupported:
      return "UNSUPPORTED";
  }
  return "?";
}

std::vector<fs::path> expand(const std::vector<std::string>& paths) {
  std::vector<fs::path> models;
  for (const std::string& p : paths) {
    if (fs::is_directory(p)) {
      const std::vector<fs::path> found = formats::tflite_files_in(p);
      require(!found.empty(), p + ": folder holds no .tflite model");
      models.insert(models.end(), found.begin(), found.end());
    } else {
      require(fs::is_regular_file(p), p + ": no such model file or folder");
      models.emplace_back(p);
    }
  }
  return models;
}

// Runs the vectors in order in one interpreter (models may keep state between them).
void check_vectors(const Graph& graph, interp::Interpreter& interpreter, const fs::path& folder,
                   ModelReport& report) {
  const auto set =
      formats::load_vector_set(folder, interpreter.input_count(), interpreter.output_count());
  std::chrono::nanoseconds spent{0};
  for (size_t k = 0; k < set.size(); ++k) {
    for (size_t i = 0; i < interpreter.input_count(); ++i) {
      const auto& bytes = set[k].inputs[i];
      require(bytes.size() == interpreter.input(i).size(),
              folder.string() + ": input " + std::to_string(k) + " has " +
                  std::to_string(bytes.size()) + " bytes, the model expects " +
                  std::to_string(interpreter.input(i).size()));
      std::copy(bytes.begin(), bytes.end(), interpreter.input(i).begin());
    }
    const auto start = std::chrono::steady_clock::now();
    interpreter.invoke();
    spent += std::chrono::steady_clock::now() - start;
    bool all_match = true;
    for (size_t o = 0; o < interpreter.output_count(); ++o) {
      const auto& want = set[k].outputs[o];
      const auto got = interpreter.output(o);
      if (want.size() != got.size()) {
        all_match = false;
        continue;
      }
      const Comparison c = compare_values(interpreter.output_tensor(o).type, got, want);
      if (!c.matches()) {
        all_match = false;
        if (report.detail.empty())
          report.detail = fmt::format("vector {}: {} of {} elements differ (max diff {})", k,
                                      c.differing, c.total, c.max_abs_diff);
      }
    }
    ++report.vectors;
    report.vectors_matched += all_match ? 1 : 0;
  }
  (void)graph;
  report.host_us_per_inference =
      std::chrono::duration<double, std::micro>(spent).count() / static_cast<double>(set.size());
  if (report.vectors_matched != report.vectors) report.verdict = Verdict::Fail;
}

ModelReport check_model(const fs::path& path) {
  ModelReport report;
  report.model = path.filename().string();
  try {
    const Graph graph = formats::import_tflite_file(path);
    const GraphStats stats = compute_stats(graph);
    report.ops = graph.ops.size();
    report.macs = stats.total_macs;
    report.param_bytes = stats.total_param_bytes;
    interp::Interpreter interpreter(graph);
    const fs::path vectors = path.parent_path() / (path.stem().string() + ".vectors");
    if (fs::is_directory(vectors)) {
      check_vectors(graph, interpreter, vectors, report);
    } else {
      const auto start = std::chrono::steady_clock::now();
      interpreter.invoke();  // zero inputs: proves every op prepares and runs
      report.host_us_per_inference =
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
              .count();
      report.detail = "ran on zero input (no reference vectors)";
    }
  } catch (const UnsupportedError& e) {
    report.verdict = Verdict::Unsupported;
    report.detail = e.what();
  } catch (const InputError& e) {
    report.verdict = Verdict::Fail;
    report.detail = e.what();
  }
  return report;
}

}  // namespace

int model_check(const CheckArgs& args) {
  const std::vector<fs::path> models = expand(args.paths);
  std::vector<ModelReport> reports;
  for (size_t i = 0; i < models.size(); ++i) {
    if (!args.json)
      std::cerr << fmt::format("[{}/{}] {} ...", i + 1, models.size(),
                               models[i].filename().string())
                << std::flush;
    reports.push_back(check_model(models[i]));
    if (!args.json) std::cerr << " " << verdict_name(reports.back().verdict) << "\n";
  }

  size_t passed = 0, failed = 0, unsupported = 0;
  for (const auto& r : reports) {
    passed += r.verdict == Verdict::Pass;
    failed += r.verdict == Verdict::Fail;
    unsupported += r.verdict == Verdict::Unsupported;
  }

  if (args.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : reports) {
      j.push_back({{"model", r.model},
                   {"ops", r.ops},
                   {"macs", r.macs},
                   {"param_bytes", r.param_bytes},
                   {"vectors", r.vectors},
                   {"vectors_matched", r.vectors_matched},
                   {"host_us_per_inference", r.host_us_per_inference},
                   {"verdict", verdict_name(r.verdict)},
                   {"detail", r.detail}});
    }
    std::cout << nlohmann::json{{"models", j},
                                {"passed", passed},
                                {"failed", failed},
                                {"unsupported", unsupported}}
                     .dump(2)
              << "\n";
  } else {
    TextTable table({"model", "ops", "MACs", "param bytes", "vectors", "host us/inf", "result"});
    for (const auto& r : reports) {
      const std::string vectors =
          r.vectors ? fmt::format("{}/{} exact", r.vectors_matched, r.vectors) : "-";
      table.add({r.model, std::to_string(r.ops), with_commas(r.macs), with_commas(r.param_bytes),
                 vectors,
                 r.host_us_per_inference > 0 ? fmt::format("{:.1f}", r.host_us_per_inference) : "-",
                 std::string(verdict_name(r.verdict))});
    }
    std::cout << "\n" << table.render();
    for (const auto& r : reports)
      if (r.verdict != Verdict::Pass) std::cout << fmt::format("\n{}: {}", r.model, r.detail);
    std::cout << fmt::format("\n{} passed, {} failed, {} unsupported\n", passed, failed,
                             unsupported);
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace tinyops::cli
