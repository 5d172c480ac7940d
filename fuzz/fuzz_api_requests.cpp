// Arbitrary bytes as one HTTP request (method, path, query, headers, body) into the REST
// API's request processing, in process and without sockets (ApiServer::handle), against a
// small workspace that holds every kind of record the endpoints read. "@TOKEN@" in the
// input stands for a valid bearer token, so that writes get past the guard and their
// bodies are parsed. A crash, leak or undefined behaviour is a finding, and so is any 5xx:
// bad input must get a 4xx.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "tinyops/data/dataset.hpp"
#include "tinyops/server/api.hpp"
#include "tinyops/store/jobs.hpp"
#include "tinyops/store/registry.hpp"
#include "tinyops/store/runs.hpp"

namespace {

namespace fs = std::filesystem;
using namespace tinyops;

std::vector<uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

// The workspace and the server over it, for the whole fuzzing session; the folder goes
// when the process exits.
struct Fixture {
  fs::path root = fs::temp_directory_path() / ("tinyops-fuzz-api-" + std::to_string(::getpid()));
  std::string token;
  std::unique_ptr<server::ApiServer> api;

  Fixture() {
    fs::remove_all(root);
    store::Workspace ws = store::Workspace::init(root / "project");
    for (int i = 0; i < 3; ++i) {
      fs::create_directories(root / "files");
      std::ofstream csv(root / "files" /
                        ((i < 2 ? "idle." : "wave.") + std::to_string(i) + ".csv"));
      csv << "timestamp,accX\n0," << i << "\n10," << i + 1 << "\n";
    }
    data::ImportOptions o;
    o.paths = {root / "files"};
    data::import_samples(ws, o);
    const data::DatasetVersion v = data::freeze_version(ws, "v1");
    const std::string dataset = store::record_artifact(ws, "dataset_version", "v1",
                                                       ws.objects().get(v.id), R"({"samples": 3})")
                                    .id;
    const std::string model =
        store::record_artifact(ws, "int8_model", "m.tflite", bytes("model"),
                               R"({"test_accuracy": 0.95, "accuracy_threshold": 0.9})",
                               {{dataset, "dataset"}})
            .id;
    const std::string bundle = store::record_artifact(ws, "bundle", "m/bundle", bytes("bundle"),
                                                      "{}", {{model, "compiled"}})
                                   .id;
    store::record_artifact(ws, "farm_report", "m@board/farm", bytes("report"),
                           R"({"boards": [{"board": "b", "passed": true, "fits": true}]})",
                           {{bundle, "tested"}, {model, "model"}});
    store::record_artifact(ws, "float_model", "f.tflite", bytes("float"), "{}");
    const int64_t run = store::begin_run(ws, "tinyops.yaml", "{}");
    store::finish_run(ws, run, true, "{}", "log\n");
    token = server::create_token(ws, "fuzz");
    fs::create_directories(root / "project/pipelines");
    std::ofstream(root / "project/pipelines/p.yaml") << "pipeline: p\n";
    // Triggers queue a run of one stage (no worker runs it here).
    api = std::make_unique<server::ApiServer>(root / "project", "", [](store::Workspace& queue_ws, const fs::path&) {
      return store::enqueue_run(queue_ws, "p", "{}", {{"data", "{}"}});
    });
  }
  ~Fixture() {
    api.reset();
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  std::string request(reinterpret_cast<const char*>(data), size);
  for (size_t at = request.find("@TOKEN@"); at != std::string::npos;
       at = request.find("@TOKEN@", at))
    request.replace(at, 7, fixture.token);
  const std::string response = fixture.api->handle(request);
  // Empty: httplib found no request line at all (nothing to answer).
  if (response.empty()) return 0;
  if (response.size() < 12 || response.rfind("HTTP/1.1 ", 0) != 0) std::abort();
  if (response[9] == '5') {
    std::fprintf(stderr, "5xx answer:\n%s\n", response.c_str());
    std::abort();
  }
  return 0;
}
