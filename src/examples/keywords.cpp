// Keyword clips: espeak-ng speech -> trimmed, resampled, placed in a one-second window,
// mixed with coloured noise at a random SNR; noise-only clips for `_silence_`.
#include "tinyops/examples/keywords.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include "espeak.hpp"
#include "random.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/sample_readers.hpp"

namespace tinyops::examples {

namespace fs = std::filesystem;

namespace {

// English accents of espeak-ng 1.51 (`espeak-ng --voices=en`) and voice variants that
// sound like people (the robotic and whispering variants are left out).
const std::vector<std::string> kAccents = {"en-gb",          "en-us",      "en-gb-scotland",
                                           "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd",
                                           "en-029",         "en-us-nyc"};
const std::vector<std::string> kVariants = {
    "",      "m1",     "m2",    "m3",    "m4",     "m5",      "m6",      "m7",
    "f1",    "f2",     "f3",    "f4",    "f5",     "klatt",   "klatt2",  "Andy",
    "Annie", "Denis",  "Gene",  "Jacky", "Lee",    "Michael", "belinda", "benjamin",
    "david", "edward", "linda", "steph", "travis", "victor"};

enum class Noise { White, Pink, Brown };

// Unit-RMS noise of the given colour. Pink: Voss-McCartney (16 rows, row k redrawn every
// 2^k samples, so each octave carries equal power); brown: leaky integration of white.
std::vector<double> make_noise(Random& rng, Noise kind, size_t n) {
  std::vector<double> v(n);
  if (kind == Noise::White) {
    for (auto& x : v) x = rng.normal();
  } else if (kind == Noise::Pink) {
    std::array<double, 16> rows{};
    for (auto& r : rows) r = rng.normal();
    for (size_t i = 0; i < n; ++i) {
      // The row to redraw is the number of trailing zeros of the counter.
      const auto k = static_cast<size_t>(std::countr_zero(static_cast<uint64_t>(i + 1)));
      if (k < rows.size()) rows[k] = rng.normal();
      double sum = rng.normal();
      for (double r : rows) sum += r;
      v[i] = sum;
    }
  } else {
    double b = 0;
    for (auto& x : v) {
      b = 0.995 * b + rng.normal();
      x = b;
    }
  }
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(n);
  double power = 0;
  for (auto& x : v) {
    x -= mean;
    power += x * x;
  }
  const double rms = std::sqrt(power / static_cast<double>(n));
  if (rms > 0) {
    for (auto& x : v) x /= rms;
  }
  return v;
}

double db_to_gain(double db) {
  return std::pow(10.0, db / 20.0);
}

// Mono 16-bit PCM WAV, the canonical 44-byte header.
std::vector<uint8_t> encode_wav(const std::vector<int16_t>& pcm, int32_t rate) {
  const auto data_bytes = static_cast<uint32_t>(2 * pcm.size());
  std::vector<uint8_t> b(44 + data_bytes);
  size_t at = 0;
  auto put = [&](uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) b[at++] = static_cast<uint8_t>(v >> (8 * i));
  };
  auto tag = [&](const char(&t)[5]) {
    for (int i = 0; i < 4; ++i) b[at++] = static_cast<uint8_t>(t[i]);
  };
  tag("RIFF");
  put(36 + data_bytes, 4);
  tag("WAVE");
  tag("fmt ");
  put(16, 4);
  put(1, 2);  // PCM
  put(1, 2);  // mono
  put(static_cast<uint32_t>(rate), 4);
  put(static_cast<uint32_t>(rate) * 2, 4);
  put(2, 2);   // bytes per frame
  put(16, 2);  // bits per sample
  tag("data");
  put(data_bytes, 4);
  for (int16_t s : pcm) put(static_cast<uint16_t>(s), 2);
  return b;
}

std::vector<int16_t> to_pcm(const std::vector<double>& x) {
  double peak = 0;
  for (double v : x) peak = std::max(peak, std::fabs(v));
  const double scale = peak > 0.98 ? 0.98 / peak : 1.0;  // never clip: scale the clip down
  std::vector<int16_t> pcm(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    pcm[i] = static_cast<int16_t>(std::lround(std::clamp(x[i] * scale, -1.0, 1.0) * 32767.0));
  }
  return pcm;
}

// One job: a label and the index of the clip within it.
struct Job {
  std::string label;
  std::string word;  // empty for `_silence_`
  int32_t index = 0;
};

// The voiced part of a recording: from the first to the last sample above 2 % of the
// peak, with 20 ms kept on either side.
std::vector<double> voiced_part(const std::vector<int16_t>& pcm, int32_t rate) {
  int32_t peak = 0;
  for (int16_t s : pcm) peak = std::max(peak, std::abs(static_cast<int32_t>(s)));
  const int32_t threshold = std::max(1, peak / 50);
  size_t first = pcm.size(), last = 0;
  for (size_t i = 0; i < pcm.size(); ++i) {
    if (std::abs(static_cast<int32_t>(pcm[i])) >= threshold) {
      first = std::min(first, i);
      last = i;
    }
  }
  if (first > last) return {};
  const auto margin = static_cast<size_t>(rate / 50);
  first = first > margin ? first - margin : 0;
  last = std::min(pcm.size() - 1, last + margin);
  std::vector<double> v;
  v.reserve(last - first + 1);
  for (size_t i = first; i <= last; ++i) v.push_back(pcm[i] / 32768.0);
  return v;
}

std::vector<uint8_t> make_clip(const Job& job, const KeywordOptions& o) {
  Random rng(derive_seed(o.seed, job.label, {static_cast<uint64_t>(job.index)}));
  const auto n = static_cast<size_t>(std::llround(o.clip_s * o.sample_rate_hz));
  const Noise colour = static_cast<Noise>(rng.below(3));
  std::vector<double> noise = make_noise(rng, colour, n);
  std::vector<double> clip(n, 0.0);
  if (job.word.empty()) {
    // Silence: background noise only, from barely audible to a noisy room.
    const double level = db_to_gain(rng.uniform(-70, -25));
    for (size_t i = 0; i < n; ++i) clip[i] = level * noise[i];
    return encode_wav(to_pcm(clip), o.sample_rate_hz);
  }
  SpeechVoice voice;
  const std::string& accent = kAccents[rng.below(kAccents.size())];
  const std::string& variant = kVariants[rng.below(kVariants.size())];
  voice.voice = variant.empty() ? accent : accent + "+" + variant;
  voice.speed_wpm = static_cast<int32_t>(rng.uniform(120, 200));
  voice.pitch = static_cast<int32_t>(rng.uniform(30, 70));
  const std::vector<uint8_t> wav = speak(o.espeak, job.word, voice);
  formats::SampleReadOptions read;
  read.audio_sample_rate = o.sample_rate_hz;
  const formats::Sample spoken = formats::read_wav(wav, "espeak-ng '" + job.word + "'", read);
  std::vector<double> word = voiced_part(spoken.pcm, o.sample_rate_hz);
  require(!word.empty(),
          "espeak-ng wrote only silence for '" + job.word + "' (voice " + voice.voice + ")");
  if (word.size() > n) {
    // Slow speech can outlast the window: keep its start, fade out the cut over 10 ms.
    word.resize(n);
    const size_t fade = std::min<size_t>(n, static_cast<size_t>(o.sample_rate_hz / 100));
    for (size_t i = 0; i < fade; ++i)
      word[n - 1 - i] *= static_cast<double>(i) / static_cast<double>(fade);
  }
  // Loudness: peak between -20 and -1 dBFS.
  double peak = 0, power = 0;
  for (double v : word) peak = std::max(peak, std::fabs(v));
  const double gain = db_to_gain(rng.uniform(-20, -1)) / peak;
  for (double& v : word) {
    v *= gain;
    power += v * v;
  }
  const double speech_rms = std::sqrt(power / static_cast<double>(word.size()));
  const size_t offset = rng.below(n - word.size() + 1);
  for (size_t i = 0; i < word.size(); ++i) clip[offset + i] = word[i];
  const double snr_db = rng.uniform(o.min_snr_db, o.max_snr_db);
  const double noise_rms = speech_rms / db_to_gain(snr_db);
  for (size_t i = 0; i < n; ++i) clip[i] += noise_rms * noise[i];
  return encode_wav(to_pcm(clip), o.sample_rate_hz);
}

std::string label_of_word(const std::string& word) {
  std::string label = word;
  std::replace(label.begin(), label.end(), ' ', '_');
  return label;
}

void check_word(const std::string& word) {
  require(!word.empty() && word.size() <= 64, "keywords: empty or overlong word `" + word + "`");
  for (char c : word) {
    const bool ok = (c >= 'a' && c <= 'z') || c == '\'' || c == ' ' || c == '-';
    require(ok, "keywords: `" + word +
                    "`: use lowercase letters, spaces, apostrophes and hyphens "
                    "(the word becomes the label and the file name)");
  }
  require(word.front() != '-' && word.front() != ' ',
          "keywords: `" + word + "` must start with a letter");
}

}  // namespace

