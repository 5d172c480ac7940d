// `tinyops init` and `tinyops data ...`: thin wrappers over the store and data modules.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/data/dataset.hpp"
#include "tinyops/store/scratch.hpp"
#include "tinyops/store/workspace.hpp"

namespace tinyops::cli {

namespace fs = std::filesystem;

store::Workspace open_workspace(const WorkspaceArgs& args, const std::optional<fs::path>& fallback) {
  std::optional<fs::path> root;
  if (!args.workspace.empty()) {
    root = fs::path(args.workspace);
  } else if (const char* env = std::getenv("TINYOPS_WORKSPACE"); !(env && *env)) {
    root = fallback;
  }
  return store::Workspace::open(root, args.db);
}

namespace {

std::string duration_text(double ms) {
  if (ms >= 60000) return fmt::format("{:.1f} min", ms / 60000);
  if (ms >= 1000) return fmt::format("{:.1f} s", ms / 1000);
  return fmt::format("{:.0f} ms", ms);
}

}  // namespace

int workspace_init(const InitArgs& args) {
  const bool existed = fs::is_directory(fs::path(args.path) / ".tinyops");
  store::Workspace ws = store::Workspace::init(args.path, args.db);
  if (args.json) {
    std::cout << nlohmann::json{{"workspace", ws.dir().string()}, {"created", !existed},
                                {"database", ws.db().describe()}, {"schema_version", ws.schema_version()}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << fmt::format("{} TinyOps workspace in {} (metadata: {})\n", existed ? "Reopened the" : "Created a",
                           ws.dir().string(), ws.db().describe());
  if (!existed) std::cout << "next: tinyops data import PATH... [--label L]\n";
  return 0;
}

int data_import(const DataImportArgs& args) {
  store::Workspace ws = open_workspace(args);
  data::ImportOptions options;
  for (const std::string& p : args.paths) options.paths.emplace_back(p);
  if (!args.label.empty()) options.label = args.label;
  options.category = data::parse_category(args.category);
  options.read.audio_sample_rate = args.sample_rate;
  if (!args.quiet && !args.json)
    options.progress = [](const std::string& line) { std::cerr << "import: " << line << "\n"; };
  const data::ImportReport r = data::import_samples(ws, options);
  if (args.json) {
    nlohmann::json dups = nlohmann::json::array();
    for (const auto& d : r.duplicates) dups.push_back({{"source", d.source}, {"existing_id", d.existing_id}});
    std::cout << nlohmann::json{{"files", r.files},       {"imported", r.imported},
                                {"duplicates", dups},      {"skipped", r.skipped},
                                {"shards", r.shards},      {"shard_bytes", r.shard_bytes},
                                {"per_label", r.per_label}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << fmt::format("imported {} new samples from {} files into {} shard{} ({} bytes)\n",
                           r.imported, r.files, r.shards.size(), r.shards.size() == 1 ? "" : "s",
                           with_commas(r.shard_bytes));
  for (const auto& [label, n] : r.per_label) std::cout << fmt::format("  {:<20} {}\n", label, n);
  if (!r.duplicates.empty()) {
    std::cout << fmt::format("{} duplicate{} skipped (same content as a sample already here):\n",
                             r.duplicates.size(), r.duplicates.size() == 1 ? "" : "s");
    for (size_t i = 0; i < r.duplicates.size() && i < 10; ++i)
      std::cout << fmt::format("  {} = {}\n", r.duplicates[i].source, r.duplicates[i].existing_id.substr(0, 12));
    if (r.duplicates.size() > 10) std::cout << fmt::format("  ... and {} more\n", r.duplicates.size() - 10);
  }
  if (r.skipped) std::cout << fmt::format("{} files in the folders are not samples and were skipped\n", r.skipped);
  return 0;
}

int data_list(const DataListArgs& args) {
  store::Workspace ws = open_workspace(args);
  data::SampleFilter filter;
  if (!args.label.empty()) filter.label = args.label;
  if (!args.category.empty()) filter.category = args.category;
  const auto samples = data::list_samples(ws, filter);
  if (args.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : samples)
      out.push_back({{"id", s.id}, {"kind", s.kind}, {"label", s.label}, {"category", s.category},
                     {"source", s.source}, {"frames", s.frames}, {"axes", s.axes},
                     {"interval_ms", s.interval_ms}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  TextTable table({"id", "label", "category", "kind", "length", "source"});
  for (const auto& s : samples)
    table.add({s.id.substr(0, 12), s.label, s.category, s.kind,
               s.kind == "image" ? fmt::format("{} px", s.frames) : duration_text(s.duration_ms()),
               fs::path(s.source).filename().string()});
  std::cout << table.render() << fmt::format("{} samples\n", samples.size());
  return 0;
}

int data_stats(const WorkspaceArgs& args) {
  store::Workspace ws = open_workspace(args);
  const data::DatasetStats st = data::dataset_stats(ws);
  if (args.json) {
    nlohmann::json labels = nlohmann::json::object();
    for (const auto& [label, l] : st.labels)
      labels[label] = {{"training", l.training}, {"testing", l.testing}, {"duration_ms", l.duration_ms}};
    std::cout << nlohmann::json{{"samples", st.samples}, {"labels", labels}, {"kinds", st.kinds},
                                {"shards", st.shards}, {"shard_bytes", st.shard_bytes}}
                     .dump(2)
              << "\n";
    return 0;
  }
  TextTable table({"label", "training", "testing", "test %", "duration"});
  size_t train = 0, test = 0;
  for (const auto& [label, l] : st.labels) {
    const size_t n = l.training + l.testing;
    table.add({label, std::to_string(l.training), std::to_string(l.testing),
               fmt::format("{:.0f}", n ? 100.0 * static_cast<double>(l.testing) / static_cast<double>(n) : 0.0),
               duration_text(l.duration_ms)});
    train += l.training;
    test += l.testing;
  }
  std::cout << table.render();
  std::cout << fmt::format("{} samples ({} training, {} testing) in {} shards, {} bytes\n", st.samples,
                           train, test, st.shards, with_commas(st.shard_bytes));
  return 0;
}

int data_split(const DataSplitArgs& args) {
  store::Workspace ws = open_workspace(args);
  const auto result = data::split_dataset(ws, args.test, args.seed);
  if (args.json) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [label, l] : result) out[label] = {{"training", l.training}, {"testing", l.testing}};
    std::cout << nlohmann::json{{"test", args.test}, {"seed", args.seed}, {"labels", out}}.dump(2) << "\n";
    return 0;
  }
  TextTable table({"label", "training", "testing"});
  for (const auto& [label, l] : result) table.add({label, std::to_string(l.training), std::to_string(l.testing)});
  std::cout << fmt::format("split {:.0f} % for testing, per label, seed {}\n", 100 * args.test, args.seed)
            << table.render();
  return 0;
}

int data_version(const DataVersionArgs& args) {
  store::Workspace ws = open_workspace(args);
  const data::DatasetVersion v = data::freeze_version(ws, args.name);
  if (args.json) {
    std::cout << nlohmann::json{{"id", v.id}, {"name", v.name}, {"samples", v.samples},
                                {"created_at", v.created_at}, {"existed", v.existed}}
                     .dump(2)
              << "\n";
    return 0;
  }
  if (v.existed) {
    std::cout << fmt::format("unchanged since version '{}' ({}): nothing new to freeze\n", v.name,
                             v.id.substr(0, 12));
  } else {
    std::cout << fmt::format("froze dataset version '{}' ({}): {} samples\n", v.name, v.id.substr(0, 12),
                             v.samples);
  }
  return 0;
}

int data_versions(const WorkspaceArgs& args) {
  store::Workspace ws = open_workspace(args);
  const auto versions = data::list_versions(ws);
  if (args.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : versions)
      out.push_back({{"id", v.id}, {"name", v.name}, {"samples", v.samples}, {"created_at", v.created_at}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  TextTable table({"name", "id", "samples", "created"});
  for (const auto& v : versions) table.add({v.name, v.id.substr(0, 12), std::to_string(v.samples), v.created_at});
  std::cout << table.render();
  return 0;
}

int workspace_gc(const GcArgs& args) {
  store::Workspace ws = open_workspace(args);
  const store::ScratchSweep sweep = store::sweep_scratch(ws, args.dry_run);
  if (args.json) {
    nlohmann::json paths = nlohmann::json::array();
    for (const auto& p : sweep.removed) paths.push_back(p.string());
    std::cout << nlohmann::json{{"dry_run", args.dry_run}, {"removed", paths}, {"bytes", sweep.bytes}}.dump(2) << "\n";
    return 0;
  }
  for (const auto& p : sweep.removed) std::cout << (args.dry_run ? "would remove " : "removed ") << p.string() << "\n";
  std::cout << fmt::format("{} {} abandoned scratch entries ({} bytes)\n", args.dry_run ? "found" : "removed",
                           sweep.removed.size(), with_commas(static_cast<long long>(sweep.bytes)));
  return 0;
}

}  // namespace tinyops::cli
