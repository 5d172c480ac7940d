// Synthetic keyword-spotting data: words spoken by espeak-ng in several English accents,
// voices, speeds and pitches, each placed at a random point of a one-second window and
// mixed with white, pink or brown noise at a random SNR, plus `_unknown_` (other words)
// and `_silence_` (noise only), in the style of Google's Speech Commands. The bundled
// keyword example is built from it. Needs the `espeak-ng` program (Debian package
// espeak-ng). See docs/examples.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tinyops/examples/report.hpp"

namespace tinyops::examples {

struct KeywordOptions {
  uint64_t seed = 1;
  std::vector<std::string> keywords = {"yes", "no", "up", "down", "left", "right"};
  // Words for `_unknown_`; words that are also keywords are left out.
  std::vector<std::string> unknown_words = {"on",   "off",   "stop",  "go",    "bed",   "bird",
                                            "cat",  "dog",   "happy", "house", "tree",  "wow",
                                            "zero", "one",   "two",   "three", "four",  "five",
                                            "six",  "seven", "eight", "nine",  "learn", "follow"};
  int32_t samples_per_keyword = 300;
  int32_t unknown_samples = 300;  // 0: no `_unknown_` label
  int32_t silence_samples = 200;  // 0: no `_silence_` label
  int32_t sample_rate_hz = 16000;
  double clip_s = 1.0;
  double min_snr_db = 5.0;  // speech-to-noise ratio, uniform in [min, max] dB
  double max_snr_db = 30.0;
  int32_t threads = 0;               // 0: all hardware threads
  std::string espeak = "espeak-ng";  // the program (looked up in PATH)
  ProgressCallback progress;         // optional
};

// Writes OUT/<label>/<label>.NNNN.wav (mono, 16-bit PCM, sample_rate_hz, clip_s long) for
// every keyword, `_unknown_` and `_silence_`. Throws InputError when espeak-ng is missing
// (naming the Debian package), fails on a word, or the options are out of range.
GenerationReport generate_keywords(const std::filesystem::path& out,
                                   const KeywordOptions& options = {});

}  // namespace tinyops::examples
