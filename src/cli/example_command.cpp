// `tinyops example NAME`: a bundled example end to end, with a report people can read
// (or --json).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/pipeline/examples.hpp"
#include "tinyops/pipeline/pipeline_file.hpp"
#include "tinyops/pipeline/queue.hpp"

namespace tinyops::cli {

namespace fs = std::filesystem;

namespace {

nlohmann::json report_json(const pipeline::ImpulseReport& r) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : r.stages)
    stages.push_back({{"stage", s.stage}, {"accuracy", s.accuracy}, {"parameters", s.parameters},
                      {"nonzero_parameters", s.nonzero_parameters}, {"macs", s.macs}});
  nlohmann::json classes = nlohmann::json::array();
  for (size_t c = 0; c < r.labels.size(); ++c) {
    const auto& m = r.int8_report.classes[c];
    classes.push_back({{"label", r.labels[c]}, {"precision", m.precision}, {"recall", m.recall},
                       {"f1", m.f1}, {"support", m.support}});
  }
  return {{"name", r.name},
          {"labels", r.labels},
          {"feature_shape", r.feature_shape},
          {"examples", {{"training", r.training_examples}, {"validation", r.validation_examples}, {"test", r.test_examples}}},
          {"stages", stages},
          {"float_accuracy", r.float_accuracy},
          {"int8_accuracy", r.int8_accuracy},
          {"device_accuracy", r.device_accuracy},
          {"calibration", r.calibration},
          {"device_examples", r.device_examples},
          {"device_bit_exact", r.device_bit_exact},
          {"classes", classes},
          {"confusion", r.int8_report.confusion},
          {"board", r.board},
          {"fits", r.fits},
          {"flash_bytes", r.flash_bytes},
          {"ram_bytes", r.ram_bytes},
          {"arena_bytes", r.arena_bytes},
          {"instructions", r.instructions},
          {"estimated_ms", r.estimated_ms},
          {"float_model", r.float_model.string()},
          {"int8_model", r.int8_model.string()},
          {"bundle", r.bundle.string()},
          {"model_id", r.model_id},
          {"farm_report_id", r.farm_report_id}};
}

void print_report(const pipeline::ImpulseReport& r, double target) {
  std::cout << fmt::format("\n=== {} ===\n", r.name);
  std::cout << r.network;
  std::cout << fmt::format("examples: {} training, {} validation, {} test\n\n", r.training_examples,
                           r.validation_examples, r.test_examples);
  TextTable stages({"stage", "test accuracy", "parameters", "nonzero", "MACs"});
  for (const auto& s : r.stages)
    stages.add({s.stage, fmt::format("{:.1f} %", 100 * s.accuracy), with_commas(s.parameters),
                with_commas(s.nonzero_parameters), with_commas(s.macs)});
  std::cout << stages.render() << "\n";
  TextTable classes({"label", "precision", "recall", "F1", "support"});
  for (size_t c = 0; c < r.labels.size(); ++c) {
    const auto& m = r.int8_report.classes[c];
    classes.add({r.labels[c], fmt::format("{:.3f}", m.precision), fmt::format("{:.3f}", m.recall),
                 fmt::format("{:.3f}", m.f1), std::to_string(m.support)});
  }
  std::cout << "int8 on the test set (host interpreter):\n" << classes.render() << "\n";
  std::cout << "confusion matrix (int8, test set):\n" << train::confusion_text(r.int8_report, r.labels) << "\n";
  std::cout << fmt::format(
      "{}: {}, flash {} bytes, RAM {} bytes (arena {}), {} instructions per inference, ~{:.2f} ms\n",
      r.board, r.fits ? "fits" : "DOES NOT FIT", with_commas(r.flash_bytes), with_commas(r.ram_bytes),
      with_commas(r.arena_bytes), with_commas(r.instructions), r.estimated_ms);
  std::cout << fmt::format("device: {} test examples, accuracy {:.1f} %, {}\n", r.device_examples,
                           100 * r.device_accuracy,
                           r.device_bit_exact ? "bit-exact with the host" : "NOT bit-exact with the host");
  const bool within = r.float_accuracy - r.int8_accuracy <= 0.015;
  std::cout << fmt::format("accuracy: float {:.1f} %, int8 {:.1f} % ({} calibration; {}within 1.5 points); target {:.0f} %: {}\n",
                           100 * r.float_accuracy, 100 * r.int8_accuracy, r.calibration, within ? "" : "NOT ",
                           100 * target, r.int8_accuracy >= target ? "met" : "MISSED");
  std::cout << fmt::format("artifacts: {}, {}, {}/\n", r.float_model.string(), r.int8_model.string(), r.bundle.string());
  std::cout << fmt::format("registry: int8 model {} (`tinyops model show {}`, `tinyops lineage {}`)\n",
                           r.model_id.substr(0, 12), r.model_id.substr(0, 12), r.model_id.substr(0, 12));
}

}  // namespace

