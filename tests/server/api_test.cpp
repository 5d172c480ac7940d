// The REST API's contract, against a real server on a loopback port: every endpoint's
// answer on a workspace holding a dataset, its lineage down to a farm report, and a run;
// paging; the token-guarded write; and bad requests (malformed or mistyped JSON, missing
// tokens, unknown ids, bad query parameters, huge bodies, raw garbage) answered with a 4xx
// and a JSON error, never a 500 and never a crash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "../support/temp_dir.hpp"
#include "tinyops/core/content_id.hpp"
#include "tinyops/data/dataset.hpp"
#include "tinyops/server/api.hpp"
#include "tinyops/store/jobs.hpp"
#include "tinyops/store/registry.hpp"
#include "tinyops/store/runs.hpp"

namespace tinyops::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

std::vector<uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

void write_csv(const fs::path& p, int seed) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p);
  out << "timestamp,accX,accY\n";
  for (int t = 0; t < 10; ++t) out << t * 10 << "," << seed + t << ",0.5\n";
}

class Api : public ::testing::Test {
 protected:
  void SetUp() override {
    store::Workspace ws = store::Workspace::init(tmp_.path() / "project");
    // Samples: 3 idle (2 training, 1 testing) and 2 wave (training), frozen as "v1".
    for (int i = 0; i < 2; ++i)
      write_csv(tmp_.path() / "files/train" / ("idle." + std::to_string(i) + ".csv"), i);
    write_csv(tmp_.path() / "files/test/idle.9.csv", 9);
    for (int i = 0; i < 2; ++i)
      write_csv(tmp_.path() / "files/train" / ("wave." + std::to_string(i) + ".csv"), 50 + i);
    import(tmp_.path() / "files/train", data::Category::Training);
    import(tmp_.path() / "files/test", data::Category::Testing);
    version_ = data::freeze_version(ws, "v1").id;
    // The lineage a pipeline records: dataset -> features -> model -> bundle -> farm report.
    const std::string dataset =
        store::record_artifact(ws, "dataset_version", "v1", ws.objects().get(version_),
                               R"({"samples": 5})")
            .id;
    const std::string features =
        store::record_artifact(ws, "feature_set", "kws/features", bytes("features"), "{}",
                               {{dataset, "dataset"}})
            .id;
    model_ = store::record_artifact(ws, "int8_model", "m.tflite", bytes("model"),
                                    R"({"test_accuracy": 0.95, "accuracy_threshold": 0.9})",
                                    {{features, "trained"}})
                 .id;
    bundle_ = store::record_artifact(ws, "bundle", "m/bundle", bytes("bundle"), "{}",
                                     {{model_, "compiled"}})
                  .id;
    report_ = store::record_artifact(
                  ws, "farm_report", "m@nano33ble/farm", bytes("report"),
                  R"({"boards": [{"board": "nano33ble", "passed": true, "fits": true}]})",
                  {{bundle_, "tested"}, {model_, "model"}})
                  .id;
    float_model_ = store::record_artifact(ws, "float_model", "f.tflite", bytes("float"),
                                          R"({"test_accuracy": 0.97, "accuracy_threshold": 0.9})")
                       .id;
    run_ = store::begin_run(ws, "tinyops.yaml", R"({"epochs": 3})");
    store::record_stage(ws, run_,
                        R"({"stage": "features", "status": "ran", "seconds": 0.5, "outputs": []})",
                        "features: raw block\n");
    store::finish_run(ws, run_, true, R"({"test_accuracy": 0.95})", "done\n");
    token_ = create_token(ws, "ci");

    // Pipeline triggers go to a queue that records the file and queues two stages.
    api_ = std::make_unique<ApiServer>(tmp_.path() / "project", "",
                                       [this](store::Workspace& queue_ws, const fs::path& file) {
                                         queued_.push_back(file);
                                         return store::enqueue_run(queue_ws, file.filename().string(), "{}",
                                                                   {{"data", "{}"}, {"train", "{}"}});
                                       });
    port_ = api_->bind("127.0.0.1", 0);
    thread_ = std::thread([this] { api_->listen(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    for (int i = 0; i < 100 && !client_->Get("/api/v1/health"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  void TearDown() override {
    api_->stop();
    thread_.join();
  }

  void import(const fs::path& folder, data::Category category) {
    store::Workspace ws = store::Workspace::open(tmp_.path() / "project");
    data::ImportOptions o;
    o.paths = {folder};
    o.category = category;
    data::import_samples(ws, o);
  }
  httplib::Result get(const std::string& path) { return client_->Get(path.c_str()); }
  httplib::Result promote(const std::string& model, const std::string& body,
                          const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client_->Post(("/api/v1/models/" + model + "/promote").c_str(), headers, body,
                         "application/json");
  }
  // 200 and the parsed body.
  json ok(const httplib::Result& r) {
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    return json::parse(r->body);
  }
  // The error message of a JSON error answer with `status`.
  std::string refused(const httplib::Result& r, int status) {
    EXPECT_TRUE(r);
    if (!r) return "(no answer)";
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json") << r->body;
    const json j = json::parse(r->body, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("error") && j["error"].is_string()) << r->body;
    return j.is_object() && j.contains("error") && j["error"].is_string()
               ? j["error"].get<std::string>()
               : r->body;
  }

  test_support::TempDir tmp_{"api"};
  std::string version_, model_, bundle_, report_, float_model_, token_;
  int64_t run_ = 0;
  std::vector<fs::path> queued_;
  std::unique_ptr<ApiServer> api_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(Api, HealthModelsAndArtifacts) {
  const json health = ok(get("/api/v1/health"));
  EXPECT_EQ(health["status"], "ok");
  EXPECT_TRUE(health["schema_version"].is_number_integer());

  const json models = ok(get("/api/v1/models"));
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0]["id"], model_);
  EXPECT_EQ(models[0]["stage"], "none");
  EXPECT_EQ(models[0]["metadata"]["test_accuracy"], 0.95);
  EXPECT_EQ(models[1]["kind"], "float_model");

  const json one = ok(get("/api/v1/artifacts/" + model_.substr(0, 10)));
  EXPECT_EQ(one["id"], model_);
  EXPECT_EQ(one["kind"], "int8_model");
  ASSERT_EQ(one["parents"].size(), 1u);
  EXPECT_EQ(one["parents"][0]["role"], "trained");
  EXPECT_EQ(one["children"].size(), 2u) << "the bundle and the farm report";
  EXPECT_TRUE(one["stage_history"].empty());
}

TEST_F(Api, RunsListAndDetail) {
  const auto list = get("/api/v1/runs");
  const json runs = ok(list);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(list->get_header_value("X-Total-Count"), "1");
  EXPECT_EQ(runs[0]["id"], run_);
  EXPECT_EQ(runs[0]["status"], "succeeded");
  EXPECT_EQ(runs[0]["stages"][0]["stage"], "features");
  EXPECT_FALSE(runs[0].contains("log")) << "the list leaves the logs out";
  const json run = ok(get("/api/v1/runs/" + std::to_string(run_)));
  EXPECT_EQ(run["params"]["epochs"], 3);
  EXPECT_EQ(run["metrics"]["test_accuracy"], 0.95);
  EXPECT_THAT(run["log"].get<std::string>(), HasSubstr("features: raw block"));
}

TEST_F(Api, DatasetsShowTheCurrentSamplesAndEachVersion) {
  const auto list = get("/api/v1/datasets");
  const json datasets = ok(list);
  EXPECT_EQ(list->get_header_value("X-Total-Count"), "1");
  EXPECT_EQ(datasets["current"]["samples"], 5);
  EXPECT_EQ(datasets["current"]["kinds"]["timeseries"], 5);
  EXPECT_EQ(datasets["current"]["labels"]["idle"]["training"], 2);
  EXPECT_EQ(datasets["current"]["labels"]["idle"]["testing"], 1);
  EXPECT_EQ(datasets["current"]["labels"]["wave"]["training"], 2);
  EXPECT_GT(datasets["current"]["labels"]["wave"]["duration_ms"].get<double>(), 0);
  ASSERT_EQ(datasets["versions"].size(), 1u);
  EXPECT_EQ(datasets["versions"][0]["name"], "v1");
  EXPECT_EQ(datasets["versions"][0]["id"], version_);

  for (const std::string& ref : std::vector<std::string>{"v1", version_, version_.substr(0, 8)}) {
    const json v = ok(get("/api/v1/datasets/" + ref));
    EXPECT_EQ(v["id"], version_) << ref;
    EXPECT_EQ(v["samples"], 5);
    EXPECT_EQ(v["labels"]["idle"]["testing"], 1);
    EXPECT_EQ(v["labels"]["wave"]["training"], 2);
    EXPECT_EQ(v["categories"]["training"], 4);
    ASSERT_EQ(v["used_by"].size(), 1u);
    EXPECT_EQ(v["used_by"][0]["kind"], "feature_set");
  }
  // Names may hold slashes; the frozen version keeps its counts as the samples change.
  write_csv(tmp_.path() / "files/late/idle.7.csv", 7);
  import(tmp_.path() / "files/late", data::Category::Testing);
  {
    store::Workspace ws = store::Workspace::open(tmp_.path() / "project");
    data::freeze_version(ws, "team/v2");
  }
  EXPECT_EQ(ok(get("/api/v1/datasets/team/v2"))["labels"]["idle"]["testing"], 2);
  EXPECT_EQ(ok(get("/api/v1/datasets/v1"))["labels"]["idle"]["testing"], 1);
  const auto second = get("/api/v1/datasets?limit=1&offset=1");
  EXPECT_EQ(ok(second)["versions"].size(), 1u);
  EXPECT_EQ(second->get_header_value("X-Total-Count"), "2");

  EXPECT_THAT(refused(get("/api/v1/datasets/v9"), 404), HasSubstr("no dataset version 'v9'"));
  EXPECT_THAT(refused(get("/api/v1/datasets/" + std::string(200, 'x')), 400),
              HasSubstr("1 to 128 characters"));
  refused(get("/api/v1/datasets/0000000000"), 404);
}

TEST_F(Api, LineageWalksBothWays) {
  const json from_model = ok(get("/api/v1/lineage/" + model_.substr(0, 12)));
  EXPECT_EQ(from_model["artifact"]["id"], model_);
  const json& up = from_model["ancestors"];
  ASSERT_EQ(up.size(), 2u);
  EXPECT_EQ(up[0]["kind"], "feature_set");
  EXPECT_EQ(up[0]["depth"], 1);
  EXPECT_EQ(up[1]["kind"], "dataset_version");
  EXPECT_EQ(up[1]["depth"], 2);
  std::map<std::string, int> down;
  for (const auto& e : from_model["descendants"])
    down[e["kind"].get<std::string>()] = e["depth"].get<int>();
  EXPECT_EQ(down.at("bundle"), 1);
  EXPECT_EQ(down.at("farm_report"), 1) << "directly, and again under the bundle at depth 2";
  EXPECT_EQ(from_model["descendants"].size(), 3u);

  const json from_dataset = ok(get("/api/v1/lineage/" + version_));
  EXPECT_TRUE(from_dataset["ancestors"].empty());
  EXPECT_EQ(from_dataset["descendants"][0]["kind"], "feature_set");
  EXPECT_EQ(from_dataset["descendants"][1]["kind"], "int8_model");
  EXPECT_EQ(from_dataset["descendants"][1]["depth"], 2);

  refused(get("/api/v1/lineage/0123456789ab"), 404);
  EXPECT_THAT(refused(get("/api/v1/lineage/NOTHEX"), 400), HasSubstr("lowercase hex"));
  refused(get("/api/v1/lineage/abc"), 400);
}

// POST /api/v1/runs queues a pipeline file of the workspace; only one inside it, and only
// with a token.
TEST_F(Api, PipelineTriggersQueueARunForTheWorkers) {
  const fs::path project = tmp_.path() / "project";
  fs::create_directories(project / "pipelines");
  std::ofstream(project / "pipelines/kws.yaml") << "pipeline: kws\n";
  std::ofstream(tmp_.path() / "outside.yaml") << "pipeline: secret\n";
  fs::create_directory_symlink(tmp_.path(), project / "escape");
  auto trigger = [&](const std::string& body, const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client_->Post("/api/v1/runs", headers, body, "application/json");
  };

  const auto accepted = trigger(R"({"pipeline": "pipelines/kws.yaml"})", token_);
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->status, 202) << accepted->body;
  const json run = json::parse(accepted->body);
  EXPECT_EQ(run["status"], "queued");
  EXPECT_EQ(accepted->get_header_value("Location"), "/api/v1/runs/" + std::to_string(run["id"].get<int64_t>()));
  ASSERT_EQ(run["jobs"].size(), 2u);
  EXPECT_EQ(run["jobs"][0]["stage"], "data");
  EXPECT_EQ(run["jobs"][0]["status"], "queued");
  ASSERT_EQ(queued_.size(), 1u);
  EXPECT_EQ(queued_[0], fs::weakly_canonical(project / "pipelines/kws.yaml"));
  EXPECT_EQ(ok(get("/api/v1/runs/" + std::to_string(run["id"].get<int64_t>())))["jobs"].size(), 2u);

  refused(trigger(R"({"pipeline": "pipelines/kws.yaml"})", ""), 401);
  refused(trigger(R"({"pipeline": "pipelines/kws.yaml"})", "tinyops_wrong"), 401);
  for (const std::string& outside : {std::string("../outside.yaml"), (tmp_.path() / "outside.yaml").string(),
                                     std::string("escape/outside.yaml"), std::string("pipelines/../../outside.yaml")})
    EXPECT_THAT(refused(trigger(json{{"pipeline", outside}}.dump(), token_), 400), HasSubstr("outside the workspace"))
        << outside;
  EXPECT_THAT(refused(trigger(R"({"pipeline": "pipelines/none.yaml"})", token_), 404), HasSubstr("no pipeline file"));
  refused(trigger(R"({"pipeline": "pipelines"})", token_), 404);
  refused(trigger(R"({"pipeline": 7})", token_), 400);
  refused(trigger(R"({"pipeline": ""})", token_), 400);
  refused(trigger(R"({"file": "pipelines/kws.yaml"})", token_), 400);
  refused(trigger(R"({"pipeline": "pipelines/kws.yaml")", token_), 400);
  EXPECT_EQ(queued_.size(), 1u) << "nothing refused was queued";
}

TEST_F(Api, FarmReports) {
  const auto list = get("/api/v1/farm-reports");
  const json reports = ok(list);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0]["id"], report_);
  EXPECT_EQ(reports[0]["model"], model_);
  EXPECT_EQ(reports[0]["bundle"], bundle_);
  EXPECT_EQ(reports[0]["passed"], true);
  EXPECT_EQ(reports[0]["metadata"]["boards"][0]["board"], "nano33ble");
  EXPECT_EQ(ok(get("/api/v1/farm-reports?model=" + model_.substr(0, 8))).size(), 1u);
  EXPECT_TRUE(ok(get("/api/v1/farm-reports?model=" + float_model_)).empty());
  refused(get("/api/v1/farm-reports?model=0123456789ab"), 404);
  refused(get("/api/v1/farm-reports?model=x"), 400);

  const json one = ok(get("/api/v1/farm-reports/" + report_.substr(0, 12)));
  EXPECT_EQ(one["model"], model_);
  EXPECT_THAT(refused(get("/api/v1/farm-reports/" + model_), 404),
              HasSubstr("kind of " + model_.substr(0, 12) + " is int8_model"));
  refused(get("/api/v1/farm-reports/0123456789ab"), 404);
}

TEST_F(Api, ListsPageWithLimitAndOffset) {
  const auto first = get("/api/v1/models?limit=1");
  const json page = ok(first);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0]["id"], model_);
  EXPECT_EQ(first->get_header_value("X-Total-Count"), "2");
  EXPECT_EQ(ok(get("/api/v1/models?limit=1&offset=1"))[0]["id"], float_model_);
  EXPECT_TRUE(ok(get("/api/v1/models?offset=100")).empty());
  EXPECT_EQ(ok(get("/api/v1/models?offset=0&limit=1000")).size(), 2u);

