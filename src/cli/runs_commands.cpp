// `tinyops runs` and `tinyops runs diff A B`: the recorded pipeline runs.
#include <fmt/format.h>

#include <array>
#include <iostream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/store/runs.hpp"

namespace tinyops::cli {

namespace {

// Leaves of a JSON object as "a.b.c" -> value text.
void flatten(const nlohmann::json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out);
  } else {
    out[prefix] = j.dump();
  }
}

std::string stage_summary(const std::string& stages_json) {
  std::string s;
  for (const auto& st : nlohmann::json::parse(stages_json))
    s += fmt::format("{}{}:{}", s.empty() ? "" : " ", st.at("stage").get<std::string>(),
                     st.at("status").get<std::string>());
  return s;
}

}  // namespace

int runs_list(const RunsArgs& args) {
  store::Workspace ws = open_workspace(args);
  if (!args.diff.empty()) {
    require(args.diff.size() == 2, "`runs diff` takes two run ids");
    const store::RunRecord a = store::find_run(ws, args.diff[0]), b = store::find_run(ws, args.diff[1]);
    std::map<std::string, std::string> pa, pb, ma, mb;
    flatten(nlohmann::json::parse(a.params), "", pa);
    flatten(nlohmann::json::parse(b.params), "", pb);
    flatten(nlohmann::json::parse(a.metrics), "", ma);
    flatten(nlohmann::json::parse(b.metrics), "", mb);
    auto differences = [](const std::map<std::string, std::string>& x, const std::map<std::string, std::string>& y) {
      std::vector<std::array<std::string, 3>> rows;
      std::set<std::string> keys;
      for (const auto& [k, v] : x) keys.insert(k);
      for (const auto& [k, v] : y) keys.insert(k);
      for (const std::string& k : keys) {
        const std::string vx = x.count(k) ? x.at(k) : "-", vy = y.count(k) ? y.at(k) : "-";
        if (vx != vy) rows.push_back({k, vx, vy});
      }
      return rows;
    };
    const auto params = differences(pa, pb), metrics = differences(ma, mb);
    if (args.json) {
      nlohmann::json out = {{"a", a.id}, {"b", b.id}, {"params", nlohmann::json::array()}, {"metrics", nlohmann::json::array()}};
      for (const auto& r : params) out["params"].push_back({{"key", r[0]}, {"a", r[1]}, {"b", r[2]}});
      for (const auto& r : metrics) out["metrics"].push_back({{"key", r[0]}, {"a", r[1]}, {"b", r[2]}});
      std::cout << out.dump(2) << "\n";
      return 0;
    }
    for (const auto& [title, rows] : {std::pair{"parameters", params}, std::pair{"metrics", metrics}}) {
      TextTable t({title, fmt::format("run {}", a.id), fmt::format("run {}", b.id)});
      for (const auto& r : rows) t.add({r[0], r[1], r[2]});
      std::cout << (rows.empty() ? fmt::format("{}: no differences\n", title) : t.render()) << "\n";
    }
    return 0;
  }
  const auto runs = store::list_runs(ws);
  if (args.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : runs)
      out.push_back({{"id", r.id}, {"pipeline", r.pipeline}, {"status", r.status}, {"started_at", r.started_at},
                     {"finished_at", r.finished_at}, {"params", nlohmann::json::parse(r.params)},
                     {"metrics", nlohmann::json::parse(r.metrics)}, {"stages", nlohmann::json::parse(r.stages)}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  TextTable t({"run", "pipeline", "status", "started", "stages", "int8 accuracy"});
  for (const auto& r : runs) {
    const auto m = nlohmann::json::parse(r.metrics);
    t.add({std::to_string(r.id), r.pipeline, r.status, r.started_at, stage_summary(r.stages),
           m.contains("int8_accuracy") ? fmt::format("{:.1f} %", 100 * m["int8_accuracy"].get<double>()) : "-"});
  }
  std::cout << t.render() << fmt::format("{} runs\n", runs.size());
  return 0;
}

}  // namespace tinyops::cli
