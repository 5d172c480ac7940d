// The registry: artifacts by content, lineage both ways, id prefixes, and the production
// gate with its stored evidence.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/temp_dir.hpp"
#include "../support/expect_error.hpp"
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

TEST(Registry, RecordsArtifactsOnceAndWalksLineageBothWays) {
  TempDir tmp("registry");
  Workspace ws = Workspace::init(tmp.path());
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

TEST(Registry, ProductionNeedsAPassingFarmReportAndTheAccuracyBar) {
  TempDir tmp("registry");
  Workspace ws = Workspace::init(tmp.path());
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
  Workspace ws2 = Workspace::init(tmp2.path());
  const Chain failed = chain(ws2, false, 0.95);
  EXPECT_THAT(error_of([&] { promote(ws2, failed.model.id, "production"); }),
              HasSubstr("the farm test on nano33ble did not pass"));
  TempDir tmp3("registry");
  Workspace ws3 = Workspace::init(tmp3.path());
  const Chain weak = chain(ws3, true, 0.5);
  EXPECT_THAT(error_of([&] { promote(ws3, weak.model.id, "production"); }), HasSubstr("below the pipeline's threshold"));
  EXPECT_EQ(current_stage(ws3, weak.model.id), "none") << "a refused promotion changes nothing";
  const Artifact lone = record_artifact(ws3, "int8_model", "lone", bytes("lone"), "{}");
  EXPECT_THAT(error_of([&] { promote(ws3, lone.id, "production"); }), HasSubstr("no farm report"));
  EXPECT_THAT(error_of([&] { promote(ws3, weak.data.id, "staging"); }), HasSubstr("not a model"));
  EXPECT_THAT(error_of([&] { promote(ws3, weak.model.id, "gold"); }), HasSubstr("unknown stage"));
  promote(ws3, weak.model.id, "archived");  // archiving needs no evidence
  EXPECT_EQ(current_stage(ws3, weak.model.id), "archived");
}

TEST(Registry, MigratesAVersionOneWorkspaceKeepingItsData) {  // through versions 2 and 3
  TempDir tmp("registry");
  {
    // A workspace as schema version 1 left it: samples tables, no registry, no runs.
    Workspace ws = Workspace::init(tmp.path());
    ws.db().exec("DROP TABLE api_tokens; DROP TABLE runs; DROP TABLE stage_cache; DROP TABLE model_stages; DROP TABLE lineage; DROP TABLE artifacts; "
                 "UPDATE schema_version SET version = 1;"
                 "INSERT INTO shards (id, bytes, samples, created_at) VALUES ('s', 1, 1, 'then');");
  }
  Workspace ws = Workspace::open(tmp.path());
  EXPECT_EQ(ws.schema_version(), kSchemaVersion);
  Statement q = ws.db().prepare("SELECT COUNT(*) FROM shards");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.column_int(0), 1);
  EXPECT_NO_THROW(record_artifact(ws, "bundle", "b", bytes("b"), "{}"));
}

}  // namespace
}  // namespace tinyops::store
