// The registry: artifacts by content, lineage both ways, id prefixes, and the production
// gate with its stored evidence; on SQLite and PostgreSQL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/expect_error.hpp"
#include "../support/temp_dir.hpp"
#include "backends.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/store/registry.hpp"

namespace tinyops::store {
namespace {

using test_support::TempDir;
using ::testing::HasSubstr;
using test_support::error_of;

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

struct Chain {
  Artifact data, model, bundle;
};

Chain chain(Workspace& ws, bool farm_passed, double accuracy) {
  Chain c;
  c.data = record_artifact(ws, "dataset_version", "v1", bytes("manifest"), "{}");
  c.model = record_artifact(ws, "int8_model", "m.tflite", bytes("model bytes"),
                            nlohmann::json{{"test_accuracy", accuracy}, {"accuracy_threshold", 0.9}}.dump(),
                            {{c.data.id, "dataset"}});
  c.bundle = record_artifact(ws, "bundle", "m@board", bytes("bundle"), "{}", {{c.model.id, "compiled from"}});
  record_artifact(ws, "farm_report", "m@board/farm", bytes(farm_passed ? "pass" : "fail"),
                  nlohmann::json{{"boards", {{{"board", "nano33ble"}, {"passed", farm_passed}, {"fits", true}}}}}.dump(),
                  {{c.bundle.id, "tested"}});
  return c;
}

using Registry = BothBackends;
TINYOPS_ON_BOTH_BACKENDS(Registry);

TEST_P(Registry, RecordsArtifactsOnceAndWalksLineageBothWays) {
  TempDir tmp("registry");
  Workspace ws = new_workspace(tmp);
  const Chain c = chain(ws, true, 0.95);
  EXPECT_EQ(record_artifact(ws, "int8_model", "again", bytes("model bytes"), "{}").id, c.model.id)
      << "same content: same artifact";
  EXPECT_EQ(list_artifacts(ws, "int8_model").size(), 1u);
  ASSERT_EQ(parents_of(ws, c.model.id).size(), 1u);
  EXPECT_EQ(parents_of(ws, c.model.id)[0].parent, c.data.id);
  EXPECT_EQ(parents_of(ws, c.model.id)[0].role, "dataset");
  ASSERT_EQ(children_of(ws, c.model.id).size(), 1u);
  EXPECT_EQ(children_of(ws, c.model.id)[0].child, c.bundle.id);
  EXPECT_EQ(find_artifact(ws, c.model.id.substr(0, 8)).id, c.model.id);
  EXPECT_THAT(error_of([&] { find_artifact(ws, "zz"); }), HasSubstr("not an artifact id"));
  EXPECT_THAT(error_of([&] { find_artifact(ws, "000000"); }), HasSubstr("no artifact 000000"));
  EXPECT_THROW(record_artifact(ws, "x", "bad", bytes("y"), "{not json"), InputError);
}

TEST_P(Registry, ProductionNeedsAPassingFarmReportAndTheAccuracyBar) {
  TempDir tmp("registry");
  Workspace ws = new_workspace(tmp);
  const Chain good = chain(ws, true, 0.95);
  EXPECT_EQ(current_stage(ws, good.model.id), "none");
  promote(ws, good.model.id, "staging");
  const StageChange c = promote(ws, good.model.id, "production");
  EXPECT_EQ(current_stage(ws, good.model.id), "production");
  const auto evidence = nlohmann::json::parse(c.evidence);
  EXPECT_EQ(evidence["farm_reports"].size(), 1u) << "each report once";
  EXPECT_DOUBLE_EQ(evidence["test_accuracy"].get<double>(), 0.95);
  ASSERT_EQ(stage_history(ws, good.model.id).size(), 2u);
  EXPECT_EQ(stage_history(ws, good.model.id)[1].evidence, c.evidence) << "the evidence is stored";

  TempDir tmp2("registry");
  Workspace ws2 = new_workspace(tmp2);
  const Chain failed = chain(ws2, false, 0.95);
  EXPECT_THAT(error_of([&] { promote(ws2, failed.model.id, "production"); }),
              HasSubstr("the farm test on nano33ble did not pass"));
  TempDir tmp3("registry");
  Workspace ws3 = new_workspace(tmp3);
  const Chain weak = chain(ws3, true, 0.5);
  EXPECT_THAT(error_of([&] { promote(ws3, weak.model.id, "production"); }), HasSubstr("below the pipeline's threshold"));
  EXPECT_EQ(current_stage(ws3, weak.model.id), "none") << "a refused promotion changes nothing";
  // A pipeline passes its own threshold: the bytes may have been recorded with another.
  EXPECT_THAT(error_of([&] { promote(ws, good.model.id, "production", 0.99); }), HasSubstr("threshold 0.99"));
  EXPECT_THROW(promote(ws, good.model.id, "production", 0.99), ConflictError);
  EXPECT_NO_THROW(promote(ws3, weak.model.id, "production", 0.4));
  const Artifact lone = record_artifact(ws3, "int8_model", "lone", bytes("lone"), "{}");
  EXPECT_THAT(error_of([&] { promote(ws3, lone.id, "production"); }), HasSubstr("no farm report"));
  EXPECT_THAT(error_of([&] { promote(ws3, weak.data.id, "staging"); }), HasSubstr("not a model"));
  EXPECT_THAT(error_of([&] { promote(ws3, weak.model.id, "gold"); }), HasSubstr("unknown stage"));
  promote(ws3, weak.model.id, "archived");  // archiving needs no evidence
  EXPECT_EQ(current_stage(ws3, weak.model.id), "archived");
}

// Every older schema, built by the migrations themselves, with data in it, is brought up
// to date by opening (SQLite) or by `db migrate` (PostgreSQL), keeping its data.
TEST_P(Registry, MigratesEveryOlderSchemaKeepingItsData) {
  for (int old = 0; old < kSchemaVersion; ++old) {
    SCOPED_TRACE("from schema version " + std::to_string(old));
    TempDir tmp("registry");
    const std::string db = new_database();
    std::filesystem::create_directories(tmp.path() / ".tinyops/objects");
    if (!postgres()) open_sqlite(tmp.path() / ".tinyops/metadata.db", true);
    {
      Workspace ws = Workspace::open_for_migration(tmp.path(), db);
      EXPECT_EQ(ws.schema_version(), 0);
      ws.migrate(old);
      EXPECT_EQ(ws.schema_version(), old);
      if (old >= 1)
        ws.db().exec("INSERT INTO shards (id, bytes, samples, created_at) VALUES ('s', 1, 1, 'then')");
    }
    if (postgres()) {
      EXPECT_THAT(error_of([&] { Workspace::open(tmp.path(), db); }), HasSubstr("run `tinyops db migrate`"))
          << "a team database is migrated on purpose, not by whoever opens it";
      Workspace ws = Workspace::open_for_migration(tmp.path(), db);
      EXPECT_EQ(ws.migrate(), std::make_pair(old, kSchemaVersion));
    }
    Workspace ws = Workspace::open(tmp.path(), db);
    EXPECT_EQ(ws.schema_version(), kSchemaVersion);
    Statement q = ws.db().prepare("SELECT COUNT(*) FROM shards");
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.column_int(0), old >= 1 ? 1 : 0);
    EXPECT_NO_THROW(record_artifact(ws, "bundle", "b", bytes("b"), "{}"));
    EXPECT_EQ(ws.migrate(), std::make_pair(kSchemaVersion, kSchemaVersion)) << "migrating again changes nothing";
  }
}

}  // namespace
}  // namespace tinyops::store
