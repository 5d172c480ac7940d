// `tinyops <noun> <verb>`: parses arguments and calls the verbs; no logic lives here.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/core/version.hpp"

int main(int argc, char** argv) {
  using namespace tinyops::cli;
  CLI::App app{"TinyOps: TinyML models from data to device"};
  app.set_version_flag("--version", tinyops::kTinyOpsVersion);
  app.require_subcommand(1);

  CLI::App* model = app.add_subcommand("model", "Inspect, run and check models");
  model->require_subcommand(1);

  InspectArgs inspect;
  CLI::App* inspect_cmd = model->add_subcommand(
      "inspect", "Inputs, outputs, operators, per-layer MACs and parameter bytes");
  inspect_cmd->add_option("model", inspect.model, ".tflite file")->required();
  inspect_cmd->add_flag("--json", inspect.json, "Machine-readable output");

  RunArgs run;
  CLI::App* run_cmd = model->add_subcommand("run", "Run a model on the host reference interpreter");
  run_cmd->add_option("model", run.model, ".tflite file")->required();
  run_cmd
      ->add_option("-i,--input", run.inputs,
                   "Input tensor: raw little-endian bytes or .npy (one per model input)")
      ->required();
  run_cmd->add_option("-o,--output", run.output, "Write output 0 here (.npy, or raw bytes)");
  run_cmd->add_option("--top", run.top, "How many top classes to show for classifiers")
      ->default_val(5)
      ->check(CLI::Range(0, 1000));
  run_cmd->add_flag("--json", run.json, "Machine-readable output");

  CheckArgs check;
  CLI::App* check_cmd = model->add_subcommand(
      "check",
      "Import and run models; compare with <model>.vectors/ reference outputs where present");
  check_cmd->add_option("paths", check.paths, ".tflite files or folders")->required();
  check_cmd->add_flag("--json", check.json, "Machine-readable output");

  CompileArgs compile;
  CLI::App* compile_cmd = model->add_subcommand(
      "compile", "Generate a dependency-free C99 bundle (header, source, used kernels)");
  compile_cmd->add_option("model", compile.model, ".tflite file")->required();
  compile_cmd->add_option("--board", compile.board, "Target board")->default_val("host");
  compile_cmd->add_option("-o,--output", compile.output, "Folder to write the bundle into")
      ->required();
  compile_cmd->add_option("--name", compile.name, "C prefix and file names")->default_val("model");
  compile_cmd->add_flag("--reference-kernels", compile.reference_kernels,
                        "Use the portable kernels even where the core has DSP instructions");
  compile_cmd->add_flag("--json", compile.json, "Machine-readable output");

  CLI::App* farm = app.add_subcommand("farm", "Board profiles and tests on emulated boards");
  farm->require_subcommand(1);
  BoardsArgs boards;
  CLI::App* boards_cmd = farm->add_subcommand("boards", "List the board profiles");
  boards_cmd->add_flag("--json", boards.json, "Machine-readable output");

  FarmTestArgs farm_args;
  CLI::App* farm_test_cmd = farm->add_subcommand(
      "test", "Compile, build firmware, run every vector on emulated boards (QEMU) and compare");
  farm_test_cmd->add_option("models", farm_args.models, ".tflite files or folders")->required();
  farm_test_cmd->add_option("--board", farm_args.boards, "Boards, comma-separated or repeated")
      ->required();
  farm_test_cmd->add_option("--vectors", farm_args.vectors,
                            "Reference vectors folder (input_K.bin, output_K.bin); default "
                            "<model>.vectors/ when present, else random inputs");
  farm_test_cmd
      ->add_option("--random", farm_args.random_vectors,
                   "How many random inputs when there are no vectors")
      ->default_val(4)
      ->check(CLI::Range(1, 10000));
  farm_test_cmd->add_flag("--reference-kernels", farm_args.reference_kernels,
                          "Use the portable kernels even where the core has DSP instructions");
  farm_test_cmd->add_option("--build-dir", farm_args.build_dir,
                            "Keep the firmware builds (sources, ELF, map) in this folder");
  farm_test_cmd->add_option("--timeout", farm_args.timeout_seconds, "Seconds per device command")
      ->default_val(300)
      ->check(CLI::Range(1, 86400));
  farm_test_cmd->add_flag("--allow-unsupported", farm_args.allow_unsupported,
                          "Exit 0 even when a model has an operator with no kernel yet (it is still reported)");
  farm_test_cmd->add_flag("--allow-no-fit", farm_args.allow_no_fit,
                          "Exit 0 even when a model does not fit a board (it is still reported)");
  farm_test_cmd->add_flag("--profile", farm_args.profile,
                          "Also count instructions per layer (timing calls add a few dozen each)");
  farm_test_cmd->add_flag("-v,--verbose", farm_args.verbose, "A progress line per vector");
  farm_test_cmd->add_flag("-q,--quiet", farm_args.quiet, "No progress lines on stderr");
  farm_test_cmd->add_flag("--json", farm_args.json, "Machine-readable output");

  InitArgs init;
  CLI::App* init_cmd = app.add_subcommand("init", "Create a TinyOps workspace (.tinyops/) here or in PATH");
  init_cmd->add_option("path", init.path, "Folder for the workspace")->default_val(".");
  init_cmd->add_option("--db", init.db,
                       "Metadata database: a postgresql:// URL for a team (recorded for later commands); "
                       "default: $TINYOPS_DB or SQLite in .tinyops/");
  init_cmd->add_flag("--json", init.json, "Machine-readable output");

  CLI::App* data = app.add_subcommand("data", "Import, list, split and version samples");
  data->require_subcommand(1);
  auto workspace_options = [](CLI::App* cmd, WorkspaceArgs& args) {
    cmd->add_option("--workspace", args.workspace,
                    "Workspace folder (default: $TINYOPS_WORKSPACE or the nearest .tinyops/ above)");
    cmd->add_option("--db", args.db,
                    "Metadata database: postgresql://USER@HOST:PORT/DB or a SQLite file (default: $TINYOPS_DB, "
                    "else what `tinyops init --db` recorded, else .tinyops/metadata.db)");
    cmd->add_flag("--json", args.json, "Machine-readable output");
  };
  DataImportArgs data_import_args;
  CLI::App* data_import_cmd = data->add_subcommand(
      "import", "Import WAV, CSV, JSON (data acquisition), PNG and JPEG samples into packed shards");
  data_import_cmd->add_option("paths", data_import_args.paths, "Files or folders")->required();
  data_import_cmd->add_option("--label", data_import_args.label,
                              "Label for all (default: file-name prefix `label.xyz.wav`, else folder)");
  data_import_cmd->add_option("--category", data_import_args.category, "training, testing or split (80/20)")
      ->default_val("split")
      ->check(CLI::IsMember({"training", "testing", "split"}));
  data_import_cmd->add_option("--sample-rate", data_import_args.sample_rate,
                              "Audio is stored at this rate; other WAV rates are resampled")
      ->default_val(16000)
      ->check(CLI::Range(1000, 192000));
  data_import_cmd->add_flag("-q,--quiet", data_import_args.quiet, "No progress lines");
  workspace_options(data_import_cmd, data_import_args);

  DataListArgs data_list_args;
  CLI::App* data_list_cmd = data->add_subcommand("list", "List samples");
  data_list_cmd->add_option("--label", data_list_args.label, "Only this label");
  data_list_cmd->add_option("--category", data_list_args.category, "Only training or testing")
      ->check(CLI::IsMember({"training", "testing"}));
  workspace_options(data_list_cmd, data_list_args);

  WorkspaceArgs data_stats_args;
  CLI::App* data_stats_cmd = data->add_subcommand("stats", "Samples per label and category, durations");
  workspace_options(data_stats_cmd, data_stats_args);

  DataSplitArgs data_split_args;
  CLI::App* data_split_cmd =
      data->add_subcommand("split", "Stratified, deterministic training/testing split");
  data_split_cmd->add_option("--test", data_split_args.test, "Fraction for testing")
      ->default_val(0.2)
      ->check(CLI::Range(0.0, 1.0));
  data_split_cmd->add_option("--seed", data_split_args.seed, "Seed (same seed, same split)")->default_val(0);
  workspace_options(data_split_cmd, data_split_args);

  DataVersionArgs data_version_args;
  CLI::App* data_version_cmd =
      data->add_subcommand("version", "Freeze the current samples, labels and split as an immutable version");
  data_version_cmd->add_option("name", data_version_args.name, "Version name")->required();
  workspace_options(data_version_cmd, data_version_args);

  WorkspaceArgs data_versions_args;
  CLI::App* data_versions_cmd = data->add_subcommand("versions", "List dataset versions");
  workspace_options(data_versions_cmd, data_versions_args);

  ExampleArgs example_args;
  CLI::App* example_cmd = app.add_subcommand(
      "example", "Run a bundled example end to end: data, features, training, pruning, int8, board");
  example_cmd->add_option("name", example_args.name, "gestures, keywords or digits")
      ->required()
      ->check(CLI::IsMember({"gestures", "keywords", "digits"}));
  example_cmd->add_option("--dir", example_args.dir, "Folder for data, workspace and artifacts")
      ->default_val("tinyops-examples");
  example_cmd->add_option("--board", example_args.board, "Target board")->default_val("nano33ble");
  example_cmd->add_option("--seed", example_args.seed, "Seed for data, split and training")->default_val(1);
  example_cmd->add_flag("--quick", example_args.quick, "Smaller data and fewer epochs (smoke test)");
  example_cmd->add_flag("--setup-only", example_args.setup_only,
                        "Generate the data, workspace and tinyops.yaml, then stop (`tinyops run` runs it)");
  example_cmd->add_flag("--json", example_args.json, "Machine-readable output");

  ModelListArgs model_list_args;
  CLI::App* model_list_cmd = model->add_subcommand("list", "Models in the workspace's registry, with their stage");
  model_list_cmd->add_option("--kind", model_list_args.kind,
                             "Another artifact kind: dataset_version, feature_set, training_run, bundle, farm_report");
  workspace_options(model_list_cmd, model_list_args);
  ArtifactArgs model_show_args;
  CLI::App* model_show_cmd = model->add_subcommand("show", "An artifact: metadata, lineage, stage history and evidence");
  model_show_cmd->add_option("id", model_show_args.id, "Artifact id or a unique prefix (6+ hex digits)")->required();
  workspace_options(model_show_cmd, model_show_args);
  ArtifactArgs model_promote_args;
  CLI::App* model_promote_cmd = model->add_subcommand(
      "promote", "Move a model to staging, production (gated on farm tests and accuracy) or archived");
  model_promote_cmd->add_option("id", model_promote_args.id, "Model id or a unique prefix")->required();
  model_promote_cmd->add_option("--stage", model_promote_args.stage, "staging, production or archived")
      ->required()
      ->check(CLI::IsMember({"staging", "production", "archived"}));
  workspace_options(model_promote_cmd, model_promote_args);
  ArtifactArgs lineage_args;
  CLI::App* lineage_cmd = app.add_subcommand("lineage", "What an artifact was made from and what was made from it");
  lineage_cmd->add_option("id", lineage_args.id, "Artifact id or a unique prefix")->required();
  workspace_options(lineage_cmd, lineage_args);

  CLI::App* key = app.add_subcommand("key", "Ed25519 keys that sign releases");
  key->require_subcommand(1);
  KeyArgs key_create_args, key_list_args;
  CLI::App* key_create_cmd = key->add_subcommand(
      "create", "Make a signing key (.tinyops/keys/NAME.key, mode 0600, never in the database)");
  key_create_cmd->add_option("name", key_create_args.name, "Key name (the default key is 'default')")->required();
  workspace_options(key_create_cmd, key_create_args);
  CLI::App* key_list_cmd = key->add_subcommand("list", "The workspace's signing keys and their ids");
  workspace_options(key_list_cmd, key_list_args);

  CLI::App* release = app.add_subcommand("release", "Signed device releases of farm-tested models");
  release->require_subcommand(1);
  ReleaseArgs release_create_args, release_list_args, release_show_args;
  CLI::App* release_create_cmd = release->add_subcommand(
      "create", "Compile a model that passed the farm on a board into its device image and sign a manifest");
  release_create_cmd->add_option("model", release_create_args.id, "Model id or a unique prefix")->required();
  release_create_cmd->add_option("--board", release_create_args.board, "Board profile (`tinyops farm boards`)")
      ->required();
  release_create_cmd->add_option("--key", release_create_args.key, "Signing key name")->default_val("default");
  release_create_cmd->add_flag("--quiet", release_create_args.quiet, "No progress lines");
  workspace_options(release_create_cmd, release_create_args);
  CLI::App* release_list_cmd = release->add_subcommand("list", "Releases: board, sequence, model, key");
  workspace_options(release_list_cmd, release_list_args);
  CLI::App* release_show_cmd =
      release->add_subcommand("show", "A release's manifest, signature check and lineage");
  release_show_cmd->add_option("id", release_show_args.id, "Release id or a unique prefix")->required();
  workspace_options(release_show_cmd, release_show_args);

  CLI::App* fleet = app.add_subcommand("fleet", "Devices: enrollment, installed release, health");
  fleet->require_subcommand(1);
  FleetArgs fleet_enroll_args, fleet_list_args, fleet_show_args;
  CLI::App* fleet_enroll_cmd = fleet->add_subcommand(
      "enroll", "Enroll a device and print its credential (shown once, stored only as a hash)");
  fleet_enroll_cmd->add_option("name", fleet_enroll_args.name, "Device name")->required();
  fleet_enroll_cmd->add_option("--board", fleet_enroll_args.board, "Board profile (`tinyops farm boards`)")
      ->required();
  fleet_enroll_cmd->add_option("--tag", fleet_enroll_args.tags, "Cohort tag (repeatable)");
  workspace_options(fleet_enroll_cmd, fleet_enroll_args);
  CLI::App* fleet_list_cmd = fleet->add_subcommand("list", "Enrolled devices");
  fleet_list_cmd->add_option("--tag", fleet_list_args.tags, "Only devices with this tag");
  workspace_options(fleet_list_cmd, fleet_list_args);
  CLI::App* fleet_show_cmd = fleet->add_subcommand("show", "One device");
  fleet_show_cmd->add_option("name", fleet_show_args.name, "Device name")->required();
  workspace_options(fleet_show_cmd, fleet_show_args);
  FleetServeArgs fleet_serve_args;
  CLI::App* fleet_serve_cmd = fleet->add_subcommand(
      "serve", "Start the fleet's MQTT broker (Mosquitto) and the server that carries rollouts to devices");
  fleet_serve_cmd->add_option("--host", fleet_serve_args.host, "Address the broker listens on (default 127.0.0.1)");
  fleet_serve_cmd->add_option("--port", fleet_serve_args.port, "Broker port (default 1883)")->check(CLI::Range(1, 65535));
  fleet_serve_cmd->add_flag("--until-idle", fleet_serve_args.until_idle, "Stop once no rollout is running or paused");
  workspace_options(fleet_serve_cmd, fleet_serve_args);
  FleetSimulateArgs fleet_simulate_args;
  CLI::App* fleet_simulate_cmd = fleet->add_subcommand(
      "simulate", "Run simulated devices (the real device agent, file-backed flash) that log in to the broker");
  fleet_simulate_cmd->add_option("--devices", fleet_simulate_args.devices, "How many (enrolled on first use as sim-BOARD-NNNN)");
  fleet_simulate_cmd->add_option("--board", fleet_simulate_args.board, "Board profile they claim (default nano33ble)");
  fleet_simulate_cmd->add_option("--tag", fleet_simulate_args.tags, "Cohort tag for new devices (repeatable; 'simulated' is always added)");
  fleet_simulate_cmd->add_option("--host", fleet_simulate_args.host, "Broker address (default 127.0.0.1)");
  fleet_simulate_cmd->add_option("--port", fleet_simulate_args.port, "Broker port (default 1883)")->check(CLI::Range(1, 65535));
  fleet_simulate_cmd->add_option("--seconds", fleet_simulate_args.seconds, "Run this long (default: until Ctrl-C)");
  fleet_simulate_cmd->add_option("--key", fleet_simulate_args.key, "Release key the devices trust (default 'default')");
  workspace_options(fleet_simulate_cmd, fleet_simulate_args);
  FleetEmulateArgs fleet_emulate_args;
  CLI::App* fleet_emulate_cmd = fleet->add_subcommand(
      "emulate", "Run an emulated board (QEMU) with the device agent, its UART bridged to the broker by a gateway");
  fleet_emulate_cmd->add_option("--board", fleet_emulate_args.board, "Board profile with an emulator (default nano33ble)");
  fleet_emulate_cmd->add_option("--name", fleet_emulate_args.name, "Device name (default emu-BOARD-1; enrolled on first use)");
  fleet_emulate_cmd->add_option("--release", fleet_emulate_args.release, "Factory image (default: the board's newest release)");
  fleet_emulate_cmd->add_option("--tag", fleet_emulate_args.tags, "Cohort tag for a new device (repeatable; 'emulated' is always added)");
  fleet_emulate_cmd->add_option("--host", fleet_emulate_args.host, "Broker address (default 127.0.0.1)");
  fleet_emulate_cmd->add_option("--port", fleet_emulate_args.port, "Broker port (default 1883)")->check(CLI::Range(1, 65535));
  fleet_emulate_cmd->add_option("--seconds", fleet_emulate_args.seconds, "Run this long (default: until Ctrl-C)");
  fleet_emulate_cmd->add_option("--key", fleet_emulate_args.key, "Release key the board trusts (default 'default')");
  workspace_options(fleet_emulate_cmd, fleet_emulate_args);

  CLI::App* rollout = app.add_subcommand("rollout", "Staged rollouts of a release to a cohort of devices");
  rollout->require_subcommand(1);
  RolloutArgs rollout_start_args, rollout_list_args, rollout_status_args, rollout_control_args[3];
  CLI::App* rollout_start_cmd = rollout->add_subcommand("start", "Start a staged rollout of a release");
  rollout_start_cmd->add_option("release", rollout_start_args.release, "Release id or a unique prefix")->required();
  rollout_start_cmd->add_option("--devices", rollout_start_args.devices, "Cohort: a device tag, or all")
      ->capture_default_str();
  rollout_start_cmd->add_option("--stages", rollout_start_args.stages, "Cumulative percentages, ending at 100")
      ->capture_default_str();
  rollout_start_cmd->add_option("--bake", rollout_start_args.bake, "Time a stage bakes once its devices reported (30s, 10m, 2h)")
      ->capture_default_str();
  rollout_start_cmd->add_option("--max-failure-rate", rollout_start_args.max_failure_rate,
                                "A stage halts and reverts above this share of failed devices (2% or 0.02)")
      ->capture_default_str();
  rollout_start_cmd->add_option("--report-timeout", rollout_start_args.report_timeout,
                                "A device silent this long after its offer has failed")
      ->capture_default_str();
  workspace_options(rollout_start_cmd, rollout_start_args);
  CLI::App* rollout_list_cmd = rollout->add_subcommand("list", "Rollouts: release, cohort, state, stage");
  workspace_options(rollout_list_cmd, rollout_list_args);
  CLI::App* rollout_status_cmd = rollout->add_subcommand("status", "A rollout's stages, devices and events");
  rollout_status_cmd->add_option("id", rollout_status_args.id, "Rollout number")->required();
  workspace_options(rollout_status_cmd, rollout_status_args);
  const char* control_verbs[3] = {"pause", "resume", "abort"};
  CLI::App* rollout_control_cmds[3];
  for (int i = 0; i < 3; ++i) {
    rollout_control_cmds[i] = rollout->add_subcommand(control_verbs[i], std::string(control_verbs[i]) + " a rollout");
    rollout_control_cmds[i]->add_option("id", rollout_control_args[i].id, "Rollout number")->required();
    workspace_options(rollout_control_cmds[i], rollout_control_args[i]);
  }
  rollout_control_cmds[2]->add_option("--reason", rollout_control_args[2].reason, "Why (recorded with the event)");

  RunsArgs runs_args;
  CLI::App* runs_cmd = app.add_subcommand("runs", "Recorded pipeline runs: stages (ran or cached), metrics");
  workspace_options(runs_cmd, runs_args);
  runs_cmd->require_subcommand(0, 1);
  CLI::App* runs_diff_cmd = runs_cmd->add_subcommand("diff", "Parameter and metric differences of two runs");
  runs_diff_cmd->add_option("runs", runs_args.diff, "Two run ids")->required()->expected(2);
  runs_diff_cmd->fallthrough();  // --json and --workspace belong to `runs`

  PipelineRunArgs pipeline_run_args;
  CLI::App* pipeline_run_cmd = app.add_subcommand(
      "run", "Run the pipeline in tinyops.yaml; stages with unchanged inputs, parameters and code are skipped");
  pipeline_run_cmd->add_option("-f,--file", pipeline_run_args.file, "Pipeline file")->default_val("tinyops.yaml");
  pipeline_run_cmd->add_flag("--queue", pipeline_run_args.queue,
                             "Queue the stages for workers (`tinyops worker`) instead of running them here");
  workspace_options(pipeline_run_cmd, pipeline_run_args);

  GcArgs gc_args;
  CLI::App* gc_cmd = app.add_subcommand(
      "gc", "Remove what killed commands left: import staging, farm scratch, partial objects");
  gc_cmd->add_flag("--dry-run", gc_args.dry_run, "List it, remove nothing");
  workspace_options(gc_cmd, gc_args);

  CLI::App* db_cmd = app.add_subcommand("db", "The metadata database");
  db_cmd->require_subcommand(1);
  WorkspaceArgs db_migrate_args;
  CLI::App* db_migrate_cmd =
      db_cmd->add_subcommand("migrate", "Bring the database's schema up to this tinyops (PostgreSQL needs this)");
  workspace_options(db_migrate_cmd, db_migrate_args);

  WorkerArgs worker_args;
  CLI::App* worker_cmd = app.add_subcommand(
      "worker", "Execute queued pipeline stages (`tinyops run --queue`); run as many as you like, anywhere");
  worker_cmd->add_option("--lease", worker_args.lease_seconds,
                         "Seconds without a heartbeat after which a job is requeued")
      ->default_val(60)
      ->check(CLI::Range(1.0, 86400.0));
  worker_cmd->add_option("--heartbeat", worker_args.heartbeat_seconds, "Seconds between heartbeats")
      ->default_val(5)
      ->check(CLI::Range(0.1, 3600.0));
  worker_cmd->add_option("--poll", worker_args.poll_seconds, "Seconds between looks at an empty queue")
      ->default_val(1)
      ->check(CLI::Range(0.05, 3600.0));
  worker_cmd->add_option("--max-attempts", worker_args.max_attempts,
                         "A job whose workers died this many times fails")
      ->default_val(3)
      ->check(CLI::Range(1, 100));
  worker_cmd->add_flag("--exit-when-idle", worker_args.exit_when_idle,
                       "Stop once no job is queued or running (batch use, tests)");
  workspace_options(worker_cmd, worker_args);

  JobsArgs jobs_args;
  CLI::App* jobs_cmd = app.add_subcommand("jobs", "Queued pipeline stages: status, worker, attempts, events");
  jobs_cmd->add_option("--run", jobs_args.run, "Only this run's jobs");
  workspace_options(jobs_cmd, jobs_args);

  ServeArgs serve_args;
  CLI::App* serve_cmd = app.add_subcommand("serve", "The REST API over HTTP (docs/api.md)");
  serve_cmd->add_option("--host", serve_args.host, "Address to listen on")->default_val("127.0.0.1");
  serve_cmd->add_option("--port", serve_args.port, "Port (0: any free one)")->default_val(8080)->check(CLI::Range(0, 65535));
  workspace_options(serve_cmd, serve_args);
  CLI::App* token = app.add_subcommand("token", "API tokens for writes");
  token->require_subcommand(1);
  TokenArgs token_args;
  CLI::App* token_create_cmd = token->add_subcommand("create", "Create a bearer token (shown once, stored hashed)");
  token_create_cmd->add_option("name", token_args.name, "What the token is for")->required();
  workspace_options(token_create_cmd, token_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  try {
    if (*inspect_cmd) return model_inspect(inspect);
    if (*run_cmd) return model_run(run);
    if (*check_cmd) return model_check(check);
    if (*compile_cmd) return model_compile(compile);
    if (*boards_cmd) return farm_boards(boards);
    if (*farm_test_cmd) return farm_test(farm_args);
    if (*init_cmd) return workspace_init(init);
    if (*example_cmd) return run_example(example_args);
    if (*model_list_cmd) return registry_model_list(model_list_args);
    if (*model_show_cmd) return registry_model_show(model_show_args);
    if (*model_promote_cmd) return registry_model_promote(model_promote_args);
    if (*lineage_cmd) return registry_lineage(lineage_args);
    if (*runs_cmd) return runs_list(runs_args);
    if (*fleet_enroll_cmd) return fleet_enroll(fleet_enroll_args);
    if (*fleet_list_cmd) return fleet_list(fleet_list_args);
    if (*fleet_show_cmd) return fleet_show(fleet_show_args);
    if (*fleet_serve_cmd) return fleet_serve(fleet_serve_args);
    if (*fleet_simulate_cmd) return fleet_simulate(fleet_simulate_args);
    if (*fleet_emulate_cmd) return fleet_emulate(fleet_emulate_args);
    if (*rollout_start_cmd) return rollout_start(rollout_start_args);
    if (*rollout_list_cmd) return rollout_list(rollout_list_args);
    if (*rollout_status_cmd) return rollout_status(rollout_status_args);
    for (int i = 0; i < 3; ++i)
      if (*rollout_control_cmds[i]) return rollout_control(rollout_control_args[i], control_verbs[i]);
    if (*key_create_cmd) return key_create(key_create_args);
    if (*key_list_cmd) return key_list(key_list_args);
    if (*release_create_cmd) return release_create(release_create_args);
    if (*release_list_cmd) return release_list(release_list_args);
    if (*release_show_cmd) return release_show(release_show_args);
    if (*pipeline_run_cmd) return pipeline_run(pipeline_run_args);
    if (*db_migrate_cmd) return db_migrate(db_migrate_args);
    if (*gc_cmd) return workspace_gc(gc_args);
    if (*worker_cmd) return worker(worker_args);
    if (*jobs_cmd) return jobs_list(jobs_args);
    if (*serve_cmd) return serve(serve_args);
    if (*token_create_cmd) return token_create(token_args);
    if (*data_import_cmd) return data_import(data_import_args);
    if (*data_list_cmd) return data_list(data_list_args);
    if (*data_stats_cmd) return data_stats(data_stats_args);
    if (*data_split_cmd) return data_split(data_split_args);
    if (*data_version_cmd) return data_version(data_version_args);
    if (*data_versions_cmd) return data_versions(data_versions_args);
  } catch (const tinyops::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory (is the model or input unusually large?)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n  please report it with the command line\n";
    return 3;
  }
  return 2;
}
