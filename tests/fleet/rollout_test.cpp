// Staged rollouts: stages reach their share of the cohort, bake, halt and revert on too
// many failures, pause/resume/abort, silent devices, and the commands a reconnecting server
// sends again. Devices are played by reports; the controller's clock is given.
#include "tinyops/fleet/rollout.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/expect_error.hpp"
#include "../support/temp_dir.hpp"
#include "tinyops/fleet/devices.hpp"
#include "tinyops/fleet/keys.hpp"
#include "tinyops/fleet/release.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/store/registry.hpp"

namespace tinyops::fleet {
namespace {

using test_support::error_of;
using ::testing::HasSubstr;

const std::filesystem::path kModel =
    std::filesystem::path(TINYOPS_SHARED_MODELS) / "tflm_hello_world_int8.tflite";

// One workspace with one release of hello_world for nano33ble, shared by the tests (a
// release builds firmware), and a fresh cohort of devices per test.
class RolloutTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new test_support::TempDir("rollout");
    ws_ = new store::Workspace(store::Workspace::init(tmp_->path()));
    const std::vector<uint8_t> bytes = formats::read_file(kModel);
    const store::Artifact model = store::record_artifact(*ws_, "int8_model", "hello_world", bytes, "{}");
    nlohmann::json meta;
    meta["boards"] = nlohmann::json::array({{{"board", "nano33ble"}, {"passed", true}, {"fits", true}, {"bit_exact", true}}});
    const std::string text = meta.dump();
    store::record_artifact(*ws_, "farm_report", "hello_world@nano33ble/farm",
                           std::vector<uint8_t>(text.begin(), text.end()), text, {{model.id, "model"}});
    create_key(*ws_, "default");
    ReleaseOptions o;
    o.model = model.id;
    o.board = "nano33ble";
    release_ = new std::string(create_release(*ws_, o).id);
  }
  static void TearDownTestSuite() {
    delete release_;
    delete ws_;
    delete tmp_;
  }

  // `n` devices tagged with a tag of their own, so each test has its own cohort.
  std::string cohort(int n) {
    const std::string tag = "c" + std::to_string(++cohorts_);
    for (int i = 0; i < n; ++i) enroll_device(*ws_, tag + "-d" + std::to_string(i), "nano33ble", {tag});
    return tag;
  }
  RolloutOptions options(const std::string& tag) {
    RolloutOptions o;
    o.release = *release_;
    o.cohort = tag;
    o.stages = {10, 50, 100};
    o.bake_seconds = 60;
    o.max_failure_rate = 0.2;
    return o;
  }
  void installed(const std::string& device, std::time_t now) {
    DeviceReport r;
    r.device = device;
    r.release = *release_;
    r.sequence = 1;
    r.smoke_passed = true;
    record_report(*ws_, r, now);
  }
  void refused(const std::string& device, const std::string& reason, std::time_t now) {
    DeviceReport r;
    r.device = device;
    r.refused_release = *release_;
    r.reason = reason;
    record_report(*ws_, r, now);
  }
  static std::vector<std::string> installs(const std::vector<Command>& commands) {
    std::vector<std::string> out;
    for (const Command& c : commands)
      if (c.kind == Command::Kind::Install) out.push_back(c.device);
    return out;
  }

  static inline test_support::TempDir* tmp_ = nullptr;
  static inline store::Workspace* ws_ = nullptr;
  static inline std::string* release_ = nullptr;
  static inline int cohorts_ = 0;
  const std::time_t t0 = 1'800'000'000;
};

