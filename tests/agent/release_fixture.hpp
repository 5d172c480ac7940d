// Releases signed in the test with libsodium and encoded by the host's own manifest code,
// so the device agent is tested on exactly the bytes `tinyops release create` writes.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "tinyops/fleet/manifest.hpp"
#include "tinyops/fleet/sim_device.hpp"
#include "tinyops/fleet/update_session.hpp"

namespace tinyops::fleet::testing {

struct TestKey {
  PublicKey public_key{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> secret{};
  TestKey() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium");
    crypto_sign_keypair(public_key.data(), secret.data());
  }
};

// The test's "model": output = input bytes xored with the low byte of the sequence, so
// each release's smoke output differs and a device running the wrong one is caught.
inline std::vector<uint8_t> model_output(uint32_t sequence, std::span<const uint8_t> input) {
  std::vector<uint8_t> out(input.begin(), input.end());
  for (auto& b : out) b = static_cast<uint8_t>(b ^ (sequence & 0xFFu) ^ 0x5Au);
  return out;
}

struct TestRelease {
  Manifest manifest;
  std::vector<uint8_t> image, envelope;
};

inline std::vector<uint8_t> envelope_of(const Manifest& m, const TestKey& key) {
  Envelope e;
  e.manifest = encode_manifest(m);
  crypto_sign_detached(e.signature.data(), nullptr, e.manifest.data(), e.manifest.size(),
                       key.secret.data());
  e.key_id = key_id_of(key.public_key);
  return encode_envelope(e);
}

inline TestRelease make_release(const TestKey& key, uint32_t sequence, size_t image_size,
                                const std::string& board = "nano33ble", bool bad_smoke = false) {
  TestRelease r;
  std::mt19937 rng(sequence * 7919u + static_cast<uint32_t>(image_size));
  r.image.resize(image_size);
  for (auto& b : r.image) b = static_cast<uint8_t>(rng());
  Manifest& m = r.manifest;
  m.sequence = sequence;
  m.class_id = board;
  crypto_hash_sha256(m.image_digest.data(), r.image.data(), r.image.size());
  m.image_size = image_size;
  m.model_id = "model-" + std::to_string(sequence);
  m.lineage_id = "lineage";
  m.farm_report_id = "farm";
  m.smoke_input = {1, 2, 3, 4, 5, 6, 7, 8};
  m.smoke_output = model_output(sequence, m.smoke_input);
  if (bad_smoke) m.smoke_output[0] ^= 1;
  m.created = "2026-12-04T00:00:00Z";
  r.envelope = envelope_of(m, key);
  return r;
}

inline SimDeviceOptions device_options(const TestKey& key, const std::string& board = "nano33ble") {
  SimDeviceOptions o;
  o.class_id = board;
  o.trusted_key = key.public_key;
  o.layout.page_size = 1024;
  o.layout.header_pages = 2;
  o.layout.image_pages = 24;
  o.model = [](uint32_t sequence, std::span<const uint8_t> input) {
    return std::optional<std::vector<uint8_t>>(model_output(sequence, input));
  };
  return o;
}

// Runs a whole install over the byte stream; `mangle` may alter each frame sent (return
// the bytes to deliver instead). Returns the session's outcome (nullopt: it stalled).
template <typename Mangle>
std::optional<UpdateSession::Outcome> install(SimDevice& device, const TestRelease& r,
                                              Mangle mangle, uint32_t chunk = 300) {
  UpdateSession session(r.envelope, r.image, r.manifest.image_digest, chunk);
  FrameReader reader;
  std::vector<uint8_t> next = session.begin();
  for (int guard = 0; guard < 100000 && !next.empty(); ++guard) {
    const auto replies = reader.feed(device.receive(mangle(next)));
    next.clear();
    for (const auto& reply : replies)
      if (auto send = session.on_reply(reply)) next = *send;
    if (replies.empty() && !session.outcome()) next = session.begin();  // lost: start again
  }
  return session.outcome();
}

inline std::optional<UpdateSession::Outcome> install(SimDevice& device, const TestRelease& r) {
  return install(device, r, [](const std::vector<uint8_t>& f) { return f; });
}

}  // namespace tinyops::fleet::testing
