#include "tinyops/formats/sample.hpp"

#include <cstring>

#include "tinyops/core/error.hpp"

namespace tinyops::formats {

namespace {

constexpr char kMagic[8] = {'T', 'O', 'S', 'A', 'M', 'P', 'L', 'E'};
constexpr uint32_t kVersion = 1;

class Writer {
 public:
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  void u16(uint16_t v) { le(v, 2); }
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  void f64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    u64(bits);
  }
  void text(const std::string& s) {
    u16(static_cast<uint16_t>(s.size()));
    bytes(s.data(), s.size());
  }
  std::vector<uint8_t> out;

 private:
  void le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}
  const uint8_t* take(size_t n) {
    require(n <= b_.size() - pos_, "sample encoding is truncated at byte " + std::to_string(pos_));
    const uint8_t* p = b_.data() + pos_;
    pos_ += n;
    return p;
  }
  uint64_t le(int n) {
    const uint8_t* p = take(static_cast<size_t>(n));
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
    return v;
  }
  double f64() {
    const uint64_t bits = le(8);
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
  std::string text() {
    const size_t n = le(2);
    const uint8_t* p = take(n);
    return {reinterpret_cast<const char*>(p), n};
  }
  size_t left() const { return b_.size() - pos_; }

 private:
  std::span<const uint8_t> b_;
  size_t pos_ = 0;
};

}  // namespace

const char* to_string(SampleKind kind) {
  switch (kind) {
    case SampleKind::Audio:
      return "audio";
    case SampleKind::TimeSeries:
      return "timeseries";
    case SampleKind::Image:
      return "image";
  }
  return "unknown";
}

std::vector<uint8_t> encode_sample(const Sample& s) {
  Writer w;
  w.bytes(kMagic, 8);
  w.u32(kVersion);
  w.u32(static_cast<uint32_t>(s.kind));
  w.f64(s.interval_ms);
  w.u32(static_cast<uint32_t>(s.width));
  w.u32(static_cast<uint32_t>(s.height));
  w.u32(static_cast<uint32_t>(s.axes.size()));
  for (const Axis& a : s.axes) {
    w.text(a.name);
    w.text(a.units);
  }
  w.u64(static_cast<uint64_t>(s.frames));
  switch (s.kind) {
    case SampleKind::Audio:
      for (int16_t v : s.pcm) w.u16(static_cast<uint16_t>(v));
      break;
    case SampleKind::TimeSeries:
      for (float v : s.values) {
        uint32_t bits;
        std::memcpy(&bits, &v, 4);
        w.u32(bits);
      }
      break;
    case SampleKind::Image:
      w.bytes(s.pixels.data(), s.pixels.size());
      break;
  }
  return std::move(w.out);
}

Sample decode_sample(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  require(std::memcmp(r.take(8), kMagic, 8) == 0, "not a TinyOps sample encoding (bad magic)");
  require(r.le(4) == kVersion, "unknown sample encoding version");
  Sample s;
  const uint64_t kind = r.le(4);
  require(kind >= 1 && kind <= 3, "unknown sample kind " + std::to_string(kind));
  s.kind = static_cast<SampleKind>(kind);
  s.interval_ms = r.f64();
  s.width = static_cast<int32_t>(r.le(4));
  s.height = static_cast<int32_t>(r.le(4));
  const uint64_t axes = r.le(4);
  require(axes >= 1 && axes <= 4096, "sample has " + std::to_string(axes) + " axes");
  for (uint64_t i = 0; i < axes; ++i) {
    Axis a;
    a.name = r.text();
    a.units = r.text();
    s.axes.push_back(std::move(a));
  }
  s.frames = static_cast<int64_t>(r.le(8));
  const uint64_t frames = static_cast<uint64_t>(s.frames);
  const size_t element = s.kind == SampleKind::Audio ? 2 : s.kind == SampleKind::TimeSeries ? 4 : 1;
  const uint64_t count = s.kind == SampleKind::Audio ? frames : frames * axes;
  require(frames <= r.left() && count * element == r.left(),
          "sample payload size does not match its header");
  switch (s.kind) {
    case SampleKind::Audio:
      s.pcm.resize(count);
      for (auto& v : s.pcm) v = static_cast<int16_t>(r.le(2));
      break;
    case SampleKind::TimeSeries:
      s.values.resize(count);
      for (auto& v : s.values) {
        const uint32_t bits = static_cast<uint32_t>(r.le(4));
        std::memcpy(&v, &bits, 4);
      }
      break;
    case SampleKind::Image:
      require(static_cast<int64_t>(s.width) * s.height == s.frames, "image size mismatch");
      {
        const uint8_t* p = r.take(count);
        s.pixels.assign(p, p + count);
      }
      break;
  }
  return s;
}

}  // namespace tinyops::formats
