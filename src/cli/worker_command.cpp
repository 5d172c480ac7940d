// `tinyops worker`: takes queued pipeline stages and runs them, training included, so it
// is part of tinyops-train (see training_delegate.cpp).
#include <fmt/format.h>

#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "tinyops/pipeline/queue.hpp"

namespace tinyops::cli {

int worker(const WorkerArgs& args) {
  pipeline::WorkerOptions o;
  o.open = [args] { return open_workspace(args); };
  o.policy.lease_seconds = args.lease_seconds;
  o.policy.max_attempts = args.max_attempts;
  o.heartbeat_seconds = args.heartbeat_seconds;
  o.poll_seconds = args.poll_seconds;
  o.exit_when_idle = args.exit_when_idle;
  o.progress = [](const std::string& line) { std::cerr << line << "\n"; };
  // SIGINT/SIGTERM: finish the current stage, then stop (a second signal kills as usual).
  auto stop = [](int signal) {
    pipeline::request_worker_stop();
    std::signal(signal, SIG_DFL);
  };
  std::signal(SIGINT, stop);
  std::signal(SIGTERM, stop);
  const pipeline::WorkerSummary s = pipeline::run_worker(o);
  if (args.json) {
    std::cout << nlohmann::json{{"worker", s.id},
                                {"done", s.done},
                                {"failed", s.failed},
                                {"lost", s.lost}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << fmt::format(
        "worker {} stopped: {} stages done, {} failed, {} lost to another worker\n", s.id, s.done,
        s.failed, s.lost);
  }
  return s.failed == 0 ? 0 : 1;
}

}  // namespace tinyops::cli
