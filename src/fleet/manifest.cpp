#include "tinyops/fleet/manifest.hpp"

#include <cbor.h>

#include <memory>

#include "tinyops/core/error.hpp"

namespace tinyops::fleet {
namespace {

// Owns a libcbor item (libcbor counts references; one decref frees what we built or loaded).
struct Item {
  cbor_item_t* p = nullptr;
  explicit Item(cbor_item_t* item) : p(item) {
    if (p == nullptr) throw std::bad_alloc();
  }
  Item(const Item&) = delete;
  Item& operator=(const Item&) = delete;
  ~Item() {
    if (p != nullptr) cbor_decref(&p);
  }
};

cbor_item_t* bytes_item(std::span<const uint8_t> b) { return cbor_build_bytestring(b.data(), b.size()); }
cbor_item_t* text_item(const std::string& s) { return cbor_build_stringn(s.data(), s.size()); }

void put(cbor_item_t* map, uint8_t key, cbor_item_t* value) {
  if (value == nullptr ||
      !cbor_map_add(map, {.key = cbor_move(cbor_build_uint8(key)), .value = cbor_move(value)}))
    throw std::bad_alloc();
}

std::vector<uint8_t> serialize(const cbor_item_t* item) {
  unsigned char* buffer = nullptr;
  size_t size = 0;
  const size_t length = cbor_serialize_alloc(item, &buffer, &size);
  std::unique_ptr<unsigned char, decltype(&free)> owned(buffer, &free);
  if (length == 0) throw std::bad_alloc();
  return {buffer, buffer + length};
}

// Walks the item heads of `bytes` without building anything and refuses a string longer
// than the bytes left, or an array or map with more entries than bytes left: libcbor
// allocates a container's entries from its declared count before it reads them, so one
// changed header byte could ask for gigabytes. Returns the offset after the item.
size_t check_sizes(std::span<const uint8_t> bytes, size_t at, int depth, const std::string& what) {
  require(depth < 16, what + ": nested deeper than 16 levels");
  require(at < bytes.size(), what + ": ends inside an item (byte " + std::to_string(at) + ")");
  const uint8_t head = bytes[at++];
  const int major = head >> 5, info = head & 31;
  uint64_t value = info;
  if (info >= 24 && info <= 27) {
    const size_t n = size_t{1} << (info - 24);
    require(bytes.size() - at >= n, what + ": ends inside an item head");
    value = 0;
    for (size_t i = 0; i < n; ++i) value = value << 8 | bytes[at++];
  } else {
    require(info < 24 || (major == 7 && info <= 27),
            what + ": indefinite or reserved length at byte " + std::to_string(at - 1));
  }
  const uint64_t left = bytes.size() - at;
  switch (major) {
    case 2:
    case 3:
      require(value <= left, what + ": a string longer than the bytes left");
      return at + value;
    case 4:
    case 5: {
      const uint64_t items = major == 5 ? value * 2 : value;
      require(value <= left && items <= left, what + ": more entries than bytes left");
      for (uint64_t i = 0; i < items; ++i) at = check_sizes(bytes, at, depth + 1, what);
      return at;
    }
    case 6:
      return check_sizes(bytes, at, depth + 1, what);
    default:
      return at;
  }
}

// The whole of `bytes` as one CBOR item: trailing bytes are an error, as in the device's
// decoder.
cbor_item_t* load(std::span<const uint8_t> bytes, const std::string& what) {
  check_sizes(bytes, 0, 0, what);
  cbor_load_result result{};
  cbor_item_t* item = cbor_load(bytes.data(), bytes.size(), &result);
  if (item == nullptr)
    throw InputError(what + ": not valid CBOR (error at byte " +
                     std::to_string(result.error.position) + ")");
  if (result.read != bytes.size()) {
    cbor_decref(&item);
    throw InputError(what + ": " + std::to_string(bytes.size() - result.read) +
                     " bytes after the CBOR item");
  }
  return item;
}

std::vector<uint8_t> bytes_of(const cbor_item_t* v, const std::string& what) {
  require(cbor_isa_bytestring(v) && cbor_bytestring_is_definite(v), what + ": expected a byte string");
  const uint8_t* data = cbor_bytestring_handle(v);
  return {data, data + cbor_bytestring_length(v)};
}

std::string text_of(const cbor_item_t* v, const std::string& what) {
  require(cbor_isa_string(v) && cbor_string_is_definite(v), what + ": expected a text string");
  return {reinterpret_cast<const char*>(cbor_string_handle(v)), cbor_string_length(v)};
}

uint64_t uint_of(const cbor_item_t* v, const std::string& what) {
  require(cbor_isa_uint(v), what + ": expected an unsigned integer");
  return cbor_get_int(v);
}

template <size_t N>
std::array<uint8_t, N> fixed_bytes(const cbor_item_t* v, const std::string& what) {
  const std::vector<uint8_t> b = bytes_of(v, what);
  require(b.size() == N, what + ": expected " + std::to_string(N) + " bytes, got " +
                             std::to_string(b.size()));
  std::array<uint8_t, N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

}  // namespace

std::vector<uint8_t> encode_manifest(const Manifest& m) {
  Item smoke(cbor_new_definite_map(2));
  put(smoke.p, 1, bytes_item(m.smoke_input));
  put(smoke.p, 2, bytes_item(m.smoke_output));
  Item map(cbor_new_definite_map(11));
  put(map.p, 1, cbor_build_uint64(m.version));
  put(map.p, 2, cbor_build_uint64(m.sequence));
  put(map.p, 3, text_item(m.vendor));
  put(map.p, 4, text_item(m.class_id));
  put(map.p, 5, bytes_item(m.image_digest));
  put(map.p, 6, cbor_build_uint64(m.image_size));
  put(map.p, 7, text_item(m.model_id));
  put(map.p, 8, text_item(m.lineage_id));
  put(map.p, 9, text_item(m.farm_report_id));
  put(map.p, 10, cbor_incref(smoke.p));
  put(map.p, 11, text_item(m.created));
  return serialize(map.p);
}

Manifest decode_manifest(std::span<const uint8_t> bytes) {
  Item item(load(bytes, "manifest"));
  require(cbor_isa_map(item.p) && cbor_map_is_definite(item.p), "manifest: expected a map");
  Manifest m;
  uint32_t seen = 0;
  const cbor_pair* pairs = cbor_map_handle(item.p);
  for (size_t i = 0; i < cbor_map_size(item.p); ++i) {
    if (!cbor_isa_uint(pairs[i].key)) continue;  // unknown keys are skipped
    const uint64_t key = cbor_get_int(pairs[i].key);
    const cbor_item_t* v = pairs[i].value;
    const std::string what = "manifest field " + std::to_string(key);
    if (key >= 1 && key <= 11) {
      require(!(seen & (1u << key)), what + ": given twice");
      seen |= 1u << key;
    }
    switch (key) {
      case 1: m.version = uint_of(v, what); break;
      case 2: m.sequence = uint_of(v, what); break;
      case 3: m.vendor = text_of(v, what); break;
      case 4: m.class_id = text_of(v, what); break;
      case 5: m.image_digest = fixed_bytes<32>(v, what); break;
      case 6: m.image_size = uint_of(v, what); break;
      case 7: m.model_id = text_of(v, what); break;
      case 8: m.lineage_id = text_of(v, what); break;
      case 9: m.farm_report_id = text_of(v, what); break;
      case 10: {
        require(cbor_isa_map(v) && cbor_map_is_definite(v), what + " (smoke test): expected a map");
        const cbor_pair* sp = cbor_map_handle(v);
        for (size_t j = 0; j < cbor_map_size(v); ++j) {
          if (!cbor_isa_uint(sp[j].key)) continue;
          const uint64_t k = cbor_get_int(sp[j].key);
          if (k == 1) m.smoke_input = bytes_of(sp[j].value, "smoke test input");
          if (k == 2) m.smoke_output = bytes_of(sp[j].value, "smoke test output");
        }
        break;
      }
      case 11: m.created = text_of(v, what); break;
      default: break;
    }
  }
  for (uint32_t key : {1u, 2u, 3u, 4u, 5u, 6u, 10u})
    require(seen & (1u << key), "manifest: required field " + std::to_string(key) + " is missing");
  require(m.version == kManifestVersion,
          "manifest: version " + std::to_string(m.version) + " is not one this build reads (" +
              std::to_string(kManifestVersion) + ")");
  return m;
}

std::vector<uint8_t> encode_envelope(const Envelope& e) {
  Item array(cbor_new_definite_array(3));
  for (cbor_item_t* part : {bytes_item(e.manifest), bytes_item(e.signature), bytes_item(e.key_id)})
    if (part == nullptr || !cbor_array_push(array.p, cbor_move(part))) throw std::bad_alloc();
  return serialize(array.p);
}

Envelope decode_envelope(std::span<const uint8_t> bytes) {
  Item item(load(bytes, "release envelope"));
  require(cbor_isa_array(item.p) && cbor_array_is_definite(item.p) && cbor_array_size(item.p) == 3,
          "release envelope: expected an array of 3 (manifest, signature, key id)");
  Envelope e;
  Item manifest(cbor_array_get(item.p, 0)), signature(cbor_array_get(item.p, 1)),
      key_id(cbor_array_get(item.p, 2));
  e.manifest = bytes_of(manifest.p, "release envelope: manifest");
  e.signature = fixed_bytes<64>(signature.p, "release envelope: signature");
  e.key_id = fixed_bytes<8>(key_id.p, "release envelope: key id");
  return e;
}

std::vector<uint8_t> sign_manifest(const Manifest& m, const SigningKey& key) {
  Envelope e;
  e.manifest = encode_manifest(m);
  e.signature = sign(key, e.manifest);
  e.key_id = key.id;
  return encode_envelope(e);
}

Manifest open_envelope(std::span<const uint8_t> envelope, const PublicKey& public_key) {
  const Envelope e = decode_envelope(envelope);
  require(e.key_id == key_id_of(public_key),
          "release envelope: signed by key " + hex(e.key_id) + ", not by " +
              hex(key_id_of(public_key)));
  require(verify(public_key, e.manifest, e.signature),
          "release envelope: the signature does not verify: the manifest was changed after "
          "signing or signed by another key");
  return decode_manifest(e.manifest);
}

}  // namespace tinyops::fleet
