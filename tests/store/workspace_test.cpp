// The workspace: creation, discovery, migrations, the object store's atomic writes and
// SQLite transactions that roll back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "../support/temp_dir.hpp"
#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/store/workspace.hpp"

namespace tinyops::store {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;
using ::testing::HasSubstr;

TEST(Workspace, InitCreatesTheLayoutAndIsIdempotent) {
  TempDir tmp("ws");
  {
    Workspace ws = Workspace::init(tmp.path());
    EXPECT_TRUE(fs::is_regular_file(tmp.path() / ".tinyops/metadata.db"));
    EXPECT_TRUE(fs::is_directory(tmp.path() / ".tinyops/objects"));
    EXPECT_EQ(ws.schema_version(), kSchemaVersion);
    ws.db().exec("INSERT INTO shards (id, bytes, samples, created_at) VALUES ('x', 1, 1, 'now')");
  }
  Workspace again = Workspace::init(tmp.path());  // reopens, never wipes
  Statement q = again.db().prepare("SELECT COUNT(*) FROM shards");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.column_int(0), 1);
}

TEST(Workspace, OpenFindsTheNearestWorkspaceAboveOrSaysHowToMakeOne) {
  TempDir tmp("ws");
  Workspace::init(tmp.path());
  fs::create_directories(tmp.path() / "a/b");
  const fs::path before = fs::current_path();
  fs::current_path(tmp.path() / "a/b");
  ::unsetenv("TINYOPS_WORKSPACE");
  EXPECT_EQ(Workspace::open().root(), fs::canonical(tmp.path()));
  fs::current_path(before);

  TempDir empty("ws-empty");
  try {
    Workspace::open(empty.path());
    FAIL() << "opened a folder without a workspace";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("tinyops init"));
  }
}

TEST(Workspace, RefusesASchemaNewerThanItKnows) {
  TempDir tmp("ws");
  { Workspace::init(tmp.path()).db().exec("UPDATE schema_version SET version = 99"); }
  try {
    Workspace::open(tmp.path());
    FAIL() << "opened a newer workspace";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("upgrade tinyops"));
  }
}

TEST(Workspace, MigratesAnEmptyDatabase) {
  TempDir tmp("ws");
  fs::create_directories(tmp.path() / ".tinyops/objects");
  { Database db(tmp.path() / ".tinyops/metadata.db", true); }  // schema version 0
  Workspace ws = Workspace::open(tmp.path());
  EXPECT_EQ(ws.schema_version(), kSchemaVersion);
  EXPECT_NO_THROW(ws.db().exec("SELECT id, label, category FROM samples"));
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

TEST(Sqlite, TransactionsRollBackUnlessCommitted) {
  TempDir tmp("sqlite");
  Database db(tmp.path() / "t.db", true);
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
  Statement q = db.prepare("SELECT group_concat(x) FROM t");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.column_text(0), "2");
  EXPECT_THROW(db.exec("SELECT * FROM missing"), std::runtime_error);
}

}  // namespace
}  // namespace tinyops::store
