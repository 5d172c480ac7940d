// The job queue on both backends: stages of a run in order, leases that run out, attempts
// that give up, failures that skip the rest, and concurrent claims that never hand one
// job to two workers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "../support/temp_dir.hpp"
#include "backends.hpp"
#include "tinyops/store/jobs.hpp"
#include "tinyops/store/runs.hpp"

namespace tinyops::store {
namespace {

using test_support::TempDir;

using Queue = BothBackends;
TINYOPS_ON_BOTH_BACKENDS(Queue);

std::vector<std::pair<std::string, std::string>> stages(std::initializer_list<const char*> names) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* n : names) out.emplace_back(n, "{}");
  return out;
}

std::vector<std::string> events_of(Workspace& ws, int64_t job) {
  std::vector<std::string> out;
  for (const JobEvent& e : job_events(ws, job)) out.push_back(e.event + ":" + e.worker);
  return out;
}

TEST_P(Queue, StagesOfARunAreClaimedInOrderAndTheLastFinishesTheRun) {
  TempDir tmp("queue");
  Workspace ws = new_workspace(tmp);
  const QueuePolicy policy;
  const int64_t run = enqueue_run(ws, "p", R"({"lr": 0.1})", stages({"data", "train", "farm"}));
  EXPECT_EQ(find_run(ws, run).status, "queued");
  EXPECT_EQ(unfinished_jobs(ws), 3);

  std::optional<Job> first = claim_job(ws, "a", policy);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->stage, "data");
  EXPECT_EQ(first->attempts, 1);
  EXPECT_EQ(find_run(ws, run).status, "running");
  EXPECT_FALSE(claim_job(ws, "b", policy)) << "train waits for data";
  ASSERT_TRUE(complete_job(ws, *first, "a", R"({"dataset_version": "v"})"));
  EXPECT_FALSE(complete_job(ws, *first, "a", "{}")) << "done once";

  std::optional<Job> second = claim_job(ws, "b", policy);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->stage, "train");
  ASSERT_TRUE(complete_job(ws, *second, "b", R"({"metrics": {"accuracy": 0.5, "size": 3}})"));
  std::optional<Job> third = claim_job(ws, "a", policy);
  ASSERT_TRUE(third);
  EXPECT_EQ(find_run(ws, run).status, "running");
  ASSERT_TRUE(complete_job(ws, *third, "a", R"({"metrics": {"accuracy": 0.9}})"));
  const RunRecord r = find_run(ws, run);
  EXPECT_EQ(r.status, "succeeded");
  EXPECT_EQ(nlohmann::json::parse(r.metrics), nlohmann::json::parse(R"({"accuracy": 0.9, "size": 3})"))
      << "the run's metrics merge its jobs' metrics, later stages winning";
  EXPECT_EQ(unfinished_jobs(ws), 0);
  EXPECT_FALSE(claim_job(ws, "a", policy));
  EXPECT_THAT(events_of(ws, first->id), ::testing::ElementsAre("claimed:a", "done:a"));
}

TEST_P(Queue, AJobWhoseWorkerStoppedBeatingGoesBackAndIsDoneOnce) {
  TempDir tmp("queue");
  Workspace ws = new_workspace(tmp);
  QueuePolicy policy;
  const int64_t run = enqueue_run(ws, "p", "{}", stages({"train"}));
  std::optional<Job> held = claim_job(ws, "dead", policy);
  ASSERT_TRUE(held);
  EXPECT_TRUE(renew_job(ws, held->id, "dead"));
  EXPECT_FALSE(claim_job(ws, "alive", policy)) << "a beating worker keeps its job";

  policy.lease_seconds = 0;  // every heartbeat is too old now
  std::optional<Job> again = claim_job(ws, "alive", policy);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, held->id);
  EXPECT_EQ(again->attempts, 2);
  EXPECT_FALSE(renew_job(ws, held->id, "dead")) << "the dead worker's lease is gone";
  EXPECT_FALSE(complete_job(ws, *held, "dead", "{}")) << "a late finish is not recorded";
  fail_job(ws, *held, "dead", "late failure");  // ignored: no longer its job
  ASSERT_TRUE(complete_job(ws, *again, "alive", "{}"));
  EXPECT_THAT(events_of(ws, held->id),
              ::testing::ElementsAre("claimed:dead", "requeued:dead", "claimed:alive", "done:alive"));
  EXPECT_EQ(find_run(ws, run).status, "succeeded");
}

