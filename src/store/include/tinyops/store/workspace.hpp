// A TinyOps workspace: the project-local `.tinyops/` folder (like `.git/`) holding the
// metadata database (SQLite, the index of everything) and the object store (immutable
// content-addressed files). `tinyops init` creates one; every other command finds the
// nearest one at or above the current folder, or the one --workspace / TINYOPS_WORKSPACE
// names.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "tinyops/store/object_store.hpp"
#include "tinyops/store/sqlite.hpp"

namespace tinyops::store {

// The schema version this build writes; `migrate` brings older workspaces up to it.
constexpr int kSchemaVersion = 4;

class Workspace {
 public:
  // Creates `.tinyops/` under `root` (idempotent: an existing workspace is opened and
  // migrated, never wiped).
  static Workspace init(const std::filesystem::path& root);
  // `explicit_root` when given, else $TINYOPS_WORKSPACE, else the nearest folder at or
  // above the current one holding `.tinyops/`. Throws InputError naming the fix if none.
  static Workspace open(const std::optional<std::filesystem::path>& explicit_root = {});

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path dir() const { return root_ / ".tinyops"; }
  Database& db() { return *db_; }
  ObjectStore& objects() { return objects_; }
  int schema_version();

 private:
  explicit Workspace(std::filesystem::path root);
  void migrate();

  std::filesystem::path root_;
  std::unique_ptr<Database> db_;
  ObjectStore objects_;
};

// Current UTC time as ISO 8601 ("2026-11-30T10:15:00Z"), the format every table uses.
std::string utc_now();

}  // namespace tinyops::store
