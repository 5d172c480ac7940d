#include "tinyops/store/registry.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "tinyops/core/error.hpp"

namespace tinyops::store {

namespace {

Artifact read_artifact(Statement& q) {
  return {q.column_text(0), q.column_text(1), q.column_text(2), q.column_text(3), q.column_text(4)};
}

constexpr const char* kArtifactColumns = "id, kind, name, created_at, metadata";

std::vector<LineageEdge> edges(Workspace& ws, const std::string& sql, const std::string& id) {
  Statement q = ws.db().prepare(sql);
  q.bind(1, id);
  std::vector<LineageEdge> out;
  while (q.step()) out.push_back({q.column_text(0), q.column_text(1), q.column_text(2)});
  return out;
}

// The production gate turning a promotion down: the request is fine, the evidence is not.
void refuse_unless(bool condition, const std::string& message) {
  if (!condition) throw ConflictError(message);
}

}  // namespace

Artifact record_artifact(Workspace& ws, const std::string& kind, const std::string& name,
                         std::span<const uint8_t> content, const std::string& metadata_json,
                         const std::vector<std::pair<std::string, std::string>>& parents) {
  require(nlohmann::json::accept(metadata_json), "artifact metadata must be a JSON object");
  Artifact a;
  a.id = ws.objects().put(content);
  a.kind = kind;
  a.name = name;
  a.metadata = metadata_json;
  a.created_at = utc_now();
  Transaction t(ws.db());
  Statement existing = ws.db().prepare(std::string("SELECT ") + kArtifactColumns + " FROM artifacts WHERE id = ?1");
  existing.bind(1, a.id);
  if (existing.step()) {
    a = read_artifact(existing);
  } else {
    Statement add = ws.db().prepare(
        "INSERT INTO artifacts (id, kind, name, created_at, metadata) VALUES (?1, ?2, ?3, ?4, ?5)");
    add.bind(1, a.id).bind(2, a.kind).bind(3, a.name).bind(4, a.created_at).bind(5, a.metadata);
    add.run();
  }
  Statement edge = ws.db().prepare("INSERT INTO lineage (parent, child, role) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
  for (const auto& [parent, role] : parents) {
    if (parent == a.id) continue;
    edge.bind(1, parent).bind(2, a.id).bind(3, role);
    edge.run();
    edge.reset();
  }
  t.commit();
  return a;
}

Artifact find_artifact(Workspace& ws, const std::string& id_or_prefix) {
  require(id_or_prefix.size() >= 6 && id_or_prefix.find_first_not_of("0123456789abcdef") == std::string::npos,
          "'" + id_or_prefix + "' is not an artifact id (at least 6 lowercase hex digits)");
  Statement q = ws.db().prepare(std::string("SELECT ") + kArtifactColumns +
                                " FROM artifacts WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 2");
  q.bind(1, id_or_prefix).bind(2, id_or_prefix + "g");
  if (!q.step()) throw NotFoundError("no artifact " + id_or_prefix + " in this workspace (see `tinyops model list`)");
  Artifact a = read_artifact(q);
  require(!q.step(), "the prefix " + id_or_prefix + " matches several artifacts: give more digits");
  return a;
}

std::vector<Artifact> list_artifacts(Workspace& ws, const std::string& kind) {
  Statement q = ws.db().prepare(std::string("SELECT ") + kArtifactColumns + " FROM artifacts" +
                                (kind.empty() ? "" : " WHERE kind = ?1") + " ORDER BY created_at, id");
  if (!kind.empty()) q.bind(1, kind);
  std::vector<Artifact> out;
  while (q.step()) out.push_back(read_artifact(q));
  return out;
}

std::vector<LineageEdge> parents_of(Workspace& ws, const std::string& id) {
  return edges(ws, "SELECT parent, child, role FROM lineage WHERE child = ?1 ORDER BY role, parent", id);
}

std::vector<LineageEdge> children_of(Workspace& ws, const std::string& id) {
  return edges(ws, "SELECT parent, child, role FROM lineage WHERE parent = ?1 ORDER BY role, child", id);
}

std::vector<StageChange> stage_history(Workspace& ws, const std::string& model_id) {
  Statement q = ws.db().prepare(
      "SELECT model, stage, changed_at, evidence FROM model_stages WHERE model = ?1 ORDER BY seq");
  q.bind(1, model_id);
  std::vector<StageChange> out;
  while (q.step()) out.push_back({q.column_text(0), q.column_text(1), q.column_text(2), q.column_text(3)});
  return out;
}

std::string current_stage(Workspace& ws, const std::string& model_id) {
  const auto history = stage_history(ws, model_id);
  return history.empty() ? "none" : history.back().stage;
}

std::vector<Artifact> farm_reports_of(Workspace& ws, const std::string& model_id) {
  std::vector<Artifact> reports;
  std::set<std::string> seen = {model_id};
  std::vector<std::string> frontier = {model_id};
  for (size_t depth = 0; depth < 4 && !frontier.empty(); ++depth) {
    std::vector<std::string> next;
    for (const std::string& id : frontier)
      for (const LineageEdge& e : children_of(ws, id)) {
        if (!seen.insert(e.child).second) continue;
        Artifact child = find_artifact(ws, e.child);
        if (child.kind == "farm_report") reports.push_back(std::move(child));
        next.push_back(e.child);
      }
    frontier = next;
  }
  return reports;
}

StageChange promote(Workspace& ws, const std::string& model_id, const std::string& stage,
                    std::optional<double> accuracy_threshold) {
  require(stage == "staging" || stage == "production" || stage == "archived",
          "unknown stage '" + stage + "': use staging, production or archived");
  const Artifact model = find_artifact(ws, model_id);
  require(model.kind == "int8_model" || model.kind == "float_model",
          model.id.substr(0, 12) + " is a " + model.kind + ", not a model");
  nlohmann::json evidence = nlohmann::json::object();
  if (stage == "production") {
    nlohmann::json reports = nlohmann::json::array();
    for (const Artifact& report : farm_reports_of(ws, model.id))
      reports.push_back(nlohmann::json::parse(report.metadata));
    refuse_unless(!reports.empty(), "cannot promote " + model.id.substr(0, 12) +
                                  " to production: no farm report; run it on its target boards first");
    for (const auto& report : reports) {
      for (const auto& b : report.at("boards")) {
        refuse_unless(b.value("passed", false) && b.value("fits", false),
                "cannot promote " + model.id.substr(0, 12) + " to production: the farm test on " +
                    b.value("board", std::string("?")) + " did not pass bit-exact and fitting");
      }
    }
    const nlohmann::json meta = nlohmann::json::parse(model.metadata);
    refuse_unless(meta.contains("test_accuracy") && (accuracy_threshold || meta.contains("accuracy_threshold")),
            "cannot promote " + model.id.substr(0, 12) + " to production: it has no recorded test accuracy and threshold");
    const double accuracy = meta["test_accuracy"].get<double>();
    const double threshold = accuracy_threshold ? *accuracy_threshold : meta["accuracy_threshold"].get<double>();
    refuse_unless(accuracy >= threshold, "cannot promote " + model.id.substr(0, 12) + " to production: test accuracy " +
                                       std::to_string(accuracy) + " is below the pipeline's threshold " +
                                       std::to_string(threshold));
    evidence = {{"farm_reports", reports}, {"test_accuracy", accuracy}, {"accuracy_threshold", threshold}};
  }
  StageChange change{model.id, stage, utc_now(), evidence.dump()};
  Transaction t(ws.db());
  Statement add = ws.db().prepare(
      "INSERT INTO model_stages (model, stage, changed_at, evidence) VALUES (?1, ?2, ?3, ?4)");
  add.bind(1, change.model).bind(2, change.stage).bind(3, change.changed_at).bind(4, change.evidence);
  add.run();
  t.commit();
  return change;
}

}  // namespace tinyops::store
