// A team workspace on PostgreSQL from the command line: `init --db` records the URL,
// `db migrate`, clear errors for a database that is not there; and workers: three `tinyops
// worker` processes take the stages of three queued runs; one is killed with SIGKILL in the
// middle of training. Its stage goes back to the queue when its heartbeat stops, another
// worker does it, and every stage of every run is completed exactly once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "../support/private_postgres.hpp"
#include "../support/temp_dir.hpp"
#include "tinyops_cli.hpp"

namespace tinyops {
namespace {

namespace fs = std::filesystem;
using test_cli::CliProcess;
using test_cli::run_cli;
using test_support::TempDir;

nlohmann::json json_of(const std::string& args) {
  const test_cli::Result r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.out;
  const size_t start = r.out.find_first_of("[{");
  return start == std::string::npos ? nlohmann::json() : nlohmann::json::parse(r.out.substr(start));
}

TEST(TeamDatabase, InitRecordsTheUrlMigrateReportsAndBadUrlsAreClearErrors) {
  TempDir tmp("team");
  const std::string db = test_support::PrivatePostgres::instance().create_database();
  const fs::path ws = tmp.path() / "ws";
  const nlohmann::json init = json_of("init " + ws.string() + " --db " + db + " --json");
  EXPECT_EQ(init["database"], db);
  EXPECT_EQ(test_cli::read_text(ws / ".tinyops/database"), db + "\n");
  EXPECT_FALSE(fs::exists(ws / ".tinyops/metadata.db")) << "no SQLite file beside a team database";
  const std::string w = " --workspace " + ws.string();
  const nlohmann::json migrated = json_of("db migrate --json" + w);
  EXPECT_EQ(migrated["from"], migrated["to"]) << "init migrated already";
  EXPECT_EQ(run_cli("data versions" + w).exit_code, 0);

  // A server that is not there, and a database that does not exist: exit 2, saying so.
  for (const std::string& bad : {std::string("postgresql://tinyops@127.0.0.1:1/nowhere"),
                                test_support::PrivatePostgres::instance().url("missing_db")}) {
    const test_cli::Result r = run_cli("data versions --db " + bad + w);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_THAT(r.out, ::testing::HasSubstr("cannot connect to the PostgreSQL metadata database")) << r.out;
  }
  // Passwords stay out of messages.
  const test_cli::Result secret = run_cli("data versions --db postgresql://u:hunter2@127.0.0.1:1/x" + w);
  EXPECT_EQ(secret.out.find("hunter2"), std::string::npos) << secret.out;
}

TEST(Workers, ThreeOnOnePostgresOneKilledMidStageEveryStageDoneOnce) {
  TempDir tmp("workers");
  // The quick gesture example's data and pipeline file, in a team workspace on PostgreSQL.
  ASSERT_EQ(run_cli("example gestures --quick --dir " + (tmp.path() / "example").string()).exit_code, 0);
  const fs::path ws = tmp.path() / "team";
  const std::string db = test_support::PrivatePostgres::instance().create_database();
  ASSERT_EQ(run_cli("init " + ws.string() + " --db " + db).exit_code, 0);
  fs::copy(tmp.path() / "example/gestures/data", ws / "data", fs::copy_options::recursive);
  const std::string w = " --workspace " + ws.string();
  // Three runs (different pipelines and seeds, so nothing is shared through the cache),
  // with training long enough to be killed in.
  for (const std::string name : {"a", "b", "c"}) {
    const fs::path file = ws / (name + ".yaml");
    fs::copy_file(tmp.path() / "example/gestures/tinyops.yaml", file);
    ASSERT_TRUE(test_cli::set_yaml_value(file, "pipeline", name));
    ASSERT_TRUE(test_cli::set_yaml_value(file, "epochs", "300"));
    ASSERT_TRUE(test_cli::set_yaml_value(file, "patience", "300"));
    ASSERT_TRUE(test_cli::set_yaml_value(file, "seed", std::to_string(10 + name[0])));
    ASSERT_EQ(run_cli("run --queue -f " + file.string() + w).exit_code, 0);
  }

  std::vector<std::unique_ptr<CliProcess>> workers;
  for (int i = 0; i < 3; ++i)
    workers.push_back(std::make_unique<CliProcess>(CliProcess::tinyops(
        {"worker", "--workspace", ws.string(), "--lease", "3", "--heartbeat", "0.3", "--poll", "0.2",
         "--exit-when-idle"})));
  // Kill the first worker seen training, between two epochs.
  CliProcess* victim = nullptr;
  const auto deadline = std::chrono::steady_clock::now() + test_cli::kCommandTimeout;
  while (!victim && std::chrono::steady_clock::now() < deadline) {
    for (auto& p : workers) {
      p->wait_until([&] { return p->output().find("train epoch") != std::string::npos; }, std::chrono::seconds(0));
      if (p->output().find("train epoch") != std::string::npos) {
        victim = p.get();
        break;
      }
    }
  }
  ASSERT_NE(victim, nullptr) << "no worker started training";
  const std::string victim_out = victim->output();
  const size_t id_at = victim_out.find("worker ") + 7;
  const std::string victim_id = victim_out.substr(id_at, victim_out.find(' ', id_at) - id_at);
  ASSERT_TRUE(victim->kill9());

  for (auto& p : workers) {
    if (p.get() != victim) {
      EXPECT_EQ(p->finish(), 0) << p->output();
    }
  }

  const nlohmann::json jobs = json_of("jobs --json" + w);
  ASSERT_EQ(jobs.size(), 18u) << "6 stages x 3 runs";
  int requeued = 0;
  for (const auto& job : jobs) {
    EXPECT_EQ(job["status"], "done") << job.dump(2);
    int done = 0;
    for (const auto& e : job["events"]) {
      done += e["event"] == "done";
      if (e["event"] == "requeued") {
        ++requeued;
        EXPECT_EQ(e["worker"], victim_id);
        EXPECT_EQ(job["stage"], "train");
        EXPECT_NE(job["worker"], victim_id) << "another worker finished it";
        EXPECT_EQ(job["attempts"], 2);
      }
    }
    EXPECT_EQ(done, 1) << "job " << job["id"] << " " << job["stage"] << " completed " << done << " times";
  }
  EXPECT_EQ(requeued, 1) << "the killed worker's stage, once";

  const nlohmann::json runs = json_of("runs --json" + w);
  ASSERT_EQ(runs.size(), 3u);
  for (const auto& run : runs) {
    EXPECT_EQ(run["status"], "succeeded") << run.dump(2);
    std::multiset<std::string> stages;
    for (const auto& st : run["stages"]) stages.insert(st["stage"].get<std::string>());
    EXPECT_EQ(stages, (std::multiset<std::string>{"data", "features", "train", "quantise", "compile", "farm"}))
        << "each stage recorded once in run " << run["id"];
    EXPECT_GT(run["metrics"]["int8_accuracy"].get<double>(), 0.5);
  }
  // The registry holds one int8 model per run, each with its lineage.
  EXPECT_EQ(json_of("model list --json" + w).size(), 6u) << "float and int8 for each run";
}

}  // namespace
}  // namespace tinyops
