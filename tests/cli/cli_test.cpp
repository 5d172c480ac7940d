// The `tinyops` command as a user runs it: exit codes, messages, --json.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../support/sample_files.hpp"
#include "../support/temp_dir.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_exporter.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops_cli.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using tinyops::test_cli::CliProcess;
using tinyops::test_cli::Result;
using tinyops::test_cli::run_cli;
using TempDir = tinyops::test_support::TempDir;

const fs::path kModels(TINYOPS_SHARED_MODELS);

void write_bytes(const fs::path& p, const std::vector<uint8_t>& bytes) {
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

TEST(Cli, InspectPrintsOperatorsAndTotals) {
  const Result r = run_cli("model inspect " + (kModels / "tflm_hello_world_int8.tflite").string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("FULLY_CONNECTED x3"));
  EXPECT_THAT(r.out, HasSubstr("zero point -128"));
  EXPECT_THAT(r.out, HasSubstr("MACs"));
}

TEST(Cli, InspectJsonIsMachineReadable) {
  const Result r =
      run_cli("model inspect --json " + (kModels / "mlperf_tiny_kws_int8.tflite").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["totals"]["ops"], 13);
  EXPECT_EQ(j["operators"]["CONV_2D"], 5);
  EXPECT_EQ(j["inputs"][0]["shape"], (std::vector<int>{1, 49, 10, 1}));
  EXPECT_EQ(j["inputs"][0]["quantization"]["zero_point"][0], 83);
  EXPECT_GT(j["totals"]["macs"].get<long long>(), 2'000'000);
  EXPECT_EQ(j["layers"].size(), 13u);
}

TEST(Cli, RunWritesTheReferenceOutput) {
  TempDir tmp;
  const fs::path vectors = kModels / "tflm_hello_world_int8.vectors";
  const fs::path out = tmp.path() / "y.bin";
  const Result r =
      run_cli("model run " + (kModels / "tflm_hello_world_int8.tflite").string() + " --input " +
              (vectors / "input_3.bin").string() + " --output " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(tinyops::formats::read_file(out),
            tinyops::formats::read_file(vectors / "output_3.bin"));
}

TEST(Cli, RunAcceptsNpyAndPrintsJson) {
  TempDir tmp;
  const auto raw =
      tinyops::formats::read_file(kModels / "tflm_micro_speech_int8.vectors/input_0.bin");
  std::string header = "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 1960), }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::vector<uint8_t> npy{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<uint8_t>(header.size()),
                           0};
  npy.insert(npy.end(), header.begin(), header.end());
  npy.insert(npy.end(), raw.begin(), raw.end());
  write_bytes(tmp.path() / "x.npy", npy);
  const Result r =
      run_cli("model run --json " + (kModels / "tflm_micro_speech_int8.tflite").string() + " -i " +
              (tmp.path() / "x.npy").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  const auto expected =
      tinyops::formats::read_file(kModels / "tflm_micro_speech_int8.vectors/output_0.bin");
  ASSERT_EQ(j["outputs"][0]["values"].size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(j["outputs"][0]["values"][i].get<int>(), static_cast<int8_t>(expected[i]));
  EXPECT_EQ(j["outputs"][0]["top"].size(), 4u);
}

TEST(Cli, WrongInputSizeIsBadInput) {
  TempDir tmp;
  write_bytes(tmp.path() / "x.bin", {1, 2, 3});
  const Result r = run_cli("model run " + (kModels / "mlperf_tiny_kws_int8.tflite").string() +
                           " --input " + (tmp.path() / "x.bin").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("needs exactly 490"));
}

TEST(Cli, MalformedModelsExitTwoWithAMessage) {
  TempDir tmp;
  const auto good = tinyops::formats::read_file(kModels / "tflm_hello_world_int8.tflite");
  std::vector<uint8_t> truncated(good.begin(), good.begin() + 100);
  write_bytes(tmp.path() / "truncated.tflite", truncated);
  auto wrong_id = good;
  wrong_id[5] = 'X';
  write_bytes(tmp.path() / "wrong_id.tflite", wrong_id);
  write_bytes(tmp.path() / "empty.tflite", {});
  for (const char* name : {"truncated.tflite", "wrong_id.tflite", "empty.tflite"}) {
    const Result r = run_cli("model inspect " + (tmp.path() / name).string());
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.out;
    EXPECT_THAT(r.out, HasSubstr("error: "));
    EXPECT_THAT(r.out, HasSubstr(name));
  }
  const Result missing = run_cli("model inspect " + (tmp.path() / "nope.tflite").string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.out, HasSubstr("no such file"));
}

// hello_world with its first op turned into a CUSTOM op no kernel implements.
fs::path write_unsupported_model(const fs::path& dir) {
  tinyops::Graph g = tinyops::formats::import_tflite_file(kModels / "tflm_hello_world_int8.tflite");
  g.ops[0].type = tinyops::OpType::Custom;
  g.ops[0].name = "NO_SUCH_KERNEL";
  g.ops[0].options = std::monostate{};
  const fs::path path = dir / "unsupported.tflite";
  tinyops::formats::export_tflite_file(g, path);
  return path;
}

TEST(Cli, UnsupportedOperatorNamesTheOpAndTheSupportedList) {
  TempDir tmp;
  const Result r = run_cli("model check " + write_unsupported_model(tmp.path()).string());
  EXPECT_EQ(r.exit_code, 0) << r.out;  // unsupported is reported, not a failed check
  EXPECT_THAT(r.out, HasSubstr("UNSUPPORTED"));
  EXPECT_THAT(r.out, HasSubstr("NO_SUCH_KERNEL"));
  EXPECT_THAT(r.out, HasSubstr("Supported operators: "));
}

TEST(Cli, BadUsageExitsTwo) {
  EXPECT_EQ(run_cli("model frobnicate").exit_code, 2);
  EXPECT_EQ(run_cli("model run").exit_code, 2);
  EXPECT_EQ(run_cli("--version").exit_code, 0);
}

TEST(Cli, CheckPassesOnReferenceVectorsAndFailsOnWrongOnes) {
  TempDir tmp;
  fs::copy_file(kModels / "tflm_hello_world_int8.tflite", tmp.path() / "m.tflite");
  fs::copy(kModels / "tflm_hello_world_int8.vectors", tmp.path() / "m.vectors");
  const Result good = run_cli("model check --json " + tmp.path().string());
  ASSERT_EQ(good.exit_code, 0) << good.out;
  const auto j = nlohmann::json::parse(good.out);
  EXPECT_EQ(j["passed"], 1);
  EXPECT_EQ(j["models"][0]["vectors_matched"], 8);

  auto output = tinyops::formats::read_file(tmp.path() / "m.vectors/output_2.bin");
  output[0] ^= 1;
  fs::permissions(tmp.path() / "m.vectors/output_2.bin", fs::perms::owner_write,
                  fs::perm_options::add);
  write_bytes(tmp.path() / "m.vectors/output_2.bin", output);
  const Result bad = run_cli("model check " + tmp.path().string());
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_THAT(bad.out, HasSubstr("7/8 exact"));
  EXPECT_THAT(bad.out, HasSubstr("FAIL"));
}

TEST(Cli, FarmBoardsListsProfiles) {
  const Result r = run_cli("farm boards --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  bool saw_nano = false;
  for (const auto& b : j) saw_nano |= b["name"] == "nano33ble" && b["ram_bytes"] == 262144;
  EXPECT_TRUE(saw_nano);
}

TEST(Cli, CompileWritesABundleAndChecksTheFit) {
  TempDir tmp;
  const Result ok = run_cli("model compile --json --board nano33ble " +
                            (kModels / "mlperf_tiny_kws_int8.tflite").string() + " -o " +
                            (tmp.path() / "kws").string());
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  const auto j = nlohmann::json::parse(ok.out);
  EXPECT_GT(j["arena_bytes"].get<int>(), 0);
  EXPECT_TRUE(fs::exists(tmp.path() / "kws/model.c"));
  EXPECT_EQ(j["kernels"], "cortex-m-dsp");  // the nRF52840's Cortex-M4F has the DSP extension
  EXPECT_TRUE(fs::exists(tmp.path() / "kws/conv_s8_dsp.c"));
  EXPECT_FALSE(fs::exists(tmp.path() / "kws/signal_rfft_s16.c"));  // only the kernels it uses

  const Result portable = run_cli("model compile --json --reference-kernels --board nano33ble " +
                                  (kModels / "mlperf_tiny_kws_int8.tflite").string() + " -o " +
                                  (tmp.path() / "kws_ref").string());
  ASSERT_EQ(portable.exit_code, 0) << portable.out;
  EXPECT_EQ(nlohmann::json::parse(portable.out)["kernels"], "reference");
  EXPECT_TRUE(fs::exists(tmp.path() / "kws_ref/conv_s8.c"));

  const Result big = run_cli("model compile --board nano33ble " +
                             (kModels / "mlperf_tiny_ad_float32.tflite").string() + " -o " +
                             (tmp.path() / "ad").string());
  EXPECT_EQ(big.exit_code, 1) << big.out;
  EXPECT_THAT(big.out, HasSubstr("flash over by 14,880 bytes"));

  EXPECT_EQ(
      run_cli("model compile --board nope " + (kModels / "tflm_hello_world_int8.tflite").string() +
              " -o " + (tmp.path() / "x").string())
          .exit_code,
      2);
}

}  // namespace

namespace {

TEST(Cli, FarmTestReportsPerBoardAndExitsByOutcome) {
  const std::string hello = (kModels / "tflm_hello_world_int8.tflite").string();
  {  // an operator with no kernel: a failure unless allowed
    TempDir tmp;
    const std::string bad = write_unsupported_model(tmp.path()).string();
    EXPECT_EQ(run_cli("farm test -q --board cortex-m4f " + bad).exit_code, 1);
    EXPECT_EQ(run_cli("farm test -q --allow-unsupported --board cortex-m4f " + bad).exit_code, 0);
  }
  const Result ok = run_cli("farm test -q --json --board cortex-m4f,esp_eye " + hello);
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  const auto j = nlohmann::json::parse(ok.out);
  EXPECT_TRUE(j["passed"].get<bool>());
  const auto& boards = j["models"][0]["boards"];
  ASSERT_EQ(boards.size(), 2u);
  EXPECT_EQ(boards[0]["status"], "pass");
  EXPECT_TRUE(boards[0]["bit_exact"].get<bool>());
  EXPECT_GT(boards[0]["instructions_per_inference"].get<int64_t>(), 0);
  EXPECT_EQ(boards[1]["status"], "size-check-only");

  const Result table = run_cli("farm test --board cortex-m4f " + hello);
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_THAT(table.out, HasSubstr("yes (8/8)"));
  EXPECT_THAT(table.out, HasSubstr("8 vectors: bit-exact"));  // progress on stderr

  // Does not fit: a failed check (1) unless --allow-no-fit.
  const std::string kws = (kModels / "mlperf_tiny_kws_int8.tflite").string();
  const Result misfit = run_cli("farm test -q --board cortex-m0 " + kws);
  EXPECT_EQ(misfit.exit_code, 1) << misfit.out;
  EXPECT_THAT(misfit.out, HasSubstr("RAM over by"));
  EXPECT_EQ(run_cli("farm test -q --allow-no-fit --board cortex-m0 " + kws).exit_code, 0);

  const Result unknown = run_cli("farm test --board arduino-uno " + hello);
  EXPECT_EQ(unknown.exit_code, 2) << unknown.out;
  EXPECT_THAT(unknown.out, HasSubstr("known boards"));
  EXPECT_EQ(run_cli("farm test --board cortex-m4f /no/such.tflite").exit_code, 2);
}

}  // namespace

namespace {

TEST(Cli, DataImportListsSplitsAndVersionsAndRefusesBadFilesWithExitTwo) {
  TempDir tmp;
  const std::string ws = " --workspace " + (tmp.path() / "ws").string();
  ASSERT_EQ(run_cli("init " + (tmp.path() / "ws").string()).exit_code, 0);
  fs::create_directories(tmp.path() / "in/updown");
  for (int k = 0; k < 5; ++k) {
    std::ofstream(tmp.path() / ("in/updown/rec" + std::to_string(k) + ".csv"))
        << "timestamp,accX\n0," << k << "\n10,2\n20,3\n";
  }
  const Result imported = run_cli("data import --json" + ws + " " + (tmp.path() / "in").string());
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  const auto j = nlohmann::json::parse(imported.out);
  EXPECT_EQ(j["imported"], 5);
  EXPECT_EQ(j["per_label"]["updown"], 5);

  std::ofstream(tmp.path() / "bad.csv") << "timestamp,accX\n0,1\n10,x\n";
  const Result bad = run_cli("data import" + ws + " " + (tmp.path() / "bad.csv").string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.out, HasSubstr("bad.csv: line 3, column 2 (accX)"));

  // A WAV cut after three samples, and one whose data chunk claims more than the file.
  fs::create_directories(tmp.path() / "wav/yes");
  auto cut = tinyops::test_samples::tone_wav(16000, 1000);
  cut.resize(44 + 6);
  auto lying = tinyops::test_samples::tone_wav(16000, 100);
  lying[42] = 0x10;  // data size 200 -> 0x1000C8 bytes
  tinyops::formats::write_file(tmp.path() / "wav/yes/cut.wav", cut);
  tinyops::formats::write_file(tmp.path() / "wav/yes/lying.wav", lying);
  const Result wavs = run_cli("data import" + ws + " " + (tmp.path() / "wav").string());
  EXPECT_EQ(wavs.exit_code, 2) << wavs.out;
  EXPECT_THAT(wavs.out, HasSubstr("cut.wav: the WAV's data chunk declares 2000 bytes of audio but "
                                  "the file holds only 6"));
  EXPECT_THAT(wavs.out, HasSubstr("lying.wav: the WAV's data chunk declares 1048776 bytes"));

  const Result list = run_cli("data list --json" + ws);
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(list.out).size(), 5u) << "the bad import wrote nothing";
  const Result split = run_cli("data split --test 0.4 --seed 1 --json" + ws);
  ASSERT_EQ(split.exit_code, 0) << split.out;
  EXPECT_EQ(nlohmann::json::parse(split.out)["labels"]["updown"]["testing"], 2);
  EXPECT_EQ(run_cli("data version v1" + ws).exit_code, 0);
  EXPECT_THAT(run_cli("data versions" + ws).out, HasSubstr("v1"));
  EXPECT_THAT(run_cli("data stats" + ws).out, HasSubstr("5 samples (3 training, 2 testing)"));

  const Result none = run_cli("data list --workspace " + (tmp.path() / "in").string());
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.out, HasSubstr("tinyops init"));
}

}  // namespace

namespace {

TEST(Cli, PipelineRunsAreCachedResumeAfterKillAndDiff) {
  TempDir tmp;
  // The quick gesture example writes its data, tinyops.yaml and a first run.
  const Result first = run_cli("example gestures --quick --json --dir " + tmp.path().string());
  ASSERT_EQ(first.exit_code, 0) << first.out;
  const fs::path dir = tmp.path() / "gestures";
  ASSERT_TRUE(fs::exists(dir / "tinyops.yaml"));

  // Unchanged: every stage is skipped.
  const Result again = run_cli("run --file " + (dir / "tinyops.yaml").string());
  ASSERT_EQ(again.exit_code, 0) << again.out;
  for (const char* stage : {"features", "train", "quantise", "compile", "farm"})
    EXPECT_THAT(again.out,
                HasSubstr(std::string(stage) + ": unchanged inputs, parameters and code: skipped"));

  // A new parameter, and the run killed during training: the features stay done.
  ASSERT_TRUE(tinyops::test_cli::set_yaml_value(dir / "tinyops.yaml", "learning_rate", "0.002"));
  {
    CliProcess killed(CliProcess::tinyops({"run"}), dir);
    ASSERT_TRUE(killed.wait_for("train epoch")) << killed.output();
    ASSERT_TRUE(killed.kill9()) << "the run was not killed during training";
  }
  const Result resumed = run_cli("run --file " + (dir / "tinyops.yaml").string());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out;
  EXPECT_THAT(resumed.out, HasSubstr("features: unchanged inputs, parameters and code: skipped"));
  EXPECT_THAT(resumed.out, HasSubstr("train epoch")) << "training was not finished: it runs again";

  const Result runs = run_cli("runs --json --workspace " + dir.string());
  ASSERT_EQ(runs.exit_code, 0) << runs.out;
  const auto list = nlohmann::json::parse(runs.out);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0]["status"], "succeeded");
  EXPECT_EQ(list[2]["status"], "interrupted") << "the killed run";
  EXPECT_EQ(list[3]["status"], "succeeded");
  const Result diff = run_cli("runs diff 2 4 --json --workspace " + dir.string());
  ASSERT_EQ(diff.exit_code, 0) << diff.out;
  const auto d = nlohmann::json::parse(diff.out);
  ASSERT_EQ(d["params"].size(), 1u);
  EXPECT_EQ(d["params"][0]["key"], "training.learning_rate");
  // The workspace is consistent: every sample still reads back.
  EXPECT_EQ(run_cli("data stats --workspace " + dir.string()).exit_code, 0);
  EXPECT_EQ(run_cli("model list --workspace " + dir.string()).exit_code, 0);
  EXPECT_EQ(run_cli("run --file " + (dir / "missing.yaml").string()).exit_code, 2);
}

}  // namespace

