// Host inference time per shared model on the reference interpreter.
// Run: build/bench/bench_inference [--benchmark_filter=kws]
// Each model runs on its first reference input (or zeros when it has none); models with
// operators that have no kernel yet are skipped with a note.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "tinyops/core/error.hpp"
#include "tinyops/core/graph_stats.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace {

namespace fs = std::filesystem;

struct LoadedModel {
  tinyops::Graph graph;
  std::unique_ptr<tinyops::interp::Interpreter> interpreter;
  int64_t macs = 0;
};

void run_model(benchmark::State& state, const std::shared_ptr<LoadedModel>& model) {
  for (auto _ : state) {
    model->interpreter->invoke();
    benchmark::DoNotOptimize(model->interpreter->output(0).data());
  }
  state.counters["MACs"] = static_cast<double>(model->macs);
  state.counters["MAC/s"] = benchmark::Counter(static_cast<double>(model->macs),
                                               benchmark::Counter::kIsIterationInvariantRate);
}

void register_models() {
  const fs::path root(TINYOPS_SHARED_MODELS);
  std::vector<fs::path> paths;
  for (const char* dir : {"", "extra"}) {
    const std::vector<fs::path> found = tinyops::formats::tflite_files_in(root / dir);
    paths.insert(paths.end(), found.begin(), found.end());
  }
  std::sort(paths.begin(), paths.end());
  for (const fs::path& path : paths) {
    auto model = std::make_shared<LoadedModel>();
    try {
      model->graph = tinyops::formats::import_tflite_file(path);
      model->interpreter = std::make_unique<tinyops::interp::Interpreter>(model->graph);
    } catch (const tinyops::InputError& e) {
      std::cerr << "skip " << path.filename().string() << ": " << e.what() << "\n";
      continue;
    }
    model->macs = tinyops::compute_stats(model->graph).total_macs;
    const fs::path input = path.parent_path() / (path.stem().string() + ".vectors") / "input_0.bin";
    if (fs::exists(input) && model->interpreter->input_count() == 1) {
      const auto bytes = tinyops::formats::read_file(input);
      if (bytes.size() == model->interpreter->input(0).size())
        std::copy(bytes.begin(), bytes.end(), model->interpreter->input(0).begin());
    }
    benchmark::RegisterBenchmark(path.stem().string().c_str(), run_model, model)
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_models();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
