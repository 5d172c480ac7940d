// The REST API (`tinyops serve`): the workspace's models, artifacts, lineage and runs as
// JSON over HTTP (cpp-httplib), and model promotion for holders of a bearer token. Bad
// requests get a 4xx with {"error": "..."}; docs/api.md lists every endpoint with examples.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tinyops/store/workspace.hpp"

namespace httplib {
class Server;
}

namespace tinyops::server {

// Creates an API token named `name`: returns the token (shown once); only its sha256 is
// stored.
std::string create_token(store::Workspace& ws, const std::string& name);
bool token_is_valid(store::Workspace& ws, const std::string& token);

class ApiServer {
 public:
  explicit ApiServer(std::filesystem::path workspace_root);
  ~ApiServer();
  // Binds to host:port (port 0: any free port) and returns the port; throws InputError
  // when it cannot bind.
  int bind(const std::string& host, int port);
  void listen();  // serves until stop()
  void stop();

 private:
  std::filesystem::path root_;
  std::unique_ptr<httplib::Server> http_;
};

}  // namespace tinyops::server
