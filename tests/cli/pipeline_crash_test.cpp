// `tinyops run` meeting what users do to it: killed with SIGKILL at each of its stages and
// run again, and two commands writing one workspace at once. Afterwards the rerun finishes,
// the work finished before the kill is not redone, `tinyops runs` says what happened, and
// the workspace is consistent: every artifact's object is there with its content, lineage
// points at recorded artifacts, no sample is there twice, nothing the killed run started
// is left running.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "../support/temp_dir.hpp"
#include "tinyops/core/content_id.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops_cli.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using tinyops::test_cli::CliProcess;
using tinyops::test_cli::Result;
using tinyops::test_cli::run_cli;
using tinyops::test_cli::set_yaml_value;
using tinyops::test_cli::start_cli;
using json = nlohmann::json;

const std::vector<std::string> kImpulseStages = {"features", "train", "quantise", "compile",
                                                 "farm"};
const std::vector<std::string> kArtifactKinds = {"dataset_version", "feature_set", "training_run",
                                                 "float_model",     "int8_model",  "bundle",
                                                 "farm_report"};

// The JSON a `tinyops ... --json` printed; null (and a test failure) unless it succeeded.
json json_of(CliProcess& command, const std::string& what) {
  const int exit_code = command.finish();
  if (exit_code != 0) {
    ADD_FAILURE() << "tinyops " << what << " exited " << exit_code << ":\n" << command.output();
    return nullptr;
  }
  try {
    return json::parse(command.output());
  } catch (const json::exception& e) {
    ADD_FAILURE() << "tinyops " << what << ": not JSON (" << e.what() << "):\n" << command.output();
    return nullptr;
  }
}

std::string json_on(const fs::path& ws) {
  return " --json --workspace " + ws.string();
}

// `tinyops ARGS --json` on the workspace.
json cli_json(const fs::path& ws, const std::string& args) {
  return json_of(*start_cli(args + json_on(ws)), args);
}

// The same for several commands, run side by side (readers do not wait for each other).
std::vector<json> cli_json_together(const fs::path& ws, const std::vector<std::string>& args) {
  std::vector<std::unique_ptr<CliProcess>> commands;
  for (const std::string& a : args) commands.push_back(start_cli(a + json_on(ws)));
  std::vector<json> out;
  for (size_t i = 0; i < args.size(); ++i) out.push_back(json_of(*commands[i], args[i]));
  return out;
}

json runs_of(const fs::path& ws) {
  json runs = cli_json(ws, "runs");
  return runs.is_array() ? runs : json::array();
}

std::vector<json> runs_after(const json& runs, int64_t id) {
  std::vector<json> out;
  for (const json& r : runs)
    if (r.at("id").get<int64_t>() > id) out.push_back(r);
  return out;
}

json stage_of(const json& run, const std::string& stage) {
  for (const json& s : run.at("stages"))
    if (s.at("stage") == stage) return s;
  return nullptr;
}

size_t sample_count(const fs::path& ws) {
  const json samples = cli_json(ws, "data list");
  return samples.is_array() ? samples.size() : 0;
}

std::vector<uint8_t> object_bytes(const fs::path& ws, const std::string& id) {
  const fs::path p = ws / ".tinyops" / "objects" / id.substr(0, 2) / id.substr(2);
  return fs::is_regular_file(p) ? tinyops::formats::read_file(p) : std::vector<uint8_t>{};
}

void expect_object(const fs::path& ws, const std::string& id, const std::string& what) {
  const std::vector<uint8_t> bytes = object_bytes(ws, id);
  EXPECT_FALSE(bytes.empty()) << what << " " << id << ": no object under .tinyops/objects";
  EXPECT_EQ(tinyops::sha256_hex(bytes), id)
      << what << " " << id << ": the object's content is not its id";
}

// What the runs table says is there, is: every stage output an object with its content.
void expect_outputs_stored(const fs::path& ws, const json& runs) {
  for (const json& run : runs)
    for (const json& stage : run.at("stages"))
      for (const json& id : stage.at("outputs"))
        expect_object(ws, id,
                      "run " + run.at("id").dump() + " " + stage.at("stage").get<std::string>());
}

