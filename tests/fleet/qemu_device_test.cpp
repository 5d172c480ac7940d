// A release installed end to end on an emulated board: the Nano 33 BLE Sense profile in
// QEMU (mps2-an386) runs the bootloader and the release image with the device agent; the
// server's update session talks to it over the board's UART, and the new image's smoke
// test runs the generated model on the emulated Cortex-M4.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/free_port.hpp"
#include "../support/temp_dir.hpp"

#include <thread>
#include "tinyops/compiler/board.hpp"
#include "tinyops/compiler/codegen.hpp"
#include "tinyops/farm/process.hpp"
#include "tinyops/fleet/broker.hpp"
#include "tinyops/fleet/devices.hpp"
#include "tinyops/fleet/fleet_server.hpp"
#include "tinyops/fleet/gateway.hpp"
#include "tinyops/fleet/host_model.hpp"
#include "tinyops/fleet/qemu_device.hpp"
#include "tinyops/fleet/release.hpp"
#include "tinyops/fleet/update_session.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/store/registry.hpp"

extern "C" {
#include "agent_reason.h"
}

namespace tinyops::fleet {
namespace {

using namespace std::chrono_literals;

std::optional<SimReport> next_report(QemuDevice& board, FrameReader& reader, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    for (const tinyops_frame& f : reader.feed(board.listen(500ms)))
      if (f.type == TINYOPS_MSG_REPORT) return decode_report({f.payload, f.length});
  }
  return std::nullopt;
}

// Plays a whole update session against the board; the session's outcome.
std::optional<UpdateSession::Outcome> install(QemuDevice& board, FrameReader& reader, const std::vector<uint8_t>& envelope,
                                              const std::vector<uint8_t>& image, const std::array<uint8_t, 32>& digest) {
  UpdateSession session(envelope, image, digest);
  std::vector<uint8_t> next = session.begin();
  for (int guard = 0; guard < 2000 && !next.empty() && !session.outcome(); ++guard) {
    const auto replies = reader.feed(board.exchange(next, 20s));
    next.clear();
    for (const tinyops_frame& f : replies)
      if (auto send = session.on_reply(f)) next = *send;
  }
  return session.outcome();
}

// A workspace with hello_world admitted on the Nano 33 BLE Sense profile (a farm report as
// the pipeline records one), a key and two releases of it.
struct TwoReleases {
  test_support::TempDir tmp{"qemu-device"};
  store::Workspace ws = store::Workspace::init(tmp.path() / "ws");
  std::vector<uint8_t> bytes =
      formats::read_file(std::filesystem::path(TINYOPS_SHARED_MODELS) / "tflm_hello_world_int8.tflite");
  SigningKey key;
  Release v1, v2;
  TwoReleases() {
    const store::Artifact model = store::record_artifact(ws, "int8_model", "hello_world", bytes, "{}");
    nlohmann::json meta;
    meta["boards"] = nlohmann::json::array({{{"board", "nano33ble"}, {"passed", true}, {"fits", true}, {"bit_exact", true}}});
    const std::string text = meta.dump();
    store::record_artifact(ws, "farm_report", "hello_world@nano33ble/farm",
                           std::vector<uint8_t>(text.begin(), text.end()), text, {{model.id, "model"}});
    key = create_key(ws, "default");
    ReleaseOptions o;
    o.model = model.id;
    o.board = "nano33ble";
    v1 = create_release(ws, o);
    v2 = create_release(ws, o);
  }
};

TEST(QemuDevice, AReleaseIsInstalledOnAnEmulatedBoardAndConfirmedByItsSmokeTest) {
  TwoReleases f;
  auto& [tmp, ws, bytes, key, v1, v2] = f;

  // the board's bootloader for this key, and a factory flash with release 1 installed
  const EmulatedBoard files = provision_emulated_board(ws, v1.id, "default", tmp.path() / "emu");
  const compiler::Board& board = compiler::find_board("nano33ble");
  QemuDevice qemu(board, files.bootloader_elf, files.flash_dump);
  FrameReader reader;
  const auto first = next_report(qemu, reader, 30s);
  ASSERT_TRUE(first) << "the board booted release 1 and reported";
  EXPECT_EQ(first->sequence, 1u);
  EXPECT_TRUE(first->confirmed);

  // a tampered envelope is refused on the board, which keeps running release 1
  std::vector<uint8_t> bad = ws.objects().get(v2.id);
  bad[bad.size() - 20] ^= 0x01;  // inside the signature
  const auto refused = install(qemu, reader, bad, ws.objects().get(v2.image_id), v2.manifest.image_digest);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->installed);
  EXPECT_EQ(refused->reason, TINYOPS_REJECT_SIGNATURE);

