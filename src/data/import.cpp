// `tinyops data import`: sample files -> canonical encodings in packed shards + index rows.
//
// Many small files are DVC's weak spot: one object per sample means 100k files, inodes and
// syscalls per import and per checkout. Samples go instead into shards of up to
// kShardBytes, each one immutable object; the database maps sample id -> (shard, offset,
// length). The import is all or nothing: shards are staged under .tinyops/tmp/ and only
// renamed into the object store, and the rows committed in one transaction, once every
// file has been read without error.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <set>

#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/data/dataset.hpp"
#include "tinyops/formats/file_io.hpp"

namespace tinyops::data {

namespace fs = std::filesystem;

namespace {

constexpr size_t kShardBytes = 32u << 20;
constexpr size_t kMaxErrorsShown = 20;

struct Staged {
  std::string id, label, category, source, kind;
  size_t shard = 0;  // index into the staged shards
  uint64_t offset = 0, length = 0;
  int64_t frames = 0, axes = 0;
  double interval_ms = 0;
};

// Files to read, in a stable order; folders are searched recursively and their non-sample
// files counted as skipped. A file named explicitly must be a sample file.
std::vector<fs::path> expand(const std::vector<fs::path>& paths, size_t& skipped) {
  std::vector<fs::path> files;
  for (const fs::path& p : paths) {
    require(fs::exists(p), p.string() + ": no such file or folder");
    if (fs::is_directory(p)) {
      std::vector<fs::path> found;
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (!e.is_regular_file()) continue;
        if (formats::is_sample_file(e.path())) {
          found.push_back(e.path());
        } else {
          ++skipped;
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      require(formats::is_sample_file(p), p.string() +
                                              ": unknown sample type; TinyOps imports .wav, "
                                              ".csv, .json, .png, .jpg");
      files.push_back(p);
    }
  }
  return files;
}

// Import-time "split": testing when the id's first 32 bits fall in the lowest 20 %. Stable
// per sample; `tinyops data split` gives an exact stratified split later.
std::string split_category(const std::string& id) {
  const uint32_t v = static_cast<uint32_t>(std::stoul(id.substr(0, 8), nullptr, 16));
  return v < static_cast<uint32_t>(0.2 * 4294967296.0) ? "testing" : "training";
}

std::string check_label(std::string label, const fs::path& file) {
  while (!label.empty() && std::isspace(static_cast<unsigned char>(label.back()))) label.pop_back();
  while (!label.empty() && std::isspace(static_cast<unsigned char>(label.front()))) label.erase(0, 1);
  require(!label.empty(), file.string() + ": cannot tell its label (no --label, no `label.` "
                                          "file-name prefix, no folder); pass --label");
  require(label.size() <= 128, file.string() + ": label longer than 128 characters");
  return label;
}

}  // namespace

Category parse_category(const std::string& text) {
  if (text == "training") return Category::Training;
  if (text == "testing") return Category::Testing;
  if (text == "split") return Category::Split;
  throw InputError("unknown category '" + text + "': use training, testing or split");
}

std::string label_from_path(const fs::path& path) {
  const std::string stem = path.stem().string();
  const size_t dot = stem.find('.');
  if (dot != std::string::npos && dot > 0) return stem.substr(0, dot);
  return path.parent_path().filename().string();
}

ImportReport import_samples(store::Workspace& ws, const ImportOptions& options) {
  require(!options.paths.empty(), "nothing to import: name files or folders");
  ImportReport report;
  const std::vector<fs::path> files = expand(options.paths, report.skipped);
  require(!files.empty(), "no sample files (.wav, .csv, .json, .png, .jpg) under the given paths");

  // Unique per import, also between threads of one process.
  const fs::path staging =
      ws.dir() / "tmp" / ("import-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
  fs::remove_all(staging);
  fs::create_directories(staging);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{staging};

  std::vector<Staged> staged;
  std::vector<std::string> errors;
  std::set<std::string> seen;
  std::vector<uint8_t> shard;
  std::vector<fs::path> shard_files;
  auto close_shard = [&] {
    if (shard.empty()) return;
    const fs::path file = staging / ("shard-" + std::to_string(shard_files.size()));
    formats::write_file(file, shard);
    shard_files.push_back(file);
    shard.clear();
  };

  store::Statement exists = ws.db().prepare("SELECT 1 FROM samples WHERE id = ?1");
  auto last_report = std::chrono::steady_clock::now();
  for (size_t i = 0; i < files.size(); ++i) {
    const fs::path& file = files[i];
    try {
      const formats::Sample sample = formats::read_sample_file(file, options.read);
      const std::string label =
          check_label(options.label ? *options.label : label_from_path(file), file);
      std::vector<uint8_t> encoded = formats::encode_sample(sample);
      const std::string id = sha256_hex(encoded);
      ++report.files;
      if (seen.count(id)) {
        report.duplicates.push_back({file.string(), id});
        continue;
      }
      exists.bind(1, id);
      const bool known = exists.step();
      exists.reset();
      if (known) {
        report.duplicates.push_back({file.string(), id});
        continue;
      }
      seen.insert(id);
      if (shard.size() + encoded.size() > kShardBytes) close_shard();
      Staged s;
      s.id = id;
      s.label = label;
      s.category = options.category == Category::Training  ? "training"
                   : options.category == Category::Testing ? "testing"
                                                            : split_category(id);
      s.source = fs::absolute(file).lexically_normal().string();
      s.kind = formats::to_string(sample.kind);
      s.shard = shard_files.size();
      s.offset = shard.size();
      s.length = encoded.size();
      s.frames = sample.frames;
      s.axes = static_cast<int64_t>(sample.axes.size());
      s.interval_ms = sample.interval_ms;
      shard.insert(shard.end(), encoded.begin(), encoded.end());
      staged.push_back(std::move(s));
    } catch (const InputError& e) {
      errors.push_back(e.what());
    }
    const auto now = std::chrono::steady_clock::now();
    if (options.progress && (now - last_report > std::chrono::seconds(1) || i + 1 == files.size())) {
      options.progress("read " + std::to_string(i + 1) + " of " + std::to_string(files.size()) +
                       " files");
      last_report = now;
    }
  }
  if (!errors.empty()) {
    std::string message = std::to_string(errors.size()) + " of " + std::to_string(files.size()) +
                          " files cannot be imported (nothing was imported):";
    for (size_t i = 0; i < errors.size() && i < kMaxErrorsShown; ++i) message += "\n  " + errors[i];
    if (errors.size() > kMaxErrorsShown)
      message += "\n  ... and " + std::to_string(errors.size() - kMaxErrorsShown) + " more";
    throw InputError(message);
  }
  close_shard();

  // Shards into the object store (each write is atomic), then every row in one transaction.
  std::vector<std::string> shard_ids;
  std::vector<int64_t> shard_sizes;
  for (const fs::path& file : shard_files) {
    const std::vector<uint8_t> bytes = formats::read_file(file);
    shard_ids.push_back(ws.objects().put(bytes));
    shard_sizes.push_back(static_cast<int64_t>(bytes.size()));
  }
  const std::string now = store::utc_now();
  store::Transaction t(ws.db());
  store::Statement add_shard = ws.db().prepare(
      "INSERT INTO shards (id, bytes, samples, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
  for (size_t k = 0; k < shard_ids.size(); ++k) {
    const auto count = std::count_if(staged.begin(), staged.end(), [&](const Staged& s) { return s.shard == k; });
    add_shard.bind(1, shard_ids[k]).bind(2, shard_sizes[k]).bind(3, static_cast<int64_t>(count)).bind(4, now);
    add_shard.run();
    add_shard.reset();
  }
  store::Statement add = ws.db().prepare(
      "INSERT INTO samples (id, kind, label, category, source, shard, \"offset\", length, frames, axes, "
      "interval_ms, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT DO NOTHING");
  for (const Staged& s : staged) {
    add.bind(1, s.id).bind(2, s.kind).bind(3, s.label).bind(4, s.category).bind(5, s.source);
    add.bind(6, shard_ids[s.shard]).bind(7, static_cast<int64_t>(s.offset));
    add.bind(8, static_cast<int64_t>(s.length)).bind(9, s.frames).bind(10, s.axes);
    add.bind(11, s.interval_ms).bind(12, now);
    add.run();
    add.reset();
    if (ws.db().changes() == 0) {
      // Another process imported the same sample after we checked.
      report.duplicates.push_back({s.source, s.id});
      continue;
    }
    ++report.imported;
    ++report.per_label[s.label];
  }
  t.commit();
  report.shards = shard_ids;
  for (int64_t b : shard_sizes) report.shard_bytes += b;
  return report;
}

}  // namespace tinyops::data