// The registry agrees with itself, the runs and the object store: each artifact listed once
// with its object, every run's outputs and model in it, the newest model's lineage whole;
// and no sample twice.
void expect_registry_consistent(const fs::path& ws) {
  std::vector<std::string> commands = {"runs", "data list"};
  for (const std::string& kind : kArtifactKinds) commands.push_back("model list --kind " + kind);
  const std::vector<json> answers = cli_json_together(ws, commands);
  const json& runs = answers[0];
  const json& samples = answers[1];
  std::map<std::string, std::string> kinds;  // artifact id -> kind
  for (size_t k = 0; k < kArtifactKinds.size(); ++k) {
    const json& list = answers[2 + k];
    ASSERT_TRUE(list.is_array()) << kArtifactKinds[k];
    for (const json& a : list) {
      const std::string id = a.at("id");
      EXPECT_EQ(a.at("kind").get<std::string>(), kArtifactKinds[k]);
      EXPECT_TRUE(kinds.emplace(id, kArtifactKinds[k]).second)
          << "artifact " << id << " listed twice";
      expect_object(ws, id, kArtifactKinds[k]);
    }
  }
  ASSERT_TRUE(runs.is_array() && !runs.empty());
  expect_outputs_stored(ws, runs);
  for (const json& run : runs) {
    for (const json& stage : run.at("stages"))
      for (const json& id : stage.at("outputs"))
        EXPECT_TRUE(kinds.count(id.get<std::string>()))
            << "run " << run.at("id") << ", " << stage.at("stage") << ": output " << id
            << " is not in the registry";
    if (run.at("status") == "succeeded") {
      EXPECT_EQ(kinds[run.at("metrics").at("model").get<std::string>()], "int8_model")
          << "run " << run.at("id");
    }
  }
  ASSERT_EQ(runs.back().at("status").get<std::string>(), "succeeded");
  const json lineage =
      cli_json(ws, "lineage " + runs.back().at("metrics").at("model").get<std::string>());
  ASSERT_TRUE(lineage.is_object());
  std::set<std::string> reached;
  for (const char* direction : {"ancestors", "descendants"})
    for (const json& a : lineage.at(direction)) {
      EXPECT_EQ(kinds[a.at("id").get<std::string>()], a.at("kind").get<std::string>())
          << "lineage names " << a.at("id");
      reached.insert(a.at("kind").get<std::string>());
    }
  for (const std::string& kind : kArtifactKinds)
    EXPECT_TRUE(kind == "int8_model" || reached.count(kind))
        << "the newest model's lineage has no " << kind;
  ASSERT_TRUE(samples.is_array());
  std::set<std::string> ids;
  for (const json& s : samples)
    EXPECT_TRUE(ids.insert(s.at("id").get<std::string>()).second)
        << "sample " << s.at("id") << " twice";
}

// New samples: copies of each label's first CSV recordings under `from`, their first value
// prefixed with `mark` + k (3.02 -> 4103.02), so that their content (and id) is new. Each
// caller passes a mark of its own.
void write_new_samples(const fs::path& from, const fs::path& to, int mark, int per_label) {
  for (const auto& label : fs::directory_iterator(from)) {
    if (!label.is_directory()) continue;
    std::vector<fs::path> files;
    for (const auto& f : fs::directory_iterator(label.path()))
      if (f.path().extension() == ".csv") files.push_back(f.path());
    std::sort(files.begin(), files.end());
    fs::create_directories(to / label.path().filename());
    for (int k = 0; k < per_label && k < static_cast<int>(files.size()); ++k) {
      std::string text = tinyops::test_cli::read_text(files[static_cast<size_t>(k)]);
      text.insert(text.find(',', text.find('\n')) + 1, std::to_string(100 * mark + k));
      std::ofstream(to / label.path().filename() /
                    ("new-" + std::to_string(mark) + "-" + std::to_string(k) + ".csv"))
          << text;
    }
  }
}

