#include "tinyops/store/workspace.hpp"

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <vector>

#include "tinyops/core/error.hpp"

namespace tinyops::store {

namespace fs = std::filesystem;

namespace {

// Each step takes the schema from version i to i + 1 and runs in one transaction with the
// version bump, so a crash mid-migration leaves the old version intact.
const std::vector<const char*> kMigrations = {
    // 0 -> 1: samples in packed shards, dataset versions.
    R"sql(
CREATE TABLE shards (
  id TEXT PRIMARY KEY,            -- object id of the shard file
  bytes INTEGER NOT NULL,
  samples INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE samples (
  id TEXT PRIMARY KEY,            -- sha256 of the sample's canonical encoding
  kind TEXT NOT NULL,             -- audio | timeseries | image
  label TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('training', 'testing')),
  source TEXT NOT NULL,           -- the file it was imported from
  shard TEXT NOT NULL REFERENCES shards(id),
  "offset" INTEGER NOT NULL,      -- where its encoding sits in the shard
  length INTEGER NOT NULL,
  frames INTEGER NOT NULL,        -- time steps (audio, time series) or pixels (image)
  axes INTEGER NOT NULL,          -- channels
  interval_ms REAL NOT NULL,      -- 0 for images
  added_at TEXT NOT NULL
);
CREATE INDEX samples_by_label ON samples(label, category);
CREATE TABLE dataset_versions (
  id TEXT PRIMARY KEY,            -- object id of its manifest (samples, labels, categories)
  name TEXT NOT NULL,
  samples INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
)sql",
    // 1 -> 2: the registry (artifacts, lineage) and model stages.
    R"sql(
CREATE TABLE artifacts (
  id TEXT PRIMARY KEY,            -- object id of the content
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  metadata TEXT NOT NULL          -- JSON: parameters, seed, versions, metrics
);
CREATE INDEX artifacts_by_kind ON artifacts(kind, created_at);
CREATE TABLE lineage (
  parent TEXT NOT NULL REFERENCES artifacts(id),
  child TEXT NOT NULL REFERENCES artifacts(id),
  role TEXT NOT NULL,
  PRIMARY KEY (parent, child, role)
);
CREATE INDEX lineage_by_child ON lineage(child);
CREATE TABLE model_stages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  model TEXT NOT NULL REFERENCES artifacts(id),
  stage TEXT NOT NULL CHECK (stage IN ('staging', 'production', 'archived')),
  changed_at TEXT NOT NULL,
  evidence TEXT NOT NULL          -- JSON: what the gate checked
);
)sql",
    // 2 -> 3: pipeline runs and the stage cache.
    R"sql(
CREATE TABLE stage_cache (
  key TEXT PRIMARY KEY,           -- sha256 of the stage, its inputs, parameters and code version
  stage TEXT NOT NULL,
  outputs TEXT NOT NULL,          -- JSON array of artifact ids
  created_at TEXT NOT NULL
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pipeline TEXT NOT NULL,
  status TEXT NOT NULL,           -- running, succeeded, failed (interrupted: running, process gone)
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  params TEXT NOT NULL,           -- JSON
  metrics TEXT NOT NULL,          -- JSON
  stages TEXT NOT NULL,           -- JSON: [{stage, status: ran|cached|failed, seconds, outputs}]
  log TEXT NOT NULL
);
)sql",
    // 3 -> 4: API tokens (only their sha256).
    R"sql(
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
)sql",
    // 4 -> 5: the job queue that workers take pipeline stages from; the host of a run's
    // process (a pid says nothing about a run started on another machine).
    R"sql(
ALTER TABLE runs ADD COLUMN host TEXT NOT NULL DEFAULT '';
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run INTEGER NOT NULL REFERENCES runs(id),
  seq INTEGER NOT NULL,           -- order within the run: a job waits for those before it
  stage TEXT NOT NULL,
  payload TEXT NOT NULL,          -- JSON: what the stage needs
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  worker TEXT,                    -- who holds it while running
  heartbeat REAL,                 -- seconds since the epoch, renewed while running
  attempts INTEGER NOT NULL,
  outputs TEXT NOT NULL,          -- JSON: artifact ids and metrics the stage made
  error TEXT NOT NULL,
  queued_at TEXT NOT NULL,
  finished_at TEXT,
  UNIQUE (run, seq)
);
CREATE INDEX jobs_by_status ON jobs(status, id);
CREATE TABLE job_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  job INTEGER NOT NULL REFERENCES jobs(id),
  worker TEXT NOT NULL,
  event TEXT NOT NULL,            -- claimed, done, failed, requeued, lost
  at TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX job_events_by_job ON job_events(job);