TEST_F(RolloutTest, StagesReachTheirShareBakeAndFinish) {
  const std::string tag = cohort(20);
  Rollout r = start_rollout(*ws_, options(tag), t0);
  EXPECT_EQ(r.state, "running");
  EXPECT_EQ(r.devices.size(), 20u);
  EXPECT_EQ(store::parents_of(*ws_, r.artifact_id).at(0).parent, *release_) << "lineage release -> rollout";

  std::vector<std::string> stage1 = installs(step_rollout(*ws_, r.id, t0));
  ASSERT_EQ(stage1.size(), 2u) << "10 % of 20";
  EXPECT_TRUE(step_rollout(*ws_, r.id, t0 + 1).empty()) << "offers are made once";
  for (const auto& d : stage1) installed(d, t0 + 5);
  EXPECT_TRUE(step_rollout(*ws_, r.id, t0 + 30).empty()) << "still baking";
  std::vector<std::string> stage2 = installs(step_rollout(*ws_, r.id, t0 + 61));
  EXPECT_EQ(stage2.size(), 8u) << "50 % of 20, less the 2 already offered";
  for (const auto& d : stage2) installed(d, t0 + 70);
  std::vector<std::string> stage3 = installs(step_rollout(*ws_, r.id, t0 + 200));
  EXPECT_EQ(stage3.size(), 10u);
  for (const auto& d : stage3) installed(d, t0 + 210);
  step_rollout(*ws_, r.id, t0 + 300);
  r = find_rollout(*ws_, r.id);
  EXPECT_EQ(r.state, "done");
  for (const RolloutDevice& d : r.devices) EXPECT_EQ(d.status, "updated") << d.device;
  EXPECT_EQ(find_device(*ws_, stage3.at(0)).installed_release, *release_);
  std::vector<std::string> events;
  for (const RolloutEvent& e : r.events) events.push_back(e.event);
  EXPECT_THAT(events, ::testing::ElementsAre("started", "stage-passed", "stage", "stage-passed", "stage", "done"));
}

TEST_F(RolloutTest, TooManyFailuresHaltTheStageAndRevertItsDevices) {
  const std::string tag = cohort(10);
  RolloutOptions o = options(tag);
  o.stages = {50, 100};
  const Rollout r = start_rollout(*ws_, o, t0);
  const std::vector<std::string> stage1 = installs(step_rollout(*ws_, r.id, t0));
  ASSERT_EQ(stage1.size(), 5u);
  installed(stage1[0], t0 + 1);
  installed(stage1[1], t0 + 1);
  refused(stage1[2], "smoke-test", t0 + 2);
  refused(stage1[3], "smoke-test", t0 + 2);  // 2 of 5 = 40 % > 20 %
  const std::vector<Command> reverts = step_rollout(*ws_, r.id, t0 + 3);
  std::vector<std::string> reverted;
  for (const Command& c : reverts) {
    EXPECT_EQ(c.kind, Command::Kind::Revert);
    EXPECT_EQ(c.release, "") << "back to what it ran before (nothing)";
    reverted.push_back(c.device);
  }
  EXPECT_THAT(reverted, ::testing::UnorderedElementsAre(stage1[0], stage1[1], stage1[4]))
      << "the updated and the still-offered devices revert; the failed ones rolled back themselves";
  const Rollout halted = find_rollout(*ws_, r.id);
  EXPECT_EQ(halted.state, "rolled-back");
  EXPECT_THAT(halted.reason, HasSubstr("2 of 5 devices failed"));
  const nlohmann::json evidence = nlohmann::json::parse(halted.events.back().evidence);
  EXPECT_EQ(evidence["failures"].size(), 2u);
  EXPECT_EQ(evidence["failures"][0]["reason"], "smoke-test");
  EXPECT_TRUE(installs(step_rollout(*ws_, r.id, t0 + 1000)).empty()) << "the second stage never starts";
  EXPECT_EQ(outstanding_commands(*ws_).size() >= 3, true) << "reverts are sent again until confirmed";

  DeviceReport back;
  back.device = stage1[0];
  record_report(*ws_, back, t0 + 5);
  for (const RolloutDevice& d : find_rollout(*ws_, r.id).devices) {
    if (d.device == stage1[0]) {
      EXPECT_EQ(d.status, "reverted");
    }
  }
}