  const auto out = install(qemu, reader, ws.objects().get(v2.id), ws.objects().get(v2.image_id), v2.manifest.image_digest);
  ASSERT_TRUE(out && out->installed) << int(out ? out->reason : 255);
  EXPECT_EQ(out->sequence, 2u);
  // it reboots through the bootloader into release 2, whose smoke test runs on the board
  const auto second = next_report(qemu, reader, 60s);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->sequence, 2u);
  EXPECT_TRUE(second->confirmed) << "smoke test bit-exact on the emulated Cortex-M4";
  EXPECT_EQ(second->last_reason, TINYOPS_AGENT_OK);

  // a deliberately bad release: release 2's image, signed with a smoke test it cannot pass;
  // the board installs it, its first boot fails the test, and it goes back to release 2
  Manifest bad_manifest = v2.manifest;
  bad_manifest.sequence = 3;
  bad_manifest.smoke_output[0] ^= 0x01;
  const auto bad_out = install(qemu, reader, sign_manifest(bad_manifest, key), ws.objects().get(v2.image_id),
                               v2.manifest.image_digest);
  ASSERT_TRUE(bad_out && bad_out->installed);
  const auto after_bad = next_report(qemu, reader, 60s);
  ASSERT_TRUE(after_bad);
  EXPECT_EQ(after_bad->sequence, 2u);
  EXPECT_TRUE(after_bad->confirmed);
  EXPECT_EQ(after_bad->last_reason, TINYOPS_REJECT_SMOKE_TEST);
  EXPECT_EQ(after_bad->reason_sequence, 3u);

  // the harness's inferences reach the report (health: inferences, latency on the board)
  const std::string infer = "infer 3 0%";
  qemu.send({reinterpret_cast<const uint8_t*>(infer.data()), infer.size()});
  uint8_t none = 0;
  qemu.send(encode_frame(TINYOPS_MSG_STATUS, std::span<const uint8_t>(&none, 0)));
  const auto third = next_report(qemu, reader, 30s);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->inferences, 3u);
  EXPECT_GT(third->latency_us, 0u);
}

TEST(QemuDevice, AnEmulatedBoardTakesPartInARolloutThroughItsGateway) {
  TwoReleases f;
  auto& [tmp, ws, bytes, key, v1, v2] = f;
  const Enrollment emu = enroll_device(ws, "emu-1", "nano33ble", {"lab"});
  const EmulatedBoard files = provision_emulated_board(ws, v1.id, "default", tmp.path() / "emu");

  const int port = test_support::free_port();
  const BrokerConfig config = write_broker_config(ws, tmp.path() / "broker", "127.0.0.1", port);
  farm::ChildProcess broker({mosquitto_program().string(), "-c", config.config.string()});
  std::this_thread::sleep_for(300ms);
  std::atomic<bool> stop{false};
  std::thread gateway([&] {
    run_gateway(compiler::find_board("nano33ble"), files, {"127.0.0.1", port, emu.device.name, emu.secret}, stop);
  });
  RolloutOptions plan;
  plan.release = v2.id;
  plan.cohort = "lab";
  plan.stages = {100};
  const Rollout r = start_rollout(ws, plan, std::time(nullptr));
  FleetServerOptions so;
  so.port = port;
  so.until_idle = true;
  so.tick = 100ms;
  std::atomic<bool> timeout{false};
  std::thread guard([&] {
    for (int i = 0; i < 900 && !stop; ++i) std::this_thread::sleep_for(100ms);
    timeout = true;
  });
  FleetServer(ws, so).run(timeout);
  stop = true;
  gateway.join();
  guard.join();
  EXPECT_EQ(find_rollout(ws, r.id).state, "done");
  const Device d = find_device(ws, "emu-1");
  EXPECT_EQ(d.installed_release, v2.id);
  EXPECT_THAT(d.health, ::testing::HasSubstr("\"smoke_passed\":true"));
}

}  // namespace
}  // namespace tinyops::fleet
