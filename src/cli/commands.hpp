// The `tinyops` command's verbs. Each parses nothing itself: main.cpp binds CLI11 options
// to these structs and calls the function, which returns the process exit code
// (0 success, 1 a check failed, 2 bad input via InputError).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tinyops/store/workspace.hpp"

namespace tinyops::cli {

struct InspectArgs {
  std::string model;
  bool json = false;
};
int model_inspect(const InspectArgs& args);

struct RunArgs {
  std::string model;
  std::vector<std::string> inputs;  // one per model input: raw bytes or .npy
  std::string output;               // file for output 0: .npy or raw bytes; empty prints
  int top = 5;
  bool json = false;
};
int model_run(const RunArgs& args);

struct CheckArgs {
  std::vector<std::string> paths;  // .tflite files or folders of them
  bool json = false;
};
int model_check(const CheckArgs& args);

struct CompileArgs {
  std::string model;
  std::string board = "host";
  std::string output;
  std::string name = "model";
  bool reference_kernels = false;
  bool json = false;
};
int model_compile(const CompileArgs& args);

struct BoardsArgs {
  bool json = false;
};
int farm_boards(const BoardsArgs& args);

struct FarmTestArgs {
  std::vector<std::string> models;  // .tflite files or folders of them
  std::vector<std::string> boards;  // names, possibly comma-separated
  std::string vectors;              // reference vector folder; empty: default
  int random_vectors = 4;
  bool reference_kernels = false;
  std::string build_dir;  // keep the firmware builds here; empty: a temporary folder
  int timeout_seconds = 300;
  bool allow_no_fit = false;       // a model that does not fit a board is not a failure
  bool allow_unsupported = false;  // nor one with an operator that has no kernel yet
  bool verbose = false;
  bool profile = false;  // instructions per layer
  bool quiet = false;
  bool json = false;
};
int farm_test(const FarmTestArgs& args);

// ---- workspace and data (data_commands.cpp) ----

struct WorkspaceArgs {
  std::string workspace;  // empty: $TINYOPS_WORKSPACE or the nearest .tinyops/ above
  std::string db;         // empty: $TINYOPS_DB, the URL `init --db` recorded, or SQLite
  bool json = false;
};
// The workspace the arguments name; `fallback` is used when --workspace is not given and
// $TINYOPS_WORKSPACE is unset (e.g. the pipeline file's folder).
store::Workspace open_workspace(const WorkspaceArgs& args, const std::optional<std::filesystem::path>& fallback = {});

struct InitArgs {
  std::string path = ".";
  std::string db;
  bool json = false;
};
int workspace_init(const InitArgs& args);

struct DataImportArgs : WorkspaceArgs {
  std::vector<std::string> paths;
  std::string label;
  std::string category = "split";
  int sample_rate = 16000;
  bool quiet = false;
};
int data_import(const DataImportArgs& args);

struct DataListArgs : WorkspaceArgs {
  std::string label, category;
};
int data_list(const DataListArgs& args);
int data_stats(const WorkspaceArgs& args);

struct DataSplitArgs : WorkspaceArgs {
  double test = 0.2;
  uint64_t seed = 0;
};
int data_split(const DataSplitArgs& args);

struct DataVersionArgs : WorkspaceArgs {
  std::string name;
};
int data_version(const DataVersionArgs& args);
int data_versions(const WorkspaceArgs& args);

struct GcArgs : WorkspaceArgs {
  bool dry_run = false;
};
int workspace_gc(const GcArgs& args);

// ---- bundled examples (example_command.cpp) ----

struct ExampleArgs {
  std::string name;
  std::string dir = "tinyops-examples";
  std::string board = "nano33ble";
  uint64_t seed = 1;
  bool quick = false;
  bool setup_only = false;
  bool json = false;
};
// The commands that train, or may (example, run, worker, serve), link LibTorch: they are
// defined in tinyops-train's files; in `tinyops` training_delegate.cpp defines them as a
// hand-over to tinyops-train with the same arguments.
int run_example(const ExampleArgs& args);

// ---- registry (registry_commands.cpp) ----

struct ModelListArgs : WorkspaceArgs {
  std::string kind;  // empty: models (int8 and float)
};
int registry_model_list(const ModelListArgs& args);

struct ArtifactArgs : WorkspaceArgs {
  std::string id;
  std::string stage;  // promote only
};
int registry_model_show(const ArtifactArgs& args);
int registry_model_promote(const ArtifactArgs& args);
int registry_lineage(const ArtifactArgs& args);

// ---- signing keys and releases (release_commands.cpp) ----

struct KeyArgs : WorkspaceArgs {
  std::string name;  // create only
};
int key_create(const KeyArgs& args);
int key_list(const KeyArgs& args);

struct ReleaseArgs : WorkspaceArgs {
  std::string id;  // create: the model; show: the release
  std::string board;
  std::string key = "default";
  bool quiet = false;
};
int release_create(const ReleaseArgs& args);
int release_list(const ReleaseArgs& args);
int release_show(const ReleaseArgs& args);

// ---- the fleet's devices (fleet_commands.cpp) ----

struct FleetArgs : WorkspaceArgs {
  std::string name;               // enroll, show
  std::string board;              // enroll
  std::vector<std::string> tags;  // enroll: the device's; list: filter (any of them)
};
int fleet_enroll(const FleetArgs& args);
int fleet_list(const FleetArgs& args);
int fleet_show(const FleetArgs& args);

struct FleetServeArgs : WorkspaceArgs {
  std::string host = "127.0.0.1";
  int port = 1883;
  bool until_idle = false;
};
// Starts a private Mosquitto from the workspace (.tinyops/broker/) and the fleet server.
int fleet_serve(const FleetServeArgs& args);

struct FleetSimulateArgs : WorkspaceArgs {
  int devices = 10;
  std::string board = "nano33ble";
  std::vector<std::string> tags;
  std::string host = "127.0.0.1";
  int port = 1883;
  double seconds = 0;  // 0: until Ctrl-C
  std::string key = "default";
};
int fleet_simulate(const FleetSimulateArgs& args);

struct FleetEmulateArgs : WorkspaceArgs {
  std::string board = "nano33ble";
  std::string name;     // default emu-BOARD-1
  std::string release;  // the factory image: default the board's newest release
  std::vector<std::string> tags;
  std::string host = "127.0.0.1";
  int port = 1883;
  double seconds = 0;
  std::string key = "default";
};
// An emulated board (QEMU) with the device agent, bridged to the broker by a gateway.
int fleet_emulate(const FleetEmulateArgs& args);

// ---- staged rollouts (rollout_commands.cpp) ----

struct RolloutArgs : WorkspaceArgs {
  std::string release;             // start
  int64_t id = 0;                  // status, pause, resume, abort
  std::string devices = "all";     // start: a tag or all
  std::string stages = "1,10,50,100";
  std::string bake = "0", report_timeout = "10m", max_failure_rate = "2%";
  std::string reason;              // abort
};
int rollout_start(const RolloutArgs& args);
int rollout_list(const RolloutArgs& args);
int rollout_status(const RolloutArgs& args);
// pause, resume or abort
int rollout_control(const RolloutArgs& args, const std::string& verb);

// ---- pipeline runs (runs_commands.cpp) ----

struct RunsArgs : WorkspaceArgs {
  std::vector<int64_t> diff;  // `runs diff A B`: the two run ids
};
int runs_list(const RunsArgs& args);

struct PipelineRunArgs : WorkspaceArgs {
  std::string file = "tinyops.yaml";
  bool queue = false;  // queue the stages for workers instead of running them here
};
int pipeline_run(const PipelineRunArgs& args);

// ---- database, workers and the job queue (queue_commands.cpp; worker_command.cpp) ----

int db_migrate(const WorkspaceArgs& args);

struct WorkerArgs : WorkspaceArgs {
  double lease_seconds = 60;
  double heartbeat_seconds = 5;
  double poll_seconds = 1;
  int max_attempts = 3;
  bool exit_when_idle = false;
};
int worker(const WorkerArgs& args);

struct JobsArgs : WorkspaceArgs {
  int64_t run = 0;  // 0: every run
};
int jobs_list(const JobsArgs& args);

// ---- REST API (serve_command.cpp; token_command.cpp) ----

struct ServeArgs : WorkspaceArgs {
  std::string host = "127.0.0.1";
  int port = 8080;
};
int serve(const ServeArgs& args);

struct TokenArgs : WorkspaceArgs {
  std::string name;
};
int token_create(const TokenArgs& args);

}  // namespace tinyops::cli
