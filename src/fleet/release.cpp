#include "tinyops/fleet/release.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <unistd.h>

#include "tinyops/compiler/board.hpp"
#include "tinyops/compiler/codegen.hpp"
#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/farm/firmware.hpp"
#include "tinyops/farm/process.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"

namespace tinyops::fleet {
namespace fs = std::filesystem;
namespace {

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// The farm report in which `board` passed bit-exact and fitting, newest first.
store::Artifact admitting_report(store::Workspace& ws, const store::Artifact& model,
                                 const std::string& board) {
  std::vector<store::Artifact> reports = store::farm_reports_of(ws, model.id);
  std::sort(reports.begin(), reports.end(), [](const auto& a, const auto& b) {
    return a.created_at > b.created_at;
  });
  for (const store::Artifact& r : reports) {
    const nlohmann::json meta = nlohmann::json::parse(r.metadata);
    for (const auto& b : meta.at("boards"))
      if (b.value("board", std::string()) == board && b.value("passed", false) &&
          b.value("fits", false))
        return r;
  }
  throw ConflictError("cannot release " + model.id.substr(0, 12) + " for " + board +
                      ": no farm report in which it passed bit-exact and fitting on " + board +
                      " (run the model's pipeline, whose farm stage records one)");
}

// One id for the model's whole ancestry: the SHA-256 of its ancestors' sorted ids.
std::string lineage_id_of(store::Workspace& ws, const std::string& model_id) {
  std::set<std::string> ancestors;
  std::vector<std::string> todo = {model_id};
  while (!todo.empty()) {
    const std::string id = todo.back();
    todo.pop_back();
    for (const store::LineageEdge& e : store::parents_of(ws, id))
      if (ancestors.insert(e.parent).second) todo.push_back(e.parent);
  }
  std::string joined = model_id;
  for (const std::string& a : ancestors) joined += "\n" + a;
  return sha256_hex(bytes_of(joined));
}

// The smoke test a new image runs before it confirms itself: a fixed input (from the
// model's id, so every release of a model carries the same) and the host interpreter's
// output for it, which the device must reproduce byte for byte.
void smoke_test(const Graph& graph, const std::string& model_id, Manifest& m) {
  interp::Interpreter interpreter(graph);
  std::span<uint8_t> input = interpreter.input(0);
  std::seed_seq seed(model_id.begin(), model_id.end());
  std::mt19937 rng(seed);
  for (uint8_t& b : input) b = static_cast<uint8_t>(rng() & 0xff);
  if (interpreter.input_tensor(0).type == DataType::Float32) {
    // Random bytes are not sensible floats: small values instead.
    auto* f = reinterpret_cast<float*>(input.data());
    for (size_t i = 0; i < input.size() / sizeof(float); ++i)
      f[i] = static_cast<float>(static_cast<int>(rng() % 200) - 100) / 100.0f;
  }
  m.smoke_input.assign(input.begin(), input.end());
  interpreter.invoke();
  const std::span<const uint8_t> out = interpreter.output(0);
  m.smoke_output.assign(out.begin(), out.end());
}

Release release_of(store::Workspace& ws, const store::Artifact& a) {
  const nlohmann::json meta = nlohmann::json::parse(a.metadata);
  PublicKey pk{};
  const std::string pk_hex = meta.at("public_key").get<std::string>();
  require(pk_hex.size() == 64, "release " + a.id.substr(0, 12) + ": damaged public key in its metadata");
  for (size_t i = 0; i < pk.size(); ++i)
    pk[i] = static_cast<uint8_t>(std::stoi(pk_hex.substr(2 * i, 2), nullptr, 16));
  Release r;
  r.id = a.id;
  r.manifest = open_envelope(ws.objects().get(a.id), pk);
  r.key_name = meta.at("key").get<std::string>();
  r.key_id = key_id_of(pk);
  r.image_id = meta.at("image").get<std::string>();
  r.created = a.created_at;
  return r;
}

}  // namespace

Release create_release(store::Workspace& ws, const ReleaseOptions& o) {
  auto say = [&](const std::string& line) {
    if (o.progress) o.progress(line);
  };
  const store::Artifact model = store::find_artifact(ws, o.model);
  require(model.kind == "int8_model" || model.kind == "float_model",
          model.id.substr(0, 12) + " is a " + model.kind + ", not a model: release a model id");
  const compiler::Board& board = compiler::find_board(o.board);
  const store::Artifact report = admitting_report(ws, model, board.name);
  const SigningKey key = find_key(ws, o.key);
  require(board.emulator.has_value(),
          "board " + board.name + " has no firmware toolchain here: releases need a device image");

  const Graph graph = formats::import_tflite(ws.objects().get(model.id), model.name);
  compiler::CodegenOptions codegen;
  codegen.board = board.name + " (" + board.title + ")";
  codegen.model_id = model.name + " sha256:" + model.id;
  codegen.dsp_kernels = board.dsp_extension;
  say("compiling " + model.id.substr(0, 12) + " for " + board.name);
  const compiler::GeneratedBundle bundle = compiler::generate_c(graph, codegen);

  // The build folder goes when the release is made (gc sweeps it if we are killed first).
  struct BuildDir {
    fs::path path;
    bool owned;
    ~BuildDir() {
      std::error_code ec;
      if (owned) fs::remove_all(path, ec);
    }
  } dir{o.work_dir.empty() ? ws.dir() / "tmp" / fmt::format("release-{}", ::getpid()) : o.work_dir,
        o.work_dir.empty()};
  fs::create_directories(dir.path);
  say("building the device image");
  farm::FirmwareOptions fw_options;
  fw_options.agent = farm::AgentOptions{};
  fw_options.agent->public_key = key.public_key;
  fw_options.agent->key_id = key.id;
  const farm::FirmwareBuild fw = farm::build_firmware(board, graph, bundle, dir.path / "fw", fw_options);
  require(fw.fits, "cannot release for " + board.name + ": the image does not fit (" + fw.overflow + ")");
  const fs::path bin = dir.path / "image.bin";
  const farm::CommandResult copy =
      farm::run_command({"arm-none-eabi-objcopy", "-O", "binary", fw.elf.string(), bin.string()});
  if (copy.exit_code != 0) throw std::runtime_error("arm-none-eabi-objcopy failed: " + copy.output);
  const std::vector<uint8_t> image = formats::read_file(bin);

  Manifest m;
  m.class_id = board.name;
  m.image_size = image.size();
  const std::string digest_hex = sha256_hex(image);
  for (size_t i = 0; i < m.image_digest.size(); ++i)
    m.image_digest[i] = static_cast<uint8_t>(std::stoi(digest_hex.substr(2 * i, 2), nullptr, 16));
  m.model_id = model.id;
  m.lineage_id = lineage_id_of(ws, model.id);
  m.farm_report_id = report.id;
  m.created = store::utc_now();
  smoke_test(graph, model.id, m);
  uint64_t highest = 0;
  for (const Release& earlier : list_releases(ws))
    if (earlier.manifest.class_id == board.name) highest = std::max(highest, earlier.manifest.sequence);
  m.sequence = highest + 1;

  say(fmt::format("signing release {} for {} with key '{}'", m.sequence, board.name, key.name));
  const nlohmann::json image_meta = {{"board", board.name},
                                     {"bytes", image.size()},
                                     {"flash_bytes", fw.sizes.flash_bytes},
                                     {"static_ram_bytes", fw.sizes.static_ram_bytes},
                                     {"contains", "model firmware with the device agent (trusting key " + key.name + "), run from 0x00010000 behind the bootloader"}};
  const store::Artifact image_artifact = store::record_artifact(
      ws, "device_image", model.name + "@" + board.name, image, image_meta.dump(), {{model.id, "model"}});
  const std::vector<uint8_t> envelope = sign_manifest(m, key);
  const nlohmann::json release_meta = {{"board", board.name},
                                       {"sequence", m.sequence},
                                       {"key", key.name},
                                       {"key_id", hex(key.id)},
                                       {"public_key", hex(key.public_key)},
                                       {"image", image_artifact.id},
                                       {"model", model.id},
                                       {"farm_report", report.id}};
  const store::Artifact release = store::record_artifact(
      ws, "release", fmt::format("{}@{}#{}", model.name, board.name, m.sequence), envelope,
      release_meta.dump(),
      {{model.id, "model"}, {image_artifact.id, "image"}, {report.id, "admitted_by"}});
  return release_of(ws, release);
}

std::vector<Release> list_releases(store::Workspace& ws) {
  std::vector<Release> out;
  for (const store::Artifact& a : store::list_artifacts(ws, "release")) out.push_back(release_of(ws, a));
  return out;
}

Release find_release(store::Workspace& ws, const std::string& id_or_prefix) {
  const store::Artifact a = store::find_artifact(ws, id_or_prefix);
  if (a.kind != "release")
    throw NotFoundError(a.id.substr(0, 12) + " is a " + a.kind + ", not a release (see `tinyops release list`)");
  return release_of(ws, a);
}

}  // namespace tinyops::fleet
