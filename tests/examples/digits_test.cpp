// The 8x8 digits: PNG pixels equal round(value * 255 / 16) of the CSV row, one folder per
// digit, stable names; a missing CSV names the Debian package; bad rows name the line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>

#include "../support/temp_dir.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/examples/digits.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/sample_readers.hpp"

namespace tinyops::examples {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;
using ::testing::HasSubstr;

// A gzip CSV of `rows` rows; pixel p of row r is (r + p) % 17, the label r % 10.
fs::path write_csv(const fs::path& dir, int rows) {
  const fs::path p = dir / "digits.csv.gz";
  gzFile f = gzopen(p.c_str(), "wb");
  for (int r = 0; r < rows; ++r) {
    std::string line;
    for (int i = 0; i < 64; ++i) line += std::to_string((r + i) % 17) + ",";
    line += std::to_string(r % 10) + "\n";
    gzwrite(f, line.data(), static_cast<unsigned>(line.size()));
  }
  gzclose(f);
  return p;
}

TEST(Digits, PixelsMatchTheCsv) {
  TempDir dir("digits");
  DigitOptions o;
  o.csv = write_csv(dir.path(), 23);
  const GenerationReport r = generate_digits(dir.path() / "out", o);
  EXPECT_EQ(r.total(), 23);
  EXPECT_EQ(r.files_per_label.at("0"), 3);
  EXPECT_EQ(r.files_per_label.at("9"), 2);
  for (int row = 0; row < 23; ++row) {
    const std::string label = std::to_string(row % 10);
    char name[32];
    std::snprintf(name, sizeof name, "%s.%04d.png", label.c_str(), row);
    const formats::Sample s = formats::read_sample_file(dir.path() / "out" / label / name);
    ASSERT_EQ(s.kind, formats::SampleKind::Image);
    ASSERT_EQ(s.width, 8);
    ASSERT_EQ(s.height, 8);
    ASSERT_EQ(s.axes.size(), 1u);  // grayscale
    for (int i = 0; i < 64; ++i) {
      const int v = (row + i) % 17;
      EXPECT_EQ(s.pixels[static_cast<size_t>(i)],
                static_cast<int>(std::lround(v * 255.0 / 16.0 + 1e-9)))
          << name << " pixel " << i;
    }
  }
}

TEST(Digits, DeterministicAndLimited) {
  TempDir dir("digits");
  DigitOptions o;
  o.csv = write_csv(dir.path(), 12);
  o.limit = 5;
  generate_digits(dir.path() / "a", o);
  const GenerationReport r = generate_digits(dir.path() / "b", o);
  EXPECT_EQ(r.total(), 5);
  EXPECT_EQ(formats::read_file(dir.path() / "a" / "3" / "3.0003.png"),
            formats::read_file(dir.path() / "b" / "3" / "3.0003.png"));
  EXPECT_FALSE(fs::exists(dir.path() / "a" / "5"));
}

TEST(Digits, MissingCsvNamesThePackage) {
  TempDir dir("digits");
  DigitOptions o;
  o.csv = dir.path() / "nope.csv.gz";
  try {
    generate_digits(dir.path() / "out", o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("python3-sklearn"));
  }
}

TEST(Digits, BadRowNamesLineAndColumn) {
  TempDir dir("digits");
  DigitOptions o;
  o.csv = dir.path() / "bad.csv";  // plain text works too
  std::string row;
  for (int i = 0; i < 64; ++i) row += "0,";
  std::ofstream(o.csv) << row << "4\n" << row.substr(0, row.size() - 2) << "17,4\n";
  try {
    generate_digits(dir.path() / "out", o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("line 2, column 64"));
    EXPECT_THAT(e.what(), HasSubstr("`17`"));
  }
  std::ofstream(o.csv) << row << "4\n"
                       << "1,2,3\n";
  EXPECT_THROW(generate_digits(dir.path() / "out", o), InputError);
}

// The real data set, when python3-sklearn is installed: 1797 images, about 180 per digit.
TEST(Digits, SklearnDigitsCsv) {
  if (!fs::exists(kSklearnDigitsCsv)) GTEST_SKIP() << "python3-sklearn is not installed";
  TempDir dir("digits");
  const GenerationReport r = generate_digits(dir.path(), {});
  EXPECT_EQ(r.total(), 1797);
  for (int d = 0; d <= 9; ++d) {
    EXPECT_GE(r.files_per_label.at(std::to_string(d)), 170) << d;
    EXPECT_LE(r.files_per_label.at(std::to_string(d)), 190) << d;
  }
  // Row 0 of the CSV is a 0 whose first row of pixels is 0,0,5,13,9,1,0,0.
  const formats::Sample s = formats::read_sample_file(dir.path() / "0" / "0.0000.png");
  const std::vector<uint8_t> first(s.pixels.begin(), s.pixels.begin() + 8);
  EXPECT_EQ(first, (std::vector<uint8_t>{0, 0, 80, 207, 143, 16, 0, 0}));
}

}  // namespace
}  // namespace tinyops::examples
