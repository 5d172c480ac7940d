// How long importing many short samples takes (DVC's many-small-files problem).
// Run: build/bench/bench_data_import [COUNT]   (default 100000; needs ~COUNT x 1.3 KB disk)
//
// Writes COUNT one-second 3-axis accelerometer CSVs (50 Hz, 50 rows, distinct values) in
// 10 label folders under a temporary folder, then imports them into a fresh workspace
// through the same code as `tinyops data import`, and prints files/s, shard count and the
// bytes stored. Then `data list`, `data split` and `data version` over the result.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "tinyops/data/dataset.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::stoi(argv[1]) : 100000;
  const fs::path root = fs::temp_directory_path() / fmt::format("tinyops-bench-import-{}", ::getpid());
  fs::remove_all(root);

  auto start = Clock::now();
  for (int i = 0; i < count; ++i) {
    const fs::path dir = root / "files" / fmt::format("label{}", i % 10);
    if (i < 10) fs::create_directories(dir);
    std::ofstream out(dir / fmt::format("rec{}.csv", i));
    out << "timestamp,accX,accY,accZ\n";
    for (int t = 0; t < 50; ++t)
      out << t * 20 << ',' << (i % 997) * 0.01 + t << ',' << (i / 997) * 0.5 - t << ",9.81\n";
  }
  const double write_s = seconds_since(start);

  tinyops::store::Workspace ws = tinyops::store::Workspace::init(root / "project");
  tinyops::data::ImportOptions options;
  options.paths = {root / "files"};
  options.progress = [](const std::string& line) { std::cerr << "\rimport: " << line << std::flush; };
  start = Clock::now();
  const tinyops::data::ImportReport r = tinyops::data::import_samples(ws, options);
  const double import_s = seconds_since(start);
  std::cerr << "\n";

  start = Clock::now();
  const size_t listed = tinyops::data::list_samples(ws).size();
  const double list_s = seconds_since(start);
  start = Clock::now();
  tinyops::data::split_dataset(ws, 0.2, 1);
  const double split_s = seconds_since(start);
  start = Clock::now();
  tinyops::data::freeze_version(ws, "bench");
  const double version_s = seconds_since(start);

  std::cout << fmt::format(
      "| samples | write files | import | files/s | shards | shard bytes | list | split | version |\n"
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
      "| {} | {:.1f} s | {:.1f} s | {:.0f} | {} | {} | {:.2f} s | {:.2f} s | {:.2f} s |\n",
      r.imported, write_s, import_s, static_cast<double>(r.files) / import_s, r.shards.size(),
      r.shard_bytes, list_s, split_s, version_s);
  fs::remove_all(root);
  return listed == static_cast<size_t>(count) ? 0 : 1;
}
