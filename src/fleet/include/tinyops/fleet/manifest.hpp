// Release manifests, modelled on SUIT (RFC 9019 architecture, RFC 9124 information model)
// and encoded in CBOR (RFC 8949): what a device needs to decide whether to install an image
// (who it is for, which image, that it is newer) and to test it once it runs, signed with
// Ed25519. docs/fleet.md has the byte format; firmware/agent decodes the same bytes.
//
//   envelope = [ manifest: bstr, signature: bstr .size 64, key id: bstr .size 8 ]
//   manifest = { 1: version (1), 2: sequence, 3: vendor, 4: class id (board), 5: image
//                SHA-256, 6: image size, 7: model id, 8: lineage id, 9: farm report id,
//                10: { 1: smoke input, 2: expected smoke output }, 11: created (RFC 3339) }
//
// The signature covers the manifest bstr's bytes exactly as they travel, so a device checks
// it before decoding a single field of the manifest.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tinyops/fleet/keys.hpp"

namespace tinyops::fleet {

constexpr uint64_t kManifestVersion = 1;

struct Manifest {
  uint64_t version = kManifestVersion;
  uint64_t sequence = 0;  // anti-rollback: a device installs only a higher one
  std::string vendor = "tinyops";
  std::string class_id;  // the board profile's name
  std::array<uint8_t, 32> image_digest{};
  uint64_t image_size = 0;
  std::string model_id, lineage_id, farm_report_id;
  std::vector<uint8_t> smoke_input, smoke_output;  // the output must come out bit-exact
  std::string created;
};

struct Envelope {
  std::vector<uint8_t> manifest;  // the encoded manifest, as signed
  Signature signature{};
  KeyId key_id{};
};

std::vector<uint8_t> encode_manifest(const Manifest& m);
// InputError naming the field for malformed bytes, a missing required field (1-6, 10) or
// a version this build does not know. Unknown keys are skipped.
Manifest decode_manifest(std::span<const uint8_t> bytes);

std::vector<uint8_t> encode_envelope(const Envelope& e);
Envelope decode_envelope(std::span<const uint8_t> bytes);

// The envelope of `m` signed with `key`.
std::vector<uint8_t> sign_manifest(const Manifest& m, const SigningKey& key);
// Decodes an envelope and checks it against `public_key`: InputError when the key id is
// another key's or the signature does not verify, before the manifest is decoded.
Manifest open_envelope(std::span<const uint8_t> envelope, const PublicKey& public_key);

}  // namespace tinyops::fleet
