#include "tinyops/server/api.hpp"

#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/store/registry.hpp"
#include "tinyops/store/runs.hpp"

namespace tinyops::server {

namespace {

std::string hash_of(const std::string& token) {
  return sha256_hex({reinterpret_cast<const uint8_t*>(token.data()), token.size()});
}

nlohmann::json artifact_json(store::Workspace& ws, const store::Artifact& a) {
  return {{"id", a.id}, {"kind", a.kind}, {"name", a.name}, {"created_at", a.created_at},
          {"metadata", nlohmann::json::parse(a.metadata)}, {"stage", store::current_stage(ws, a.id)}};
}

void reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void error(httplib::Response& res, int status, const std::string& message) {
  reply(res, status, {{"error", message}});
}

}  // namespace

std::string create_token(store::Workspace& ws, const std::string& name) {
  require(!name.empty() && name.size() <= 64, "a token needs a name of 1 to 64 characters");
  std::ifstream random("/dev/urandom", std::ios::binary);
  unsigned char bytes[32];
  require(static_cast<bool>(random.read(reinterpret_cast<char*>(bytes), sizeof bytes)), "cannot read /dev/urandom");
  std::string token = "tinyops_";
  static const char* hex = "0123456789abcdef";
  for (unsigned char b : bytes) {
    token += hex[b >> 4];
    token += hex[b & 15];
  }
  store::Statement add = ws.db().prepare("INSERT INTO api_tokens (name, hash, created_at) VALUES (?1, ?2, ?3)");
  add.bind(1, name).bind(2, hash_of(token)).bind(3, store::utc_now());
  add.run();
  return token;
}

bool token_is_valid(store::Workspace& ws, const std::string& token) {
  store::Statement q = ws.db().prepare("SELECT 1 FROM api_tokens WHERE hash = ?1");
  q.bind(1, hash_of(token));
  return q.step();
}

ApiServer::ApiServer(std::filesystem::path workspace_root)
    : root_(std::move(workspace_root)), http_(std::make_unique<httplib::Server>()) {
  store::Workspace::open(root_);  // fails now, not at the first request, when it is no workspace
  httplib::Server& s = *http_;
  // Every handler opens its own connection: SQLite connections are not shared by threads.
  auto with_ws = [root = root_](auto&& handler) {
    return [root, handler](const httplib::Request& req, httplib::Response& res) {
      try {
        store::Workspace ws = store::Workspace::open(root);
        handler(ws, req, res);
      } catch (const InputError& e) {
        const std::string m = e.what();
        error(res, m.find("no artifact") != std::string::npos || m.find("no run") != std::string::npos ? 404 : 400, m);
      } catch (const nlohmann::json::exception& e) {
        error(res, 400, std::string("malformed JSON: ") + e.what());
      } catch (const std::exception& e) {
        error(res, 500, std::string("internal error: ") + e.what());
      }
    };
  };
  s.Get("/api/v1/health", with_ws([](store::Workspace& ws, const httplib::Request&, httplib::Response& res) {
          reply(res, 200, {{"status", "ok"}, {"schema_version", ws.schema_version()}});
        }));
  s.Get("/api/v1/models", with_ws([](store::Workspace& ws, const httplib::Request&, httplib::Response& res) {
          nlohmann::json out = nlohmann::json::array();
          for (const char* kind : {"int8_model", "float_model"})
            for (const auto& a : store::list_artifacts(ws, kind)) out.push_back(artifact_json(ws, a));
          reply(res, 200, out);
        }));
  s.Get(R"(/api/v1/artifacts/([0-9a-zA-Z]+))",
        with_ws([](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
          const store::Artifact a = store::find_artifact(ws, req.matches[1]);
          nlohmann::json j = artifact_json(ws, a);
          j["parents"] = nlohmann::json::array();
          j["children"] = nlohmann::json::array();
          for (const auto& e : store::parents_of(ws, a.id)) j["parents"].push_back({{"id", e.parent}, {"role", e.role}});
          for (const auto& e : store::children_of(ws, a.id)) j["children"].push_back({{"id", e.child}, {"role", e.role}});
          j["stage_history"] = nlohmann::json::array();
          for (const auto& c : store::stage_history(ws, a.id))
            j["stage_history"].push_back({{"stage", c.stage}, {"changed_at", c.changed_at},
                                          {"evidence", nlohmann::json::parse(c.evidence)}});
          reply(res, 200, j);
        }));
  s.Get("/api/v1/runs", with_ws([](store::Workspace& ws, const httplib::Request&, httplib::Response& res) {
          nlohmann::json out = nlohmann::json::array();
          for (const auto& r : store::list_runs(ws))
            out.push_back({{"id", r.id}, {"pipeline", r.pipeline}, {"status", r.status}, {"started_at", r.started_at},
                           {"finished_at", r.finished_at}, {"metrics", nlohmann::json::parse(r.metrics)},
                           {"stages", nlohmann::json::parse(r.stages)}});
          reply(res, 200, out);
        }));
  s.Get(R"(/api/v1/runs/(\d{1,15}))", with_ws([](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
          const store::RunRecord r = store::find_run(ws, std::stoll(req.matches[1]));
          reply(res, 200,
                {{"id", r.id}, {"pipeline", r.pipeline}, {"status", r.status}, {"started_at", r.started_at},
                 {"finished_at", r.finished_at}, {"params", nlohmann::json::parse(r.params)},
                 {"metrics", nlohmann::json::parse(r.metrics)}, {"stages", nlohmann::json::parse(r.stages)},
                 {"log", r.log}});
        }));
  s.Post(R"(/api/v1/models/([0-9a-zA-Z]+)/promote)",
         with_ws([](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
           const std::string auth = req.get_header_value("Authorization");
           if (auth.rfind("Bearer ", 0) != 0 || !token_is_valid(ws, auth.substr(7))) {
             error(res, 401, "a valid bearer token is needed to write (`tinyops token create NAME`)");
             return;
           }
           const nlohmann::json body = nlohmann::json::parse(req.body);
           if (!body.is_object() || !body.contains("stage") || !body["stage"].is_string()) {
             error(res, 400, R"(the body must be {"stage": "staging" | "production" | "archived"})");
             return;
           }
           try {
             const store::StageChange c = store::promote(ws, req.matches[1], body["stage"].get<std::string>());
             reply(res, 200, {{"model", c.model}, {"stage", c.stage}, {"changed_at", c.changed_at},
                              {"evidence", nlohmann::json::parse(c.evidence)}});
           } catch (const InputError& e) {
             const std::string m = e.what();
             // The gate refusing is a conflict with the model's state, not a malformed request.
             error(res, m.find("cannot promote") != std::string::npos ? 409 : m.find("no artifact") != std::string::npos ? 404 : 400, m);
           }
         }));
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty()) error(res, res.status, "no such endpoint: " + req.method + " " + req.path + " (see docs/api.md)");
  });
}

ApiServer::~ApiServer() = default;

int ApiServer::bind(const std::string& host, int port) {
  const int bound = port == 0 ? http_->bind_to_any_port(host.c_str()) : (http_->bind_to_port(host.c_str(), port) ? port : -1);
  require(bound > 0, "cannot listen on " + host + ":" + std::to_string(port) + " (in use?)");
  return bound;
}

void ApiServer::listen() { http_->listen_after_bind(); }
void ApiServer::stop() { http_->stop(); }

}  // namespace tinyops::server
