#include "tinyops/server/api.hpp"

#include <httplib.h>

#include <sys/socket.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "request_parsing.hpp"
#include "resources.hpp"
#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"
#include "workspace_pool.hpp"

namespace tinyops::server {

namespace {

using nlohmann::json;

std::string hash_of(const std::string& token) {
  return sha256_hex({reinterpret_cast<const uint8_t*>(token.data()), token.size()});
}

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // Paths and stored names may hold bytes that are not UTF-8: replaced, never a throw.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void error(httplib::Response& res, int status, const std::string& message) {
  reply(res, status, {{"error", message}});
}

// What the error handler says when httplib itself refuses a request (no handler ran).
std::string refusal(const httplib::Request& req, int status) {
  switch (status) {
    case 404:
      return "no such endpoint: " + req.method + " " + req.path + " (see docs/api.md)";
    case 413:
      return "the request body is over " + std::to_string(kMaxBodyBytes) + " bytes";
    case 414:
      return "the request line is too long";
    case 400:
      return "malformed HTTP request";
    default:
      return "the request was refused (HTTP " + std::to_string(status) + ")";
  }
}

// A request's bytes in, the response's bytes out: what a socket would carry.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view in) : in_(in) {}
  using httplib::Stream::write;
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  socket_t socket() const override { return INVALID_SOCKET; }
  std::string& out() { return out_; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  std::string out_;
};

using View = std::function<void(store::Workspace&, const httplib::Request&, httplib::Response&)>;

// Borrows a workspace for the request and maps errors to statuses: unknown ids 404, a
// refused promotion 409, other bad input 400. Anything else is a bug: 500, and the
// connection is not reused.
httplib::Server::Handler with_workspace(WorkspacePool& pool, View view) {
  return [&pool, view = std::move(view)](const httplib::Request& req, httplib::Response& res) {
    std::optional<WorkspacePool::Lease> lease;
    try {
      lease.emplace(pool.acquire());
    } catch (const std::exception& e) {
      error(res, 503, std::string("the workspace cannot be opened: ") + e.what());
      return;
    }
    try {
      view(**lease, req, res);
    } catch (const NotFoundError& e) {
      error(res, 404, e.what());
    } catch (const ConflictError& e) {
      error(res, 409, e.what());
    } catch (const InputError& e) {
      error(res, 400, e.what());
    } catch (const std::exception& e) {
      lease->discard();
      error(res, 500, std::string("internal error: ") + e.what());
    }
  };
}

// A read: only the query parameters `params` are allowed.
View read(std::vector<std::string> params, View view) {
  return [params = std::move(params), view = std::move(view)](
             store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
    check_params(req.params, params);
    view(ws, req, res);
  };
}

// A write: needs a bearer token. Its query parameters are not checked: httplib adds the
// fields of a form-encoded body to them, and `curl -d '{...}'` sends JSON labelled as a
// form.
View write(View view) {
  return [view = std::move(view)](store::Workspace& ws, const httplib::Request& req,
                                  httplib::Response& res) {
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) != 0 || !token_is_valid(ws, auth.substr(7))) {
      res.set_header("WWW-Authenticate", "Bearer");
      error(res, 401, "a valid bearer token is needed to write (`tinyops token create NAME`)");
      return;
    }
    view(ws, req, res);
  };
}

void reply_page(httplib::Response& res, const Page& page) {
  res.set_header("X-Total-Count", std::to_string(page.total));
  reply(res, 200, page.items);
}

const std::vector<std::string> kPaging = {"limit", "offset"};
constexpr size_t kServerThreads = 64;
constexpr size_t kRequestsPerConnection = 100;

}  // namespace

class ApiServer::Http : public httplib::Server {
 public:
  // httplib listens with a backlog of 5: a burst of new connections beyond that waits for
  // the client's SYN retry (1 s and more). Listening again only widens the queue.
  void widen_backlog() { ::listen(svr_sock_, SOMAXCONN); }
  std::string process(std::string_view raw_request) {
    MemoryStream stream(raw_request);
    bool closed = false;
    process_request(stream, true, closed, nullptr);
    return std::move(stream.out());
  }
};