// One workspace for the suite: the quick gesture example (its data, tinyops.yaml and a
// first run), made once. Each test runs pipeline files of its own, with parameter values no
// other test uses, so the stages it means to run are never in the cache already.
class PipelineCrash : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = std::make_unique<tinyops::test_support::TempDir>("crash");
    const Result r = run_cli("example gestures --quick --json --dir " + tmp_->path().string());
    if (r.exit_code != 0)
      setup_error_ =
          "tinyops example gestures --quick: exit " + std::to_string(r.exit_code) + "\n" + r.out;
  }
  static void TearDownTestSuite() { tmp_.reset(); }
  void SetUp() override { ASSERT_EQ(setup_error_, ""); }

  static fs::path ws() { return tmp_->path() / "gestures"; }

  // A copy of the example's pipeline file, smaller but real: every stage still does its
  // work (pruning and fine-tuning too) and the farm runs a few test examples on the board.
  static fs::path pipeline_file(const std::string& name) {
    const fs::path file = ws() / (name + ".yaml");
    fs::copy_file(ws() / "tinyops.yaml", file, fs::copy_options::overwrite_existing);
    EXPECT_TRUE(set_yaml_value(file, "epochs", "12"));
    EXPECT_TRUE(set_yaml_value(file, "fine_tune_epochs", "2"));
    EXPECT_TRUE(set_yaml_value(file, "device_examples", "6"));
    return file;
  }

  static inline std::unique_ptr<tinyops::test_support::TempDir> tmp_;
  static inline std::string setup_error_;
};

// When the killed command has got where the test wants it.
using Reached = std::function<bool(const CliProcess&)>;

Reached printed(const std::string& text) {
  return [text](const CliProcess& p) { return p.output().find(text) != std::string::npos; };
}

// Importing a few files prints nothing until it is done; its staging folder shows it has
// started. (When the summary is out, it is done already: kill it there.)
Reached importing(const fs::path& ws) {
  return [ws](const CliProcess& p) {
    const std::string prefix = "import-" + std::to_string(p.pid()) + "-";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(ws / ".tinyops" / "tmp", ec))
      if (entry.path().filename().string().starts_with(prefix)) return true;
    return p.output().find("import: ") != std::string::npos;
  };
}

// The emulator runs the test examples (or, when the farm's summary is out, has run them).
Reached emulating() {
  return [](const CliProcess& p) {
    for (const auto& [pid, name] : p.group())
      if (name == "qemu-system-arm") return true;
    return p.output().find(" vectors: ") != std::string::npos;
  };
}

struct KillPoint {
  std::string stage;                                 // where the run is killed
  Reached reached;                                   // it has got there
  size_t stages_before;                              // impulse stages finished (cached) before it
  std::function<bool(const fs::path& file)> change;  // a parameter that makes it run again
};

