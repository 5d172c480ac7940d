// Pipeline runs and the stage cache. A stage's cache key is the sha256 of what decides its
// result (its name, input artifact ids, parameters and the TinyOps version); when the key is
// known and its output artifacts exist, the stage is skipped, like `dvc repro`. Every run is
// recorded with its parameters, per-stage status and timing, metrics and log; a run whose
// process died (kill -9) shows as interrupted, and rerunning skips what it had finished.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tinyops/store/workspace.hpp"

namespace tinyops::store {

std::string stage_key(const std::string& canonical_json);
// The outputs cached under `key`, when every one of them is still in the object store.
std::optional<std::vector<std::string>> cached_outputs(Workspace& ws, const std::string& key);
void cache_outputs(Workspace& ws, const std::string& key, const std::string& stage,
                   const std::vector<std::string>& outputs);

struct RunRecord {
  int64_t id = 0;
  std::string pipeline, status, started_at, finished_at;
  std::string params, metrics, stages, log;  // JSON (log: text)
};

int64_t begin_run(Workspace& ws, const std::string& pipeline, const std::string& params_json);
// Appends a stage entry ({stage, status, seconds, outputs}) and log lines as the run goes,
// so an interrupted run still shows how far it got.
void record_stage(Workspace& ws, int64_t run, const std::string& stage_json, const std::string& log);
void finish_run(Workspace& ws, int64_t run, bool succeeded, const std::string& metrics_json,
                const std::string& log);
void append_log(Workspace& ws, int64_t run, const std::string& text);
std::string host_name();  // where a run's process lives (its pid means something only there)
std::vector<RunRecord> list_runs(Workspace& ws);
RunRecord find_run(Workspace& ws, int64_t id);  // throws InputError when unknown

}  // namespace tinyops::store