std::string create_token(store::Workspace& ws, const std::string& name) {
  require(!name.empty() && name.size() <= 64, "a token needs a name of 1 to 64 characters");
  std::ifstream random("/dev/urandom", std::ios::binary);
  unsigned char bytes[32];
  require(static_cast<bool>(random.read(reinterpret_cast<char*>(bytes), sizeof bytes)),
          "cannot read /dev/urandom");
  std::string token = "tinyops_";
  static const char* hex = "0123456789abcdef";
  for (unsigned char b : bytes) {
    token += hex[b >> 4];
    token += hex[b & 15];
  }
  store::Statement add =
      ws.db().prepare("INSERT INTO api_tokens (name, hash, created_at) VALUES (?1, ?2, ?3)");
  add.bind(1, name).bind(2, hash_of(token)).bind(3, store::utc_now());
  add.run();
  return token;
}

bool token_is_valid(store::Workspace& ws, const std::string& token) {
  store::Statement q = ws.db().prepare("SELECT 1 FROM api_tokens WHERE hash = ?1");
  q.bind(1, hash_of(token));
  return q.step();
}

ApiServer::ApiServer(std::filesystem::path workspace_root, std::string db, PipelineQueue queue)
    : root_(std::move(workspace_root)),
      queue_(std::move(queue)),
      pool_(std::make_unique<WorkspacePool>(root_, std::move(db))),
      http_(std::make_unique<Http>()) {
  pool_->acquire();  // fails now, not at the first request, when it is no workspace
  add_routes();
  Http& s = *http_;
  // httplib gives each connection a thread until it closes. Enough threads for the
  // keep-alive connections of a few dashboards and scripts, and a bound on requests per
  // connection so that more connections than threads still take turns. (httplib takes
  // ownership of the queue it is handed.)
  s.new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  s.set_keep_alive_max_count(kRequestsPerConnection);
  // httplib writes the headers and the body separately: without TCP_NODELAY, Nagle holds
  // the body until the client's delayed ACK of the headers, 40 ms on Linux.
  s.set_tcp_nodelay(true);
  s.set_payload_max_length(kMaxBodyBytes);
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty()) error(res, res.status, refusal(req, res.status));
  });
  // The handlers catch everything; this is the last line should one not.
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    error(res, 500, "internal error");
  });
}

