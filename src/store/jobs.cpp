#include "tinyops/store/jobs.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "tinyops/core/error.hpp"
#include "tinyops/store/runs.hpp"

namespace tinyops::store {

namespace {

constexpr const char* kJobColumns =
    "SELECT id, run, seq, stage, payload, status, COALESCE(worker, ''), outputs, error, queued_at, "
    "COALESCE(finished_at, ''), attempts FROM jobs";

Job read_job(const Statement& q) {
  Job j;
  j.id = q.column_int(0);
  j.run = q.column_int(1);
  j.seq = q.column_int(2);
  j.stage = q.column_text(3);
  j.payload = q.column_text(4);
  j.status = q.column_text(5);
  j.worker = q.column_text(6);
  j.outputs = q.column_text(7);
  j.error = q.column_text(8);
  j.queued_at = q.column_text(9);
  j.finished_at = q.column_text(10);
  j.attempts = q.column_int(11);
  return j;
}

void add_event(Workspace& ws, int64_t job, const std::string& worker, const std::string& event,
               const std::string& detail = "") {
  Statement add = ws.db().prepare("INSERT INTO job_events (job, worker, event, at, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
  add.bind(1, job).bind(2, worker).bind(3, event).bind(4, utc_now()).bind(5, detail);
  add.run();
}

// " FOR UPDATE SKIP LOCKED" where the engine has row locks.
std::string skip_locked(Workspace& ws) {
  return ws.db().backend() == Backend::Postgres ? " FOR UPDATE SKIP LOCKED" : "";
}

// Jobs held by workers whose heartbeat is older than the lease go back to the queue, or
// fail once they have been tried max_attempts times.
void requeue_abandoned(Workspace& ws, const QueuePolicy& policy) {
  Statement stale = ws.db().prepare("SELECT id, run, COALESCE(worker, ''), attempts FROM jobs "
                                    "WHERE status = 'running' AND heartbeat < ?1 ORDER BY id" +
                                    skip_locked(ws));
  stale.bind(1, epoch_seconds() - policy.lease_seconds);
  struct Stale {
    int64_t id, run;
    std::string worker;
    int64_t attempts;
  };
  std::vector<Stale> found;
  while (stale.step()) found.push_back({stale.column_int(0), stale.column_int(1), stale.column_text(2), stale.column_int(3)});
  for (const Stale& s : found) {
    const bool give_up = s.attempts >= policy.max_attempts;
    Statement set = ws.db().prepare(give_up ? "UPDATE jobs SET status = 'failed', worker = NULL, error = ?2, "
                                              "finished_at = ?3 WHERE id = ?1"
                                            : "UPDATE jobs SET status = 'queued', worker = NULL WHERE id = ?1");
    set.bind(1, s.id);
    const std::string why = "worker " + s.worker + " stopped sending heartbeats";
    if (give_up) set.bind(2, why + " (attempt " + std::to_string(s.attempts) + " of " +
                                  std::to_string(policy.max_attempts) + ")").bind(3, utc_now());
    set.run();
    add_event(ws, s.id, s.worker, give_up ? "failed" : "requeued", why);
    append_log(ws, s.run, "queue: job " + std::to_string(s.id) + (give_up ? " failed: " : " requeued: ") + why + "\n");
  }
}

}  // namespace

double epoch_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t enqueue_run(Workspace& ws, const std::string& pipeline, const std::string& params_json,
                    const std::vector<std::pair<std::string, std::string>>& stage_payloads) {
  require(!stage_payloads.empty(), "a queued run needs at least one stage");
  Transaction t(ws.db());
  Statement run = ws.db().prepare(
      "INSERT INTO runs (pipeline, status, pid, started_at, params, metrics, stages, log) "
      "VALUES (?1, 'queued', 0, ?2, ?3, '{}', '[]', '') RETURNING id");
  run.bind(1, pipeline).bind(2, utc_now()).bind(3, params_json);
  require(run.step(), "the run was not recorded");
  const int64_t id = run.column_int(0);
  run.run();  // to the end: SQLite commits no transaction with a write still in progress
  Statement add = ws.db().prepare(
      "INSERT INTO jobs (run, seq, stage, payload, status, attempts, outputs, error, queued_at) "
      "VALUES (?1, ?2, ?3, ?4, 'queued', 0, '{}', '', ?5)");
  for (size_t i = 0; i < stage_payloads.size(); ++i) {
    add.bind(1, id).bind(2, static_cast<int64_t>(i)).bind(3, stage_payloads[i].first);
    add.bind(4, stage_payloads[i].second).bind(5, utc_now());
    add.run();
    add.reset();
  }
  t.commit();
  return id;
}

std::optional<Job> claim_job(Workspace& ws, const std::string& worker, const QueuePolicy& policy) {
  Transaction t(ws.db(), Transaction::Lock::RowsOnly);
  requeue_abandoned(ws, policy);
  Statement q = ws.db().prepare(std::string(kJobColumns) +
                                " j WHERE status = 'queued' AND NOT EXISTS (SELECT 1 FROM jobs p WHERE p.run = j.run "
                                "AND p.seq < j.seq AND p.status <> 'done') ORDER BY id LIMIT 1" +
                                skip_locked(ws));
  if (!q.step()) {
    t.commit();  // keep the requeues
    return std::nullopt;
  }
  Job job = read_job(q);
  Statement set = ws.db().prepare(
      "UPDATE jobs SET status = 'running', worker = ?2, heartbeat = ?3, attempts = attempts + 1 WHERE id = ?1");
  set.bind(1, job.id).bind(2, worker).bind(3, epoch_seconds());
  set.run();
  Statement run = ws.db().prepare("UPDATE runs SET status = 'running' WHERE id = ?1 AND status = 'queued'");
  run.bind(1, job.run);
  run.run();
  add_event(ws, job.id, worker, "claimed", "attempt " + std::to_string(job.attempts + 1));
  t.commit();
  job.status = "running";
  job.worker = worker;
  job.attempts += 1;
  return job;
}

bool renew_job(Workspace& ws, int64_t job, const std::string& worker) {
  Statement q = ws.db().prepare("UPDATE jobs SET heartbeat = ?1 WHERE id = ?2 AND worker = ?3 AND status = 'running'");
  q.bind(1, epoch_seconds()).bind(2, job).bind(3, worker);
  q.run();
  return ws.db().changes() == 1;
}

bool complete_job(Workspace& ws, const Job& job, const std::string& worker, const std::string& outputs_json) {
  require(nlohmann::json::accept(outputs_json), "job outputs must be JSON");  // checked before anything is written
  Transaction t(ws.db());
  Statement set = ws.db().prepare("UPDATE jobs SET status = 'done', outputs = ?1, finished_at = ?2 "
                                  "WHERE id = ?3 AND worker = ?4 AND status = 'running'");
  set.bind(1, outputs_json).bind(2, utc_now()).bind(3, job.id).bind(4, worker);
  set.run();
  if (ws.db().changes() != 1) {
    t.commit();
    return false;
  }
  add_event(ws, job.id, worker, "done");
  Statement left = ws.db().prepare("SELECT COUNT(*) FROM jobs WHERE run = ?1 AND status <> 'done'");
  left.bind(1, job.run);
  if (left.step() && left.column_int(0) == 0) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const Job& j : list_jobs(ws, job.run)) {
      const nlohmann::json o = nlohmann::json::parse(j.outputs);
      if (o.contains("metrics")) metrics.update(o.at("metrics"));
    }
    finish_run(ws, job.run, true, metrics.dump(), "");
  }
  t.commit();
  return true;
}

