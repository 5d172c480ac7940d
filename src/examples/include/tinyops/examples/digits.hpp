// The 8x8 handwritten digits (UCI optdigits, 1797 images, values 0..16) that Debian's
// python3-sklearn ships as digits.csv.gz, written out as PNG files for the bundled image
// example. No download: the CSV is read from the installed package. See docs/examples.md.
#pragma once

#include <cstdint>
#include <filesystem>

#include "tinyops/examples/report.hpp"

namespace tinyops::examples {

// Where python3-sklearn installs the CSV on Debian.
inline constexpr const char* kSklearnDigitsCsv =
    "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

struct DigitOptions {
  std::filesystem::path csv = kSklearnDigitsCsv;  // gzip or plain: 64 pixels then the label per row
  int64_t limit = 0;                              // write only the first N rows (0: all)
  ProgressCallback progress;                      // optional
};

// Writes OUT/<digit>/<digit>.RRRR.png, an 8-bit grayscale 8x8 PNG per row (RRRR the row
// number in the CSV, so names are stable), pixel = round(value * 255 / 16). Throws
// InputError when the CSV is missing (naming python3-sklearn) or malformed (naming the
// line and column).
GenerationReport generate_digits(const std::filesystem::path& out,
                                 const DigitOptions& options = {});

}  // namespace tinyops::examples
