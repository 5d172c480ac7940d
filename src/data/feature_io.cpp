#include <cstring>
#include <nlohmann/json.hpp>

#include "tinyops/core/error.hpp"
#include "tinyops/data/features.hpp"
#include "tinyops/formats/little_endian.hpp"

namespace tinyops::data {

namespace {

template <class T>
void append(std::vector<uint8_t>& out, const std::vector<T>& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  out.insert(out.end(), p, p + v.size() * sizeof(T));  // little-endian hosts only (x86-64, arm64)
}

template <class T>
std::vector<T> take(std::span<const uint8_t> bytes, size_t& pos, size_t count) {
  require(count <= (bytes.size() - pos) / sizeof(T), "feature set bytes are truncated");
  std::vector<T> v(count);
  std::memcpy(v.data(), bytes.data() + pos, count * sizeof(T));
  pos += count * sizeof(T);
  return v;
}

}  // namespace

std::vector<uint8_t> encode_features(const FeatureSets& sets) {
  const nlohmann::json header = {{"format", "tinyops-features-1"},
                                 {"labels", sets.labels},
                                 {"shape", sets.training.shape},
                                 {"training", {{"examples", sets.training.size()}, {"sample_ids", sets.training.sample_ids}}},
                                 {"testing", {{"examples", sets.testing.size()}, {"sample_ids", sets.testing.sample_ids}}}};
  const std::string text = header.dump();
  std::vector<uint8_t> out;
  const uint32_t n = static_cast<uint32_t>(text.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  out.insert(out.end(), text.begin(), text.end());
  for (const FeatureMatrix* m : {&sets.training, &sets.testing}) {
    append(out, m->x);
    append(out, m->y);
  }
  return out;
}

FeatureSets decode_features(std::span<const uint8_t> bytes) {
  require(bytes.size() >= 4, "feature set bytes are truncated");
  const uint32_t n = formats::read_le32(bytes, 0);
  require(n <= bytes.size() - 4, "feature set bytes are truncated");
  FeatureSets sets;
  size_t pos = 4 + n;
  try {
    const nlohmann::json h = nlohmann::json::parse(bytes.begin() + 4, bytes.begin() + 4 + n);
    require(h.at("format") == "tinyops-features-1", "unknown feature set format");
    sets.labels = h.at("labels").get<std::vector<std::string>>();
    const auto shape = h.at("shape").get<std::vector<int32_t>>();
    require(shape.size() == 3, "feature shape must be H, W, C");
    const size_t per = static_cast<size_t>(shape[0]) * shape[1] * shape[2];
    for (auto [m, key] : {std::pair{&sets.training, "training"}, std::pair{&sets.testing, "testing"}}) {
      m->shape = shape;
      m->sample_ids = h.at(key).at("sample_ids").get<std::vector<std::string>>();
      const size_t examples = h.at(key).at("examples").get<size_t>();
      m->x = take<float>(bytes, pos, examples * per);
      m->y = take<int32_t>(bytes, pos, examples);
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("malformed feature set header: ") + e.what());
  }
  require(pos == bytes.size(), "feature set bytes have trailing data");
  return sets;
}

}  // namespace tinyops::data