void ApiServer::add_routes() {
  Http& s = *http_;
  WorkspacePool& pool = *pool_;
  auto get = [&](const std::string& pattern, std::vector<std::string> params, View view) {
    s.Get(pattern, with_workspace(pool, read(std::move(params), std::move(view))));
  };
  get("/api/v1/health", {},
      [](store::Workspace& ws, const httplib::Request&, httplib::Response& res) {
        reply(res, 200, {{"status", "ok"}, {"schema_version", ws.schema_version()}});
      });
  get("/api/v1/models", kPaging,
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply_page(res, models_json(ws, paging_of(req.params)));
      });
  get(R"(/api/v1/artifacts/([^/]+))", {},
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply(res, 200, artifact_json(ws, req.matches[1].str()));
      });
  get(R"(/api/v1/lineage/([^/]+))", {},
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply(res, 200, lineage_json(ws, req.matches[1].str()));
      });
  get("/api/v1/runs", kPaging,
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply_page(res, runs_json(ws, paging_of(req.params)));
      });
  get(R"(/api/v1/runs/([^/]+))", {},
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply(res, 200, run_json(ws, req.matches[1].str()));
      });
  get("/api/v1/datasets", kPaging,
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        size_t total = 0;
        const json body = datasets_json(ws, paging_of(req.params), total);
        res.set_header("X-Total-Count", std::to_string(total));
        reply(res, 200, body);
      });
  // Version names may hold slashes ("kws/2026-11-30"): the rest of the path is the name.
  get(R"(/api/v1/datasets/(.+))", {},
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply(res, 200, dataset_json(ws, req.matches[1].str()));
      });
  get("/api/v1/farm-reports", {"limit", "offset", "model"},
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply_page(res, farm_reports_json(ws, paging_of(req.params), param(req.params, "model")));
      });
  get(R"(/api/v1/farm-reports/([^/]+))", {},
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply(res, 200, farm_report_json(ws, req.matches[1].str()));
      });
  get("/api/v1/releases", kPaging,
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply_page(res, releases_json(ws, paging_of(req.params)));
      });
  get(R"(/api/v1/releases/([^/]+))", {},
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply(res, 200, release_json(ws, req.matches[1].str()));
      });
  get("/api/v1/devices", {"limit", "offset", "tag"},
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply_page(res, devices_json(ws, paging_of(req.params), param(req.params, "tag")));
      });
  get(R"(/api/v1/devices/([^/]+))", {},
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply(res, 200, device_json(ws, req.matches[1].str()));
      });
  get("/api/v1/rollouts", kPaging,
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply_page(res, rollouts_json(ws, paging_of(req.params)));
      });
  get(R"(/api/v1/rollouts/([^/]+))", {},
      [](store::Workspace& ws, const httplib::Request& req, httplib::Response& res) {
        reply(res, 200, rollout_json(ws, req.matches[1].str()));
      });
  s.Post("/api/v1/rollouts",
         with_workspace(pool, write([](store::Workspace& ws, const httplib::Request& req,
                                       httplib::Response& res) {
                          const nlohmann::json rollout = start_rollout_json(ws, req.body);
                          res.set_header("Location", "/api/v1/rollouts/" + std::to_string(rollout.at("id").get<int64_t>()));
                          reply(res, 201, rollout);
                        })));
  s.Post(R"(/api/v1/rollouts/([^/]+)/(pause|resume|abort))",
         with_workspace(pool, write([](store::Workspace& ws, const httplib::Request& req,
                                       httplib::Response& res) {
                          reply(res, 200, control_rollout_json(ws, req.matches[1].str(), req.matches[2].str(), req.body));
                        })));
  s.Post("/api/v1/releases",
         with_workspace(pool, write([](store::Workspace& ws, const httplib::Request& req,
                                       httplib::Response& res) {
                          const nlohmann::json release = create_release_json(ws, req.body);
                          res.set_header("Location", "/api/v1/releases/" + release.at("id").get<std::string>());
                          reply(res, 201, release);
                        })));
  s.Post("/api/v1/devices",
         with_workspace(pool, write([](store::Workspace& ws, const httplib::Request& req,
                                       httplib::Response& res) {
                          const nlohmann::json device = enroll_device_json(ws, req.body);
                          res.set_header("Location",
                                         "/api/v1/devices/" + device.at("name").get<std::string>());
                          reply(res, 201, device);
                        })));
  s.Post(R"(/api/v1/models/([^/]+)/promote)",
         with_workspace(pool, write([](store::Workspace& ws, const httplib::Request& req,
                                       httplib::Response& res) {
                          reply(res, 200, promote_json(ws, req.matches[1].str(), req.body));
                        })));
  if (queue_) {
    s.Post("/api/v1/runs", with_workspace(pool, write([queue = queue_](store::Workspace& ws,
                                                                       const httplib::Request& req,
                                                                       httplib::Response& res) {
             const nlohmann::json run = trigger_run_json(ws, req.body, queue);
             res.set_header("Location", "/api/v1/runs/" + std::to_string(run.at("id").get<int64_t>()));
             reply(res, 202, run);
           })));
  }
}

ApiServer::~ApiServer() = default;

int ApiServer::bind(const std::string& host, int port) {
  const int bound = port == 0 ? http_->bind_to_any_port(host.c_str())
                              : (http_->bind_to_port(host.c_str(), port) ? port : -1);
  require(bound > 0, "cannot listen on " + host + ":" + std::to_string(port) + " (in use?)");
  http_->widen_backlog();
  return bound;
}

void ApiServer::listen() {
  http_->listen_after_bind();
}
void ApiServer::stop() {
  http_->stop();
}

std::string ApiServer::handle(std::string_view raw_request) {
  return http_->process(raw_request);
}

}  // namespace tinyops::server
