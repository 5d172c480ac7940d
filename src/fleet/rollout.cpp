#include "tinyops/fleet/rollout.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <span>

#include "tinyops/core/error.hpp"
#include "tinyops/fleet/devices.hpp"
#include "tinyops/fleet/keys.hpp"
#include "tinyops/fleet/release.hpp"
#include "tinyops/store/registry.hpp"

namespace tinyops::fleet {
namespace {

using nlohmann::json;

std::time_t parse_time(const std::string& text) {
  std::tm tm{};
  if (!strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return 0;
  return timegm(&tm);
}

// The rollout's order of devices: fixed by the release and the name, so a stage's 10 % is
// the same devices however often the controller runs, and no cohort sorts first by name.
std::string order_key(const std::string& release, const std::string& device) {
  std::array<uint8_t, crypto_hash_sha256_BYTES> digest{};
  const std::string text = release + "/" + device;
  crypto_hash_sha256(digest.data(), reinterpret_cast<const uint8_t*>(text.data()), text.size());
  return hex(digest);
}

// Devices a cumulative stage of `percent` reaches out of `total` (at least one).
int reach(int percent, int total) {
  if (total == 0) return 0;
  return std::max(1, static_cast<int>(std::ceil(percent * static_cast<double>(total) / 100.0)));
}

constexpr const char* kRolloutColumns =
    "id, release_id, artifact_id, board, cohort, stages, bake_seconds, max_failure_rate, "
    "report_timeout_seconds, state, stage, stage_started_at, reason, created_at, updated_at";

Rollout rollout_of(const store::Statement& q) {
  Rollout r;
  r.id = q.column_int(0);
  r.release_id = q.column_text(1);
  r.artifact_id = q.column_text(2);
  r.board = q.column_text(3);
  r.cohort = q.column_text(4);
  r.stages = json::parse(q.column_text(5)).get<std::vector<int>>();
  r.bake_seconds = q.column_int(6);
  r.max_failure_rate = q.column_double(7);
  r.report_timeout_seconds = q.column_int(8);
  r.state = q.column_text(9);
  r.stage = static_cast<int>(q.column_int(10));
  r.stage_started_at = q.column_text(11);
  r.reason = q.column_text(12);
  r.created_at = q.column_text(13);
  r.updated_at = q.column_text(14);
  return r;
}

Rollout load_rollout(store::Workspace& ws, int64_t id) {
  store::Statement q = ws.db().prepare(std::string("SELECT ") + kRolloutColumns + " FROM rollouts WHERE id = ?1");
  q.bind(1, id);
  if (!q.step())
    throw NotFoundError("no rollout " + std::to_string(id) + " (see `tinyops rollout list`)");
  return rollout_of(q);
}

std::vector<RolloutDevice> load_devices(store::Workspace& ws, int64_t id) {
  store::Statement q = ws.db().prepare(
      "SELECT device, position, stage, previous_release, status, reason, updated_at "
      "FROM rollout_devices WHERE rollout_id = ?1 ORDER BY position");
  q.bind(1, id);
  std::vector<RolloutDevice> out;
  while (q.step()) {
    RolloutDevice d;
    d.device = q.column_text(0);
    d.position = static_cast<int>(q.column_int(1));
    d.stage = static_cast<int>(q.column_int(2));
    d.previous_release = q.column_text(3);
    d.status = q.column_text(4);
    d.reason = q.column_text(5);
    d.updated_at = q.column_text(6);
    out.push_back(std::move(d));
  }
  return out;
}

void add_event(store::Workspace& ws, int64_t id, std::time_t now, const std::string& event,
               const json& evidence) {
  store::Statement add = ws.db().prepare(
      "INSERT INTO rollout_events (rollout_id, at, event, evidence) VALUES (?1, ?2, ?3, ?4)");
  add.bind(1, id).bind(2, iso_time(now)).bind(3, event).bind(4, evidence.dump());
  add.run();
}

void set_device(store::Workspace& ws, int64_t id, const RolloutDevice& d, std::time_t now) {
  store::Statement q = ws.db().prepare(
      "UPDATE rollout_devices SET stage = ?3, status = ?4, reason = ?5, updated_at = ?6 "
      "WHERE rollout_id = ?1 AND device = ?2");
  q.bind(1, id).bind(2, d.device).bind(3, static_cast<int64_t>(d.stage)).bind(4, d.status)
      .bind(5, d.reason).bind(6, iso_time(now));
  q.run();
}

void set_state(store::Workspace& ws, const Rollout& r, std::time_t now) {
  store::Statement q = ws.db().prepare(
      "UPDATE rollouts SET state = ?2, stage = ?3, stage_started_at = ?4, reason = ?5, updated_at = ?6 "
      "WHERE id = ?1");
  q.bind(1, r.id).bind(2, r.state).bind(3, static_cast<int64_t>(r.stage)).bind(4, r.stage_started_at)
      .bind(5, r.reason).bind(6, iso_time(now));
  q.run();
}

bool active(const std::string& state) { return state == "running" || state == "paused"; }

// Halting: every device the release reached, or was offered to, goes back to what it ran.
std::vector<Command> halt(store::Workspace& ws, Rollout& r, std::vector<RolloutDevice>& devices,
                          const json& evidence, std::time_t now) {
  std::vector<Command> commands;
  for (RolloutDevice& d : devices) {
    if (d.status != "updated" && d.status != "offered") continue;
    if (d.stage < 0) continue;  // it ran the release before this rollout started
    d.status = "reverting";
    set_device(ws, r.id, d, now);
    commands.push_back({d.device, Command::Kind::Revert, d.previous_release});
  }
  r.state = "rolled-back";
  r.reason = evidence.value("why", std::string());
  set_state(ws, r, now);
  add_event(ws, r.id, now, "halted", evidence);
  return commands;
}

std::vector<Command> offer_stage(store::Workspace& ws, Rollout& r, std::vector<RolloutDevice>& devices,
                                 std::time_t now) {
  std::vector<Command> commands;
  const int upto = reach(r.stages[r.stage], static_cast<int>(devices.size()));
  for (RolloutDevice& d : devices) {
    if (d.position >= upto || d.status != "waiting") continue;
    d.status = "offered";
    d.stage = r.stage;
    set_device(ws, r.id, d, now);
    commands.push_back({d.device, Command::Kind::Install, r.release_id});
  }
  return commands;
}

}  // namespace

std::string iso_time(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<int> parse_stages(const std::string& text) {
  static const std::regex valid(R"(\d{1,3}(,\d{1,3})*)");
  require(std::regex_match(text, valid),
          "stages '" + text + "': give cumulative percentages separated by commas, e.g. 1,10,50,100");
  std::vector<int> stages;
  for (size_t at = 0; at <= text.size();) {
    const size_t comma = std::min(text.find(',', at), text.size());
    stages.push_back(std::stoi(text.substr(at, comma - at)));
    at = comma + 1;
  }
  for (size_t i = 0; i < stages.size(); ++i) {
    require(stages[i] >= 1 && stages[i] <= 100, "stages '" + text + "': each is a percentage from 1 to 100");
    require(i == 0 || stages[i] > stages[i - 1], "stages '" + text + "': each stage reaches more devices than the one before");
  }
  require(stages.back() == 100, "stages '" + text + "': the last stage is 100 (every device of the cohort)");
  return stages;
}

int64_t parse_duration(const std::string& text) {
  static const std::regex valid(R"((\d{1,7})(s|m|h|d)?)");
  std::smatch m;
  require(std::regex_match(text, m, valid), "duration '" + text + "': use e.g. 0, 30s, 10m, 2h or 1d");
  const int64_t n = std::stoll(m[1]);
  const std::string unit = m[2];
  return unit == "d" ? n * 86400 : unit == "h" ? n * 3600 : unit == "m" ? n * 60 : n;
}

double parse_rate(const std::string& text) {
  static const std::regex percent(R"((\d{1,3}(\.\d+)?)%)"), fraction(R"((0(\.\d+)?|1(\.0+)?))");
  std::smatch m;
  double rate = -1;
  if (std::regex_match(text, m, percent)) rate = std::stod(m[1]) / 100.0;
  else if (std::regex_match(text, fraction)) rate = std::stod(text);
  require(rate >= 0 && rate <= 1, "failure rate '" + text + "': use a percentage (2%) or a fraction (0.02)");
  return rate;
}

Rollout start_rollout(store::Workspace& ws, const RolloutOptions& o, std::time_t now) {
  require(!o.stages.empty() && o.stages.back() == 100, "a rollout's last stage is 100 %");
  require(o.bake_seconds >= 0 && o.report_timeout_seconds > 0, "bake and report timeout must be positive");
  const Release release = find_release(ws, o.release);
  const std::string board = release.manifest.class_id;
  std::vector<Device> cohort;
  size_t other_boards = 0;
  for (Device& d : list_devices(ws, o.cohort)) {
    if (d.board == board) cohort.push_back(std::move(d));
    else ++other_boards;
  }
  if (cohort.empty())
    throw ConflictError("no device tagged '" + o.cohort + "' runs on " + board +
                        " (enroll some with `tinyops fleet enroll NAME --board " + board + " --tag " + o.cohort + "`)");
  std::sort(cohort.begin(), cohort.end(), [&](const Device& a, const Device& b) {
    return order_key(release.id, a.name) < order_key(release.id, b.name);
  });

  // Checked before the artifact is recorded (a refused plan leaves nothing behind) and again
  // inside the transaction (another rollout may have started meanwhile).
  std::set<std::string> names;
  for (const Device& d : cohort) names.insert(d.name);
  const auto refuse_overlaps = [&] {
    for (const Rollout& other : list_rollouts(ws)) {
      if (!active(other.state)) continue;
      for (const RolloutDevice& d : load_devices(ws, other.id))
        if (names.count(d.device))
          throw ConflictError("device '" + d.device + "' is in rollout " + std::to_string(other.id) + " (" +
                              other.state + "): finish or `tinyops rollout abort " +
                              std::to_string(other.id) + "` first");
    }
  };
  refuse_overlaps();
  const json plan = {{"release", release.id}, {"cohort", o.cohort}, {"stages", o.stages},
                     {"bake_seconds", o.bake_seconds}, {"max_failure_rate", o.max_failure_rate},
                     {"devices", cohort.size()}, {"created", iso_time(now)}};
  const std::string text = plan.dump();
  const store::Artifact artifact = store::record_artifact(
      ws, "rollout", "rollout of " + release.id.substr(0, 12),
      std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()), text,
      {{release.id, "release"}});
  store::Transaction t(ws.db());
  refuse_overlaps();
  store::Statement add = ws.db().prepare(
      "INSERT INTO rollouts (release_id, artifact_id, board, cohort, stages, bake_seconds, max_failure_rate, "
      "report_timeout_seconds, state, stage, stage_started_at, reason, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'running', 0, ?9, '', ?9, ?9) RETURNING id");
  add.bind(1, release.id).bind(2, artifact.id).bind(3, board).bind(4, o.cohort)
      .bind(5, json(o.stages).dump()).bind(6, o.bake_seconds).bind(7, o.max_failure_rate)
      .bind(8, o.report_timeout_seconds).bind(9, iso_time(now));
  require(add.step(), "the rollout was not recorded");
  const int64_t id = add.column_int(0);
  add.run();
  for (size_t i = 0; i < cohort.size(); ++i) {
    const Device& d = cohort[i];
    const bool has_it = d.installed_release == release.id;
    store::Statement target = ws.db().prepare(
        "INSERT INTO rollout_devices (rollout_id, device, position, stage, previous_release, status, reason, "
        "updated_at) VALUES (?1, ?2, ?3, -1, ?4, ?5, '', ?6)");
    target.bind(1, id).bind(2, d.name).bind(3, static_cast<int64_t>(i)).bind(4, d.installed_release)
        .bind(5, std::string(has_it ? "updated" : "waiting")).bind(6, iso_time(now));
    target.run();
  }
  add_event(ws, id, now, "started",
            {{"release", release.id}, {"sequence", release.manifest.sequence}, {"board", board},
             {"cohort", o.cohort}, {"devices", cohort.size()}, {"other_boards_skipped", other_boards}});
  t.commit();
  return find_rollout(ws, id);
}

std::vector<Command> step_rollout(store::Workspace& ws, int64_t id, std::time_t now) {
  store::Transaction t(ws.db());
  Rollout r = load_rollout(ws, id);
  std::vector<Command> commands;
  if (r.state != "running") return commands;
  std::vector<RolloutDevice> devices = load_devices(ws, id);
  commands = offer_stage(ws, r, devices, now);

  for (;;) {
    // A device silent past the report timeout has failed: the health gate cannot wait forever.
    for (RolloutDevice& d : devices)
      if (d.status == "offered" && now - parse_time(d.updated_at) >= r.report_timeout_seconds) {
        d.status = "failed";
        d.reason = "no-report";
        set_device(ws, id, d, now);
      }
    int offered = 0, failed = 0, pending = 0;
    json failures = json::array();
    for (const RolloutDevice& d : devices) {
      if (d.stage != r.stage) continue;
      ++offered;
      if (d.status == "failed") {
        ++failed;
        failures.push_back({{"device", d.device}, {"reason", d.reason}});
      } else if (d.status == "offered") {
        ++pending;
      }
    }
    const double rate = offered ? static_cast<double>(failed) / offered : 0.0;
    if (rate > r.max_failure_rate) {
      char why[160];
      std::snprintf(why, sizeof why, "stage %d (%d %%): %d of %d devices failed (%.1f %% > %.1f %%)",
                    r.stage + 1, r.stages[r.stage], failed, offered, rate * 100, r.max_failure_rate * 100);
      auto reverts = halt(ws, r, devices,
                          {{"why", why}, {"stage", r.stage}, {"offered", offered}, {"failed", failed},
                           {"failure_rate", rate}, {"limit", r.max_failure_rate}, {"failures", failures}},
                          now);
      commands.insert(commands.end(), reverts.begin(), reverts.end());
      break;
    }
    if (pending > 0 || now - parse_time(r.stage_started_at) < r.bake_seconds) break;
    const json evidence = {{"stage", r.stage}, {"percent", r.stages[r.stage]}, {"offered", offered},
                           {"failed", failed}, {"failure_rate", rate}};
    if (r.stage + 1 == static_cast<int>(r.stages.size())) {
      r.state = "done";
      set_state(ws, r, now);
      add_event(ws, id, now, "done", evidence);
      break;
    }
    add_event(ws, id, now, "stage-passed", evidence);
    ++r.stage;
    r.stage_started_at = iso_time(now);
    set_state(ws, r, now);
    auto offers = offer_stage(ws, r, devices, now);
    add_event(ws, id, now, "stage", {{"stage", r.stage}, {"percent", r.stages[r.stage]}, {"offered", offers.size()}});
    commands.insert(commands.end(), offers.begin(), offers.end());
  }
  t.commit();
  return commands;
}

std::vector<Command> outstanding_commands(store::Workspace& ws) {
  store::Statement q = ws.db().prepare(
      "SELECT d.device, d.status, d.previous_release, r.release_id FROM rollout_devices d "
      "JOIN rollouts r ON r.id = d.rollout_id "
      "WHERE (r.state IN ('running', 'paused') AND d.status = 'offered') OR d.status = 'reverting' "
      "ORDER BY r.id, d.position");
  std::vector<Command> out;
  while (q.step()) {
    const bool revert = q.column_text(1) == "reverting";
    out.push_back({q.column_text(0), revert ? Command::Kind::Revert : Command::Kind::Install,
                   revert ? q.column_text(2) : q.column_text(3)});
  }
  return out;
}

namespace {

void change_state(store::Workspace& ws, int64_t id, const std::string& from, const std::string& to,
                  const std::string& event, std::time_t now) {
  store::Transaction t(ws.db());
  Rollout r = load_rollout(ws, id);
  require(r.state == from, "rollout " + std::to_string(id) + " is " + r.state + ", not " + from);
  r.state = to;
  set_state(ws, r, now);
  add_event(ws, id, now, event, json::object());
  t.commit();
}

}  // namespace

void pause_rollout(store::Workspace& ws, int64_t id, std::time_t now) {
  change_state(ws, id, "running", "paused", "paused", now);
}

void resume_rollout(store::Workspace& ws, int64_t id, std::time_t now) {
  change_state(ws, id, "paused", "running", "resumed", now);
}

void abort_rollout(store::Workspace& ws, int64_t id, const std::string& reason, std::time_t now) {
  store::Transaction t(ws.db());
  Rollout r = load_rollout(ws, id);
  require(active(r.state), "rollout " + std::to_string(id) + " is " + r.state + ": only a running or paused one can be aborted");
  r.state = "aborted";
  r.reason = reason.empty() ? "aborted by an operator" : reason;
  set_state(ws, r, now);
  add_event(ws, id, now, "aborted", {{"why", r.reason}});
  t.commit();
}

void record_report(store::Workspace& ws, const DeviceReport& report, std::time_t now) {
  store::Transaction t(ws.db());
  find_device(ws, report.device);
  const json health = {{"release", report.release}, {"sequence", report.sequence},
                       {"smoke_passed", report.smoke_passed}, {"refused_release", report.refused_release},
                       {"reason", report.reason}, {"inferences", report.inferences},
                       {"errors", report.errors}, {"latency_ms", report.latency_ms}};
  store::Statement q = ws.db().prepare(
      "UPDATE devices SET installed_release = ?2, installed_sequence = ?3, last_heartbeat = ?4, health = ?5 "
      "WHERE name = ?1");
  q.bind(1, report.device).bind(2, report.release).bind(3, static_cast<int64_t>(report.sequence))
      .bind(4, iso_time(now)).bind(5, health.dump());
  q.run();

  store::Statement parts = ws.db().prepare(
      "SELECT d.rollout_id, r.release_id, d.status, d.previous_release, d.stage FROM rollout_devices d "
      "JOIN rollouts r ON r.id = d.rollout_id WHERE d.device = ?1 AND d.status IN ('offered', 'reverting')");
  parts.bind(1, report.device);
  struct Part {
    int64_t rollout;
    RolloutDevice d;
  };
  std::vector<Part> changes;
  while (parts.step()) {
    Part p{parts.column_int(0), {}};
    const std::string release = parts.column_text(1);
    p.d.device = report.device;
    p.d.status = parts.column_text(2);
    p.d.previous_release = parts.column_text(3);
    p.d.stage = static_cast<int>(parts.column_int(4));
    if (p.d.status == "offered" && report.release == release && report.smoke_passed) {
      p.d.status = "updated";
    } else if (p.d.status == "offered" && report.refused_release == release && !report.reason.empty()) {
      p.d.status = "failed";
      p.d.reason = report.reason;
    } else if (p.d.status == "reverting" && report.release == p.d.previous_release) {
      p.d.status = "reverted";
    } else {
      continue;
    }
    changes.push_back(std::move(p));
  }
  for (const Part& p : changes) set_device(ws, p.rollout, p.d, now);
  t.commit();
}

Rollout find_rollout(store::Workspace& ws, int64_t id) {
  Rollout r = load_rollout(ws, id);
  r.devices = load_devices(ws, id);
  store::Statement q = ws.db().prepare(
      "SELECT at, event, evidence FROM rollout_events WHERE rollout_id = ?1 ORDER BY seq");
  q.bind(1, id);
  while (q.step()) r.events.push_back({q.column_text(0), q.column_text(1), q.column_text(2)});
  return r;
}

std::vector<Rollout> list_rollouts(store::Workspace& ws) {
  store::Statement q = ws.db().prepare(std::string("SELECT ") + kRolloutColumns + " FROM rollouts ORDER BY id");
  std::vector<Rollout> out;
  while (q.step()) out.push_back(rollout_of(q));
  return out;
}

}  // namespace tinyops::fleet