GenerationReport generate_keywords(const fs::path& out, const KeywordOptions& o) {
  require(!o.keywords.empty(), "keywords: no keywords given");
  require(o.samples_per_keyword >= 1 && o.samples_per_keyword <= 100000,
          "keywords: samples_per_keyword must be in 1..100000");
  require(o.unknown_samples >= 0 && o.unknown_samples <= 100000,
          "keywords: unknown_samples must be in 0..100000");
  require(o.silence_samples >= 0 && o.silence_samples <= 100000,
          "keywords: silence_samples must be in 0..100000");
  require(o.sample_rate_hz >= 8000 && o.sample_rate_hz <= 48000,
          "keywords: sample_rate_hz must be in 8000..48000");
  require(o.clip_s >= 0.5 && o.clip_s <= 10, "keywords: clip_s must be in 0.5..10");
  require(o.min_snr_db <= o.max_snr_db && o.min_snr_db >= -10 && o.max_snr_db <= 80,
          "keywords: need -10 <= min_snr_db <= max_snr_db <= 80");
  std::set<std::string> keyword_set;
  for (const auto& w : o.keywords) {
    check_word(w);
    require(keyword_set.insert(w).second, "keywords: `" + w + "` is listed twice");
  }
  std::vector<std::string> unknown;
  for (const auto& w : o.unknown_words) {
    check_word(w);
    if (!keyword_set.contains(w)) unknown.push_back(w);
  }
  require(
      o.unknown_samples == 0 || !unknown.empty(),
      "keywords: unknown_samples > 0 but every unknown word is also a keyword; add other words");

  // Is the program there, and does it know the accents? One quick call before the many.
  int code = 0;
  const std::string voices = run_for_output(o.espeak, {"--voices=en"}, &code);
  require(code == 0, o.espeak + " --voices=en failed (exit code " + std::to_string(code) +
                         "); reinstall the Debian package espeak-ng");
  for (const auto& accent : kAccents) {
    require(
        voices.find(" " + accent + " ") != std::string::npos,
        o.espeak + " has no voice `" + accent + "`; install espeak-ng 1.51 or later (Debian 12)");
  }

  std::vector<Job> jobs;
  for (const auto& w : o.keywords) {
    for (int32_t i = 0; i < o.samples_per_keyword; ++i) jobs.push_back({label_of_word(w), w, i});
  }
  for (int32_t i = 0; i < o.unknown_samples; ++i) {
    Random pick(derive_seed(o.seed, "_unknown_word_", {static_cast<uint64_t>(i)}));
    jobs.push_back({"_unknown_", unknown[pick.below(unknown.size())], i});
  }
  for (int32_t i = 0; i < o.silence_samples; ++i) jobs.push_back({"_silence_", "", i});

  GenerationReport report;
  report.folder = out;
  std::set<std::string> labels;
  for (const Job& job : jobs) labels.insert(job.label);
  for (const auto& label : labels) {
    std::error_code ec;
    fs::create_directories(out / label, ec);
    require(!ec, (out / label).string() + ": cannot create the folder (" + ec.message() + ")");
  }

  // Every clip has its own random stream, so the threads' order does not change any file.
  const auto total = static_cast<int64_t>(jobs.size());
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards done, error and the progress callback
  int64_t done = 0;
  std::exception_ptr error;
  auto work = [&] {
    for (;;) {
      const int64_t i = next.fetch_add(1);
      if (i >= total || failed.load()) return;
      const Job& job = jobs[static_cast<size_t>(i)];
      try {
        const std::vector<uint8_t> wav = make_clip(job, o);
        char name[96];
        std::snprintf(name, sizeof name, "%s.%04d.wav", job.label.c_str(), job.index);
        formats::write_file(out / job.label / name, wav);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        failed = true;
        return;
      }
      std::lock_guard lock(mutex);
      ++done;
      if (o.progress) o.progress(done, total);
    }
  };
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const auto threads =
      static_cast<unsigned>(std::clamp<int64_t>(o.threads > 0 ? o.threads : hw, 1, 64));
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
  }
  if (error) std::rethrow_exception(error);
  for (const Job& job : jobs) ++report.files_per_label[job.label];
  return report;
}

}  // namespace tinyops::examples
