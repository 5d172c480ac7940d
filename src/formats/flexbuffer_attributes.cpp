#include "tinyops/formats/flexbuffer_attributes.hpp"

#include <flatbuffers/flexbuffers.h>

#include <cstring>
#include <limits>
#include <optional>

#include "tinyops/core/error.hpp"

namespace tinyops::formats {
namespace {

class Decoder {
 public:
  explicit Decoder(const std::string& where) : where_(where) {}

  [[noreturn]] void fail(const std::string& message) const {
    throw InputError(where_ + ": custom options " + message);
  }

  int64_t to_int64(const flexbuffers::Reference& r, const std::string& key) const {
    if (r.IsUInt()) {
      const uint64_t u = r.AsUInt64();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        fail("attribute '" + key + "' is " + std::to_string(u) + ", beyond int64");
      return static_cast<int64_t>(u);
    }
    if (r.IsBool()) return r.AsBool() ? 1 : 0;
    return r.AsInt64();
  }

  // A vector of numbers, or nullopt when an element is not a number. Works for untyped,
  // typed and fixed-size typed vectors alike (all index to a Reference).
  template <class V>
  std::optional<AttributeValue> numeric_vector(const V& v, const std::string& key) const {
    bool any_float = false;
    for (size_t i = 0; i < v.size(); ++i) {
      const flexbuffers::Reference e = v[i];
      if (e.IsFloat()) {
        any_float = true;
      } else if (!e.IsInt() && !e.IsUInt() && !e.IsBool()) {
        return std::nullopt;
      }
    }
    if (any_float) {
      std::vector<double> out;
      out.reserve(v.size());
      for (size_t i = 0; i < v.size(); ++i) out.push_back(v[i].AsDouble());
      return out;
    }
    std::vector<int64_t> out;
    out.reserve(v.size());
    for (size_t i = 0; i < v.size(); ++i) out.push_back(to_int64(v[i], key));
    return out;
  }

  std::optional<AttributeValue> value(const flexbuffers::Reference& r,
                                      const std::string& key) const {
    if (r.IsNull()) return std::nullopt;
    if (r.IsBool()) return r.AsBool();
    if (r.IsInt() || r.IsUInt()) return to_int64(r, key);
    if (r.IsFloat()) return r.AsDouble();
    if (r.IsString()) return r.AsString().str();
    if (r.IsMap() || r.IsBlob() || r.IsKey()) return std::nullopt;
    if (r.IsUntypedVector()) return numeric_vector(r.AsVector(), key);
    if (r.IsTypedVector()) return numeric_vector(r.AsTypedVector(), key);
    if (r.IsFixedTypedVector()) return numeric_vector(r.AsFixedTypedVector(), key);
    return std::nullopt;
  }

 private:
  const std::string& where_;
};

}  // namespace

Attributes decode_flexbuffer_attributes(std::span<const uint8_t> bytes, const std::string& where) {
  Attributes out;
  if (bytes.empty()) return out;
  Decoder decoder(where);
  // FlexBuffers' own verifier checks every offset, width, type and string terminator
  // reachable from the root, so the reads below stay inside the buffer.
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE ||
      !flexbuffers::VerifyBuffer(bytes.data(), bytes.size())) {
    decoder.fail("are not a valid FlexBuffer (" + std::to_string(bytes.size()) +
                 " bytes, truncated or corrupted): re-export the model");
  }
  const flexbuffers::Reference root = flexbuffers::GetRoot(bytes.data(), bytes.size());
  if (!root.IsMap()) decoder.fail("are a FlexBuffer but not a map of named options");
  const flexbuffers::Map map = root.AsMap();
  const flexbuffers::TypedVector keys = map.Keys();
  const flexbuffers::Vector values = map.Values();
  if (keys.size() != values.size())
    decoder.fail("have a map whose keys and values differ in count");
  for (size_t i = 0; i < keys.size(); ++i) {
    const flexbuffers::Reference key_ref = keys[i];
    if (!key_ref.IsKey()) decoder.fail("have a map key that is not a string");
    // flexbuffers 2.0.8's verifier does not prove a key's terminator lies inside the
    // buffer (a fuzzer found one that did not): bound the read ourselves.
    const char* raw = key_ref.AsKey();
    const auto* begin = reinterpret_cast<const char*>(bytes.data());
    if (raw < begin || raw >= begin + bytes.size()) decoder.fail("have a map key outside the buffer");
    const size_t room = static_cast<size_t>(begin + bytes.size() - raw);
    const size_t length = strnlen(raw, room);
    if (length == room) decoder.fail("have a map key without its terminating zero byte");
    std::string key(raw, length);
    if (key.empty()) decoder.fail("have an empty option name");
    if (out.count(key) != 0) decoder.fail("name option '" + key + "' twice");
    if (auto v = decoder.value(values[i], key)) out.emplace(std::move(key), std::move(*v));
  }
  return out;
}

}  // namespace tinyops::formats
