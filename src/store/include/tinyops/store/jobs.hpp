// The job queue: a queued pipeline run is a chain of jobs, one per stage, that workers
// (`tinyops worker`) claim one at a time. A job is claimable when every earlier job of its
// run is done. A worker renews its job's heartbeat while it works; a job whose heartbeat
// is older than the lease belonged to a worker that died, and goes back to the queue
// (after max_attempts it fails instead). Completing is conditional on still holding the
// job, so a stage is recorded done exactly once even if a slow worker lost its lease.
// On PostgreSQL claims use FOR UPDATE SKIP LOCKED, so workers never wait on each other;
// on SQLite the single write lock serialises them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tinyops/store/workspace.hpp"

namespace tinyops::store {

struct Job {
  int64_t id = 0, run = 0, seq = 0;
  std::string stage, payload, status;
  std::string worker;  // who holds it (running) or finished it (done, failed)
  std::string outputs, error, queued_at, finished_at;
  int64_t attempts = 0;
};

struct JobEvent {
  int64_t job = 0;
  std::string worker, event, at, detail;
};

struct QueuePolicy {
  double lease_seconds = 60;  // a heartbeat older than this means the worker is gone
  int64_t max_attempts = 3;
};

double epoch_seconds();

// Records a queued run (status "queued") and its stages as jobs, in order; returns the run.
int64_t enqueue_run(Workspace& ws, const std::string& pipeline, const std::string& params_json,
                    const std::vector<std::pair<std::string, std::string>>& stage_payloads);

// Requeues the jobs of dead workers, then claims the first ready job for `worker`.
std::optional<Job> claim_job(Workspace& ws, const std::string& worker, const QueuePolicy& policy);
// Renews the heartbeat; false when the job is no longer this worker's (its lease ran out).
bool renew_job(Workspace& ws, int64_t job, const std::string& worker);
// Marks the job done with its outputs (JSON object; its "metrics", if any, go to the run).
// The last job of a run finishes the run. False (and nothing written) when the job is no
// longer this worker's.
bool complete_job(Workspace& ws, const Job& job, const std::string& worker, const std::string& outputs_json);
// Marks the job failed, the rest of its run failed as skipped, and the run failed.
void fail_job(Workspace& ws, const Job& job, const std::string& worker, const std::string& error);

std::vector<Job> list_jobs(Workspace& ws, int64_t run = 0);  // 0: all runs
std::vector<JobEvent> job_events(Workspace& ws, int64_t job);
// Jobs queued or running anywhere: a worker asked to exit when idle stops at 0.
int64_t unfinished_jobs(Workspace& ws);

struct WorkerRecord {
  std::string id, host, started_at, status;
  int64_t pid = 0;
  double heartbeat = 0;
};
void record_worker(Workspace& ws, const WorkerRecord& worker);  // insert or update
std::vector<WorkerRecord> list_workers(Workspace& ws);

}  // namespace tinyops::store
