// Keyword clips from espeak-ng: deterministic, one second, a word that stands out of the
// noise, noise-only silence, and a clear error when espeak-ng is missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "../support/temp_dir.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/examples/keywords.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/sample_readers.hpp"

namespace tinyops::examples {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;
using ::testing::HasSubstr;

bool have_espeak() {
  return fs::exists("/usr/bin/espeak-ng") || fs::exists("/usr/local/bin/espeak-ng");
}

KeywordOptions small(uint64_t seed = 3) {
  KeywordOptions o;
  o.seed = seed;
  o.keywords = {"yes", "no"};
  o.samples_per_keyword = 6;
  o.unknown_samples = 4;
  o.silence_samples = 3;
  o.threads = 2;
  return o;
}

std::vector<fs::path> files_under(const fs::path& root) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// RMS of the loudest and the quietest 100 ms of a clip.
std::pair<double, double> loudest_quietest(const std::vector<int16_t>& pcm) {
  double hi = 0, lo = 1e18;
  for (size_t start = 0; start + 1600 <= pcm.size(); start += 400) {
    double p = 0;
    for (size_t i = start; i < start + 1600; ++i) p += static_cast<double>(pcm[i]) * pcm[i];
    const double rms = std::sqrt(p / 1600);
    hi = std::max(hi, rms);
    lo = std::min(lo, rms);
  }
  return {hi, lo};
}

TEST(Keywords, CountsLayoutAndOneSecondClips) {
  if (!have_espeak()) GTEST_SKIP() << "espeak-ng is not installed";
  TempDir dir("kw");
  int64_t last = 0;
  KeywordOptions o = small();
  o.progress = [&](int64_t done, int64_t total) {
    EXPECT_EQ(total, 19);
    EXPECT_EQ(done, last + 1);
    last = done;
  };
  const GenerationReport r = generate_keywords(dir.path(), o);
  EXPECT_EQ(last, 19);
  EXPECT_EQ(r.total(), 19);
  EXPECT_EQ(r.files_per_label.at("yes"), 6);
  EXPECT_EQ(r.files_per_label.at("no"), 6);
  EXPECT_EQ(r.files_per_label.at("_unknown_"), 4);
  EXPECT_EQ(r.files_per_label.at("_silence_"), 3);
  const auto names = files_under(dir.path());
  ASSERT_EQ(names.size(), 19u);  // no temporary files left behind
  for (const auto& n : names) {
    EXPECT_EQ(n.filename().string().substr(0, n.filename().string().find('.')),
              n.parent_path().string());
    const formats::Sample s = formats::read_sample_file(dir.path() / n);
    ASSERT_EQ(s.kind, formats::SampleKind::Audio);
    EXPECT_EQ(s.frames, 16000) << n;
    EXPECT_DOUBLE_EQ(s.duration_ms(), 1000.0) << n;
    // Raw bytes: a canonical 16 kHz mono 16-bit header, so nothing was resampled on import.
    const auto bytes = formats::read_file(dir.path() / n);
    EXPECT_EQ(bytes.size(), 44u + 32000u);
    EXPECT_EQ(bytes[24] | bytes[25] << 8, 16000);
  }
}

TEST(Keywords, WordsStandOutSilenceIsFlat) {
  if (!have_espeak()) GTEST_SKIP() << "espeak-ng is not installed";
  TempDir dir("kw");
  KeywordOptions o = small(11);
  o.min_snr_db = 20;  // fixed SNR range: the word must be well above the noise floor
  o.max_snr_db = 20;
  generate_keywords(dir.path(), o);
  for (const auto& n : files_under(dir.path())) {
    const formats::Sample s = formats::read_sample_file(dir.path() / n);
    const auto [hi, lo] = loudest_quietest(s.pcm);
    if (n.parent_path() == "_silence_") {
      EXPECT_LT(hi, 3 * lo + 20) << n;   // stationary noise
      EXPECT_LT(hi, 0.15 * 32768) << n;  // -25 dBFS at most, brown noise wanders
    } else {
      EXPECT_GT(hi, 3 * lo) << n;         // a word rises above the noise
      EXPECT_GT(hi, 0.003 * 32768) << n;  // and is audible
    }
  }
}

TEST(Keywords, SameSeedSameBytesWhateverTheThreads) {
  if (!have_espeak()) GTEST_SKIP() << "espeak-ng is not installed";
  TempDir a("kw-a"), b("kw-b"), c("kw-c");
  KeywordOptions o = small(5);
  o.threads = 1;
  generate_keywords(a.path(), o);
  o.threads = 3;
  generate_keywords(b.path(), o);
  generate_keywords(c.path(), small(6));
  const auto names = files_under(a.path());
  ASSERT_EQ(names, files_under(b.path()));
  int differ = 0;
  for (const auto& n : names) {
    EXPECT_EQ(formats::read_file(a.path() / n), formats::read_file(b.path() / n)) << n;
    differ += formats::read_file(a.path() / n) != formats::read_file(c.path() / n);
  }
  EXPECT_EQ(differ, static_cast<int>(names.size()));
}

TEST(Keywords, MissingProgramNamesThePackage) {
  TempDir dir("kw");
  KeywordOptions o = small();
  o.espeak = "espeak-ng-not-installed-here";
  try {
    generate_keywords(dir.path(), o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("apt-get install espeak-ng"));
  }
}

TEST(Keywords, RejectsBadWordsAndOptions) {
  TempDir dir("kw");
  KeywordOptions o = small();
  o.keywords = {"yes", "-v"};
  EXPECT_THROW(generate_keywords(dir.path(), o), InputError);
  o.keywords = {"Yes.wav"};
  EXPECT_THROW(generate_keywords(dir.path(), o), InputError);
  o = small();
  o.keywords = {"yes", "yes"};
  EXPECT_THROW(generate_keywords(dir.path(), o), InputError);
  o = small();
  o.min_snr_db = 30;
  o.max_snr_db = 5;
  EXPECT_THROW(generate_keywords(dir.path(), o), InputError);
}

}  // namespace
}  // namespace tinyops::examples
