// The device agent installing releases on a simulated device: the happy path, resume, and
// every refusal with its reason, the running image untouched.
#include <gtest/gtest.h>

#include "release_fixture.hpp"

extern "C" {
#include "agent_reason.h"
#include "bootloader.h"
}

namespace tinyops::fleet::testing {
namespace {

constexpr size_t kImage = 9000;  // about 9 pages of 1 KB: chunks cross page boundaries

struct Device {
  TestKey key;
  SimDeviceOptions options = device_options(key);
  SimFlash flash{"", options.layout.flash_size(), options.layout.page_size};
  SimDevice device{options, flash};
  Device() { device.boot(); }
  std::vector<uint8_t> slot_bytes(uint8_t slot) const {
    const uint32_t size = options.layout.page_size * (options.layout.header_pages + options.layout.image_pages);
    const uint8_t* at = flash.memory() + 2 * options.layout.page_size + slot * size;
    return {at, at + size};
  }
};

TEST(AgentInstall, AFreshDeviceInstallsConfirmsAndUpdatesAgain) {
  Device d;
  EXPECT_EQ(d.device.booted_slot(), TINYOPS_NO_SLOT);  // recovery: nothing to boot yet
  const auto v1 = make_release(d.key, 1, kImage);
  const auto out = install(d.device, v1);
  ASSERT_TRUE(out && out->installed) << int(out ? out->reason : 255);
  EXPECT_EQ(out->sequence, 1u);
  SimReport r = d.device.report();
  EXPECT_EQ(r.sequence, 1u);
  EXPECT_TRUE(r.confirmed);  // smoke test passed on the first boot of the image
  EXPECT_EQ(r.last_reason, TINYOPS_AGENT_OK);

  const auto v2 = make_release(d.key, 2, kImage + 1234);
  ASSERT_TRUE(install(d.device, v2)->installed);
  r = d.device.report();
  EXPECT_EQ(r.sequence, 2u);
  EXPECT_TRUE(r.confirmed);
  // and the release before it is still there to revert to
  uint8_t seq[4];
  tinyops_put_u32(seq, 1);
  FrameReader reader;
  const auto replies = reader.feed(d.device.receive(encode_frame(TINYOPS_MSG_REVERT, seq)));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].type, TINYOPS_MSG_INSTALLED);
  r = d.device.report();
  EXPECT_EQ(r.sequence, 1u);
  EXPECT_EQ(r.last_reason, TINYOPS_REJECT_REVERTED);
  EXPECT_EQ(r.reason_sequence, 2u);
  // the abandoned release cannot come back: the anti-rollback floor stayed at 2
  EXPECT_EQ(install(d.device, v2)->reason, TINYOPS_REJECT_DOWNGRADE);
}

TEST(AgentInstall, RefusalsCarryTheirReasonAndLeaveTheRunningImageUntouched) {
  Device d;
  ASSERT_TRUE(install(d.device, make_release(d.key, 5, kImage))->installed);
  const uint8_t running = d.device.booted_slot();
  const auto before = d.slot_bytes(running);
  const auto refused = [&](const TestRelease& r) {
    const auto out = install(d.device, r);
    EXPECT_EQ(d.device.report().sequence, 5u);
    EXPECT_EQ(d.device.booted_slot(), running);
    EXPECT_EQ(d.slot_bytes(running), before);
    return out && !out->installed ? int(out->reason) : -1;
  };
  EXPECT_EQ(refused(make_release(d.key, 4, kImage)), TINYOPS_REJECT_DOWNGRADE);
  EXPECT_EQ(refused(make_release(d.key, 5, kImage)), TINYOPS_REJECT_DOWNGRADE);
  EXPECT_EQ(refused(make_release(d.key, 6, kImage, "esp_eye")), TINYOPS_REJECT_WRONG_CLASS);
  EXPECT_EQ(refused(make_release(d.key, 6, 24 * 1024 + 1)), TINYOPS_REJECT_TOO_LARGE);

  TestKey other;
  EXPECT_EQ(refused(make_release(other, 6, kImage)), TINYOPS_REJECT_UNKNOWN_KEY);
  // another key that claims the trusted key's id
  TestRelease forged = make_release(other, 6, kImage);
  Envelope e = decode_envelope(forged.envelope);
  e.key_id = key_id_of(d.key.public_key);
  forged.envelope = encode_envelope(e);
  EXPECT_EQ(refused(forged), TINYOPS_REJECT_SIGNATURE);

  // right envelope, wrong image bytes: the digest catches it after the last chunk
  TestRelease swapped = make_release(d.key, 6, kImage);
  swapped.image[kImage / 2] ^= 0x10;
  EXPECT_EQ(refused(swapped), TINYOPS_REJECT_DIGEST);
  EXPECT_EQ(d.device.report().last_reason, TINYOPS_REJECT_DIGEST);
  EXPECT_EQ(d.device.report().reason_sequence, 6u);
}

TEST(AgentInstall, EveryByteOfTheEnvelopeFlippedIsRefused) {
  Device d;
  ASSERT_TRUE(install(d.device, make_release(d.key, 1, 2000))->installed);
  const auto before = d.slot_bytes(d.device.booted_slot());
  const TestRelease good = make_release(d.key, 2, 2000);
  for (size_t i = 0; i < good.envelope.size(); ++i) {
    TestRelease bad = good;
    bad.envelope[i] ^= 0xFF;
    const auto out = install(d.device, bad);
    ASSERT_TRUE(out) << "byte " << i;
    ASSERT_FALSE(out->installed) << "byte " << i;
    // which check trips depends on the byte: the CBOR shape, the key id or the signature
    EXPECT_TRUE(out->reason == TINYOPS_REJECT_MALFORMED || out->reason == TINYOPS_REJECT_TOO_LARGE ||
                out->reason == TINYOPS_REJECT_UNKNOWN_KEY || out->reason == TINYOPS_REJECT_SIGNATURE)
        << "byte " << i << " reason " << int(out->reason);
  }
  EXPECT_EQ(d.device.report().sequence, 1u);
  EXPECT_EQ(d.slot_bytes(d.device.booted_slot()), before);
  ASSERT_TRUE(install(d.device, good)->installed);  // and the good one still goes in
}