TEST_F(PipelineCrash, KillNineAtEachStageThenRerunResumes) {
  const fs::path file = pipeline_file("killed");
  const size_t samples_before = sample_count(ws());
  const std::vector<KillPoint> points = {
      {"import", importing(ws()), 0,
       [&](const fs::path&) {
         write_new_samples(ws() / "data", ws() / "data", 41, 1);
         return true;
       }},
      {"split", printed("split: "), 0,
       [](const fs::path& f) { return set_yaml_value(f, "split", "{test: 0.2, seed: 2}"); }},
      {"features", printed("features: spectral block"), 0,
       [](const fs::path& f) { return set_yaml_value(f, "cutoff_hz", "9"); }},
      {"train", printed("train epoch"), 1,
       [](const fs::path& f) { return set_yaml_value(f, "learning_rate", "0.0025"); }},
      {"quantise", printed("quantise: int8 with"), 2,
       [](const fs::path& f) { return set_yaml_value(f, "accuracy_threshold", "0.85"); }},
      // Compiling prints nothing; the quantise summary comes just before it starts.
      {"compile", printed("quantise: float"), 3,
       [](const fs::path& f) { return set_yaml_value(f, "board", "cortex-m4f"); }},
      // More test examples: the emulator runs long enough to be caught running.
      {"farm", emulating(), 4,
       [](const fs::path& f) { return set_yaml_value(f, "device_examples", "30"); }},
      // Every stage is cached; the farm's is recorded just after its line, then the promotion.
      {"promote", printed("farm: unchanged"), 4,
       [](const fs::path& f) {
         return set_yaml_value(f, "promote", "staging", "accuracy_threshold");
       }},
  };
  json runs = runs_of(ws());
  int killed_mid_stage = 0;
  for (const KillPoint& point : points) {
    SCOPED_TRACE("killed at " + point.stage);
    ASSERT_TRUE(point.change(file));
    const int64_t before = runs.empty() ? 0 : runs.back().at("id").get<int64_t>();

    bool killed = false;
    {
      CliProcess run(CliProcess::tinyops({"run", "--file", file.string()}), ws());
      ASSERT_TRUE(run.wait_until([&] { return point.reached(run); })) << "it never got there:\n"
                                                                      << run.output();
      killed = run.kill9();
      // Promotion is the last step: the run may have ended before the signal came.
      if (point.stage != "promote") {
        ASSERT_TRUE(killed) << "it ended before it was killed:\n" << run.output();
      }
      EXPECT_THAT(run.survivors(std::chrono::seconds(10)), IsEmpty())
          << "what the killed run started still runs";
    }

    // The runs table: the killed run is there, interrupted, with the stages it had finished.
    const json after_kill = runs_of(ws());
    const std::vector<json> victims = runs_after(after_kill, before);
    EXPECT_EQ(victims.size(), 1u) << "the killed run is not in `tinyops runs` (or twice)";
    const json victim =
        victims.empty() ? json{{"id", before}, {"stages", json::array()}} : victims[0];
    if (!victims.empty() && (point.stage != "promote" || victim.at("status") == "interrupted")) {
      EXPECT_EQ(victim.at("status").get<std::string>(), "interrupted");
    } else if (!victims.empty()) {
      // Killed after it had recorded its end: then it has done all it was asked.
      EXPECT_EQ(victim.at("status").get<std::string>(), "succeeded");
      const json model =
          cli_json(ws(), "model show " + victim.at("metrics").at("model").get<std::string>());
      EXPECT_EQ(model.at("stage").get<std::string>(), "staging")
          << "a run recorded as succeeded has not promoted its model";
    }
    for (size_t i = 0; i < point.stages_before; ++i) {
      const json s = stage_of(victim, kImpulseStages[i]);
      ASSERT_FALSE(s.is_null()) << kImpulseStages[i] << " came before the kill but is not recorded";
      EXPECT_EQ(s.at("status").get<std::string>(), "cached") << kImpulseStages[i];
    }
    killed_mid_stage += killed && (point.stages_before == kImpulseStages.size() ||
                                   stage_of(victim, kImpulseStages[point.stages_before]).is_null());
    expect_outputs_stored(ws(), after_kill);  // right after the kill, before anything repairs it

    // The rerun finishes; what the killed run had finished comes from the cache.
    const Result rerun = run_cli("run --file " + file.string());
    ASSERT_EQ(rerun.exit_code, 0) << rerun.out;
    runs = runs_of(ws());
    ASSERT_EQ(runs_after(runs, before).size(), victims.size() + 1);
    const json resumed = runs.back();
    EXPECT_EQ(resumed.at("status").get<std::string>(), "succeeded");
    if (!victims.empty()) {
      EXPECT_EQ(runs_after(runs, before)[0].at("status"), victim.at("status"))
          << "the killed run stays as it was";
    }
    for (const std::string& stage : kImpulseStages) {
      const json now = stage_of(resumed, stage), then = stage_of(victim, stage);
      ASSERT_FALSE(now.is_null()) << stage << " is missing from the rerun";
      if (then.is_null()) continue;
      EXPECT_EQ(now.at("status").get<std::string>(), "cached")
          << stage << " was finished by the killed run, and done again";
      EXPECT_EQ(now.at("outputs"), then.at("outputs")) << stage;
      EXPECT_THAT(rerun.out, HasSubstr(stage + ": unchanged inputs, parameters and code: skipped"));
    }
    expect_outputs_stored(ws(), json::array({resumed}));
    if (point.stage == "import") {
      EXPECT_EQ(sample_count(ws()), samples_before + 4) << "each new file once";
    }
    if (point.stage == "promote") {
      const json model =
          cli_json(ws(), "model show " + resumed.at("metrics").at("model").get<std::string>());
      EXPECT_EQ(model.at("stage").get<std::string>(), "staging");
      EXPECT_THAT(rerun.out, HasSubstr("promote: "));
    }
  }
  expect_registry_consistent(ws());
  // A kill can land after the stage it aimed at has finished (the checks above hold either
  // way); this counts the ones that came before.
  std::cout << "[ killed before the stage aimed at had finished: " << killed_mid_stage << " of "
            << points.size() << " ]\n";
}

// The promotion is the run's last step: when the production gate refuses it, the run
// failed (it is not recorded as succeeded while the command reports an error).
TEST_F(PipelineCrash, RefusedPromotionFailsTheRun) {
  const fs::path file = pipeline_file("refused");
  ASSERT_TRUE(set_yaml_value(file, "seed", "77"));  // a model of its own: its threshold is this one
  ASSERT_TRUE(set_yaml_value(file, "accuracy_threshold", "1.5"));
  ASSERT_TRUE(set_yaml_value(file, "promote", "production", "accuracy_threshold"));
  const Result r = run_cli("run --file " + file.string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.out, HasSubstr("cannot promote"));
  const json runs = runs_of(ws());
  ASSERT_FALSE(runs.empty());
  EXPECT_EQ(runs.back().at("status").get<std::string>(), "failed");
}

