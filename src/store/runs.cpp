#include "tinyops/store/runs.hpp"

#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"

namespace tinyops::store {

std::string stage_key(const std::string& canonical_json) {
  return sha256_hex({reinterpret_cast<const uint8_t*>(canonical_json.data()), canonical_json.size()});
}

std::optional<std::vector<std::string>> cached_outputs(Workspace& ws, const std::string& key) {
  Statement q = ws.db().prepare("SELECT outputs FROM stage_cache WHERE key = ?1");
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  const auto outputs = nlohmann::json::parse(q.column_text(0)).get<std::vector<std::string>>();
  for (const std::string& id : outputs)
    if (!ws.objects().contains(id)) return std::nullopt;  // e.g. objects pruned: run again
  return outputs;
}

void cache_outputs(Workspace& ws, const std::string& key, const std::string& stage,
                   const std::vector<std::string>& outputs) {
  Statement add = ws.db().prepare(
      "INSERT INTO stage_cache (key, stage, outputs, created_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (key) DO UPDATE SET stage = excluded.stage, outputs = excluded.outputs, created_at = excluded.created_at");
  add.bind(1, key).bind(2, stage).bind(3, nlohmann::json(outputs).dump()).bind(4, utc_now());
  add.run();
}

int64_t begin_run(Workspace& ws, const std::string& pipeline, const std::string& params_json) {
  Statement add = ws.db().prepare(
      "INSERT INTO runs (pipeline, status, pid, host, started_at, params, metrics, stages, log) "
      "VALUES (?1, 'running', ?2, ?3, ?4, ?5, '{}', '[]', '') RETURNING id");
  add.bind(1, pipeline).bind(2, static_cast<int64_t>(::getpid())).bind(3, host_name()).bind(4, utc_now());
  add.bind(5, params_json);
  require(add.step(), "the run was not recorded");
  const int64_t id = add.column_int(0);
  add.run();  // to the end, so the insert is complete before we return
  return id;
}

std::string host_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

void append_log(Workspace& ws, int64_t run, const std::string& text) {
  Statement q = ws.db().prepare("UPDATE runs SET log = log || ?1 WHERE id = ?2");
  q.bind(1, text).bind(2, run);
  q.run();
}

void record_stage(Workspace& ws, int64_t run, const std::string& stage_json, const std::string& log) {
  Transaction t(ws.db());
  Statement q = ws.db().prepare("SELECT stages FROM runs WHERE id = ?1");
  q.bind(1, run);
  require(q.step(), "no run " + std::to_string(run));
  nlohmann::json stages = nlohmann::json::parse(q.column_text(0));
  stages.push_back(nlohmann::json::parse(stage_json));
  Statement set = ws.db().prepare("UPDATE runs SET stages = ?1, log = log || ?2 WHERE id = ?3");
  set.bind(1, stages.dump()).bind(2, log).bind(3, run);
  set.run();
  t.commit();
}

void finish_run(Workspace& ws, int64_t run, bool succeeded, const std::string& metrics_json,
                const std::string& log) {
  Statement set = ws.db().prepare(
      "UPDATE runs SET status = ?1, finished_at = ?2, metrics = ?3, log = log || ?4 WHERE id = ?5");
  set.bind(1, std::string(succeeded ? "succeeded" : "failed")).bind(2, utc_now()).bind(3, metrics_json);
  set.bind(4, log).bind(5, run);
  set.run();
}

namespace {

RunRecord read_run(Statement& q) {
  RunRecord r;
  r.id = q.column_int(0);
  r.pipeline = q.column_text(1);
  r.status = q.column_text(2);
  const auto pid = static_cast<pid_t>(q.column_int(3));
  // A run still marked running whose process is gone was killed (or the machine stopped).
  // Only this machine's processes can be looked at; queued runs (pid 0) belong to workers,
  // and the job queue tracks them.
  if (r.status == "running" && pid > 0 && q.column_text(10) == host_name() && ::kill(pid, 0) != 0)
    r.status = "interrupted";
  r.started_at = q.column_text(4);
  r.finished_at = q.column_text(5);
  r.params = q.column_text(6);
  r.metrics = q.column_text(7);
  r.stages = q.column_text(8);
  r.log = q.column_text(9);
  return r;
}

constexpr const char* kRunColumns =
    "SELECT id, pipeline, status, pid, started_at, COALESCE(finished_at, ''), params, metrics, stages, log, host "
    "FROM runs";

}  // namespace

std::vector<RunRecord> list_runs(Workspace& ws) {
  Statement q = ws.db().prepare(std::string(kRunColumns) + " ORDER BY id");
  std::vector<RunRecord> out;
  while (q.step()) out.push_back(read_run(q));
  return out;
}

RunRecord find_run(Workspace& ws, int64_t id) {
  Statement q = ws.db().prepare(std::string(kRunColumns) + " WHERE id = ?1");
  q.bind(1, id);
  if (!q.step()) throw NotFoundError("no run " + std::to_string(id) + " in this workspace (see `tinyops runs`)");
  return read_run(q);
}

}  // namespace tinyops::store
