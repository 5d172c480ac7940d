// `tinyops db migrate` and `tinyops jobs`: the team database and the queue of pipeline
// stages in it (`tinyops worker`, which runs them, is in worker_command.cpp).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/store/jobs.hpp"

namespace tinyops::cli {

int db_migrate(const WorkspaceArgs& args) {
  // Open without the schema check that refuses an old PostgreSQL schema: migrating is the point.
  store::Workspace ws = store::Workspace::open_for_migration(
      args.workspace.empty() ? std::nullopt : std::optional<std::filesystem::path>(args.workspace), args.db);
  const auto [from, to] = ws.migrate();
  if (args.json) {
    std::cout << nlohmann::json{{"database", ws.db().describe()}, {"from", from}, {"to", to}}.dump(2) << "\n";
  } else if (from == to) {
    std::cout << fmt::format("{}: schema version {}, up to date\n", ws.db().describe(), to);
  } else {
    std::cout << fmt::format("{}: schema version {} -> {}\n", ws.db().describe(), from, to);
  }
  return 0;
}

int jobs_list(const JobsArgs& args) {
  store::Workspace ws = open_workspace(args);
  const std::vector<store::Job> jobs = store::list_jobs(ws, args.run);
  if (args.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const store::Job& j : jobs) {
      nlohmann::json events = nlohmann::json::array();
      for (const store::JobEvent& e : store::job_events(ws, j.id))
        events.push_back({{"worker", e.worker}, {"event", e.event}, {"at", e.at}, {"detail", e.detail}});
      out.push_back({{"id", j.id}, {"run", j.run}, {"seq", j.seq}, {"stage", j.stage}, {"status", j.status},
                     {"worker", j.worker}, {"attempts", j.attempts}, {"outputs", nlohmann::json::parse(j.outputs)},
                     {"error", j.error}, {"queued_at", j.queued_at}, {"finished_at", j.finished_at},
                     {"events", events}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (jobs.empty()) {
    std::cout << "no queued jobs (queue a pipeline with `tinyops run --queue`)\n";
    return 0;
  }
  TextTable table({"job", "run", "stage", "status", "attempts", "worker", "finished", "error"});
  for (const store::Job& j : jobs)
    table.add({std::to_string(j.id), std::to_string(j.run), j.stage, j.status, std::to_string(j.attempts), j.worker,
               j.finished_at, j.error.substr(0, 60)});
  std::cout << table.render();
  return 0;
}

}  // namespace tinyops::cli