TEST(AgentInstall, DamagedTruncatedDuplicatedAndReorderedFramesAreRefusedAndTheTransferRecovers) {
  Device d;
  std::mt19937 rng(42);
  int damaged = 0, duplicated = 0, reordered = 0, truncated = 0;
  std::vector<uint8_t> held;
  const auto out = install(d.device, make_release(d.key, 3, kImage), [&](const std::vector<uint8_t>& f) {
    std::vector<uint8_t> sent = f;
    switch (rng() % 9) {
      case 0: sent[4 + rng() % (sent.size() - 4)] ^= 0x01; ++damaged; break;  // CRC catches it
      case 3: sent.resize(sent.size() / 2); ++truncated; break;  // the rest never comes
      case 1: sent.insert(sent.end(), f.begin(), f.end()); ++duplicated; break;
      case 2:  // an older frame arrives first
        if (!held.empty()) { sent.insert(sent.begin(), held.begin(), held.end()); ++reordered; }
        break;
      default: break;
    }
    held = f;
    return sent;
  });
  ASSERT_TRUE(out && out->installed);
  EXPECT_GT(damaged, 0);
  EXPECT_GT(duplicated, 0);
  EXPECT_GT(reordered, 0);
  EXPECT_GT(truncated, 0);
  EXPECT_TRUE(d.device.report().confirmed);
}

TEST(AgentInstall, ADownloadResumesFromTheLastGoodPage) {
  Device d;
  const auto v1 = make_release(d.key, 1, kImage);
  // deliver the envelope and part of the image, then lose the connection
  UpdateSession first(v1.envelope, v1.image, v1.manifest.image_digest, 500);
  FrameReader reader;
  std::vector<uint8_t> next = first.begin();
  for (int i = 0; i < 12; ++i)
    for (const auto& reply : reader.feed(d.device.receive(next))) next = *first.on_reply(reply);
  // a new session (the server reconnected) is told where to go on
  UpdateSession second(v1.envelope, v1.image, v1.manifest.image_digest, 500);
  const auto replies = reader.feed(d.device.receive(second.begin()));
  ASSERT_EQ(replies.size(), 1u);
  ASSERT_EQ(replies[0].type, TINYOPS_MSG_NEXT);
  EXPECT_EQ(replies[0].payload[0], 1);  // the image, not the envelope again
  EXPECT_GT(tinyops_get_u32(replies[0].payload + 1), 0u);
  EXPECT_EQ(tinyops_get_u32(replies[0].payload + 1) % d.options.layout.page_size, 0u);
  ASSERT_TRUE(install(d.device, v1)->installed);
}

TEST(AgentInstall, AnImageThatFailsItsSmokeTestIsAbandonedForTheConfirmedOne) {
  Device d;
  ASSERT_TRUE(install(d.device, make_release(d.key, 1, kImage))->installed);
  const auto bad = make_release(d.key, 2, kImage, "nano33ble", /*bad_smoke=*/true);
  const auto out = install(d.device, bad);
  ASSERT_TRUE(out && out->installed);  // verified and swapped in; the smoke test decides
  const SimReport r = d.device.report();
  EXPECT_EQ(r.sequence, 1u);
  EXPECT_TRUE(r.confirmed);
  EXPECT_EQ(r.last_reason, TINYOPS_REJECT_SMOKE_TEST);
  EXPECT_EQ(r.reason_sequence, 2u);
}

TEST(AgentInstall, TheBootloaderRollsBackAnImageThatNeverConfirms) {
  Device d;
  ASSERT_TRUE(install(d.device, make_release(d.key, 1, kImage))->installed);
  const uint8_t v1 = d.device.booted_slot();
  ASSERT_TRUE(install(d.device, make_release(d.key, 2, kImage))->installed);
  const uint8_t v2 = d.device.booted_slot();
  ASSERT_NE(v1, v2);
  // v2 as it stands right after its download: verified and pending, v1 still confirmed; it
  // then crashes on every boot before its agent can confirm it
  const tinyops_device& raw = d.device.device();
  tinyops_boot_record rec;
  tinyops_record_read(&raw, &rec);
  rec.active = v1;
  rec.pending = v2;
  rec.tries = 0;
  ASSERT_EQ(tinyops_record_write(&raw, &rec), 0);
  for (int boot = 0; boot < 3; ++boot) EXPECT_EQ(tinyops_boot_select(&raw, 3), v2);
  EXPECT_EQ(tinyops_boot_select(&raw, 3), v1);  // the fourth boot gives up on it
  tinyops_record_read(&raw, &rec);
  EXPECT_EQ(rec.last_reason, TINYOPS_REJECT_NOT_CONFIRMED);
  EXPECT_EQ(rec.rejected_sequence, 2u);
  EXPECT_EQ(rec.pending, TINYOPS_NO_SLOT);
  d.device.boot();
  EXPECT_EQ(d.device.report().sequence, 1u);
  EXPECT_EQ(d.device.report().last_reason, TINYOPS_REJECT_NOT_CONFIRMED);
}

}  // namespace
}  // namespace tinyops::fleet::testing
