#include "resources.hpp"

#include "tinyops/fleet/views.hpp"

#include <ctime>
#include <map>
#include <set>
#include <vector>

#include "tinyops/core/error.hpp"
#include "tinyops/data/dataset.hpp"
#include "tinyops/fleet/views.hpp"
#include "tinyops/store/jobs.hpp"
#include "tinyops/store/registry.hpp"
#include "tinyops/store/runs.hpp"

namespace tinyops::server {

namespace {

using nlohmann::json;

std::string short_id(const std::string& id) {
  return id.substr(0, 12);
}

json record_json(store::Workspace& ws, const store::Artifact& a) {
  return {{"id", a.id},
          {"kind", a.kind},
          {"name", a.name},
          {"created_at", a.created_at},
          {"metadata", json::parse(a.metadata)},
          {"stage", store::current_stage(ws, a.id)}};
}

template <class T, class F>
Page page_of(const std::vector<T>& all, const Paging& paging, F&& to_json) {
  Page page;
  page.total = all.size();
  const Slice s = slice_of(all.size(), paging);
  for (size_t i = s.begin; i < s.end; ++i) page.items.push_back(to_json(all[i]));
  return page;
}

json run_summary(const store::RunRecord& r) {
  return {{"id", r.id},
          {"pipeline", r.pipeline},
          {"status", r.status},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"metrics", json::parse(r.metrics)},
          {"stages", json::parse(r.stages)}};
}

// Depth-first like `tinyops lineage`: every edge is listed, each artifact is walked once.
json walk_lineage(store::Workspace& ws, const std::string& root, bool up) {
  struct Frame {
    std::vector<store::LineageEdge> edges;
    size_t next = 0;
    int depth = 1;
  };
  auto edges_of = [&](const std::string& id) {
    return up ? store::parents_of(ws, id) : store::children_of(ws, id);
  };
  json out = json::array();
  std::set<std::string> seen;
  std::vector<Frame> stack;
  stack.push_back({edges_of(root), 0, 1});
  while (!stack.empty()) {
    if (stack.back().next == stack.back().edges.size()) {
      stack.pop_back();
      continue;
    }
    const int depth = stack.back().depth;
    const store::LineageEdge e = stack.back().edges[stack.back().next++];
    const std::string id = up ? e.parent : e.child;
    const store::Artifact a = store::find_artifact(ws, id);
    out.push_back(
        {{"id", a.id}, {"kind", a.kind}, {"name", a.name}, {"role", e.role}, {"depth", depth}});
    if (seen.insert(id).second) stack.push_back({edges_of(id), 0, depth + 1});
  }
  return out;
}

json farm_report_view(store::Workspace& ws, const store::Artifact& a) {
  json j = record_json(ws, a);
  j.erase("stage");  // reports have no stage; their model has
  j["model"] = nullptr;
  j["bundle"] = nullptr;
  for (const auto& e : store::parents_of(ws, a.id)) {
    if (e.role == "model") j["model"] = e.parent;
    if (e.role == "tested") j["bundle"] = e.parent;
  }
  // Passed: every board ran bit-exact and fits, the production gate's condition.
  const json& meta = j["metadata"];
  bool passed = meta.is_object() && meta.contains("boards") && meta["boards"].is_array() &&
                !meta["boards"].empty();
  if (passed)
    for (const auto& b : meta["boards"])
      passed = passed && b.is_object() && b.value("passed", false) && b.value("fits", false);
  j["passed"] = passed;
  return j;
}

data::DatasetVersion resolve_dataset(store::Workspace& ws, const std::string& ref) {
  check_dataset_ref(ref);
  auto read = [](store::Statement& q) {
    data::DatasetVersion v;
    v.id = q.column_text(0);
    v.name = q.column_text(1);
    v.samples = q.column_int(2);
    v.created_at = q.column_text(3);
    return v;
  };
  store::Statement by_name = ws.db().prepare(
      "SELECT id, name, samples, created_at FROM dataset_versions WHERE name = ?1 ORDER BY id");
  by_name.bind(1, ref);
  if (by_name.step()) return read(by_name);
  const bool id_like = ref.size() >= 6 && ref.size() <= 64 &&
                       ref.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (id_like) {
    store::Statement by_id = ws.db().prepare(
        "SELECT id, name, samples, created_at FROM dataset_versions WHERE id >= ?1 AND id < ?2 "
        "ORDER BY id LIMIT 2");
    by_id.bind(1, ref).bind(2, ref + "g");
    if (by_id.step()) {
      data::DatasetVersion v = read(by_id);
      require(!by_id.step(),
              "the prefix " + ref + " matches several dataset versions: give more digits");
      return v;
    }
  }
  throw NotFoundError("no dataset version '" + ref +
                      "' in this workspace (see GET /api/v1/datasets)");
}

}  // namespace

