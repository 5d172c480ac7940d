// The REST API (`tinyops serve`): the workspace's models, artifacts, lineage, runs, dataset
// versions and farm reports as JSON over HTTP (cpp-httplib), and model promotion for
// holders of a bearer token. Bad requests get a 4xx with {"error": "..."}, never a 500;
// docs/api.md lists every endpoint with examples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tinyops/store/workspace.hpp"

namespace tinyops::server {

class WorkspacePool;

// Creates an API token named `name`: returns the token (shown once); only its sha256 is
// stored.
std::string create_token(store::Workspace& ws, const std::string& name);
bool token_is_valid(store::Workspace& ws, const std::string& token);

// Request bodies above this size get 413.
constexpr size_t kMaxBodyBytes = 1 << 20;

// Queues the pipeline in a file and returns the run id (pipeline::enqueue_pipeline; the
// server does not link the pipeline module itself).
using PipelineQueue = std::function<int64_t(store::Workspace&, const std::filesystem::path&)>;

class ApiServer {
 public:
  // `db`: the metadata database as --db gives it (empty: $TINYOPS_DB, the URL the
  // workspace recorded, or its SQLite file), as store::Workspace::open takes it.
  // `queue`: when given, POST /api/v1/runs triggers pipelines (workers run them).
  explicit ApiServer(std::filesystem::path workspace_root, std::string db = "", PipelineQueue queue = {});
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds to host:port (port 0: any free port) and returns the port; throws InputError
  // when it cannot bind.
  int bind(const std::string& host, int port);
  void listen();  // serves until stop()
  void stop();

  // Answers one raw HTTP/1.1 request (the bytes a client sends) with the raw response, in
  // the calling thread and without sockets, through the same routes and checks as
  // listen(): for the fuzz target.
  std::string handle(std::string_view raw_request);

 private:
  class Http;
  void add_routes();

  std::filesystem::path root_;
  PipelineQueue queue_;
  std::unique_ptr<WorkspacePool> pool_;  // before http_: its handlers borrow from it
  std::unique_ptr<Http> http_;
};

}  // namespace tinyops::server
