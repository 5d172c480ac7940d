// The workspace: creation, discovery, migrations, the object store's atomic writes and
// transactions that roll back; on SQLite and PostgreSQL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "../support/temp_dir.hpp"
#include "backends.hpp"
#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/store/workspace.hpp"

namespace tinyops::store {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;
using ::testing::HasSubstr;

using WorkspaceTest = BothBackends;
TINYOPS_ON_BOTH_BACKENDS(WorkspaceTest);

TEST_P(WorkspaceTest, InitCreatesTheLayoutAndIsIdempotent) {
  TempDir tmp("ws");
  {
    Workspace ws = new_workspace(tmp);
    EXPECT_EQ(ws.db().backend(), GetParam());
    // SQLite lives in the workspace; a PostgreSQL URL is recorded for later commands.
    EXPECT_TRUE(fs::is_regular_file(tmp.path() / (postgres() ? ".tinyops/database" : ".tinyops/metadata.db")));
    EXPECT_TRUE(fs::is_directory(tmp.path() / ".tinyops/objects"));
    EXPECT_EQ(ws.schema_version(), kSchemaVersion);
    ws.db().exec("INSERT INTO shards (id, bytes, samples, created_at) VALUES ('x', 1, 1, 'now')");
  }
  Workspace again = Workspace::init(tmp.path());  // reopens (the recorded database), never wipes
  EXPECT_EQ(again.db().backend(), GetParam());
  Statement q = again.db().prepare("SELECT COUNT(*) FROM shards");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.column_int(0), 1);
}

TEST_P(WorkspaceTest, OpenFindsTheNearestWorkspaceAboveOrSaysHowToMakeOne) {
  TempDir tmp("ws");
  new_workspace(tmp);
  fs::create_directories(tmp.path() / "a/b");
  const fs::path before = fs::current_path();
  fs::current_path(tmp.path() / "a/b");
  ::unsetenv("TINYOPS_WORKSPACE");
  EXPECT_EQ(Workspace::open().root(), fs::canonical(tmp.path()));
  EXPECT_EQ(Workspace::open().db().backend(), GetParam());
  fs::current_path(before);

  TempDir empty("ws-empty");
  try {
    Workspace::open(empty.path());
    FAIL() << "opened a folder without a workspace";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("tinyops init"));
  }
}

TEST_P(WorkspaceTest, RefusesASchemaNewerThanItKnows) {
  TempDir tmp("ws");
  { new_workspace(tmp).db().exec("UPDATE schema_version SET version = 99"); }
  try {
    Workspace::open(tmp.path());
    FAIL() << "opened a newer workspace";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("upgrade tinyops"));
  }
}

TEST(ObjectStore, StoresByContentAndReadsRanges) {
  TempDir tmp("objects");
  ObjectStore store(tmp.path());
  const std::vector<uint8_t> bytes = {1, 2, 3, 4, 5};
  const std::string id = store.put(bytes);
  EXPECT_EQ(id, sha256_hex(bytes));
  EXPECT_EQ(store.put(bytes), id);  // idempotent
  EXPECT_TRUE(fs::is_regular_file(tmp.path() / id.substr(0, 2) / id.substr(2)));
  EXPECT_EQ(store.get(id), bytes);
  EXPECT_EQ(store.read_range(id, 1, 3), (std::vector<uint8_t>{2, 3, 4}));
  EXPECT_THROW(store.read_range(id, 3, 10), std::runtime_error);
  EXPECT_THROW(store.get("not-an-id"), InputError);
  // No temporary files are left behind.
  for (const auto& e : fs::recursive_directory_iterator(tmp.path()))
    EXPECT_EQ(e.path().filename().string().rfind(".tmp", 0), std::string::npos) << e.path();
}

TEST_P(WorkspaceTest, TransactionsRollBackUnlessCommitted) {
  TempDir tmp("db");
  auto owned = new_bare_database(tmp);
  Database& db = *owned;
  db.exec("CREATE TABLE t (x INTEGER)");
  {
    Transaction t(db);
    db.exec("INSERT INTO t VALUES (1)");
  }  // no commit
  {
    Transaction t(db);
    db.exec("INSERT INTO t VALUES (2)");
    t.commit();
  }
  Statement q = db.prepare("SELECT COUNT(*), MAX(x) FROM t");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.column_int(0), 1);
  EXPECT_EQ(q.column_int(1), 2);
  EXPECT_THROW(db.exec("SELECT * FROM missing"), std::runtime_error);
  EXPECT_THROW(db.prepare("SELECT * FROM missing").step(), std::runtime_error);
}

// One dialect, both engines: numbered placeholders (reused, and inside quotes left alone),
// typed reads, NULLs, blobs, upserts, RETURNING and the count of changed rows.
TEST_P(WorkspaceTest, OneSqlDialectBehavesTheSameOnBothEngines) {
  TempDir tmp("db");
  auto owned = new_bare_database(tmp);
  Database& db = *owned;
  // Type names both engines read the same way (PostgreSQL's INTEGER and REAL are 32-bit).
  db.exec(std::string("CREATE TABLE kv (id BIGINT PRIMARY KEY, k TEXT UNIQUE NOT NULL, n BIGINT, "
                      "x DOUBLE PRECISION, b ") + (postgres() ? "BYTEA" : "BLOB") + ")");
  Statement add = db.prepare("INSERT INTO kv (id, k, n, x) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING RETURNING id");
  add.bind(1, int64_t{7}).bind(2, std::string("it's ?1")).bind(3, int64_t{1} << 40).bind(4, 0.1);
  ASSERT_TRUE(add.step());
  EXPECT_EQ(add.column_int(0), 7);
  add.reset();
  add.bind(1, int64_t{8}).bind(2, std::string("it's ?1")).bind_null(3).bind(4, 0.5);
  EXPECT_FALSE(add.step()) << "the conflict inserts nothing and returns nothing";
  Statement q = db.prepare("SELECT k, n, x, '?1' FROM kv WHERE k = ?1 OR n = ?2");
  q.bind(1, std::string("it's ?1")).bind(2, int64_t{-1});
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.column_text(0), "it's ?1");
  EXPECT_EQ(q.column_int(1), int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(q.column_double(2), 0.1);
  EXPECT_EQ(q.column_text(3), "?1");
  EXPECT_FALSE(q.step());
  Statement upsert = db.prepare("INSERT INTO kv (id, k, n) VALUES (?1, ?2, ?3) ON CONFLICT (k) DO UPDATE SET n = excluded.n");
  upsert.bind(1, int64_t{9}).bind(2, std::string("it's ?1")).bind_null(3).run();
  EXPECT_EQ(db.changes(), 1);
  Statement nulls = db.prepare("SELECT n FROM kv WHERE id = 7");
  ASSERT_TRUE(nulls.step());
  EXPECT_TRUE(nulls.column_is_null(0));
  const std::vector<uint8_t> blob = {0, 1, 2, 255, 0};
  db.prepare("UPDATE kv SET b = ?1").bind(1, std::span<const uint8_t>(blob)).run();
  EXPECT_EQ(db.changes(), 1);
  EXPECT_TRUE(db.has_table("kv"));
  EXPECT_FALSE(db.has_table("nope"));
}

}  // namespace
}  // namespace tinyops::store