store::Artifact artifact_of(store::Workspace& ws, const std::string& id_or_prefix) {
  check_artifact_id(id_or_prefix);
  return store::find_artifact(ws, id_or_prefix);
}

Page models_json(store::Workspace& ws, const Paging& paging) {
  std::vector<store::Artifact> models;
  for (const char* kind : {"int8_model", "float_model"})
    for (auto& a : store::list_artifacts(ws, kind)) models.push_back(std::move(a));
  return page_of(models, paging, [&](const store::Artifact& a) { return record_json(ws, a); });
}

json artifact_json(store::Workspace& ws, const std::string& id_or_prefix) {
  const store::Artifact a = artifact_of(ws, id_or_prefix);
  json j = record_json(ws, a);
  j["parents"] = json::array();
  j["children"] = json::array();
  for (const auto& e : store::parents_of(ws, a.id))
    j["parents"].push_back({{"id", e.parent}, {"role", e.role}});
  for (const auto& e : store::children_of(ws, a.id))
    j["children"].push_back({{"id", e.child}, {"role", e.role}});
  j["stage_history"] = json::array();
  for (const auto& c : store::stage_history(ws, a.id))
    j["stage_history"].push_back(
        {{"stage", c.stage}, {"changed_at", c.changed_at}, {"evidence", json::parse(c.evidence)}});
  return j;
}

json lineage_json(store::Workspace& ws, const std::string& id_or_prefix) {
  const store::Artifact a = artifact_of(ws, id_or_prefix);
  json artifact = record_json(ws, a);
  return {{"artifact", artifact},
          {"ancestors", walk_lineage(ws, a.id, true)},
          {"descendants", walk_lineage(ws, a.id, false)}};
}

Page runs_json(store::Workspace& ws, const Paging& paging) {
  return page_of(store::list_runs(ws), paging, run_summary);
}

json run_json(store::Workspace& ws, const std::string& id) {
  const store::RunRecord r = store::find_run(ws, parse_run_id(id));
  json j = run_summary(r);
  j["params"] = json::parse(r.params);
  j["log"] = r.log;
  // A queued run's stages as the workers take them (empty for a run made by `tinyops run`).
  j["jobs"] = json::array();
  for (const store::Job& job : store::list_jobs(ws, r.id))
    j["jobs"].push_back({{"stage", job.stage}, {"status", job.status}, {"worker", job.worker},
                         {"attempts", job.attempts}, {"error", job.error}});
  return j;
}

json datasets_json(store::Workspace& ws, const Paging& paging, size_t& versions_total) {
  const data::DatasetStats stats = data::dataset_stats(ws);
  json labels = json::object();
  for (const auto& [label, l] : stats.labels)
    labels[label] = {
        {"training", l.training}, {"testing", l.testing}, {"duration_ms", l.duration_ms}};
  json current = {{"samples", stats.samples},
                  {"shards", stats.shards},
                  {"shard_bytes", stats.shard_bytes},
                  {"kinds", stats.kinds},
                  {"labels", labels}};
  const Page versions = page_of(data::list_versions(ws), paging, [](const data::DatasetVersion& v) {
    return json{
        {"id", v.id}, {"name", v.name}, {"samples", v.samples}, {"created_at", v.created_at}};
  });
  versions_total = versions.total;
  return {{"current", current}, {"versions", versions.items}};
}

json dataset_json(store::Workspace& ws, const std::string& ref) {
  const data::DatasetVersion v = resolve_dataset(ws, ref);
  std::map<std::string, std::map<std::string, size_t>> per_label;
  std::map<std::string, size_t> per_category = {{"training", 0}, {"testing", 0}};
  for (const data::VersionEntry& e : data::version_entries(ws, v.id)) {
    per_label[e.label][e.category] += 1;
    per_category[e.category] += 1;
  }
  json labels = json::object();
  for (auto& [label, counts] : per_label)
    labels[label] = {{"training", counts["training"]}, {"testing", counts["testing"]}};
  // A pipeline registers the version as an artifact (same id): what was made from it.
  json used_by = json::array();
  for (const auto& e : store::children_of(ws, v.id)) {
    const store::Artifact child = store::find_artifact(ws, e.child);
    used_by.push_back(
        {{"id", child.id}, {"kind", child.kind}, {"name", child.name}, {"role", e.role}});
  }
  return {{"id", v.id},           {"name", v.name},
          {"samples", v.samples}, {"created_at", v.created_at},
          {"labels", labels},     {"categories", per_category},
          {"used_by", used_by}};
}

