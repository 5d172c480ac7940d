// `tinyops serve` and `tinyops token create`.
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "tinyops/pipeline/queue.hpp"
#include "tinyops/server/api.hpp"

namespace tinyops::cli {

namespace {

server::ApiServer* running = nullptr;

}  // namespace

int serve(const ServeArgs& args) {
  const store::Workspace ws = open_workspace(args);
  server::ApiServer api(ws.root(), args.db, pipeline::enqueue_pipeline);
  const int port = api.bind(args.host, args.port);
  std::cerr << "serving " << ws.root().string() << " on http://" << args.host << ":" << port
            << "/api/v1/ (Ctrl-C stops)\n";
  running = &api;
  std::signal(SIGINT, [](int) {
    if (running) running->stop();
  });
  std::signal(SIGTERM, [](int) {
    if (running) running->stop();
  });
  api.listen();
  running = nullptr;
  return 0;
}

int token_create(const TokenArgs& args) {
  store::Workspace ws = open_workspace(args);
  const std::string token = server::create_token(ws, args.name);
  if (args.json) {
    std::cout << nlohmann::json{{"name", args.name}, {"token", token}}.dump(2) << "\n";
  } else {
    std::cout << token << "\n";
    std::cerr << "token '" << args.name << "' created; it is shown only now (only its sha256 is stored)\n";
  }
  return 0;
}

}  // namespace tinyops::cli