  EXPECT_THAT(refused(get("/api/v1/models?limit=0"), 400),
              HasSubstr("limit must be a whole number from 1 to 1000"));
  refused(get("/api/v1/models?limit=1001"), 400);
  refused(get("/api/v1/models?limit=abc"), 400);
  refused(get("/api/v1/models?limit=-1"), 400);
  refused(get("/api/v1/models?limit="), 400);
  refused(get("/api/v1/models?limit=99999999999999999999999"), 400);
  refused(get("/api/v1/runs?offset=1e3"), 400);
  refused(get("/api/v1/runs?offset=%201"), 400);
  EXPECT_THAT(refused(get("/api/v1/runs?limit=1&limit=2"), 400), HasSubstr("more than once"));
  EXPECT_THAT(refused(get("/api/v1/runs?limt=2"), 400),
              HasSubstr("unknown query parameter 'limt'"));
  EXPECT_THAT(refused(get("/api/v1/health?verbose=1"), 400), HasSubstr("takes none"));
  refused(get("/api/v1/datasets?limit=0"), 400);
  refused(get("/api/v1/farm-reports?offset=x"), 400);
}

TEST_F(Api, WritesNeedAToken) {
  const std::string body = R"({"stage": "staging"})";
  EXPECT_THAT(refused(promote(model_, body, ""), 401), HasSubstr("bearer token"));
  refused(promote(model_, body, "nope"), 401);
  auto basic = client_->Post(("/api/v1/models/" + model_ + "/promote").c_str(),
                             httplib::Headers{{"Authorization", "Basic " + token_}}, body,
                             "application/json");
  refused(basic, 401);
  EXPECT_EQ(basic->get_header_value("WWW-Authenticate"), "Bearer");
  // The token is checked before anything else: no hint about ids or bodies without one.
  refused(promote("0123456789ab", "{", ""), 401);

  // `curl -d` labels the JSON as a form: the body is read as JSON all the same.
  const json form = ok(client_->Post(("/api/v1/models/" + model_ + "/promote").c_str(),
                                     httplib::Headers{{"Authorization", "Bearer " + token_}}, body,
                                     "application/x-www-form-urlencoded"));
  EXPECT_EQ(form["stage"], "staging");
  const json changed = ok(promote(model_.substr(0, 12), body, token_));
  EXPECT_EQ(changed["model"], model_);
  EXPECT_EQ(changed["stage"], "staging");
  EXPECT_EQ(ok(get("/api/v1/models"))[0]["stage"], "staging");
  // The farm report passed and the accuracy is above the threshold: production is allowed.
  const json production = ok(promote(model_, R"({"stage": "production"})", token_));
  EXPECT_EQ(production["evidence"]["farm_reports"].size(), 1u);
  EXPECT_EQ(ok(get("/api/v1/artifacts/" + model_))["stage_history"].size(), 3u);
}