TEST(Cli, KeysAndReleasesRefuseWhatTheyCannotDoWithExitTwo) {
  TempDir tmp;
  const std::string ws = " --workspace " + (tmp.path() / "ws").string();
  ASSERT_EQ(run_cli("init " + (tmp.path() / "ws").string()).exit_code, 0);
  const Result created = run_cli("key create default --json" + ws);
  ASSERT_EQ(created.exit_code, 0) << created.out;
  EXPECT_THAT(created.out, HasSubstr("\"public_key\""));
  const Result again = run_cli("key create default" + ws);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.out, HasSubstr("exists already"));
  EXPECT_EQ(run_cli("key create ../x" + ws).exit_code, 2);
  const Result listed = run_cli("key list" + ws);
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_THAT(listed.out, HasSubstr("1 keys"));
  const Result unknown = run_cli("release create 0123456789ab --board nano33ble" + ws);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.out, HasSubstr("no artifact 0123456789ab"));
  const Result no_board = run_cli("release create 0123456789ab" + ws);
  EXPECT_EQ(no_board.exit_code, 2);
  EXPECT_THAT(no_board.out, HasSubstr("--board"));
  const Result none = run_cli("release list --json" + ws);
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_THAT(none.out, HasSubstr("[]"));
}

TEST(Cli, FleetEnrollsListsAndShowsDevices) {
  TempDir tmp;
  const std::string ws = " --workspace " + (tmp.path() / "ws").string();
  ASSERT_EQ(run_cli("init " + (tmp.path() / "ws").string()).exit_code, 0);
  const Result enrolled = run_cli("fleet enroll dev-1 --board nano33ble --tag canary" + ws);
  ASSERT_EQ(enrolled.exit_code, 0) << enrolled.out;
  EXPECT_THAT(enrolled.out, HasSubstr("shown only now"));
  EXPECT_EQ(run_cli("fleet enroll dev-1 --board nano33ble" + ws).exit_code, 2);
  EXPECT_EQ(run_cli("fleet enroll dev-2 --board no-such-board" + ws).exit_code, 2);
  ASSERT_EQ(run_cli("fleet enroll dev-3 --board nano33ble" + ws).exit_code, 0);
  const Result canary = run_cli("fleet list --tag canary --json" + ws);
  EXPECT_EQ(canary.exit_code, 0);
  EXPECT_THAT(canary.out, HasSubstr("\"dev-1\""));
  EXPECT_EQ(canary.out.find("dev-3"), std::string::npos);
  const Result shown = run_cli("fleet show dev-3" + ws);
  EXPECT_EQ(shown.exit_code, 0);
  EXPECT_THAT(shown.out, HasSubstr("nano33ble"));
  EXPECT_EQ(shown.out.find("secret"), std::string::npos) << "the credential is never shown again";
  EXPECT_EQ(run_cli("fleet show nobody" + ws).exit_code, 2);
}