Page farm_reports_json(store::Workspace& ws, const Paging& paging,
                       const std::optional<std::string>& model) {
  std::vector<store::Artifact> reports = store::list_artifacts(ws, "farm_report");
  if (model) {
    const std::string id = artifact_of(ws, *model).id;
    std::set<std::string> of_model;
    for (const auto& e : store::children_of(ws, id))
      if (e.role == "model") of_model.insert(e.child);
    std::erase_if(reports, [&](const store::Artifact& a) { return !of_model.contains(a.id); });
  }
  return page_of(reports, paging,
                 [&](const store::Artifact& a) { return farm_report_view(ws, a); });
}

json farm_report_json(store::Workspace& ws, const std::string& id_or_prefix) {
  const store::Artifact a = artifact_of(ws, id_or_prefix);
  if (a.kind != "farm_report")
    throw NotFoundError("no farm report " + id_or_prefix + ": the kind of " + short_id(a.id) +
                        " is " + a.kind + " (see GET /api/v1/farm-reports)");
  return farm_report_view(ws, a);
}

json promote_json(store::Workspace& ws, const std::string& model, std::string_view body) {
  const json request = parse_json_object(body, {"stage"});
  const std::string usage = R"(the body must be {"stage": "staging" | "production" | "archived"})";
  require(request.contains("stage") && request["stage"].is_string(), usage);
  const std::string stage = request["stage"].get<std::string>();
  require(stage == "staging" || stage == "production" || stage == "archived",
          "unknown stage '" + stage + "': " + usage);
  const store::Artifact a = artifact_of(ws, model);
  if (a.kind != "int8_model" && a.kind != "float_model")
    throw NotFoundError("no model " + model + ": the kind of " + short_id(a.id) + " is " + a.kind +
                        " (see GET /api/v1/models)");
  const store::StageChange c = store::promote(ws, a.id, stage);  // the gate refuses with a ConflictError
  return {{"model", c.model},
          {"stage", c.stage},
          {"changed_at", c.changed_at},
          {"evidence", json::parse(c.evidence)}};
}

json trigger_run_json(store::Workspace& ws, std::string_view body,
                      const std::function<int64_t(store::Workspace&, const std::filesystem::path&)>& queue) {
  const json request = parse_json_object(body, {"pipeline"});
  const std::string usage = R"(the body must be {"pipeline": "PATH"}, a pipeline file in the workspace)";
  require(request.contains("pipeline") && request["pipeline"].is_string(), usage);
  const std::string path = request["pipeline"].get<std::string>();
  require(!path.empty() && path.size() <= 4096 && path.find('\0') == std::string::npos, usage);
  namespace fs = std::filesystem;
  const fs::path root = fs::weakly_canonical(ws.root());
  const fs::path file = fs::weakly_canonical(root / path);  // symlinks and .. resolved
  const fs::path inside = file.lexically_relative(root);
  require(!inside.empty() && *inside.begin() != "..",
          "pipeline '" + path + "' is outside the workspace: name a file in it, relative to its root");
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw NotFoundError("no pipeline file '" + path + "' in the workspace");
  return run_json(ws, std::to_string(queue(ws, file)));
}

Page releases_json(store::Workspace& ws, const Paging& paging) {
  return page_of(fleet::list_releases(ws), paging, [](const fleet::Release& r) { return fleet::release_json(r); });
}

nlohmann::json release_json(store::Workspace& ws, const std::string& id_or_prefix) {
  check_artifact_id(id_or_prefix);
  return fleet::release_json(fleet::find_release(ws, id_or_prefix));
}

Page devices_json(store::Workspace& ws, const Paging& paging, const std::optional<std::string>& tag) {
  return page_of(fleet::list_devices(ws, tag.value_or("")), paging,
                 [](const fleet::Device& d) { return fleet::device_json(d); });
}

