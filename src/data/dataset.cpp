// Reading the data set back: listing, statistics, one sample's content, the split.
#include <algorithm>
#include <cmath>

#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/data/dataset.hpp"

namespace tinyops::data {

std::vector<SampleInfo> list_samples(store::Workspace& ws, const SampleFilter& filter) {
  std::string sql =
      "SELECT id, kind, label, category, source, frames, axes, interval_ms FROM samples "
      "WHERE (?1 IS NULL OR label = ?1) AND (?2 IS NULL OR category = ?2) ORDER BY label, source, id";
  store::Statement q = ws.db().prepare(sql);
  if (filter.label) q.bind(1, *filter.label); else q.bind_null(1);
  if (filter.category) q.bind(2, *filter.category); else q.bind_null(2);
  std::vector<SampleInfo> out;
  while (q.step()) {
    SampleInfo s;
    s.id = q.column_text(0);
    s.kind = q.column_text(1);
    s.label = q.column_text(2);
    s.category = q.column_text(3);
    s.source = q.column_text(4);
    s.frames = q.column_int(5);
    s.axes = q.column_int(6);
    s.interval_ms = q.column_double(7);
    out.push_back(std::move(s));
  }
  return out;
}

formats::Sample load_sample(store::Workspace& ws, const std::string& id) {
  store::Statement q = ws.db().prepare("SELECT shard, \"offset\", length FROM samples WHERE id = ?1");
  q.bind(1, id);
  require(q.step(), "no sample " + id + " in this workspace (see `tinyops data list`)");
  const std::vector<uint8_t> bytes = ws.objects().read_range(
      q.column_text(0), static_cast<uint64_t>(q.column_int(1)), static_cast<uint64_t>(q.column_int(2)));
  require(sha256_hex(bytes) == id, "sample " + id + " is damaged in its shard " + q.column_text(0));
  return formats::decode_sample(bytes);
}

DatasetStats dataset_stats(store::Workspace& ws) {
  DatasetStats stats;
  store::Statement q = ws.db().prepare(
      "SELECT label, category, kind, COUNT(*), SUM(frames * interval_ms) FROM samples "
      "GROUP BY label, category, kind");
  while (q.step()) {
    LabelStats& l = stats.labels[q.column_text(0)];
    const size_t n = static_cast<size_t>(q.column_int(3));
    (q.column_text(1) == "testing" ? l.testing : l.training) += n;
    l.duration_ms += q.column_double(4);
    stats.kinds[q.column_text(2)] += n;
    stats.samples += n;
  }
  store::Statement s = ws.db().prepare("SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM shards");
  if (s.step()) {
    stats.shards = static_cast<size_t>(s.column_int(0));
    stats.shard_bytes = s.column_int(1);
  }
  return stats;
}

std::map<std::string, LabelStats> split_dataset(store::Workspace& ws, double test_fraction,
                                                uint64_t seed) {
  require(test_fraction >= 0 && test_fraction <= 1 && std::isfinite(test_fraction),
          "--test must be a fraction between 0 and 1 (e.g. 0.2), got " + std::to_string(test_fraction));
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_label;  // key, id
  {
    store::Statement q = ws.db().prepare("SELECT label, id FROM samples");
    while (q.step()) {
      const std::string id = q.column_text(1);
      const std::string key = std::to_string(seed) + ":" + id;
      by_label[q.column_text(0)].emplace_back(
          sha256_hex({reinterpret_cast<const uint8_t*>(key.data()), key.size()}), id);
    }
  }
  std::map<std::string, LabelStats> result;
  store::Transaction t(ws.db());
  store::Statement set = ws.db().prepare("UPDATE samples SET category = ?1 WHERE id = ?2");
  for (auto& [label, samples] : by_label) {
    std::sort(samples.begin(), samples.end());
    const size_t test = static_cast<size_t>(std::llround(test_fraction * static_cast<double>(samples.size())));
    for (size_t i = 0; i < samples.size(); ++i) {
      const bool testing = i < test;
      set.bind(1, std::string(testing ? "testing" : "training")).bind(2, samples[i].second);
      set.run();
      set.reset();
      (testing ? result[label].testing : result[label].training) += 1;
    }
  }
  t.commit();
  return result;
}

}  // namespace tinyops::data