// The happy path of rollouts is RolloutTest (tests/fleet); here: the CLI's refusals.
TEST(Cli, FleetServeAndSimulateRefuseBadInputWithExitTwo) {
  TempDir tmp;
  const std::string ws = " --workspace " + (tmp.path() / "ws").string();
  ASSERT_EQ(run_cli("init " + (tmp.path() / "ws").string()).exit_code, 0);
  const Result count = run_cli("fleet simulate --devices 0" + ws);
  EXPECT_EQ(count.exit_code, 2);
  EXPECT_THAT(count.out, HasSubstr("simulate 1 to 100000 devices"));
  const Result no_key = run_cli("fleet simulate --devices 2 --seconds 0.1" + ws);
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_THAT(no_key.out, HasSubstr("tinyops key create"));
  const Result no_release = run_cli("fleet emulate --board nano33ble --seconds 0.1" + ws);
  EXPECT_EQ(no_release.exit_code, 2);
  EXPECT_THAT(no_release.out, HasSubstr("release create"));
  EXPECT_EQ(run_cli("fleet emulate --board nosuchboard" + ws).exit_code, 2);
  EXPECT_EQ(run_cli("fleet serve --port 0" + ws).exit_code, 2);
  EXPECT_EQ(run_cli("fleet serve --port 70000" + ws).exit_code, 2);
}