TEST_F(RolloutTest, ASilentDeviceFailsAfterTheReportTimeout) {
  const std::string tag = cohort(4);
  RolloutOptions o = options(tag);
  o.stages = {100};
  o.max_failure_rate = 0.3;
  o.report_timeout_seconds = 120;
  const Rollout r = start_rollout(*ws_, o, t0);
  const auto offered = installs(step_rollout(*ws_, r.id, t0));
  ASSERT_EQ(offered.size(), 4u);
  for (size_t i = 0; i < 3; ++i) installed(offered[i], t0 + 10);
  step_rollout(*ws_, r.id, t0 + 100);
  EXPECT_EQ(find_rollout(*ws_, r.id).state, "running") << "waiting for the fourth";
  step_rollout(*ws_, r.id, t0 + 121);
  const Rollout done = find_rollout(*ws_, r.id);
  EXPECT_EQ(done.state, "done") << "1 of 4 = 25 % is within 30 %";
  for (const RolloutDevice& d : done.devices) {
    if (d.device == offered[3]) {
      EXPECT_EQ(d.reason, "no-report");
    }
  }
}

TEST_F(RolloutTest, PauseResumeAbortAndOverlaps) {
  const std::string tag = cohort(10);
  const Rollout r = start_rollout(*ws_, options(tag), t0);
  EXPECT_THAT(error_of([&] { start_rollout(*ws_, options(tag), t0); }), HasSubstr("is in rollout"));
  pause_rollout(*ws_, r.id, t0);
  EXPECT_TRUE(step_rollout(*ws_, r.id, t0 + 1).empty()) << "a paused rollout offers nothing";
  EXPECT_THROW(pause_rollout(*ws_, r.id, t0), InputError);
  resume_rollout(*ws_, r.id, t0 + 2);
  EXPECT_EQ(installs(step_rollout(*ws_, r.id, t0 + 3)).size(), 1u);
  const auto outstanding_here = [&] {
    size_t n = 0;
    for (const Command& c : outstanding_commands(*ws_)) n += c.device.rfind(tag + "-", 0) == 0;
    return n;
  };
  EXPECT_EQ(outstanding_here(), 1u) << "the offer waits for its report";
  abort_rollout(*ws_, r.id, "", t0 + 4);
  EXPECT_EQ(outstanding_here(), 0u) << "an aborted rollout offers nothing more";
  EXPECT_EQ(find_rollout(*ws_, r.id).state, "aborted");
  EXPECT_THROW(resume_rollout(*ws_, r.id, t0), InputError);
  EXPECT_NO_THROW(start_rollout(*ws_, options(tag), t0 + 5)) << "its devices are free again";
}

TEST_F(RolloutTest, BadPlansAreRefused) {
  EXPECT_EQ(parse_stages("1,10,50,100"), (std::vector<int>{1, 10, 50, 100}));
  EXPECT_THAT(error_of([] { parse_stages("10,5,100"); }), HasSubstr("more devices than the one before"));
  EXPECT_THAT(error_of([] { parse_stages("10,50"); }), HasSubstr("last stage is 100"));
  EXPECT_THAT(error_of([] { parse_stages("ten"); }), HasSubstr("cumulative percentages"));
  EXPECT_EQ(parse_duration("10m"), 600);
  EXPECT_EQ(parse_duration("0"), 0);
  EXPECT_THROW(parse_duration("-1s"), InputError);
  EXPECT_DOUBLE_EQ(parse_rate("2%"), 0.02);
  EXPECT_DOUBLE_EQ(parse_rate("0.5"), 0.5);
  EXPECT_THROW(parse_rate("150%"), InputError);
  RolloutOptions o = options("no-such-tag");
  EXPECT_THAT(error_of([&] { start_rollout(*ws_, o, t0); }), HasSubstr("no device tagged 'no-such-tag'"));
  EXPECT_THROW(find_rollout(*ws_, 999), NotFoundError);
  DeviceReport stranger;
  stranger.device = "nobody";
  EXPECT_THROW(record_report(*ws_, stranger, t0), NotFoundError);
}

}  // namespace
}  // namespace tinyops::fleet
