// `tinyops model list|show|promote` and `tinyops lineage`: the registry, read and moved.
#include <fmt/format.h>

#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/store/registry.hpp"

namespace tinyops::cli {

namespace fs = std::filesystem;

namespace {

nlohmann::json artifact_json(const store::Artifact& a) {
  return {{"id", a.id}, {"kind", a.kind}, {"name", a.name}, {"created_at", a.created_at},
          {"metadata", nlohmann::json::parse(a.metadata)}};
}

std::string accuracy_text(const store::Artifact& a) {
  const auto meta = nlohmann::json::parse(a.metadata);
  return meta.contains("test_accuracy") ? fmt::format("{:.1f} %", 100 * meta["test_accuracy"].get<double>()) : "-";
}

}  // namespace

int registry_model_list(const ModelListArgs& args) {
  store::Workspace ws = open_workspace(args);
  std::vector<store::Artifact> list;
  if (args.kind.empty()) {
    for (const char* kind : {"int8_model", "float_model"})
      for (auto& a : store::list_artifacts(ws, kind)) list.push_back(std::move(a));
  } else {
    list = store::list_artifacts(ws, args.kind);
  }
  if (args.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& a : list) {
      nlohmann::json j = artifact_json(a);
      j["stage"] = store::current_stage(ws, a.id);
      out.push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  TextTable table({"id", "kind", "name", "stage", "test accuracy", "created"});
  for (const auto& a : list)
    table.add({a.id.substr(0, 12), a.kind, a.name, store::current_stage(ws, a.id), accuracy_text(a), a.created_at});
  std::cout << table.render() << fmt::format("{} artifacts\n", list.size());
  return 0;
}

int registry_model_show(const ArtifactArgs& args) {
  store::Workspace ws = open_workspace(args);
  const store::Artifact a = store::find_artifact(ws, args.id);
  const auto history = store::stage_history(ws, a.id);
  if (args.json) {
    nlohmann::json j = artifact_json(a);
    j["stage"] = store::current_stage(ws, a.id);
    nlohmann::json h = nlohmann::json::array();
    for (const auto& c : history)
      h.push_back({{"stage", c.stage}, {"changed_at", c.changed_at}, {"evidence", nlohmann::json::parse(c.evidence)}});
    j["stage_history"] = h;
    nlohmann::json parents = nlohmann::json::array(), children = nlohmann::json::array();
    for (const auto& e : store::parents_of(ws, a.id)) parents.push_back({{"id", e.parent}, {"role", e.role}});
    for (const auto& e : store::children_of(ws, a.id)) children.push_back({{"id", e.child}, {"role", e.role}});
    j["parents"] = parents;
    j["children"] = children;
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("{} {}\n  name     {}\n  created  {}\n  stage    {}\n", a.kind, a.id, a.name,
                           a.created_at, store::current_stage(ws, a.id));
  std::cout << "  metadata " << nlohmann::json::parse(a.metadata).dump(2) << "\n";
  for (const auto& e : store::parents_of(ws, a.id))
    std::cout << fmt::format("  from     {} ({}: {})\n", e.parent.substr(0, 12), e.role, store::find_artifact(ws, e.parent).kind);
  for (const auto& e : store::children_of(ws, a.id))
    std::cout << fmt::format("  made     {} ({}: {})\n", e.child.substr(0, 12), e.role, store::find_artifact(ws, e.child).kind);
  for (const auto& c : history)
    std::cout << fmt::format("  {} -> {}; evidence: {}\n", c.changed_at, c.stage, c.evidence);
  return 0;
}

int registry_model_promote(const ArtifactArgs& args) {
  store::Workspace ws = open_workspace(args);
  const store::StageChange c = store::promote(ws, args.id, args.stage);
  if (args.json) {
    std::cout << nlohmann::json{{"model", c.model}, {"stage", c.stage}, {"changed_at", c.changed_at},
                                {"evidence", nlohmann::json::parse(c.evidence)}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << fmt::format("{} is now in {}\n", c.model.substr(0, 12), c.stage);
  if (c.evidence != "{}") std::cout << "evidence: " << c.evidence << "\n";
  return 0;
}

int registry_lineage(const ArtifactArgs& args) {
  store::Workspace ws = open_workspace(args);
  const store::Artifact root = store::find_artifact(ws, args.id);
  // Both directions, each artifact once.
  nlohmann::json ancestors = nlohmann::json::array(), descendants = nlohmann::json::array();
  std::string text;
  std::function<void(const std::string&, int, bool, std::set<std::string>&, nlohmann::json&)> walk =
      [&](const std::string& id, int depth, bool up, std::set<std::string>& seen, nlohmann::json& out) {
        const auto edges = up ? store::parents_of(ws, id) : store::children_of(ws, id);
        for (const auto& e : edges) {
          const std::string next = up ? e.parent : e.child;
          const store::Artifact a = store::find_artifact(ws, next);
          text += fmt::format("{}{} {} {:<16} {}  ({})\n", std::string(2 * static_cast<size_t>(depth), ' '),
                              up ? "<-" : "->", a.id.substr(0, 12), a.kind, a.name, e.role);
          out.push_back({{"id", a.id}, {"kind", a.kind}, {"name", a.name}, {"role", e.role}, {"depth", depth}});
          if (seen.insert(next).second) walk(next, depth + 1, up, seen, out);
        }
      };
  std::set<std::string> seen_up, seen_down;
  text += fmt::format("{} {} {}\nmade from:\n", root.id.substr(0, 12), root.kind, root.name);
  walk(root.id, 1, true, seen_up, ancestors);
  text += "made into:\n";
  walk(root.id, 1, false, seen_down, descendants);
  if (args.json) {
    std::cout << nlohmann::json{{"artifact", artifact_json(root)}, {"ancestors", ancestors}, {"descendants", descendants}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << text;
  return 0;
}

}  // namespace tinyops::cli
