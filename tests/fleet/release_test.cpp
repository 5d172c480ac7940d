// Releases: the farm gate, the manifest a release carries, sequence numbers, lineage, and a
// stored release that was altered.
#include "tinyops/fleet/release.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "../support/expect_error.hpp"
#include "../support/temp_dir.hpp"
#include "tinyops/core/content_id.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::fleet {
namespace {

using test_support::error_of;
using test_support::TempDir;
using ::testing::HasSubstr;

const std::filesystem::path kModel =
    std::filesystem::path(TINYOPS_SHARED_MODELS) / "tflm_hello_world_int8.tflite";

struct Fixture {
  TempDir tmp{"release"};
  store::Workspace ws = store::Workspace::init(tmp.path());
  store::Artifact model;

  Fixture() {
    const std::vector<uint8_t> bytes = formats::read_file(kModel);
    model = store::record_artifact(ws, "int8_model", "hello_world", bytes, "{}");
    create_key(ws, "default");
  }
  // A farm report of the model on `board`, as the pipeline's farm stage records one.
  store::Artifact farm_report(const std::string& board, bool passed) {
    nlohmann::json meta;
    meta["boards"] = nlohmann::json::array(
        {{{"board", board}, {"passed", passed}, {"fits", true}, {"bit_exact", passed}}});
    const std::string text = meta.dump();
    return store::record_artifact(ws, "farm_report", "hello_world@" + board + "/farm",
                                  std::vector<uint8_t>(text.begin(), text.end()), text,
                                  {{model.id, "model"}});
  }
  Release release(const std::string& board = "nano33ble") {
    ReleaseOptions o;
    o.model = model.id.substr(0, 12);
    o.board = board;
    return create_release(ws, o);
  }
};

TEST(Release, OnlyAModelThatPassedTheFarmOnThatBoardIsReleased) {
  Fixture f;
  EXPECT_THAT(error_of([&] { f.release(); }), HasSubstr("no farm report in which it passed"));
  f.farm_report("nano33ble", false);
  EXPECT_THROW(f.release(), ConflictError);
  f.farm_report("mps2-an386", true);
  EXPECT_THAT(error_of([&] { f.release(); }), HasSubstr("on nano33ble"));
  EXPECT_TRUE(list_releases(f.ws).empty()) << "nothing recorded by refused releases";
}

TEST(Release, CarriesASignedManifestOfItsImage) {
  Fixture f;
  const store::Artifact report = f.farm_report("nano33ble", true);
  const Release r = f.release();
  const Manifest& m = r.manifest;
  EXPECT_EQ(m.class_id, "nano33ble");
  EXPECT_EQ(m.vendor, "tinyops");
  EXPECT_EQ(m.sequence, 1u);
  EXPECT_EQ(m.model_id, f.model.id);
  EXPECT_EQ(m.farm_report_id, report.id);
  EXPECT_EQ(m.lineage_id.size(), 64u);
  const std::vector<uint8_t> image = f.ws.objects().get(r.image_id);
  EXPECT_EQ(m.image_size, image.size());
  EXPECT_EQ(hex(m.image_digest), sha256_hex(image));
  EXPECT_GT(image.size(), 1000u) << "a linked firmware image";
  // The smoke test's expected output is the interpreter's for the smoke input.
  const Graph graph = formats::import_tflite_file(kModel);  // the interpreter keeps a reference
  interp::Interpreter interpreter(graph);
  ASSERT_EQ(m.smoke_input.size(), interpreter.input(0).size());
  std::copy(m.smoke_input.begin(), m.smoke_input.end(), interpreter.input(0).begin());
  interpreter.invoke();
  EXPECT_EQ(m.smoke_output,
            std::vector<uint8_t>(interpreter.output(0).begin(), interpreter.output(0).end()));
  // The stored envelope opens with the signing key.
  const SigningKey key = find_key(f.ws, "default");
  EXPECT_EQ(open_envelope(f.ws.objects().get(r.id), key.public_key).sequence, 1u);
  EXPECT_EQ(r.key_id, key.id);
  // Lineage: model -> image -> release, and the report that admitted it.
  std::set<std::pair<std::string, std::string>> parents;
  for (const auto& e : store::parents_of(f.ws, r.id)) parents.insert({e.parent, e.role});
  EXPECT_TRUE(parents.count({f.model.id, "model"}));
  EXPECT_TRUE(parents.count({r.image_id, "image"}));
  EXPECT_TRUE(parents.count({report.id, "admitted_by"}));
  EXPECT_EQ(find_release(f.ws, r.id.substr(0, 10)).id, r.id);
}

TEST(Release, SequenceNumbersRisePerBoard) {
  Fixture f;
  f.farm_report("nano33ble", true);
  EXPECT_EQ(f.release().manifest.sequence, 1u);
  EXPECT_EQ(f.release().manifest.sequence, 2u);
  EXPECT_EQ(list_releases(f.ws).size(), 2u);
}

TEST(Release, AStoredReleaseThatWasAlteredNoLongerOpens) {
  Fixture f;
  f.farm_report("nano33ble", true);
  const Release r = f.release();
  const std::filesystem::path object = f.ws.objects().path(r.id);
  std::vector<uint8_t> bytes = formats::read_file(object);
  bytes[bytes.size() / 3] ^= 0x20;
  std::filesystem::permissions(object, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  formats::write_file(object, bytes);
  EXPECT_THROW(find_release(f.ws, r.id), InputError);
  EXPECT_THAT(error_of([&] { find_release(f.ws, f.model.id); }), HasSubstr("not a release"));
}

}  // namespace
}  // namespace tinyops::fleet