CREATE TABLE workers (
  id TEXT PRIMARY KEY,            -- host:pid:start
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat REAL NOT NULL,
  status TEXT NOT NULL            -- idle, busy, stopped
);
)sql",
    // 5 -> 6: the fleet's devices (their credential only as a salted hash).
    R"sql(
CREATE TABLE devices (
  name TEXT PRIMARY KEY,
  board TEXT NOT NULL,
  tags TEXT NOT NULL,                 -- JSON array of cohort tags
  secret_hash TEXT NOT NULL,          -- Mosquitto's form: $6$ salt $ SHA-512(secret || salt)
  installed_release TEXT NOT NULL,    -- release artifact id, '' before the first install
  installed_sequence INTEGER NOT NULL,
  last_heartbeat TEXT NOT NULL,       -- '' before the first
  health TEXT NOT NULL,               -- JSON: the last heartbeat's figures
  enrolled_at TEXT NOT NULL
);
)sql",
    // 6 -> 7: staged rollouts of a release to a cohort, each device's part in one, and
    // every transition with its evidence.
    R"sql(
CREATE TABLE rollouts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  release_id TEXT NOT NULL REFERENCES artifacts(id),
  artifact_id TEXT NOT NULL,          -- the rollout's own registry artifact
  board TEXT NOT NULL,
  cohort TEXT NOT NULL,               -- a device tag, or 'all'
  stages TEXT NOT NULL,               -- JSON array of cumulative percentages, ending at 100
  bake_seconds INTEGER NOT NULL,
  max_failure_rate REAL NOT NULL,     -- 0..1
  report_timeout_seconds INTEGER NOT NULL,
  state TEXT NOT NULL,                -- running, paused, done, rolled-back, aborted
  stage INTEGER NOT NULL,             -- index into stages of the current stage
  stage_started_at TEXT NOT NULL,
  reason TEXT NOT NULL,               -- why it halted or was aborted, '' otherwise
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE rollout_devices (
  rollout_id INTEGER NOT NULL REFERENCES rollouts(id),
  device TEXT NOT NULL REFERENCES devices(name),
  position INTEGER NOT NULL,          -- the device's place in the rollout's order
  stage INTEGER NOT NULL,             -- the stage that offered it the release, -1 before
  previous_release TEXT NOT NULL,     -- what it ran when the rollout started
  status TEXT NOT NULL,               -- waiting, offered, updated, failed, reverting, reverted
  reason TEXT NOT NULL,               -- the device's rejection reason when failed
  updated_at TEXT NOT NULL,
  PRIMARY KEY (rollout_id, device)
);
CREATE TABLE rollout_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  rollout_id INTEGER NOT NULL REFERENCES rollouts(id),
  at TEXT NOT NULL,
  event TEXT NOT NULL,                -- started, stage, paused, resumed, halted, aborted, done
  evidence TEXT NOT NULL              -- JSON
);
)sql",
};

// The migrations are written for SQLite; PostgreSQL needs its own names for 64-bit
// integers, doubles and generated keys.
std::string ddl_for(Backend backend, std::string sql) {
  if (backend == Backend::Sqlite) return sql;
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (size_t at = sql.find(from); at != std::string::npos; at = sql.find(from, at + to.size()))
      sql.replace(at, from.size(), to);
  };
  replace_all("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY");
  replace_all("INTEGER", "BIGINT");
  replace_all("REAL", "DOUBLE PRECISION");
  return sql;
}

// --db, else $TINYOPS_DB, else what `tinyops init --db` recorded, else the SQLite file.
std::string database_location(const fs::path& dir, const std::string& explicit_db) {
  if (!explicit_db.empty()) return explicit_db;
  if (const char* env = std::getenv("TINYOPS_DB"); env && *env) return env;
  if (std::ifstream recorded(dir / "database"); recorded) {
    std::string url;
    std::getline(recorded, url);
    if (!url.empty()) return url;
  }
  return (dir / "metadata.db").string();
}

}  // namespace

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Workspace::Workspace(fs::path root)
    : root_(std::move(root)), objects_(root_ / ".tinyops" / "objects") {}

