// Staged rollouts, as Memfault and Mender run them: a release goes to a cohort of devices
// in cumulative stages (e.g. 1, 10, 50, 100 % of the cohort, in a fixed pseudo-random
// order), each stage baking for a while; a stage whose share of failed devices exceeds the
// limit halts the rollout and every device it reached is told to revert to what it ran
// before. Health comes only from what devices report (record_report). Every transition is
// a rollout event with its evidence, and the rollout is a registry artifact whose parent is
// its release (lineage model -> image -> release -> rollout).
//
// The controller is a pure function of the database and the clock (step_rollout): the
// transport (MQTT) only carries its commands to devices and their reports back, so a broker
// restart loses nothing — outstanding commands are sent again, and a device refuses an
// install it already has (its sequence number is not above the installed one), so no device
// is updated twice.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "tinyops/store/workspace.hpp"

namespace tinyops::fleet {

struct RolloutOptions {
  std::string release;                  // release id or unique prefix
  std::string cohort = "all";        // a device tag, or "all"
  std::vector<int> stages{1, 10, 50, 100};  // cumulative percentages, increasing, ending at 100
  int64_t bake_seconds = 0;             // a stage's devices all reported; it then bakes this long
  double max_failure_rate = 0.02;    // a stage halts when failed / offered exceeds it
  int64_t report_timeout_seconds = 600; // a device silent this long after its offer has failed
};

struct RolloutDevice {
  std::string device;
  int position = 0;
  int stage = -1;  // the stage that offered it the release (-1: not yet)
  std::string previous_release, status, reason, updated_at;
};

struct RolloutEvent {
  std::string at, event, evidence;  // evidence: JSON
};

struct Rollout {
  int64_t id = 0;
  std::string release_id, artifact_id, board, cohort;
  std::vector<int> stages;
  int64_t bake_seconds = 0, report_timeout_seconds = 0;
  double max_failure_rate = 0;
  std::string state;  // running, paused, done, rolled-back, aborted
  int stage = 0;
  std::string stage_started_at, reason, created_at, updated_at;
  std::vector<RolloutDevice> devices;
  std::vector<RolloutEvent> events;
};

// What the server must tell a device: install a release, or revert to the one it ran.
struct Command {
  enum class Kind { Install, Revert };
  std::string device;
  Kind kind = Kind::Install;
  std::string release;  // to install, or to revert to ('' : no release before)
};

// A device's report (heartbeat): what it runs and how it fares.
struct DeviceReport {
  std::string device;
  std::string release;            // the release it booted ('' when none)
  uint64_t sequence = 0;
  bool smoke_passed = false;      // the booted release's smoke test came out bit-exact
  std::string refused_release;    // a release it refused or rolled back from, with reason
  std::string reason;             // the agent's reason name (agent_reason.h), '' when none
  uint64_t inferences = 0, errors = 0;
  double latency_ms = 0;
};

// Parsers for the CLI's and the API's spellings: "1,10,50,100"; "30s", "10m", "2h", "0";
// "2%" or "0.02". InputError saying what is wrong.
std::vector<int> parse_stages(const std::string& text);
int64_t parse_duration(const std::string& text);
double parse_rate(const std::string& text);

// Picks the cohort's devices of the release's board (ConflictError when none, or when one
// is in another running or paused rollout) and starts stage 0 at `now`.
Rollout start_rollout(store::Workspace& ws, const RolloutOptions& options, std::time_t now);
// Advances the rollout as far as the devices' reports allow at `now` and returns the
// commands to send for the transitions it made (new offers, reverts).
std::vector<Command> step_rollout(store::Workspace& ws, int64_t id, std::time_t now);
// Every command still waiting for its device's report, in every running, paused or
// rolled-back rollout: what a (re)connected server sends again.
std::vector<Command> outstanding_commands(store::Workspace& ws);
void pause_rollout(store::Workspace& ws, int64_t id, std::time_t now);
void resume_rollout(store::Workspace& ws, int64_t id, std::time_t now);
// Stops offering the release; devices keep what they run.
void abort_rollout(store::Workspace& ws, int64_t id, const std::string& reason, std::time_t now);

// Stores the report on its device and on its part in any rollout it takes part in.
// NotFoundError for an unenrolled device.
void record_report(store::Workspace& ws, const DeviceReport& report, std::time_t now);

Rollout find_rollout(store::Workspace& ws, int64_t id);
std::vector<Rollout> list_rollouts(store::Workspace& ws);  // without devices and events

std::string iso_time(std::time_t t);

}  // namespace tinyops::fleet
