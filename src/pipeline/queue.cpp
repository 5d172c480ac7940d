#include "tinyops/pipeline/queue.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "tinyops/core/error.hpp"
#include "tinyops/data/dataset.hpp"
#include "tinyops/pipeline/impulse.hpp"
#include "tinyops/pipeline/pipeline_file.hpp"
#include "tinyops/store/registry.hpp"
#include "tinyops/store/runs.hpp"

namespace tinyops::pipeline {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop{false};

std::string new_worker_id() {
  std::random_device random;
  return fmt::format("{}:{}:{:04x}", store::host_name(), ::getpid(), random() & 0xffff);
}

// Sleeps up to `seconds`, waking early when the worker is asked to stop.
void nap(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!g_stop && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// Renews a job's lease on its own connection until stopped.
class Heartbeat {
 public:
  Heartbeat(store::Workspace& ws, const store::Job& job, const std::string& worker, double every)
      : thread_([this, &ws, job_id = job.id, worker, every] {
          std::unique_lock lock(mutex_);
          while (!cv_.wait_for(lock, std::chrono::duration<double>(every), [this] { return stopping_; })) {
            try {
              if (!store::renew_job(ws, job_id, worker)) lost_ = true;
            } catch (const std::exception&) {
              // A failed renewal is retried next beat; if the database stays away, the
              // lease runs out and another worker takes the job, which is the point.
            }
          }
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  bool lost() const { return lost_; }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<bool> lost_{false};
  std::thread thread_;
};

}  // namespace

int64_t enqueue_pipeline(store::Workspace& ws, const fs::path& file) {
  const fs::path absolute = fs::absolute(file).lexically_normal();
  const std::string text = read_pipeline_text(absolute);
  const PipelineFile p = parse_pipeline(text, absolute);
  std::vector<std::string> stages = {"data"};
  stages.insert(stages.end(), impulse_stages().begin(), impulse_stages().end());
  if (!p.promote.empty()) stages.push_back("promote");
  const std::string payload = nlohmann::json{{"file", absolute.string()}, {"text", text}}.dump();
  std::vector<std::pair<std::string, std::string>> jobs;
  for (const auto& stage : stages) jobs.emplace_back(stage, payload);
  return store::enqueue_run(ws, p.impulse.name, impulse_params_json(p.impulse), jobs);
}

std::string execute_job(store::Workspace& ws, const store::Job& job,
                        const std::function<void(const std::string&)>& progress) {
  const nlohmann::json payload = nlohmann::json::parse(job.payload);
  const PipelineFile p = parse_pipeline(payload.at("text").get<std::string>(), payload.at("file").get<std::string>());
  std::map<std::string, nlohmann::json> earlier;
  for (const store::Job& j : store::list_jobs(ws, job.run))
    if (j.seq < job.seq) earlier[j.stage] = nlohmann::json::parse(j.outputs);
  std::string log;
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
    log += line + "\n";
  };
  const auto started = std::chrono::steady_clock::now();
  auto record = [&](const std::vector<std::string>& outputs) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    store::record_stage(ws, job.run, nlohmann::json{{"stage", job.stage}, {"status", "ran"}, {"seconds", seconds},
                                                    {"outputs", outputs}}.dump(), log);
  };

  if (job.stage == "data") {
    import_and_split(ws, p, say);
    const data::DatasetVersion v =
        data::freeze_version(ws, dataset_version_name(p.impulse.name, job.run));
    say(fmt::format("data: dataset version {} ({} samples)", v.id.substr(0, 12), v.samples));
    record({v.id});
    return nlohmann::json{{"dataset_version", v.id}}.dump();
  }
  if (job.stage == "promote") {
    const std::string model = earlier.at("quantise").at("artifacts").at(1).get<std::string>();
    store::promote(ws, model, p.promote, p.impulse.accuracy_threshold);
    say(fmt::format("promote: {} is now in {}", model.substr(0, 12), p.promote));
    record({model});
    return nlohmann::json{{"promoted", model}, {"stage", p.promote}}.dump();
  }
  ImpulseRunOptions how;
  how.run = job.run;
  how.only_stage = job.stage;
  how.dataset_version = earlier.at("data").at("dataset_version").get<std::string>();
  // One folder per run: two workers may export the same pipeline's models and bundle at once.
  const fs::path out_dir = ws.root() / "artifacts" / p.impulse.name / ("run-" + std::to_string(job.run));
  const ImpulseReport r = run_impulse(ws, p.impulse, out_dir, progress, how);
  nlohmann::json outputs = {{"artifacts", r.stage_outputs}};
  if (job.stage == impulse_stages().back()) outputs["metrics"] = nlohmann::json::parse(impulse_metrics_json(r));
  return outputs.dump();
}

void request_worker_stop() { g_stop = true; }

WorkerSummary run_worker(const WorkerOptions& options) {
  auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  WorkerSummary summary;
  summary.id = new_worker_id();
  store::Workspace ws = options.open();
  store::Workspace heartbeat_ws = options.open();
  store::WorkerRecord me{summary.id, store::host_name(), store::utc_now(), "idle", ::getpid(), store::epoch_seconds()};
  store::record_worker(ws, me);
  say(fmt::format("worker {} on {}", summary.id, ws.db().describe()));
  while (!g_stop) {
    std::optional<store::Job> job = store::claim_job(ws, summary.id, options.policy);
    if (!job) {
      if (options.exit_when_idle && store::unfinished_jobs(ws) == 0) break;
      me.status = "idle";
      me.heartbeat = store::epoch_seconds();
      store::record_worker(ws, me);
      nap(options.poll_seconds);
      continue;
    }
    say(fmt::format("run {} stage {} (job {}, attempt {})", job->run, job->stage, job->id, job->attempts));
    me.status = "busy";
    me.heartbeat = store::epoch_seconds();
    store::record_worker(ws, me);
    std::string outputs, error;
    {
      Heartbeat beat(heartbeat_ws, *job, summary.id, options.heartbeat_seconds);
      try {
        outputs = execute_job(ws, *job, [&](const std::string& line) { say(fmt::format("run {}: {}", job->run, line)); });
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    if (!error.empty()) {
      store::fail_job(ws, *job, summary.id, error);
      ++summary.failed;
      say(fmt::format("run {} stage {} failed: {}", job->run, job->stage, error));
    } else if (store::complete_job(ws, *job, summary.id, outputs)) {
      ++summary.done;
      say(fmt::format("run {} stage {} done", job->run, job->stage));
    } else {
      ++summary.lost;
      say(fmt::format("run {} stage {}: the lease ran out before it finished; another worker has it", job->run,
                      job->stage));
    }
  }
  me.status = "stopped";
  me.heartbeat = store::epoch_seconds();
  store::record_worker(ws, me);
  return summary;
}

}  // namespace tinyops::pipeline