TEST_F(Api, BadBodiesAndIdsGetFourHundreds) {
  auto bad = [&](const std::string& body) { return refused(promote(model_, body, token_), 400); };
  EXPECT_THAT(bad(R"({"stage": )"), HasSubstr("not valid JSON"));
  EXPECT_THAT(bad(""), HasSubstr("not valid JSON"));
  EXPECT_THAT(bad("[1, 2]"), HasSubstr("must be a JSON object, not array"));
  EXPECT_THAT(bad(R"("staging")"), HasSubstr("not string"));
  EXPECT_THAT(bad(R"({"stage": 3})"), HasSubstr(R"(the body must be {"stage")"));
  bad(R"({"stage": null})");
  bad(R"({"stage": ["staging"]})");
  bad("{}");
  EXPECT_THAT(bad(R"({"stage": "gold"})"), HasSubstr("unknown stage 'gold'"));
  EXPECT_THAT(bad(R"({"stage": "staging", "force": true})"), HasSubstr("unknown field 'force'"));
  bad("{\"stage\": \"staging\xff\"}");
  bad(std::string(100000, '['));
  EXPECT_THAT(bad("1E400"), HasSubstr("not valid JSON"))
      << "a number beyond a double (found by fuzz_api_requests)";
  bad(R"({"stage": -1E400})");
  bad("\xef\xbb\xbf{\"stage\": 1}");

  EXPECT_THAT(refused(promote("0123456789ab", R"({"stage": "staging"})", token_), 404),
              HasSubstr("no artifact"));
  EXPECT_THAT(refused(promote(bundle_, R"({"stage": "staging"})", token_), 404),
              HasSubstr("is bundle"));
  refused(promote("XYZ", R"({"stage": "staging"})", token_), 400);
  // No farm report for the float model: the production gate refuses, a conflict.
  EXPECT_THAT(refused(promote(float_model_, R"({"stage": "production"})", token_), 409),
              HasSubstr("no farm report"));

  EXPECT_THAT(refused(get("/api/v1/artifacts/0123456789ab"), 404),
              HasSubstr("no artifact 0123456789ab"));
  EXPECT_THAT(refused(get("/api/v1/artifacts/XYZ"), 400), HasSubstr("not an artifact id"));
  refused(get("/api/v1/artifacts/" + std::string(65, 'a')), 400);
  EXPECT_THAT(refused(get("/api/v1/runs/999"), 404), HasSubstr("no run 999"));
  for (const char* id : {"0", "-1", "abc", "1.5", "99999999999999999999"})
    EXPECT_THAT(refused(get(std::string("/api/v1/runs/") + id), 400), HasSubstr("not a run id"))
        << id;
  EXPECT_THAT(refused(get("/api/v1/nothing"), 404), HasSubstr("no such endpoint"));
  refused(get("/api/v1/nothing%FF%FE"), 404);
  refused(get("/api/v1/artifacts/%FF%FE%00abc"), 400);
  refused(get("/api/v1/datasets/%FF%FE"), 404);
  refused(client_->Delete("/api/v1/models"), 404);
  refused(client_->Post("/api/v1/models", "{}", "application/json"), 404);
}

