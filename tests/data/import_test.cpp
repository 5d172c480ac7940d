// Importing samples into a workspace: labels, duplicates, all-or-nothing on bad files,
// shards, the deterministic stratified split and immutable dataset versions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "../support/sample_files.hpp"
#include "../support/temp_dir.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/data/dataset.hpp"
#include "tinyops/formats/file_io.hpp"

namespace tinyops::data {
namespace {

namespace fs = std::filesystem;
namespace ts = test_samples;
using test_support::TempDir;
using ::testing::HasSubstr;

void write(const fs::path& p, const std::vector<uint8_t>& bytes) {
  fs::create_directories(p.parent_path());
  formats::write_file(p, bytes);
}

void write(const fs::path& p, const std::string& text) {
  write(p, std::vector<uint8_t>(text.begin(), text.end()));
}

std::string csv(int seed) {
  std::string s = "timestamp,accX,accY\n";
  for (int t = 0; t < 20; ++t) s += std::to_string(t * 10) + "," + std::to_string(seed + t) + ",0.5\n";
  return s;
}

size_t object_files(const fs::path& root) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(root / ".tinyops/objects")) n += e.is_regular_file();
  return n;
}

class DataTest : public ::testing::Test {
 protected:
  DataTest() : ws_(store::Workspace::init(tmp_.path() / "project")) {}
  fs::path files() const { return tmp_.path() / "files"; }
  ImportReport import(std::vector<fs::path> paths, std::optional<std::string> label = {},
                      Category category = Category::Split) {
    ImportOptions o;
    o.paths = std::move(paths);
    o.label = std::move(label);
    o.category = category;
    return import_samples(ws_, o);
  }
  TempDir tmp_{"data"};
  store::Workspace ws_;
};

TEST_F(DataTest, LabelsComeFromTheOptionTheFileNamePrefixOrTheFolder) {
  write(files() / "wave.01.wav", ts::tone_wav(16000, 400, 300));
  write(files() / "idle" / "rec1.csv", csv(1));
  write(files() / "idle" / "notes.txt", std::string("not a sample"));
  const ImportReport r = import({files()});
  EXPECT_EQ(r.imported, 2u);
  EXPECT_EQ(r.skipped, 1u);
  EXPECT_EQ(r.per_label.at("wave"), 1u);
  EXPECT_EQ(r.per_label.at("idle"), 1u);
  write(files() / "other.csv", csv(2));
  EXPECT_EQ(import({files() / "other.csv"}, "ring").per_label.at("ring"), 1u);
  EXPECT_EQ(label_from_path("data/ring/ring.7.wav"), "ring");
  EXPECT_EQ(label_from_path("data/slope/take3.csv"), "slope");
}

TEST_F(DataTest, DuplicatesAreReportedAndStoredOnce) {
  write(files() / "a.1.csv", csv(5));
  write(files() / "b.1.csv", csv(5));  // same content, other name
  const ImportReport first = import({files() / "a.1.csv", files() / "b.1.csv"});
  EXPECT_EQ(first.imported, 1u);
  ASSERT_EQ(first.duplicates.size(), 1u);
  EXPECT_THAT(first.duplicates[0].source, HasSubstr("b.1.csv"));
  const ImportReport again = import({files() / "a.1.csv"});
  EXPECT_EQ(again.imported, 0u);
  EXPECT_EQ(again.duplicates.size(), 1u);
  EXPECT_EQ(list_samples(ws_).size(), 1u);
}

TEST_F(DataTest, ABadFileFailsTheWholeImportAndWritesNothing) {
  write(files() / "good.1.csv", csv(1));
  write(files() / "bad.1.csv", std::string("timestamp,x\n0,1\n10,oops\n"));
  write(files() / "bad.2.wav", std::vector<uint8_t>{'R', 'I', 'F', 'F', 0});
  try {
    import({files()});
    FAIL() << "imported bad files";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("2 of 3 files cannot be imported (nothing was imported)"));
    EXPECT_THAT(e.what(), HasSubstr("bad.1.csv: line 3"));
    EXPECT_THAT(e.what(), HasSubstr("bad.2.wav"));
  }
  EXPECT_TRUE(list_samples(ws_).empty());
  EXPECT_EQ(object_files(ws_.root()), 0u);
  EXPECT_TRUE(fs::is_empty(ws_.dir() / "tmp")) << "the staged shards are removed";
  EXPECT_THROW(import({files() / "missing.csv"}), InputError);
  EXPECT_THROW(import({files() / "readme.txt"}), InputError);
}