nlohmann::json device_json(store::Workspace& ws, const std::string& name) {
  require(!name.empty() && name.size() <= 64, "a device name has 1 to 64 characters");
  return fleet::device_json(fleet::find_device(ws, name));
}

Page rollouts_json(store::Workspace& ws, const Paging& paging) {
  return page_of(fleet::list_rollouts(ws), paging, [](const fleet::Rollout& r) { return fleet::rollout_json(r); });
}


namespace {

int64_t rollout_number(const std::string& id) {
  require(!id.empty() && id.size() <= 18 && id.find_first_not_of("0123456789") == std::string::npos,
          "rollout '" + id + "': a rollout is named by its number");
  return std::stoll(id);
}

std::string string_field(const json& request, const char* name, const std::string& fallback) {
  if (!request.contains(name)) return fallback;
  require(request[name].is_string(), std::string("\"") + name + "\" must be a string");
  return request[name].get<std::string>();
}

}  // namespace

nlohmann::json start_rollout_json(store::Workspace& ws, std::string_view body) {
  const json request =
      parse_json_object(body, {"release", "devices", "stages", "bake", "max_failure_rate", "report_timeout"});
  require(request.contains("release") && request["release"].is_string(), "\"release\" (a string) is required");
  fleet::RolloutOptions o;
  o.release = request["release"].get<std::string>();
  o.cohort = string_field(request, "devices", "all");
  o.stages = fleet::parse_stages(string_field(request, "stages", "1,10,50,100"));
  o.bake_seconds = fleet::parse_duration(string_field(request, "bake", "0"));
  o.max_failure_rate = fleet::parse_rate(string_field(request, "max_failure_rate", "2%"));
  o.report_timeout_seconds = fleet::parse_duration(string_field(request, "report_timeout", "10m"));
  const std::time_t now = std::time(nullptr);
  const fleet::Rollout r = fleet::start_rollout(ws, o, now);
  fleet::step_rollout(ws, r.id, now);
  return fleet::rollout_json(fleet::find_rollout(ws, r.id));
}

nlohmann::json control_rollout_json(store::Workspace& ws, const std::string& id, const std::string& verb,
                                    std::string_view body) {
  const int64_t n = rollout_number(id);
  const json request = body.empty() ? json::object() : parse_json_object(body, {"reason"});
  const std::time_t now = std::time(nullptr);
  if (verb == "pause") fleet::pause_rollout(ws, n, now);
  else if (verb == "resume") fleet::resume_rollout(ws, n, now);
  else fleet::abort_rollout(ws, n, string_field(request, "reason", ""), now);
  return fleet::rollout_json(fleet::find_rollout(ws, n));
}

nlohmann::json rollout_json(store::Workspace& ws, const std::string& id) {
  return fleet::rollout_json(fleet::find_rollout(ws, rollout_number(id)));
}

nlohmann::json create_release_json(store::Workspace& ws, std::string_view body) {
  const json request = parse_json_object(body, {"model", "board", "key"});
  require(request.contains("model") && request["model"].is_string(), "\"model\" (a model id or prefix) is required");
  require(request.contains("board") && request["board"].is_string(), "\"board\" (a board profile) is required");
  fleet::ReleaseOptions o;
  o.model = request["model"].get<std::string>();
  check_artifact_id(o.model);
  o.board = request["board"].get<std::string>();
  o.key = string_field(request, "key", "default");
  return fleet::release_json(fleet::create_release(ws, o));
}

nlohmann::json enroll_device_json(store::Workspace& ws, std::string_view body) {
  const nlohmann::json request = parse_json_object(body, {"name", "board", "tags"});
  require(request.contains("name") && request["name"].is_string(), "\"name\" (a string) is required");
  require(request.contains("board") && request["board"].is_string(), "\"board\" (a string) is required");
  std::vector<std::string> tags;
  if (request.contains("tags")) {
    require(request["tags"].is_array(), "\"tags\" must be an array of strings");
    for (const auto& t : request["tags"]) {
      require(t.is_string(), "\"tags\" must be an array of strings");
      tags.push_back(t.get<std::string>());
    }
  }
  const fleet::Enrollment e =
      fleet::enroll_device(ws, request["name"].get<std::string>(), request["board"].get<std::string>(), tags);
  nlohmann::json out = fleet::device_json(e.device);
  out["secret"] = e.secret;
  return out;
}

}  // namespace tinyops::server