TEST_P(Queue, AJobThatKeepsKillingWorkersFailsAndSoDoesItsRun) {
  TempDir tmp("queue");
  Workspace ws = new_workspace(tmp);
  QueuePolicy policy;
  policy.lease_seconds = 0;
  policy.max_attempts = 2;
  const int64_t run = enqueue_run(ws, "p", "{}", stages({"train", "farm"}));
  ASSERT_TRUE(claim_job(ws, "w1", policy));
  ASSERT_TRUE(claim_job(ws, "w2", policy)) << "requeued once";
  EXPECT_FALSE(claim_job(ws, "w3", policy)) << "the second death is the last";
  const std::vector<Job> jobs = list_jobs(ws, run);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].status, "failed");
  EXPECT_THAT(jobs[0].error, ::testing::HasSubstr("stopped sending heartbeats"));
  EXPECT_EQ(jobs[1].status, "queued") << "waiting on a failed stage forever is what fail_job prevents; "
                                         "a requeue-exhausted job leaves the decision to the run";
}

TEST_P(Queue, AFailedStageSkipsTheRestAndFailsTheRun) {
  TempDir tmp("queue");
  Workspace ws = new_workspace(tmp);
  const int64_t run = enqueue_run(ws, "p", "{}", stages({"data", "train", "farm"}));
  std::optional<Job> j = claim_job(ws, "w", {});
  ASSERT_TRUE(j);
  fail_job(ws, *j, "w", "no samples");
  const std::vector<Job> jobs = list_jobs(ws, run);
  EXPECT_EQ(jobs[0].status, "failed");
  EXPECT_EQ(jobs[0].error, "no samples");
  EXPECT_EQ(jobs[1].status, "failed");
  EXPECT_EQ(jobs[1].error, "skipped: stage data failed");
  const RunRecord r = find_run(ws, run);
  EXPECT_EQ(r.status, "failed");
  EXPECT_THAT(r.log, ::testing::HasSubstr("data: error: no samples"));
  EXPECT_EQ(unfinished_jobs(ws), 0);
}

// Four workers, each on its own connection, race for the jobs of many runs: every job is
// claimed and completed by exactly one of them.
TEST_P(Queue, ConcurrentWorkersNeverShareAJob) {
  TempDir tmp("queue");
  const std::string db = new_database();
  { Workspace::init(tmp.path(), db); }
  {
    Workspace ws = Workspace::open(tmp.path(), db);
    for (int r = 0; r < 12; ++r) enqueue_run(ws, "p" + std::to_string(r), "{}", stages({"a", "b", "c"}));
  }
  std::mutex mutex;
  std::map<int64_t, std::vector<std::string>> done_by;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, name = "w" + std::to_string(w)] {
      Workspace ws = Workspace::open(tmp.path(), db);
      while (unfinished_jobs(ws) > 0) {
        std::optional<Job> j = claim_job(ws, name, {});
        if (!j) continue;
        if (complete_job(ws, *j, name, "{}")) {
          std::lock_guard lock(mutex);
          done_by[j->id].push_back(name);
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  Workspace ws = Workspace::open(tmp.path(), db);
  const std::vector<Job> jobs = list_jobs(ws);
  ASSERT_EQ(jobs.size(), 36u);
  for (const Job& j : jobs) {
    EXPECT_EQ(j.status, "done");
    EXPECT_EQ(j.attempts, 1) << "job " << j.id;
    EXPECT_EQ(done_by[j.id].size(), 1u) << "job " << j.id;
  }
  for (const RunRecord& r : list_runs(ws)) EXPECT_EQ(r.status, "succeeded");
}

}  // namespace
}  // namespace tinyops::store
