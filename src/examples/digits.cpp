// 8x8 digits: digits.csv.gz (zlib) -> one grayscale PNG per row (libpng's simplified API).
#include "tinyops/examples/digits.hpp"

#include <png.h>
#include <zlib.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"

namespace tinyops::examples {

namespace fs = std::filesystem;

namespace {

constexpr int kSide = 8;
constexpr int kPixels = kSide * kSide;

struct DigitRow {
  std::array<uint8_t, kPixels> values{};  // 0..16
  int label = 0;
};

// The whole text of a gzip (or plain: zlib reads those transparently) file.
std::string read_gzip_text(const fs::path& path) {
  if (!fs::exists(path)) {
    throw InputError(path.string() +
                     ": not found; the digits example reads the CSV that Debian's "
                     "python3-sklearn package installs (`apt-get install python3-sklearn`), or "
                     "pass another copy of digits.csv.gz");
  }
  gzFile f = gzopen(path.c_str(), "rb");
  require(f != nullptr, path.string() + ": cannot open for reading");
  std::string text;
  std::array<char, 1 << 16> buf{};
  for (;;) {
    const int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int code = 0;
      const std::string why = gzerror(f, &code);
      gzclose(f);
      throw InputError(path.string() + ": corrupt gzip data (" + why + ")");
    }
    if (n == 0) break;
    text.append(buf.data(), static_cast<size_t>(n));
    require(text.size() < (size_t{1} << 28), path.string() + ": too large for a digits CSV");
  }
  gzclose(f);
  return text;
}

std::vector<DigitRow> parse_digits(const std::string& text, const fs::path& path) {
  std::vector<DigitRow> rows;
  size_t line_no = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    const std::string where = path.string() + ": line " + std::to_string(line_no);
    DigitRow row;
    size_t pos = 0;
    for (int col = 0; col <= kPixels; ++col) {
      require(pos <= line.size(), where + ": " + std::to_string(col) +
                                      " values, expected 65 (64 pixels then the label)");
      size_t comma = line.find(',', pos);
      if (comma == std::string_view::npos) comma = line.size();
      const std::string_view field = line.substr(pos, comma - pos);
      double v = 0;
      const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
      const bool is_number =
          ec == std::errc() && ptr == field.data() + field.size() && !field.empty();
      const int max = col < kPixels ? 16 : 9;
      require(is_number && v == std::floor(v) && v >= 0 && v <= max,
              where + ", column " + std::to_string(col + 1) + ": `" + std::string(field) +
                  "` is not an integer in 0.." + std::to_string(max));
      if (col < kPixels) {
        row.values[static_cast<size_t>(col)] = static_cast<uint8_t>(v);
      } else {
        row.label = static_cast<int>(v);
      }
      pos = comma + 1;
    }
    require(pos > line.size(), where + ": more than 65 values (64 pixels then the label)");
    rows.push_back(row);
  }
  require(!rows.empty(), path.string() + ": no rows");
  return rows;
}

std::vector<uint8_t> encode_png(const std::array<uint8_t, kPixels>& gray) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = kSide;
  image.height = kSide;
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  require(png_image_write_to_memory(&image, nullptr, &size, 0, gray.data(), 0, nullptr) != 0,
          std::string("libpng: ") + image.message);
  std::vector<uint8_t> bytes(size);
  require(png_image_write_to_memory(&image, bytes.data(), &size, 0, gray.data(), 0, nullptr) != 0,
          std::string("libpng: ") + image.message);
  bytes.resize(size);
  return bytes;
}

}  // namespace

GenerationReport generate_digits(const fs::path& out, const DigitOptions& options) {
  require(options.limit >= 0, "digits: limit must be >= 0");
  const std::vector<DigitRow> rows = parse_digits(read_gzip_text(options.csv), options.csv);
  const int64_t n = options.limit > 0
                        ? std::min<int64_t>(options.limit, static_cast<int64_t>(rows.size()))
                        : static_cast<int64_t>(rows.size());
  GenerationReport report;
  report.folder = out;
  for (int64_t i = 0; i < n; ++i) {
    const DigitRow& row = rows[static_cast<size_t>(i)];
    std::array<uint8_t, kPixels> gray{};
    for (size_t p = 0; p < gray.size(); ++p) {
      // value * 255 / 16, rounded half up, in integers: 16 -> 255, 8 -> 128.
      gray[p] = static_cast<uint8_t>((row.values[p] * 255 + 8) / 16);
    }
    const std::string label = std::to_string(row.label);
    char name[32];
    std::snprintf(name, sizeof name, "%s.%04lld.png", label.c_str(), static_cast<long long>(i));
    const fs::path dir = out / label;
    std::error_code ec;
    fs::create_directories(dir, ec);
    require(!ec, dir.string() + ": cannot create the folder (" + ec.message() + ")");
    formats::write_file(dir / name, encode_png(gray));
    ++report.files_per_label[label];
    if (options.progress) options.progress(i + 1, n);
  }
  return report;
}

}  // namespace tinyops::examples