TEST_F(DataTest, SamplesLiveInSharedShardsAndReadBackExactly) {
  for (int i = 0; i < 30; ++i) write(files() / ("x." + std::to_string(i) + ".csv"), csv(100 + i));
  const ImportReport r = import({files()});
  EXPECT_EQ(r.imported, 30u);
  EXPECT_EQ(r.shards.size(), 1u) << "30 small samples belong in one shard, not 30 files";
  EXPECT_EQ(object_files(ws_.root()), 1u);
  for (const SampleInfo& s : list_samples(ws_)) {
    const formats::Sample back = load_sample(ws_, s.id);
    EXPECT_EQ(back, formats::read_sample_file(s.source));
  }
  const DatasetStats st = dataset_stats(ws_);
  EXPECT_EQ(st.samples, 30u);
  EXPECT_EQ(st.labels.at("x").training + st.labels.at("x").testing, 30u);
  EXPECT_DOUBLE_EQ(st.labels.at("x").duration_ms, 30 * 20 * 10.0);
}

TEST_F(DataTest, SplitIsStratifiedAndDeterministic) {
  for (int i = 0; i < 50; ++i) write(files() / "a" / (std::to_string(i) + ".csv"), csv(i));
  for (int i = 0; i < 10; ++i) write(files() / "b" / (std::to_string(i) + ".csv"), csv(1000 + i));
  import({files()});
  const auto r1 = split_dataset(ws_, 0.2, 7);
  EXPECT_EQ(r1.at("a").testing, 10u);
  EXPECT_EQ(r1.at("b").testing, 2u);
  auto testing_ids = [&] {
    std::vector<std::string> ids;
    for (const auto& s : list_samples(ws_, {std::nullopt, "testing"})) ids.push_back(s.id);
    return ids;
  };
  const auto first = testing_ids();
  split_dataset(ws_, 0.2, 8);
  EXPECT_NE(testing_ids(), first) << "another seed, another split";
  split_dataset(ws_, 0.2, 7);
  EXPECT_EQ(testing_ids(), first) << "the same seed, the same split";

  // Another workspace, the files imported in the opposite order: the same split.
  store::Workspace other = store::Workspace::init(tmp_.path() / "other");
  ImportOptions o;
  o.paths = {files() / "b", files() / "a"};
  import_samples(other, o);
  split_dataset(other, 0.2, 7);
  std::vector<std::string> other_ids;
  for (const auto& s : list_samples(other, {std::nullopt, "testing"})) other_ids.push_back(s.id);
  EXPECT_EQ(other_ids, first);
  EXPECT_THROW(split_dataset(ws_, 1.5, 1), InputError);
}

TEST_F(DataTest, VersionsAreImmutableSnapshots) {
  for (int i = 0; i < 5; ++i) write(files() / ("w." + std::to_string(i) + ".csv"), csv(i));
  import({files()}, std::nullopt, Category::Training);
  const DatasetVersion v1 = freeze_version(ws_, "v1");
  EXPECT_FALSE(v1.existed);
  EXPECT_EQ(v1.samples, 5);
  EXPECT_TRUE(freeze_version(ws_, "again").existed) << "nothing changed: the same version";
  split_dataset(ws_, 0.4, 1);
  const DatasetVersion v2 = freeze_version(ws_, "v2");
  EXPECT_NE(v2.id, v1.id);
  size_t testing_in_v1 = 0;
  for (const auto& e : version_entries(ws_, "v1")) testing_in_v1 += e.category == "testing";
  EXPECT_EQ(testing_in_v1, 0u) << "v1 keeps the categories it was frozen with";
  EXPECT_EQ(version_entries(ws_, v2.id).size(), 5u);
  write(files() / "late" / "w.9.csv", csv(99));
  import({files() / "late"});
  EXPECT_THROW(freeze_version(ws_, "v1"), InputError) << "names are not reused";
  EXPECT_EQ(list_versions(ws_).size(), 2u);
  EXPECT_THROW(version_entries(ws_, "nope"), InputError);
}

TEST_F(DataTest, TwoWritersImportIntoOneWorkspaceAtOnce) {
  for (int i = 0; i < 40; ++i) write(files() / "p" / ("a." + std::to_string(i) + ".csv"), csv(i));
  for (int i = 0; i < 40; ++i) write(files() / "q" / ("b." + std::to_string(i) + ".csv"), csv(500 + i));
  for (int i = 0; i < 5; ++i) write(files() / "q" / ("a." + std::to_string(i) + ".csv"), csv(i));  // overlap
  auto worker = [&](const fs::path& folder, size_t& imported) {
    store::Workspace mine = store::Workspace::open(ws_.root());
    ImportOptions o;
    o.paths = {folder};
    imported = import_samples(mine, o).imported;
  };
  size_t a = 0, b = 0;
  std::thread t1(worker, files() / "p", std::ref(a)), t2(worker, files() / "q", std::ref(b));
  t1.join();
  t2.join();
  EXPECT_EQ(a + b, 80u) << "each sample once, whoever got it first";
  EXPECT_EQ(list_samples(ws_).size(), 80u);
}

}  // namespace
}  // namespace tinyops::data