TEST(Cli, RolloutsRefuseBadPlansWithExitTwo) {
  TempDir tmp;
  const std::string ws = " --workspace " + (tmp.path() / "ws").string();
  ASSERT_EQ(run_cli("init " + (tmp.path() / "ws").string()).exit_code, 0);
  const Result stages = run_cli("rollout start 0123456789ab --stages 10,5,100" + ws);
  EXPECT_EQ(stages.exit_code, 2);
  EXPECT_THAT(stages.out, HasSubstr("more devices than the one before"));
  const Result rate = run_cli("rollout start 0123456789ab --max-failure-rate 150%" + ws);
  EXPECT_EQ(rate.exit_code, 2);
  EXPECT_THAT(rate.out, HasSubstr("failure rate '150%'"));
  const Result bake = run_cli("rollout start 0123456789ab --bake soon" + ws);
  EXPECT_EQ(bake.exit_code, 2);
  EXPECT_THAT(bake.out, HasSubstr("duration 'soon'"));
  const Result unknown = run_cli("rollout start 0123456789ab" + ws);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.out, HasSubstr("0123456789ab"));
  const Result missing = run_cli("rollout status 7" + ws);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.out, HasSubstr("no rollout 7"));
  EXPECT_EQ(run_cli("rollout pause 7" + ws).exit_code, 2);
  const Result none = run_cli("rollout list --json" + ws);
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_THAT(none.out, HasSubstr("[]"));
}
