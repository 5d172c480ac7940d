// The workspace's data set: importing sample files into packed shards, listing, statistics,
// the training/testing split, and immutable dataset versions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tinyops/formats/sample.hpp"
#include "tinyops/formats/sample_readers.hpp"
#include "tinyops/store/workspace.hpp"

namespace tinyops::data {

enum class Category { Training, Testing, Split };  // Split: decided per sample (80/20)
Category parse_category(const std::string& text);  // throws InputError

struct ImportOptions {
  std::vector<std::filesystem::path> paths;  // files and folders (searched recursively)
  std::optional<std::string> label;          // else the file-name prefix, else the folder
  Category category = Category::Split;
  formats::SampleReadOptions read;
  std::function<void(const std::string&)> progress;  // may be empty
};

struct Duplicate {
  std::string source;       // the file just read
  std::string existing_id;  // the sample it equals
};

struct ImportReport {
  size_t files = 0;       // sample files read
  size_t imported = 0;    // new samples
  size_t skipped = 0;     // files in folders that are not samples (e.g. README.md)
  std::vector<Duplicate> duplicates;
  std::vector<std::string> shards;  // shard objects written
  int64_t shard_bytes = 0;
  std::map<std::string, size_t> per_label;  // new samples per label
};

// All or nothing: every file is read and checked before anything is written; any bad file
// fails the import with an InputError listing the bad files, and the workspace is unchanged.
ImportReport import_samples(store::Workspace& ws, const ImportOptions& options);

// The label a file gets without --label: `wave.01.wav` -> "wave"; `idle/rec3.wav` -> "idle".
std::string label_from_path(const std::filesystem::path& path);

struct SampleInfo {
  std::string id, kind, label, category, source;
  int64_t frames = 0, axes = 0;
  double interval_ms = 0;
  double duration_ms() const { return interval_ms * static_cast<double>(frames); }
};

struct SampleFilter {
  std::optional<std::string> label;
  std::optional<std::string> category;
};
std::vector<SampleInfo> list_samples(store::Workspace& ws, const SampleFilter& filter = {});

// The sample's stored content, read from its shard.
formats::Sample load_sample(store::Workspace& ws, const std::string& id);

struct LabelStats {
  size_t training = 0, testing = 0;
  double duration_ms = 0;
};
struct DatasetStats {
  std::map<std::string, LabelStats> labels;
  std::map<std::string, size_t> kinds;
  size_t samples = 0, shards = 0;
  int64_t shard_bytes = 0;
};
DatasetStats dataset_stats(store::Workspace& ws);

// Stratified and deterministic: per label, samples ordered by sha256(seed:id), the first
// round(n * test_fraction) go to testing. The same samples and seed give the same split,
// whatever the import order.
std::map<std::string, LabelStats> split_dataset(store::Workspace& ws, double test_fraction,
                                                uint64_t seed);

struct DatasetVersion {
  std::string id;  // object id of the manifest
  std::string name, created_at;
  int64_t samples = 0;
  bool existed = false;  // the same content was frozen before (its version is returned)
};
struct VersionEntry {
  std::string sample_id, label, category;
};
// Freezes the current samples, labels and categories into an immutable manifest object.
DatasetVersion freeze_version(store::Workspace& ws, const std::string& name);
std::vector<DatasetVersion> list_versions(store::Workspace& ws);
DatasetVersion find_version(store::Workspace& ws, const std::string& id_or_name);  // InputError if none
std::vector<VersionEntry> version_entries(store::Workspace& ws, const std::string& id_or_name);

}  // namespace tinyops::data