int pipeline_run(const PipelineRunArgs& args) {
  const fs::path file = args.file;
  store::Workspace ws = open_workspace(args, fs::absolute(file).parent_path());
  if (args.queue) {
    const int64_t run = pipeline::enqueue_pipeline(ws, file);
    if (args.json) {
      std::cout << nlohmann::json{{"run", run}, {"status", "queued"}}.dump(2) << "\n";
    } else {
      std::cout << fmt::format("run {} queued: its stages wait for workers (`tinyops worker`); follow it with "
                               "`tinyops jobs --run {}`\n", run, run);
    }
    return 0;
  }
  const pipeline::PipelineResult result =
      pipeline::run_pipeline(ws, file, [](const std::string& line) { std::cerr << line << "\n"; });
  const auto& r = result.report;
  if (args.json) {
    nlohmann::json j = report_json(r);
    j["run"] = r.run_id;
    j["promoted"] = result.promoted;
    std::cout << j.dump(2) << "\n";
  } else {
    print_report(r, pipeline::load_pipeline(file).impulse.accuracy_threshold);
    std::cout << fmt::format("run {} recorded (`tinyops runs`)\n", r.run_id);
  }
  return r.device_bit_exact && r.fits ? 0 : 1;
}

int run_example(const ExampleArgs& args) {
  pipeline::ExampleOptions o;
  o.name = args.name;
  o.dir = args.dir;
  o.board = args.board;
  o.seed = args.seed;
  o.quick = args.quick;
  o.progress = [](const std::string& line) { std::cerr << line << "\n"; };
  o.setup_only = args.setup_only;
  const pipeline::ExampleResult result = pipeline::run_example(o);
  if (args.setup_only) {
    std::vector<std::string> files;
    for (const auto& f : result.pipeline_files) files.push_back(f.string());
    if (args.json) {
      std::cout << nlohmann::json{{"example", args.name}, {"workspace", result.workspace.string()},
                                  {"pipelines", files}}.dump(2) << "\n";
    } else {
      for (const auto& f : result.pipeline_files)
        std::cout << fmt::format("ready: {} (run it: cd {} && tinyops run -f {})\n", f.string(),
                                 result.workspace.string(), f.filename().string());
    }
    return 0;
  }
  bool ok = true;
  for (const auto& r : result.impulses) ok &= r.device_bit_exact && r.fits;
  if (args.json) {
    nlohmann::json out = {{"example", args.name}, {"workspace", result.workspace.string()},
                          {"target_accuracy", result.target}, {"impulses", nlohmann::json::array()}};
    for (const auto& r : result.impulses) out["impulses"].push_back(report_json(r));
    std::cout << out.dump(2) << "\n";
  } else {
    for (const auto& r : result.impulses) print_report(r, result.target);
  }
  return ok ? 0 : 1;
}

}  // namespace tinyops::cli
