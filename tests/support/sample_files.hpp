// Sample files made in memory for tests: WAV bytes written by hand (so malformed variants
// are easy), PNG and JPEG through libpng and TurboJPEG.
#pragma once

#include <png.h>
#include <turbojpeg.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tinyops::test_samples {

inline void put(std::vector<uint8_t>& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// RIFF/WAVE with a fmt chunk (format 1 = PCM) and a data chunk of `frames` frames; each
// sample value is `value(i)` truncated to `bits`.
template <class F>
std::vector<uint8_t> wav(int rate, int channels, int bits, int frames, F value, uint16_t format = 1) {
  std::vector<uint8_t> data;
  for (int i = 0; i < frames * channels; ++i) {
    const int32_t v = value(i / channels);
    put(data, static_cast<uint32_t>(bits == 8 ? v + 128 : v), bits / 8);
  }
  std::vector<uint8_t> out = {'R', 'I', 'F', 'F'};
  put(out, static_cast<uint32_t>(36 + data.size()), 4);
  for (char c : std::string("WAVEfmt ")) out.push_back(static_cast<uint8_t>(c));
  put(out, 16, 4);
  put(out, format, 2);
  put(out, static_cast<uint32_t>(channels), 2);
  put(out, static_cast<uint32_t>(rate), 4);
  put(out, static_cast<uint32_t>(rate * channels * bits / 8), 4);
  put(out, static_cast<uint32_t>(channels * bits / 8), 2);
  put(out, static_cast<uint32_t>(bits), 2);
  for (char c : std::string("data")) out.push_back(static_cast<uint8_t>(c));
  put(out, static_cast<uint32_t>(data.size()), 4);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

inline std::vector<uint8_t> tone_wav(int rate, int frames, double hz = 440, double amplitude = 8000) {
  return wav(rate, 1, 16, frames, [&](int i) {
    return static_cast<int32_t>(std::lround(amplitude * std::sin(2 * M_PI * hz * i / rate)));
  });
}

// pixels: height x width x (1 or 3)
inline std::vector<uint8_t> png(int width, int height, bool gray, const std::vector<uint8_t>& pixels) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = gray ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr);
  std::vector<uint8_t> out(size);
  png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr);
  out.resize(size);
  return out;
}

inline std::vector<uint8_t> jpeg(int width, int height, bool gray, const std::vector<uint8_t>& pixels) {
  tjhandle tj = tjInitCompress();
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  tjCompress2(tj, pixels.data(), width, 0, height, gray ? TJPF_GRAY : TJPF_RGB, &buf, &size,
              gray ? TJSAMP_GRAY : TJSAMP_444, 95, 0);
  std::vector<uint8_t> out(buf, buf + size);
  tjFree(buf);
  tjDestroy(tj);
  return out;
}

}  // namespace tinyops::test_samples
