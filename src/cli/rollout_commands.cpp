// `tinyops rollout start|list|status|pause|resume|abort` (src/fleet/rollout.hpp). Starting
// records the plan and its first stage's offers; `tinyops fleet serve` carries offers to
// devices and their reports back (docs/fleet.md).
#include <fmt/format.h>

#include <ctime>
#include <iomanip>
#include <sstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/fleet/rollout.hpp"
#include "tinyops/fleet/views.hpp"

namespace tinyops::cli {
namespace {

std::string stages_text(const std::vector<int>& stages) {
  std::string out;
  for (int s : stages) out += (out.empty() ? "" : ",") + std::to_string(s);
  return out;
}

std::time_t parse_iso(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return in.fail() ? 0 : timegm(&tm);
}

// How long each stage took (or has taken so far), from the events that open and close it.
std::vector<std::string> stage_times(const fleet::Rollout& r) {
  std::vector<std::time_t> begin(r.stages.size(), 0), end(r.stages.size(), 0);
  for (const fleet::RolloutEvent& e : r.events) {
    const nlohmann::json evidence = nlohmann::json::parse(e.evidence, nullptr, false);
    const std::time_t at = parse_iso(e.at);
    if (e.event == "started") begin[0] = at;
    if (!evidence.is_object() || !evidence.contains("stage") || !evidence["stage"].is_number_integer()) continue;
    const auto s = evidence["stage"].get<size_t>();
    if (s >= r.stages.size()) continue;
    if (e.event == "stage") begin[s] = at;
    if (e.event == "stage-passed" || e.event == "done" || e.event == "halted") end[s] = at;
  }
  std::vector<std::string> out;
  for (size_t s = 0; s < r.stages.size(); ++s) {
    if (begin[s] == 0) {
      out.push_back("");
    } else if (end[s] != 0) {
      out.push_back(fmt::format("{} s", end[s] - begin[s]));
    } else {
      out.push_back(r.state == "running" && static_cast<int>(s) == r.stage
                        ? fmt::format("{} s so far", std::time(nullptr) - begin[s]) : "");
    }
  }
  return out;
}

// One row per stage: its devices, how they fare, and how long it took.
std::string stage_table(const fleet::Rollout& r) {
  const std::vector<std::string> times = stage_times(r);
  TextTable table({"stage", "%", "devices", "updated", "failed", "reverted", "waiting", "time"});
  for (size_t s = 0; s < r.stages.size(); ++s) {
    std::map<std::string, int> count;
    int devices = 0;
    for (const fleet::RolloutDevice& d : r.devices)
      if (d.stage == static_cast<int>(s)) {
        ++devices;
        ++count[d.status];
      }
    table.add({std::to_string(s + 1), std::to_string(r.stages[s]), std::to_string(devices),
               std::to_string(count["updated"]), std::to_string(count["failed"]),
               std::to_string(count["reverted"] + count["reverting"]), std::to_string(count["offered"]), times[s]});
  }
  return table.render();
}

}  // namespace

int rollout_start(const RolloutArgs& args) {
  store::Workspace ws = open_workspace(args);
  fleet::RolloutOptions o;
  o.release = args.release;
  o.cohort = args.devices;
  o.stages = fleet::parse_stages(args.stages);
  o.bake_seconds = fleet::parse_duration(args.bake);
  o.report_timeout_seconds = fleet::parse_duration(args.report_timeout);
  o.max_failure_rate = fleet::parse_rate(args.max_failure_rate);
  const std::time_t now = std::time(nullptr);
  const fleet::Rollout started = fleet::start_rollout(ws, o, now);
  const auto offers = fleet::step_rollout(ws, started.id, now);
  const fleet::Rollout r = fleet::find_rollout(ws, started.id);
  if (args.json) {
    std::cout << fleet::rollout_json(r).dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("rollout {} of release {} to {} device(s) tagged '{}' on {}: stages {} %, "
                           "bake {} s, halt above {:.1f} % failed\n",
                           r.id, r.release_id.substr(0, 12), r.devices.size(), r.cohort, r.board,
                           stages_text(r.stages), r.bake_seconds, r.max_failure_rate * 100)
            << fmt::format("stage 1 offers the release to {} device(s)\n", offers.size());
  return 0;
}

int rollout_list(const RolloutArgs& args) {
  store::Workspace ws = open_workspace(args);
  const auto rollouts = fleet::list_rollouts(ws);
  if (args.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rollouts) out.push_back(fleet::rollout_json(r));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  TextTable table({"id", "release", "board", "cohort", "stages", "state", "stage", "created"});
  for (const auto& r : rollouts)
    table.add({std::to_string(r.id), r.release_id.substr(0, 12), r.board, r.cohort, stages_text(r.stages),
               r.state, std::to_string(r.stage + 1), r.created_at});
  std::cout << table.render() << fmt::format("{} rollouts\n", rollouts.size());
  return 0;
}

int rollout_status(const RolloutArgs& args) {
  store::Workspace ws = open_workspace(args);
  const fleet::Rollout r = fleet::find_rollout(ws, args.id);
  if (args.json) {
    std::cout << fleet::rollout_json(r).dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("rollout {} of release {} ({}, cohort '{}'): {}{}\n", r.id, r.release_id.substr(0, 12),
                           r.board, r.cohort, r.state, r.reason.empty() ? "" : " - " + r.reason)
            << stage_table(r);
  for (const fleet::RolloutEvent& e : r.events) std::cout << fmt::format("{}  {}\n", e.at, e.event);
  return 0;
}

int rollout_control(const RolloutArgs& args, const std::string& verb) {
  store::Workspace ws = open_workspace(args);
  const std::time_t now = std::time(nullptr);
  if (verb == "pause") fleet::pause_rollout(ws, args.id, now);
  else if (verb == "resume") fleet::resume_rollout(ws, args.id, now);
  else fleet::abort_rollout(ws, args.id, args.reason, now);
  const fleet::Rollout r = fleet::find_rollout(ws, args.id);
  if (args.json) std::cout << fleet::rollout_json(r).dump(2) << "\n";
  else std::cout << fmt::format("rollout {}: {}\n", r.id, r.state);
  return 0;
}

}  // namespace tinyops::cli
