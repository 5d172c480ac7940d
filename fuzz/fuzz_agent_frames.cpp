// The device agent's protocol under attack. A real install of release 2 over release 1 is
// recorded once; each input is a list of edits to that frame sequence (flip a byte, drop,
// duplicate or move a frame, inject raw bytes) that is then played to a simulated device.
// Whatever arrives, the device must afterwards boot a valid image, release 1 or 2, and
// never anything else: no crash, no brick, no unsigned image.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "tinyops/fleet/manifest.hpp"
#include "tinyops/fleet/sim_device.hpp"
#include "tinyops/fleet/update_session.hpp"

using namespace tinyops::fleet;

namespace {

struct World {
  PublicKey public_key{};
  uint8_t secret[crypto_sign_SECRETKEYBYTES]{};
  SimDeviceOptions options;
  std::vector<uint8_t> base;                  // flash with release 1 confirmed
  std::vector<std::vector<uint8_t>> frames;   // the frames that install release 2

  std::pair<std::vector<uint8_t>, std::vector<uint8_t>> release(uint32_t sequence, size_t size) {
    std::vector<uint8_t> image(size);
    for (size_t i = 0; i < size; ++i) image[i] = static_cast<uint8_t>(i * 31u + sequence);
    Manifest m;
    m.sequence = sequence;
    m.class_id = "nano33ble";
    crypto_hash_sha256(m.image_digest.data(), image.data(), image.size());
    m.image_size = size;
    m.smoke_input = {9, 8, 7};
    m.smoke_output = m.smoke_input;
    Envelope e;
    e.manifest = encode_manifest(m);
    crypto_sign_detached(e.signature.data(), nullptr, e.manifest.data(), e.manifest.size(), secret);
    e.key_id = key_id_of(public_key);
    return {encode_envelope(e), image};
  }

  static void play(SimDevice& device, UpdateSession& session, std::vector<std::vector<uint8_t>>* log) {
    FrameReader reader;
    std::vector<uint8_t> next = session.begin();
    while (!next.empty()) {
      if (log) log->push_back(next);
      const auto replies = reader.feed(device.receive(next));
      next.clear();
      for (const auto& r : replies)
        if (auto send = session.on_reply(r)) next = *send;
    }
  }

  World() {
    if (sodium_init() < 0) std::abort();
    uint8_t seed[32] = {42};
    crypto_sign_seed_keypair(public_key.data(), secret, seed);
    options.class_id = "nano33ble";
    options.trusted_key = public_key;
    options.layout = {256, 4, 16};
    options.model = [](uint32_t, std::span<const uint8_t> in) {
      return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>(in.begin(), in.end()));
    };
    SimFlash flash("", options.layout.flash_size(), options.layout.page_size);
    SimDevice device(options, flash);
    device.boot();
    auto [env1, img1] = release(1, 1500);
    Manifest m1 = decode_manifest(decode_envelope(env1).manifest);
    UpdateSession s1(env1, img1, m1.image_digest, 200);
    play(device, s1, nullptr);
    base.assign(flash.memory(), flash.memory() + flash.size());
    auto [env2, img2] = release(2, 2100);
    Manifest m2 = decode_manifest(decode_envelope(env2).manifest);
    UpdateSession s2(env2, img2, m2.image_digest, 200);
    play(device, s2, &frames);
    if (device.report().sequence != 2) std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  std::vector<std::vector<uint8_t>> frames = world.frames;
  // edits: [op, a, b] triples
  for (size_t i = 0; i + 3 <= size; i += 3) {
    if (frames.empty()) break;
    const size_t at = data[i + 1] % frames.size();
    switch (data[i] % 6) {
      case 0:  // an earlier edit may have cut this frame to nothing
        if (!frames[at].empty()) frames[at][data[i + 2] % frames[at].size()] ^= static_cast<uint8_t>(1u << (data[i + 2] % 8));
        break;
      case 1: frames.erase(frames.begin() + static_cast<long>(at)); break;
      case 2: frames.insert(frames.begin() + static_cast<long>(at), frames[data[i + 2] % frames.size()]); break;
      case 3: std::swap(frames[at], frames[data[i + 2] % frames.size()]); break;
      case 4: frames[at].resize(data[i + 2] % (frames[at].size() + 1)); break;
      default: {  // re-encode with a good CRC after changing a payload byte: only the agent can refuse it
        auto& f = frames[at];
        if (f.size() > 8) {
          std::vector<uint8_t> payload(f.begin() + 4, f.end() - 4);
          if (!payload.empty()) payload[data[i + 2] % payload.size()] ^= 0x80;
          f = encode_frame(f[1], payload);
        }
        break;
      }
    }
  }
  SimFlash flash("", world.options.layout.flash_size(), world.options.layout.page_size);
  flash.load(world.base);
  {
    SimDevice device(world.options, flash);
    device.boot();
    for (const auto& f : frames) (void)device.receive(f);
  }
  SimDevice device(world.options, flash);
  device.boot();
  const uint32_t running = device.report().sequence;
  if (device.booted_slot() == TINYOPS_NO_SLOT || (running != 1 && running != 2)) std::abort();
  return 0;
}