void fail_job(Workspace& ws, const Job& job, const std::string& worker, const std::string& error) {
  Transaction t(ws.db());
  Statement set = ws.db().prepare("UPDATE jobs SET status = 'failed', error = ?1, finished_at = ?2 "
                                  "WHERE id = ?3 AND worker = ?4 AND status = 'running'");
  set.bind(1, error).bind(2, utc_now()).bind(3, job.id).bind(4, worker);
  set.run();
  if (ws.db().changes() != 1) {
    t.commit();
    return;  // no longer ours: whoever holds it now decides
  }
  add_event(ws, job.id, worker, "failed", error);
  Statement rest = ws.db().prepare("UPDATE jobs SET status = 'failed', error = ?1, finished_at = ?2 "
                                   "WHERE run = ?3 AND seq > ?4 AND status = 'queued'");
  rest.bind(1, "skipped: stage " + job.stage + " failed").bind(2, utc_now()).bind(3, job.run).bind(4, job.seq);
  rest.run();
  finish_run(ws, job.run, false, "{}", job.stage + ": error: " + error + "\n");
  t.commit();
}

std::vector<Job> list_jobs(Workspace& ws, int64_t run) {
  Statement q = ws.db().prepare(std::string(kJobColumns) + " WHERE ?1 = 0 OR run = ?1 ORDER BY run, seq");
  q.bind(1, run);
  std::vector<Job> out;
  while (q.step()) out.push_back(read_job(q));
  return out;
}

std::vector<JobEvent> job_events(Workspace& ws, int64_t job) {
  Statement q = ws.db().prepare("SELECT job, worker, event, at, detail FROM job_events WHERE job = ?1 ORDER BY seq");
  q.bind(1, job);
  std::vector<JobEvent> out;
  while (q.step()) out.push_back({q.column_int(0), q.column_text(1), q.column_text(2), q.column_text(3), q.column_text(4)});
  return out;
}

int64_t unfinished_jobs(Workspace& ws) {
  Statement q = ws.db().prepare("SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')");
  return q.step() ? q.column_int(0) : 0;
}

void record_worker(Workspace& ws, const WorkerRecord& w) {
  Statement q = ws.db().prepare(
      "INSERT INTO workers (id, host, pid, started_at, heartbeat, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
      "ON CONFLICT (id) DO UPDATE SET heartbeat = excluded.heartbeat, status = excluded.status");
  q.bind(1, w.id).bind(2, w.host).bind(3, w.pid).bind(4, w.started_at).bind(5, w.heartbeat).bind(6, w.status);
  q.run();
}

std::vector<WorkerRecord> list_workers(Workspace& ws) {
  Statement q = ws.db().prepare("SELECT id, host, pid, started_at, heartbeat, status FROM workers ORDER BY started_at, id");
  std::vector<WorkerRecord> out;
  while (q.step()) {
    WorkerRecord w;
    w.id = q.column_text(0);
    w.host = q.column_text(1);
    w.pid = q.column_int(2);
    w.started_at = q.column_text(3);
    w.heartbeat = q.column_double(4);
    w.status = q.column_text(5);
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace tinyops::store
