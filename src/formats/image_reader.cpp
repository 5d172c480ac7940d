// PNG through libpng's simplified API, JPEG through TurboJPEG; both decode from memory.
#include <png.h>
#include <turbojpeg.h>

#include <cstring>

#include "tinyops/core/error.hpp"
#include "tinyops/formats/sample_readers.hpp"

namespace tinyops::formats {

namespace {

constexpr int64_t kMaxPixels = 64LL * 1024 * 1024;  // 8192 x 8192: far beyond TinyML inputs

Sample image_sample(int32_t width, int32_t height, bool gray) {
  Sample s;
  s.kind = SampleKind::Image;
  s.width = width;
  s.height = height;
  s.frames = static_cast<int64_t>(width) * height;
  s.axes = gray ? std::vector<Axis>{{"gray", "8-bit"}}
                : std::vector<Axis>{{"R", "8-bit"}, {"G", "8-bit"}, {"B", "8-bit"}};
  s.pixels.resize(static_cast<size_t>(s.frames) * s.axes.size());
  return s;
}

Sample read_png(std::span<const uint8_t> bytes, const std::string& name) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) {
    const std::string why = image.message;
    png_image_free(&image);
    throw InputError(name + ": not a readable PNG (" + why + ")");
  }
  const bool gray = (image.format & PNG_FORMAT_FLAG_COLOR) == 0;
  const int64_t pixels = static_cast<int64_t>(image.width) * image.height;
  if (pixels <= 0 || pixels > kMaxPixels) {
    png_image_free(&image);
    throw InputError(name + ": image of " + std::to_string(image.width) + "x" +
                     std::to_string(image.height) + " pixels is empty or too large");
  }
  image.format = gray ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;  // alpha composited away
  Sample s = image_sample(static_cast<int32_t>(image.width), static_cast<int32_t>(image.height), gray);
  if (!png_image_finish_read(&image, nullptr, s.pixels.data(), 0, nullptr)) {
    const std::string why = image.message;
    png_image_free(&image);
    throw InputError(name + ": the PNG is damaged (" + why + ")");
  }
  return s;
}

Sample read_jpeg(std::span<const uint8_t> bytes, const std::string& name) {
  tjhandle tj = tjInitDecompress();
  if (!tj) throw std::runtime_error("cannot start the JPEG decoder");
  struct Closer {
    tjhandle h;
    ~Closer() { tjDestroy(h); }
  } closer{tj};
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(tj, bytes.data(), static_cast<unsigned long>(bytes.size()), &width,
                          &height, &subsampling, &colorspace) != 0) {
    throw InputError(name + ": not a readable JPEG (" + tjGetErrorStr2(tj) + ")");
  }
  const int64_t pixels = static_cast<int64_t>(width) * height;
  require(pixels > 0 && pixels <= kMaxPixels,
          name + ": image of " + std::to_string(width) + "x" + std::to_string(height) +
              " pixels is empty or too large");
  const bool gray = colorspace == TJCS_GRAY;
  Sample s = image_sample(width, height, gray);
  if (tjDecompress2(tj, bytes.data(), static_cast<unsigned long>(bytes.size()), s.pixels.data(),
                    width, 0, height, gray ? TJPF_GRAY : TJPF_RGB, TJFLAG_ACCURATEDCT) != 0 &&
      tjGetErrorCode(tj) == TJERR_FATAL) {
    throw InputError(name + ": the JPEG is damaged (" + tjGetErrorStr2(tj) + ")");
  }
  return s;
}

}  // namespace

Sample read_image(std::span<const uint8_t> bytes, const std::string& name) {
  static const uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPng, 8) == 0) return read_png(bytes, name);
  if (bytes.size() >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff)
    return read_jpeg(bytes, name);
  throw InputError(name + ": neither PNG nor JPEG (unknown signature); export the image as PNG");
}

}  // namespace tinyops::formats
