#include "tinyops/store/workspace.hpp"

#include <cstdlib>
#include <ctime>
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
  offset INTEGER NOT NULL,        -- where its encoding sits in the shard
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
};

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

Workspace Workspace::init(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root / ".tinyops" / "objects", ec);
  require(!ec, (root / ".tinyops").string() + ": cannot create the workspace: " + ec.message());
  Workspace ws(fs::absolute(root).lexically_normal());
  ws.db_ = std::make_unique<Database>(ws.dir() / "metadata.db", true);
  ws.migrate();
  return ws;
}

Workspace Workspace::open(const std::optional<fs::path>& explicit_root) {
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
  require(fs::is_regular_file(root / ".tinyops" / "metadata.db"),
          root.string() + " is not a TinyOps workspace (no .tinyops/metadata.db): run "
                          "`tinyops init " + root.string() + "`");
  Workspace ws(fs::absolute(root).lexically_normal());
  ws.db_ = std::make_unique<Database>(ws.dir() / "metadata.db", false);
  ws.migrate();
  return ws;
}

int Workspace::schema_version() {
  db_->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  Statement s = db_->prepare("SELECT version FROM schema_version");
  return s.step() ? static_cast<int>(s.column_int(0)) : 0;
}

void Workspace::migrate() {
  const int from = schema_version();
  require(from <= kSchemaVersion,
          root_.string() + ": the workspace has schema version " + std::to_string(from) +
              ", newer than this tinyops understands (" + std::to_string(kSchemaVersion) +
              "): upgrade tinyops");
  for (int v = from; v < kSchemaVersion; ++v) {
    Transaction t(*db_);
    // Another process may have migrated while we waited for the write lock.
    if (schema_version() != v) continue;
    db_->exec(kMigrations[static_cast<size_t>(v)]);
    db_->exec("DELETE FROM schema_version");
    db_->exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(v + 1) + ")");
    t.commit();
  }
}

}  // namespace tinyops::store