TEST_F(Api, AnAmbiguousPrefixIsABadRequest) {
  // Two contents whose sha256 share the first 6 hex digits (a birthday search: a few
  // thousand tries).
  std::map<std::string, std::string> by_prefix;
  std::string a, b;
  for (int i = 0; a.empty(); ++i) {
    const std::string content = "x" + std::to_string(i);
    const std::string id =
        sha256_hex({reinterpret_cast<const uint8_t*>(content.data()), content.size()});
    if (auto [it, inserted] = by_prefix.emplace(id.substr(0, 6), content); !inserted) {
      a = it->second;
      b = content;
    }
  }
  store::Workspace ws = store::Workspace::open(tmp_.path() / "project");
  const std::string id = store::record_artifact(ws, "bundle", "a", bytes(a), "{}").id;
  store::record_artifact(ws, "bundle", "b", bytes(b), "{}");
  EXPECT_THAT(refused(get("/api/v1/artifacts/" + id.substr(0, 6)), 400),
              HasSubstr("matches several artifacts"));
  EXPECT_THAT(refused(get("/api/v1/lineage/" + id.substr(0, 6)), 400),
              HasSubstr("give more digits"));
  ok(get("/api/v1/artifacts/" + id));
}

TEST_F(Api, AHugeBodyIsRefusedUnread) {
  const std::string huge(kMaxBodyBytes + 1, ' ');
  EXPECT_THAT(refused(promote(model_, huge, token_), 413), HasSubstr("over"));
  ok(get("/api/v1/health"));
}

