// The store suite runs on both backends: every test here is a TEST_P over SQLite and a
// private PostgreSQL server (started once per test program; a fresh database per test).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../support/private_postgres.hpp"
#include "../support/temp_dir.hpp"
#include "tinyops/store/workspace.hpp"

namespace tinyops::store {

class BothBackends : public ::testing::TestWithParam<Backend> {
 protected:
  bool postgres() const { return GetParam() == Backend::Postgres; }
  // Where a new workspace's metadata goes: "" (SQLite in .tinyops/) or a fresh database.
  std::string new_database() {
    return postgres() ? test_support::PrivatePostgres::instance().create_database() : "";
  }
  Workspace new_workspace(const test_support::TempDir& dir) { return Workspace::init(dir.path(), new_database()); }
  // A bare database of this backend (no schema), for tests of the database layer itself.
  std::unique_ptr<Database> new_bare_database(const test_support::TempDir& dir) {
    return postgres() ? open_postgres(new_database()) : open_sqlite(dir.path() / "bare.db", true);
  }
};

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

#define TINYOPS_ON_BOTH_BACKENDS(Suite)                                                                    \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::Values(Backend::Sqlite, Backend::Postgres), \
                           backend_name)

}  // namespace tinyops::store