TEST_F(PipelineCrash, TwoRunsAndAnImportWriteOneWorkspaceAtOnce) {
  // A parameter sweep: two files of one pipeline (so one outputs folder), two seeds.
  const fs::path a = pipeline_file("sweep-a"), b = pipeline_file("sweep-b");
  for (const auto& [file, seed] : {std::pair{a, "31"}, std::pair{b, "32"}}) {
    ASSERT_TRUE(set_yaml_value(file, "pipeline", "sweep"));
    ASSERT_TRUE(set_yaml_value(file, "seed", seed));  // the training seed (the split's is inline)
  }
  const size_t samples_before = sample_count(ws());
  write_new_samples(ws() / "data", ws() / "more", 51, 2);
  const json runs_before = runs_of(ws());
  const int64_t before = runs_before.empty() ? 0 : runs_before.back().at("id").get<int64_t>();

  std::vector<std::unique_ptr<CliProcess>> writers;
  for (const fs::path& file : {a, b})
    writers.push_back(
        std::make_unique<CliProcess>(CliProcess::tinyops({"run", "--file", file.string()}), ws()));
  writers.push_back(std::make_unique<CliProcess>(CliProcess::tinyops(
      {"data", "import", "--workspace", ws().string(), (ws() / "more").string()})));
  for (const auto& w : writers) {
    ASSERT_TRUE(w->started());
    EXPECT_EQ(w->finish(), 0) << w->output();
  }
  if (HasFailure()) return;

  // Both runs are recorded and succeeded, each with all its stages, each its own.
  const std::vector<json> sweep = runs_after(runs_of(ws()), before);
  ASSERT_EQ(sweep.size(), 2u);
  std::set<int> seeds;
  for (const json& run : sweep) {
    SCOPED_TRACE("run " + run.at("id").dump());
    EXPECT_EQ(run.at("status").get<std::string>(), "succeeded");
    EXPECT_EQ(run.at("pipeline").get<std::string>(), "sweep");
    seeds.insert(run.at("params").at("training").at("seed").get<int>());
    for (const std::string& stage : kImpulseStages)
      ASSERT_FALSE(stage_of(run, stage).is_null()) << stage;
    EXPECT_EQ(run.at("metrics").at("model"), stage_of(run, "quantise").at("outputs").at(1));
    // The farm report is about this run's model: its vectors, its firmware.
    const json report = cli_json(
        ws(), "model show " + stage_of(run, "farm").at("outputs").at(0).get<std::string>());
    ASSERT_TRUE(report.is_object());
    const json board = report.at("metadata").at("boards").at(0);
    EXPECT_TRUE(board.at("bit_exact").get<bool>()) << board.dump();
    EXPECT_TRUE(board.at("passed").get<bool>()) << board.dump();
    EXPECT_EQ(board.at("examples"), 6);
  }
  EXPECT_EQ(seeds, (std::set<int>{31, 32}));
  EXPECT_EQ(sample_count(ws()), samples_before + 8) << "the import's 8 new samples, each once";

  // The files exported to the pipeline's folder are one run's, whole (the last one wins).
  const fs::path out = ws() / "artifacts" / "sweep";
  const std::vector<uint8_t> exported = tinyops::formats::read_file(out / "sweep_int8.tflite");
  bool model_is_one_runs = false, bundle_is_one_runs = false;
  for (const json& run : sweep) {
    model_is_one_runs |=
        exported == object_bytes(ws(), stage_of(run, "quantise").at("outputs").at(1));
    const std::vector<uint8_t> bundle =
        object_bytes(ws(), stage_of(run, "compile").at("outputs").at(0));
    bool all_match = true;
    for (const auto& [path, text] : json::parse(bundle.begin(), bundle.end()).at("files").items())
      all_match &= tinyops::test_cli::read_text(out / "bundle" / path) == text.get<std::string>();
    bundle_is_one_runs |= all_match;
  }
  EXPECT_TRUE(model_is_one_runs) << "sweep_int8.tflite is neither run's model";
  EXPECT_TRUE(bundle_is_one_runs) << "the bundle folder mixes the two runs' files";
  expect_registry_consistent(ws());
}

}  // namespace
