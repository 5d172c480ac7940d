// One data sample as TinyOps stores it, whatever file it came from: audio (mono int16 PCM
// at the workspace's sample rate), a multi-axis time series (float values per time step),
// or an image (8-bit grayscale or RGB). encode_sample gives its canonical bytes, whose
// sha256 is the sample's id, so the same recording imported twice is one sample.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tinyops::formats {

enum class SampleKind : uint32_t { Audio = 1, TimeSeries = 2, Image = 3 };
const char* to_string(SampleKind kind);

struct Axis {
  std::string name;
  std::string units;
  bool operator==(const Axis&) const = default;
};

struct Sample {
  SampleKind kind = SampleKind::TimeSeries;
  double interval_ms = 0;        // time between steps (audio: 1000 / rate); 0 for images
  std::vector<Axis> axes;        // one per channel
  int64_t frames = 0;            // time steps, or width * height pixels
  int32_t width = 0, height = 0;  // images only
  std::vector<int16_t> pcm;      // audio: frames values
  std::vector<float> values;     // time series: frames x axes, step-major
  std::vector<uint8_t> pixels;   // image: height x width x axes
  bool operator==(const Sample&) const = default;

  double duration_ms() const { return interval_ms * static_cast<double>(frames); }
};

// Little-endian, versioned, deterministic: equal samples give equal bytes.
std::vector<uint8_t> encode_sample(const Sample& sample);
// Throws InputError when the bytes are not a well-formed encoding.
Sample decode_sample(std::span<const uint8_t> bytes);

}  // namespace tinyops::formats
