// Dataset versions: the samples, labels and categories of a moment, frozen into a manifest
// object. Samples are immutable objects too, so a version reproduces the data set exactly
// however the workspace changes later.
#include <nlohmann/json.hpp>

#include "tinyops/core/error.hpp"
#include "tinyops/data/dataset.hpp"

namespace tinyops::data {

DatasetVersion freeze_version(store::Workspace& ws, const std::string& name) {
  require(!name.empty() && name.size() <= 128, "a dataset version needs a name of 1 to 128 characters");
  nlohmann::json samples = nlohmann::json::array();
  {
    store::Statement q = ws.db().prepare("SELECT id, label, category FROM samples ORDER BY id");
    while (q.step())
      samples.push_back({{"id", q.column_text(0)}, {"label", q.column_text(1)}, {"category", q.column_text(2)}});
  }
  require(!samples.empty(), "the workspace has no samples to freeze: `tinyops data import` first");
  const nlohmann::json manifest = {{"format", "tinyops-dataset-version-1"}, {"samples", samples}};
  const std::string text = manifest.dump();

  DatasetVersion v;
  v.samples = static_cast<int64_t>(samples.size());
  v.id = ws.objects().put({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  store::Transaction t(ws.db());
  store::Statement existing = ws.db().prepare("SELECT name, created_at FROM dataset_versions WHERE id = ?1");
  existing.bind(1, v.id);
  if (existing.step()) {
    v.name = existing.column_text(0);
    v.created_at = existing.column_text(1);
    v.existed = true;
    return v;
  }
  store::Statement taken = ws.db().prepare("SELECT id FROM dataset_versions WHERE name = ?1");
  taken.bind(1, name);
  require(!taken.step(), "a different dataset version is already named '" + name +
                             "': versions are immutable, choose another name");
  v.name = name;
  v.created_at = store::utc_now();
  store::Statement add = ws.db().prepare(
      "INSERT INTO dataset_versions (id, name, samples, created_at) VALUES (?1, ?2, ?3, ?4)");
  add.bind(1, v.id).bind(2, v.name).bind(3, v.samples).bind(4, v.created_at);
  add.run();
  t.commit();
  return v;
}

namespace {

DatasetVersion read_version(const store::Statement& q) {
  DatasetVersion v;
  v.id = q.column_text(0);
  v.name = q.column_text(1);
  v.samples = q.column_int(2);
  v.created_at = q.column_text(3);
  return v;
}

}  // namespace

std::vector<DatasetVersion> list_versions(store::Workspace& ws) {
  std::vector<DatasetVersion> out;
  store::Statement q = ws.db().prepare(
      "SELECT id, name, samples, created_at FROM dataset_versions ORDER BY created_at, name");
  while (q.step()) out.push_back(read_version(q));
  return out;
}

DatasetVersion find_version(store::Workspace& ws, const std::string& id_or_name) {
  store::Statement q =
      ws.db().prepare("SELECT id, name, samples, created_at FROM dataset_versions WHERE id = ?1 OR name = ?1");
  q.bind(1, id_or_name);
  if (!q.step()) throw NotFoundError("no dataset version '" + id_or_name + "' (see `tinyops data versions`)");
  return read_version(q);
}

std::vector<VersionEntry> version_entries(store::Workspace& ws, const std::string& id_or_name) {
  store::Statement q = ws.db().prepare("SELECT id FROM dataset_versions WHERE id = ?1 OR name = ?1");
  q.bind(1, id_or_name);
  require(q.step(), "no dataset version '" + id_or_name + "' (see `tinyops data versions`)");
  const std::vector<uint8_t> bytes = ws.objects().get(q.column_text(0));
  const nlohmann::json manifest = nlohmann::json::parse(bytes.begin(), bytes.end());
  std::vector<VersionEntry> out;
  for (const auto& s : manifest.at("samples"))
    out.push_back({s.at("id").get<std::string>(), s.at("label").get<std::string>(),
                   s.at("category").get<std::string>()});
  return out;
}

}  // namespace tinyops::data
