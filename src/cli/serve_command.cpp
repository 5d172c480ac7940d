// `tinyops serve`: the REST API, which queues pipeline runs, so it links the pipeline
// library (and LibTorch with it) and is part of tinyops-train (see training_delegate.cpp).
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

}  // namespace tinyops::cli
