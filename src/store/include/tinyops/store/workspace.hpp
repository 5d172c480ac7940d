// A TinyOps workspace: the project-local `.tinyops/` folder (like `.git/`) holding the
// metadata database (SQLite or PostgreSQL, the index of everything) and the object store (immutable
// content-addressed files). `tinyops init` creates one; every other command finds the
// nearest one at or above the current folder, or the one --workspace / TINYOPS_WORKSPACE
// names.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "tinyops/store/object_store.hpp"
#include "tinyops/store/database.hpp"

namespace tinyops::store {

// The schema version this build writes; `migrate` brings older workspaces up to it.
constexpr int kSchemaVersion = 7;

class Workspace {
 public:
  // Creates `.tinyops/` under `root` (idempotent: an existing workspace is opened and
  // migrated, never wiped). `db` is the metadata database: empty for $TINYOPS_DB or else
  // .tinyops/metadata.db (SQLite); a postgresql:// URL is recorded in .tinyops/database so
  // that later commands use it without --db.
  static Workspace init(const std::filesystem::path& root, const std::string& db = "");
  // `explicit_root` when given, else $TINYOPS_WORKSPACE, else the nearest folder at or
  // above the current one holding `.tinyops/`. Throws InputError naming the fix if none.
  // `db` (--db), else $TINYOPS_DB, else the recorded URL, else .tinyops/metadata.db. SQLite
  // is migrated on open; PostgreSQL must already be at this build's schema (db migrate).
  static Workspace open(const std::optional<std::filesystem::path>& explicit_root = {},
                        const std::string& db = "");
  // The same without touching the schema: for `tinyops db migrate`.
  static Workspace open_for_migration(const std::optional<std::filesystem::path>& explicit_root = {},
                                      const std::string& db = "");

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path dir() const { return root_ / ".tinyops"; }
  Database& db() { return *db_; }
  ObjectStore& objects() { return objects_; }
  int schema_version();
  // Brings the schema up to `target` (tests build older schemas this way); returns
  // {from, to}. `tinyops db migrate`.
  std::pair<int, int> migrate(int target = kSchemaVersion);

 private:
  explicit Workspace(std::filesystem::path root);

  std::filesystem::path root_;
  std::unique_ptr<Database> db_;
  ObjectStore objects_;
};

// Current UTC time as ISO 8601 ("2026-11-30T10:15:00Z"), the format every table uses.
std::string utc_now();

}  // namespace tinyops::store
