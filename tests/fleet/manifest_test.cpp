// Release manifests and envelopes: round trips, and every way a changed byte is caught.
#include "tinyops/fleet/manifest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../support/expect_error.hpp"
#include "../support/temp_dir.hpp"

namespace tinyops::fleet {
namespace {

using test_support::error_of;
using test_support::TempDir;
using ::testing::HasSubstr;

Manifest sample() {
  Manifest m;
  m.sequence = 7;
  m.class_id = "nano33ble";
  for (size_t i = 0; i < m.image_digest.size(); ++i) m.image_digest[i] = static_cast<uint8_t>(i * 7);
  m.image_size = 123456;
  m.model_id = std::string(64, 'a');
  m.lineage_id = std::string(64, 'b');
  m.farm_report_id = std::string(64, 'c');
  m.smoke_input = {1, 2, 3};
  m.smoke_output = {250, 0};
  m.created = "2026-12-04T05:00:00Z";
  return m;
}

void expect_same(const Manifest& a, const Manifest& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.sequence, b.sequence);
  EXPECT_EQ(a.vendor, b.vendor);
  EXPECT_EQ(a.class_id, b.class_id);
  EXPECT_EQ(a.image_digest, b.image_digest);
  EXPECT_EQ(a.image_size, b.image_size);
  EXPECT_EQ(a.model_id, b.model_id);
  EXPECT_EQ(a.lineage_id, b.lineage_id);
  EXPECT_EQ(a.farm_report_id, b.farm_report_id);
  EXPECT_EQ(a.smoke_input, b.smoke_input);
  EXPECT_EQ(a.smoke_output, b.smoke_output);
  EXPECT_EQ(a.created, b.created);
}

TEST(Manifest, RoundTripsThroughCbor) {
  const Manifest m = sample();
  const std::vector<uint8_t> bytes = encode_manifest(m);
  EXPECT_EQ(bytes[0], 0xab) << "a definite map of 11 pairs";
  expect_same(decode_manifest(bytes), m);
}

TEST(Manifest, RefusesMalformedOrIncompleteManifests) {
  std::vector<uint8_t> bytes = encode_manifest(sample());
  bytes.push_back(0x00);
  EXPECT_THAT(error_of([&] { decode_manifest(bytes); }), HasSubstr("bytes after the CBOR item"));
  bytes.pop_back();
  bytes.resize(bytes.size() - 3);
  EXPECT_THAT(error_of([&] { decode_manifest(bytes); }), HasSubstr("longer than the bytes left"));
  // {1: 1, 2: 5}: most required fields missing.
  EXPECT_THAT(error_of([&] { decode_manifest(std::vector<uint8_t>{0xa2, 0x01, 0x01, 0x02, 0x05}); }),
              HasSubstr("required field 3 is missing"));
  Manifest future = sample();
  future.version = 2;
  EXPECT_THAT(error_of([&] { decode_manifest(encode_manifest(future)); }), HasSubstr("version 2"));
  // The sequence as a text string.
  std::vector<uint8_t> typed = {0xa1, 0x02, 0x61, 0x37};
  EXPECT_THAT(error_of([&] { decode_manifest(typed); }), HasSubstr("field 2: expected an unsigned integer"));
}

TEST(Manifest, AHeaderClaimingHugeSizesIsRefusedBeforeAnythingIsAllocated) {
  // An array of 2^62 entries, a map of 2^32 and a byte string of 2^40 bytes, each in a
  // few bytes.
  for (const std::vector<uint8_t>& bytes :
       {std::vector<uint8_t>{0x9b, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x01},
        std::vector<uint8_t>{0xba, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01},
        std::vector<uint8_t>{0x5b, 0, 0, 0x01, 0, 0, 0, 0, 0, 0x00}}) {
    EXPECT_THAT(error_of([&] { decode_manifest(bytes); }), HasSubstr("bytes left"));
    EXPECT_THAT(error_of([&] { decode_envelope(bytes); }), HasSubstr("bytes left"));
  }
  EXPECT_THAT(error_of([&] { decode_manifest(std::vector<uint8_t>(40, 0x81)); }),
              HasSubstr("nested deeper"));
}

TEST(Manifest, SkipsKeysItDoesNotKnow) {
  std::vector<uint8_t> bytes = encode_manifest(sample());
  ASSERT_EQ(bytes[0], 0xab);
  bytes[0] = 0xac;  // 12 pairs: append 99: "x"
  for (uint8_t b : {0x18, 0x63, 0x61, 0x78}) bytes.push_back(b);
  expect_same(decode_manifest(bytes), sample());
}

TEST(Envelope, OpensWithTheSigningKeyOnly) {
  TempDir tmp("manifest");
  store::Workspace ws = store::Workspace::init(tmp.path());
  const SigningKey key = create_key(ws, "k"), other = create_key(ws, "other");
  const std::vector<uint8_t> envelope = sign_manifest(sample(), key);
  expect_same(open_envelope(envelope, key.public_key), sample());
  const Envelope e = decode_envelope(envelope);
  EXPECT_EQ(e.key_id, key.id);
  EXPECT_EQ(e.manifest, encode_manifest(sample()));
  EXPECT_THAT(error_of([&] { open_envelope(envelope, other.public_key); }),
              HasSubstr("signed by key " + hex(key.id)));
  // Someone else's signature under our key id.
  Envelope forged = e;
  forged.signature = sign(other, e.manifest);
  EXPECT_THAT(error_of([&] { open_envelope(encode_envelope(forged), key.public_key); }),
              HasSubstr("does not verify"));
}

TEST(Envelope, EveryFlippedByteIsRefused) {
  TempDir tmp("manifest");
  store::Workspace ws = store::Workspace::init(tmp.path());
  const SigningKey key = create_key(ws, "k");
  const std::vector<uint8_t> envelope = sign_manifest(sample(), key);
  for (size_t i = 0; i < envelope.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80}) {
      std::vector<uint8_t> bad = envelope;
      bad[i] ^= mask;
      EXPECT_THROW(open_envelope(bad, key.public_key), InputError) << "byte " << i << " ^ " << int(mask);
    }
  }
  for (size_t n = 0; n < envelope.size(); ++n) {
    const std::vector<uint8_t> cut(envelope.begin(), envelope.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_THROW(open_envelope(cut, key.public_key), InputError) << "cut at " << n;
  }
}

}  // namespace
}  // namespace tinyops::fleet