TEST_F(Api, RawGarbageGetsAFourHundred) {
  // handle() runs the same routes without a socket (the fuzz target's way in).
  auto status_of = [&](const std::string& raw) {
    const std::string out = api_->handle(raw);
    EXPECT_EQ(out.rfind("HTTP/1.1 ", 0), 0u) << out;
    return out.size() > 12 ? std::stoi(out.substr(9, 3)) : 0;
  };
  EXPECT_EQ(status_of("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"), 200);
  EXPECT_THAT(api_->handle("GET /api/v1/health HTTP/1.1\r\n\r\n"), HasSubstr(R"("status":"ok")"));
  EXPECT_EQ(status_of("garbage\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET /api/v1/models?limit=%zz HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(
      status_of("POST /api/v1/models/" + model_ + "/promote HTTP/1.1\r\nAuthorization: Bearer " +
                token_ + "\r\nContent-Length: 100\r\n\r\n{\"stage\""),
      400)
      << "a body shorter than its Content-Length";
  EXPECT_EQ(
      status_of("POST /api/v1/models/" + model_ + "/promote HTTP/1.1\r\nAuthorization: Bearer " +
                token_ + "\r\nContent-Length: 20\r\n\r\n{\"stage\": \"staging\"}"),
      200);
  EXPECT_EQ(status_of("GET /" + std::string(10000, 'a') + " HTTP/1.1\r\n\r\n"), 414);
  EXPECT_THAT(api_->handle("GET /api/v1/nothing HTTP/1.1\r\n\r\n"), HasSubstr("no such endpoint"));
}

TEST_F(Api, ConcurrentReadersShareThePool) {
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  const std::vector<std::string> paths = {"/api/v1/models", "/api/v1/datasets",
                                          "/api/v1/runs/" + std::to_string(run_)};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      httplib::Client c("127.0.0.1", port_);
      for (int i = 0; i < 25; ++i) {
        for (const std::string& path : paths) {
          auto r = c.Get(path.c_str());
          good += r && r->status == 200;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 8 * 25 * 3);
}

TEST_F(Api, DevicesEnrollWithATokenAndListByTag) {
  auto enroll = [&](const std::string& body, const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client_->Post("/api/v1/devices", headers, body, "application/json");
  };
  const std::string body = R"({"name": "dev-1", "board": "nano33ble", "tags": ["canary"]})";
  EXPECT_THAT(refused(enroll(body, ""), 401), HasSubstr("bearer token"));
  const auto created = enroll(body, token_);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(created->get_header_value("Location"), "/api/v1/devices/dev-1");
  const json device = json::parse(created->body);
  EXPECT_EQ(device["secret"].get<std::string>().size(), 64u);
  EXPECT_THAT(refused(enroll(body, token_), 409), HasSubstr("enrolled already"));
  EXPECT_THAT(refused(enroll(R"({"name": "dev-2"})", token_), 400), HasSubstr("\"board\""));
  EXPECT_THAT(refused(enroll(R"({"name": "dev-2", "board": "nano33ble", "extra": 1})", token_), 400),
              HasSubstr("extra"));
  ASSERT_EQ(enroll(R"({"name": "dev-2", "board": "nano33ble"})", token_)->status, 201);
  EXPECT_EQ(ok(get("/api/v1/devices")).size(), 2u);
  const json canary = ok(get("/api/v1/devices?tag=canary"));
  ASSERT_EQ(canary.size(), 1u);
  EXPECT_EQ(canary[0]["name"], "dev-1");
  EXPECT_FALSE(canary[0].contains("secret")) << "the credential is shown once, at enrollment";
  EXPECT_EQ(ok(get("/api/v1/devices/dev-2"))["board"], "nano33ble");
  refused(get("/api/v1/devices/nobody"), 404);
  refused(get("/api/v1/devices?color=red"), 400);
  EXPECT_TRUE(ok(get("/api/v1/releases")).empty());
  refused(get("/api/v1/releases/NOTHEX"), 400);
  EXPECT_THAT(refused(get("/api/v1/releases/" + model_.substr(0, 12)), 404), HasSubstr("not a release"));
  EXPECT_TRUE(ok(get("/api/v1/rollouts")).empty());
  EXPECT_THAT(refused(get("/api/v1/rollouts/7"), 404), HasSubstr("no rollout 7"));
  EXPECT_THAT(refused(get("/api/v1/rollouts/seven"), 400), HasSubstr("by its number"));
  auto post = [&](const std::string& path, const std::string& payload, const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client_->Post(path, headers, payload, "application/json");
  };
  EXPECT_THAT(refused(post("/api/v1/rollouts", R"({"release": "0123456789ab"})", ""), 401), HasSubstr("bearer token"));
  EXPECT_THAT(refused(post("/api/v1/rollouts", R"({"release": "0123456789ab", "stages": "50,10"})", token_), 400),
              HasSubstr("more devices than the one before"));
  EXPECT_THAT(refused(post("/api/v1/rollouts", R"({"stages": "100"})", token_), 400), HasSubstr("\"release\""));
  refused(post("/api/v1/rollouts", R"({"release": "0123456789ab"})", token_), 404);
  refused(post("/api/v1/rollouts/7/pause", "", token_), 404);
  refused(post("/api/v1/rollouts/7/pause", "", ""), 401);

  // releases: the same gate as the CLI's (a full release is made in tests/fleet)
  EXPECT_THAT(refused(post("/api/v1/releases", R"({"model": ")" + model_ + R"(", "board": "esp_eye"})", ""), 401),
              HasSubstr("bearer token"));
  EXPECT_THAT(refused(post("/api/v1/releases", R"({"board": "esp_eye"})", token_), 400), HasSubstr("\"model\""));
  EXPECT_THAT(refused(post("/api/v1/releases", R"({"model": "zz", "board": "esp_eye"})", token_), 400), HasSubstr("zz"));
  refused(post("/api/v1/releases", R"({"model": "0123456789ab", "board": "esp_eye"})", token_), 404);
  EXPECT_THAT(refused(post("/api/v1/releases", R"({"model": ")" + model_ + R"(", "board": "esp_eye"})", token_), 409),
              HasSubstr("esp_eye"));
}

}  // namespace
}  // namespace tinyops::server