Workspace Workspace::init(const fs::path& root, const std::string& db) {
  std::error_code ec;
  fs::create_directories(root / ".tinyops" / "objects", ec);
  require(!ec, (root / ".tinyops").string() + ": cannot create the workspace: " + ec.message());
  Workspace ws(fs::absolute(root).lexically_normal());
  const std::string location = database_location(ws.dir(), db);
  ws.db_ = Database::open(location, true);
  if (Database::is_postgres_url(location)) {
    // Later commands find the team database without --db.
    std::ofstream(ws.dir() / "database") << location << "\n";
  }
  ws.migrate();
  return ws;
}

Workspace Workspace::open(const std::optional<fs::path>& explicit_root, const std::string& db) {
  Workspace ws = open_for_migration(explicit_root, db);
  // The embedded database follows this build; a shared one is migrated on purpose, by
  // `tinyops db migrate`, so that one newer client cannot change it under a whole team.
  if (ws.db_->backend() == Backend::Postgres) {
    const int version = ws.schema_version();
    require(version == kSchemaVersion,
            ws.db_->describe() + " has schema version " + std::to_string(version) + "; this tinyops uses " +
                std::to_string(kSchemaVersion) +
                (version < kSchemaVersion ? ": run `tinyops db migrate`" : ": upgrade tinyops"));
  } else {
    ws.migrate();
  }
  return ws;
}

Workspace Workspace::open_for_migration(const std::optional<fs::path>& explicit_root, const std::string& db) {
  fs::path root;
  if (explicit_root) {
    root = *explicit_root;
  } else if (const char* env = std::getenv("TINYOPS_WORKSPACE"); env && *env) {
    root = env;
  } else {
    for (fs::path p = fs::current_path(); ; p = p.parent_path()) {
      if (fs::is_directory(p / ".tinyops")) {
        root = p;
        break;
      }
      if (p == p.parent_path()) break;
    }
  }
  require(!root.empty(), "no TinyOps workspace in " + fs::current_path().string() +
                             " or above: run `tinyops init` there first (or pass --workspace DIR)");
  const std::string location = database_location(root / ".tinyops", db);
  const bool postgres = Database::is_postgres_url(location);
  require(fs::is_directory(root / ".tinyops" / "objects"),
          root.string() + " is not a TinyOps workspace (no .tinyops/objects): run `tinyops init " + root.string() + "`");
  require(postgres || fs::is_regular_file(location),
          "no metadata database at " + location +
              (db.empty() && !std::getenv("TINYOPS_DB") ? ": run `tinyops init " + root.string() + "`"
                                                        : ": check --db / $TINYOPS_DB (a SQLite file or a postgresql:// URL)"));
  Workspace ws(fs::absolute(root).lexically_normal());
  ws.db_ = Database::open(location, false);
  return ws;
}

int Workspace::schema_version() {
  if (!db_->has_table("schema_version")) return 0;
  Statement s = db_->prepare("SELECT version FROM schema_version");
  return s.step() ? static_cast<int>(s.column_int(0)) : 0;
}

std::pair<int, int> Workspace::migrate(int target) {
  require(target >= 0 && target <= kSchemaVersion, "no schema version " + std::to_string(target));
  const int from = schema_version();
  require(from <= kSchemaVersion,
          db_->describe() + ": the workspace has schema version " + std::to_string(from) +
              ", newer than this tinyops understands (" + std::to_string(kSchemaVersion) + "): upgrade tinyops");
  if (from >= target) return {from, from};
  // All steps in one transaction under the write lock: a crash mid-migration leaves the
  // old version intact, and a second process migrating at once waits, then finds it done.
  Transaction t(*db_);
  db_->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const int now = schema_version();
  if (now >= target) return {now, now};
  for (int v = now; v < target; ++v) db_->exec(ddl_for(db_->backend(), kMigrations[static_cast<size_t>(v)]));
  db_->exec("DELETE FROM schema_version");
  db_->exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(target) + ")");
  t.commit();
  return {from, target};
}

}  // namespace tinyops::store
