// Queued pipeline runs: `tinyops run --queue` turns tinyops.yaml into a chain of jobs (data,
// features, train, quantise, compile, farm, and promote when the file asks), and workers
// (`tinyops worker`, any number, on any machine that reaches the database and the object
// store) execute them one stage at a time. Each stage after the first takes its inputs
// from the stage cache, so a stage that a dead worker left half done is simply run again by
// the next worker, and one already done is never redone.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "tinyops/store/jobs.hpp"
#include "tinyops/store/workspace.hpp"

namespace tinyops::pipeline {

// Validates the file and queues its stages; returns the run id. The file's text is kept
// with the run, so editing it afterwards does not change a queued run.
int64_t enqueue_pipeline(store::Workspace& ws, const std::filesystem::path& file);

// Runs one claimed job's stage; returns its outputs (JSON object).
std::string execute_job(store::Workspace& ws, const store::Job& job,
                        const std::function<void(const std::string&)>& progress);

struct WorkerOptions {
  std::function<store::Workspace()> open;  // a fresh connection (the heartbeat has its own)
  store::QueuePolicy policy;
  double heartbeat_seconds = 5;
  double poll_seconds = 1;
  bool exit_when_idle = false;  // stop once no job is queued or running anywhere
  std::function<void(const std::string&)> progress;
};

struct WorkerSummary {
  std::string id;
  int64_t done = 0, failed = 0, lost = 0;  // lost: finished after its lease ran out
};

// Claims and executes jobs until stopped (request_worker_stop, e.g. from SIGTERM: the
// current job is finished first) or, with exit_when_idle, until the queue is empty.
WorkerSummary run_worker(const WorkerOptions& options);
void request_worker_stop();  // async-signal-safe

}  // namespace tinyops::pipeline
