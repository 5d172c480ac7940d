// Arbitrary bytes into the device agent's manifest decoder and envelope check (C99, what
// devices run) and into the host's (libcbor). Whatever the device accepts, the host must
// read the same way: the two decoders of one format may not disagree on a manifest.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "tinyops/core/error.hpp"
#include "tinyops/fleet/manifest.hpp"

extern "C" {
#include "manifest.h"
}

namespace {

bool same(tinyops_span a, const std::string& b) {
  return a.length == b.size() && (b.empty() || std::memcmp(a.bytes, b.data(), b.size()) == 0);
}

bool same(tinyops_span a, const std::vector<uint8_t>& b) {
  return a.length == b.size() && (b.empty() || std::memcmp(a.bytes, b.data(), b.size()) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1u << 20) return 0;
  const auto n = static_cast<uint32_t>(size);
  tinyops_manifest m;
  const tinyops_agent_reason device = tinyops_manifest_decode(data, n, &m);

  static const uint8_t key[32] = {1, 2, 3};
  static const uint8_t key_id[8] = {4, 5, 6};
  const tinyops_trust trust = {key, key_id};
  tinyops_manifest opened;
  (void)tinyops_envelope_open(data, n, &trust, &opened);
  tinyops_cbor c;
  tinyops_cbor_begin(&c, data, n);
  (void)tinyops_cbor_skip(&c, 16);

  try {
    (void)tinyops::fleet::decode_envelope({data, size});
  } catch (const tinyops::InputError&) {
  }
  try {
    const auto host = tinyops::fleet::decode_manifest({data, size});
    if (device == TINYOPS_AGENT_OK &&
        (host.sequence != m.sequence || host.image_size != m.image_size ||
         !same(m.class_id, host.class_id) || !same(m.smoke_input, host.smoke_input) ||
         !same(m.smoke_output, host.smoke_output) ||
         std::memcmp(m.image_digest.bytes, host.image_digest.data(), 32) != 0))
      std::abort();  // both read it, differently
  } catch (const tinyops::InputError&) {
    // the device may refuse what the host reads (it is stricter), never accept what the
    // host refuses
    if (device == TINYOPS_AGENT_OK) std::abort();
  }
  return 0;
}
