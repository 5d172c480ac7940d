// The REST API against a real server on a loopback port: reads, the token-guarded write,
// and bad requests answered with a 4xx and a JSON error, never a crash.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "../support/temp_dir.hpp"
#include "tinyops/server/api.hpp"
#include "tinyops/store/registry.hpp"

namespace tinyops::server {
namespace {

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

class Api : public ::testing::Test {
 protected:
  void SetUp() override {
    store::Workspace ws = store::Workspace::init(tmp_.path());
    model_ = store::record_artifact(ws, "int8_model", "m.tflite", bytes("model"),
                                    R"({"test_accuracy": 0.95, "accuracy_threshold": 0.9})")
                 .id;
    token_ = create_token(ws, "ci");
    api_ = std::make_unique<ApiServer>(tmp_.path());
    port_ = api_->bind("127.0.0.1", 0);
    thread_ = std::thread([this] { api_->listen(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    for (int i = 0; i < 100 && !client_->Get("/api/v1/health"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  void TearDown() override {
    api_->stop();
    thread_.join();
  }
  nlohmann::json json_of(const httplib::Result& r) { return nlohmann::json::parse(r->body); }

  test_support::TempDir tmp_{"api"};
  std::string model_, token_;
  std::unique_ptr<ApiServer> api_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(Api, ReadsModelsArtifactsAndRuns) {
  auto health = client_->Get("/api/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json_of(health)["status"], "ok");
  auto models = client_->Get("/api/v1/models");
  ASSERT_TRUE(models);
  ASSERT_EQ(json_of(models).size(), 1u);
  EXPECT_EQ(json_of(models)[0]["id"], model_);
  auto one = client_->Get(("/api/v1/artifacts/" + model_.substr(0, 10)).c_str());
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(json_of(one)["kind"], "int8_model");
  auto runs = client_->Get("/api/v1/runs");
  ASSERT_TRUE(runs);
  EXPECT_TRUE(json_of(runs).is_array());
}

TEST_F(Api, WritesNeedATokenAndBadRequestsGetFourHundreds) {
  const std::string path = "/api/v1/models/" + model_ + "/promote";
  auto no_token = client_->Post(path.c_str(), R"({"stage": "staging"})", "application/json");
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 401);
  httplib::Headers auth = {{"Authorization", "Bearer " + token_}};
  auto wrong = client_->Post(path.c_str(), httplib::Headers{{"Authorization", "Bearer nope"}}, R"({"stage": "staging"})",
                             "application/json");
  EXPECT_EQ(wrong->status, 401);
  auto malformed = client_->Post(path.c_str(), auth, R"({"stage": )", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_TRUE(json_of(malformed).contains("error"));
  auto wrong_type = client_->Post(path.c_str(), auth, R"({"stage": 3})", "application/json");
  EXPECT_EQ(wrong_type->status, 400);
  auto unknown_stage = client_->Post(path.c_str(), auth, R"({"stage": "gold"})", "application/json");
  EXPECT_EQ(unknown_stage->status, 400);
  auto gate = client_->Post(path.c_str(), auth, R"({"stage": "production"})", "application/json");
  EXPECT_EQ(gate->status, 409) << "no farm report: the gate refuses";
  auto ok = client_->Post(path.c_str(), auth, R"({"stage": "staging"})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(json_of(ok)["stage"], "staging");
  auto unknown = client_->Get("/api/v1/artifacts/0123456789ab");
  EXPECT_EQ(unknown->status, 404);
  auto bad_id = client_->Get("/api/v1/artifacts/XYZ");
  EXPECT_EQ(bad_id->status, 400);
  auto no_route = client_->Get("/api/v1/nothing");
  EXPECT_EQ(no_route->status, 404);
  EXPECT_TRUE(json_of(no_route).contains("error"));
  auto no_run = client_->Get("/api/v1/runs/999");
  EXPECT_EQ(no_run->status, 404);
}

}  // namespace
}  // namespace tinyops::server
