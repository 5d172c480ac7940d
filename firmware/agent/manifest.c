#include "manifest.h"

#include <string.h>

#include "ed25519.h"

enum { MAX_DEPTH = 8 };
enum { KEY_VERSION = 1, KEY_SEQUENCE = 2, KEY_VENDOR = 3, KEY_CLASS = 4, KEY_DIGEST = 5,
       KEY_SIZE = 6, KEY_MODEL = 7, KEY_LINEAGE = 8, KEY_FARM_REPORT = 9, KEY_SMOKE = 10,
       KEY_CREATED = 11 };

int tinyops_span_equals(tinyops_span a, const char *text) {
  size_t n = strlen(text);
  return a.length == n && (n == 0u || memcmp(a.bytes, text, n) == 0);
}

static int read_u32(tinyops_cbor *c, uint32_t *value) {
  uint64_t v;
  if (!tinyops_cbor_uint(c, &v) || v > 0xffffffffu) return 0;
  *value = (uint32_t)v;
  return 1;
}

static int read_smoke(tinyops_cbor *c, tinyops_manifest *m, uint32_t *seen) {
  uint32_t pairs, i;
  if (!tinyops_cbor_map(c, &pairs)) return 0;
  for (i = 0; i < pairs; ++i) {
    uint64_t key;
    if (!tinyops_cbor_uint(c, &key)) return 0;
    if (key == 1u) {
      if (!tinyops_cbor_bytes(c, &m->smoke_input)) return 0;
      *seen |= 1u;
    } else if (key == 2u) {
      if (!tinyops_cbor_bytes(c, &m->smoke_output)) return 0;
      *seen |= 2u;
    } else if (!tinyops_cbor_skip(c, MAX_DEPTH)) {
      return 0;
    }
  }
  return 1;
}

tinyops_agent_reason tinyops_manifest_decode(const uint8_t *bytes, uint32_t length,
                                             tinyops_manifest *out) {
  tinyops_cbor c;
  uint32_t pairs, i, seen = 0, smoke_seen = 0;
  const uint32_t required = (1u << KEY_VERSION) | (1u << KEY_SEQUENCE) | (1u << KEY_VENDOR) |
                            (1u << KEY_CLASS) | (1u << KEY_DIGEST) | (1u << KEY_SIZE) |
                            (1u << KEY_SMOKE);
  memset(out, 0, sizeof *out);
  tinyops_cbor_begin(&c, bytes, length);
  if (!tinyops_cbor_map(&c, &pairs)) return TINYOPS_REJECT_MALFORMED;
  for (i = 0; i < pairs; ++i) {
    uint64_t key;
    int ok;
    if (!tinyops_cbor_uint(&c, &key)) return TINYOPS_REJECT_MALFORMED;
    if (key >= 1u && key <= 11u) {
      if (seen & (1u << key)) return TINYOPS_REJECT_MALFORMED; /* a key given twice */
      seen |= 1u << key;
    }
    switch (key) {
      case KEY_VERSION: ok = read_u32(&c, &out->version); break;
      case KEY_SEQUENCE: ok = read_u32(&c, &out->sequence); break;
      case KEY_VENDOR: ok = tinyops_cbor_text(&c, &out->vendor); break;
      case KEY_CLASS: ok = tinyops_cbor_text(&c, &out->class_id); break;
      case KEY_DIGEST: ok = tinyops_cbor_bytes(&c, &out->image_digest) &&
                            out->image_digest.length == 32u; break;
      case KEY_SIZE: ok = read_u32(&c, &out->image_size); break;
      case KEY_MODEL: ok = tinyops_cbor_text(&c, &out->model_id); break;
      case KEY_LINEAGE: ok = tinyops_cbor_text(&c, &out->lineage_id); break;
      case KEY_FARM_REPORT: ok = tinyops_cbor_text(&c, &out->farm_report_id); break;
      case KEY_SMOKE: ok = read_smoke(&c, out, &smoke_seen) && smoke_seen == 3u; break;
      case KEY_CREATED: ok = tinyops_cbor_text(&c, &out->created); break;
      default: ok = tinyops_cbor_skip(&c, MAX_DEPTH); break; /* newer hosts may add fields */
    }
    if (!ok) return TINYOPS_REJECT_MALFORMED;
  }
  if (!tinyops_cbor_at_end(&c) || (seen & required) != required) return TINYOPS_REJECT_MALFORMED;
  if (out->version != TINYOPS_MANIFEST_VERSION) return TINYOPS_REJECT_VERSION;
  return TINYOPS_AGENT_OK;
}

tinyops_agent_reason tinyops_envelope_open(const uint8_t *envelope, uint32_t length,
                                           const tinyops_trust *trust, tinyops_manifest *out) {
  tinyops_cbor c;
  uint32_t items;
  tinyops_span manifest, signature, key_id;
  tinyops_cbor_begin(&c, envelope, length);
  if (!tinyops_cbor_array(&c, &items) || items != 3u || !tinyops_cbor_bytes(&c, &manifest) ||
      !tinyops_cbor_bytes(&c, &signature) || signature.length != 64u ||
      !tinyops_cbor_bytes(&c, &key_id) || key_id.length != 8u || !tinyops_cbor_at_end(&c))
    return TINYOPS_REJECT_MALFORMED;
  if (memcmp(key_id.bytes, trust->key_id, 8u) != 0) return TINYOPS_REJECT_UNKNOWN_KEY;
  if (!tinyops_ed25519_verify(signature.bytes, manifest.bytes, manifest.length,
                              trust->public_key))
    return TINYOPS_REJECT_SIGNATURE;
  return tinyops_manifest_decode(manifest.bytes, manifest.length, out);
}
