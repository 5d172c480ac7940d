// The synthetic magic-wand recordings: deterministic, balanced, readable by the importer,
// and physically plausible (gravity at rest, strong motion in gestures, sensor range).
#include <gtest/gtest.h>

#include <cmath>

#include "../support/temp_dir.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/examples/gestures.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/sample_readers.hpp"

namespace tinyops::examples {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

GestureOptions small(uint64_t seed = 7) {
  GestureOptions o;
  o.seed = seed;
  o.persons = 3;
  o.repetitions = 4;
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

// Per-axis mean and the mean of the per-step norm.
struct Stats {
  double mean_norm = 0, max_dev = 0, max_abs = 0;
};
Stats stats_of(const formats::Sample& s) {
  Stats st;
  for (int64_t f = 0; f < s.frames; ++f) {
    const float* v = &s.values[static_cast<size_t>(f * 3)];
    const double norm = std::sqrt(double{v[0]} * v[0] + double{v[1]} * v[1] + double{v[2]} * v[2]);
    st.mean_norm += norm;
    st.max_dev = std::max(st.max_dev, std::fabs(norm - 9.80665));
    for (int a = 0; a < 3; ++a) st.max_abs = std::max(st.max_abs, std::fabs(double{v[a]}));
  }
  st.mean_norm /= static_cast<double>(s.frames);
  return st;
}

TEST(Gestures, SameSeedSameBytesOtherSeedOtherBytes) {
  TempDir a("gest-a"), b("gest-b"), c("gest-c");
  generate_gestures(a.path(), small(7));
  generate_gestures(b.path(), small(7));
  generate_gestures(c.path(), small(8));
  const auto names = files_under(a.path());
  ASSERT_EQ(names, files_under(b.path()));
  ASSERT_EQ(names, files_under(c.path()));
  int differ = 0;
  for (const auto& n : names) {
    EXPECT_EQ(formats::read_file(a.path() / n), formats::read_file(b.path() / n)) << n;
    differ += formats::read_file(a.path() / n) != formats::read_file(c.path() / n);
  }
  EXPECT_EQ(differ, static_cast<int>(names.size()));
}

TEST(Gestures, CountsPerLabelAndLayout) {
  TempDir dir("gest");
  int64_t calls = 0, last = 0;
  GestureOptions o = small();
  o.progress = [&](int64_t done, int64_t total) {
    ++calls;
    last = done;
    EXPECT_EQ(total, 48);
  };
  const GenerationReport r = generate_gestures(dir.path(), o);
  EXPECT_EQ(r.total(), 48);
  EXPECT_EQ(calls, 48);
  EXPECT_EQ(last, 48);
  for (const char* label : {"wing", "ring", "slope", "idle"}) {
    EXPECT_EQ(r.files_per_label.at(label), 12) << label;
    int64_t n = 0;
    for (const auto& e : fs::directory_iterator(dir.path() / label)) {
      // The importer takes the label from the prefix before the first dot.
      EXPECT_EQ(e.path().filename().string().substr(0, e.path().filename().string().find('.')),
                label);
      ++n;
    }
    EXPECT_EQ(n, 12);
  }
  EXPECT_TRUE(fs::exists(dir.path() / "wing" / "wing.p02.r03.csv"));
}

TEST(Gestures, ReadableAtFiftyHertzForThreeSeconds) {
  TempDir dir("gest");
  generate_gestures(dir.path(), small());
  for (const auto& n : files_under(dir.path())) {
    const formats::Sample s = formats::read_sample_file(dir.path() / n);
    ASSERT_EQ(s.kind, formats::SampleKind::TimeSeries) << n;
    EXPECT_DOUBLE_EQ(s.interval_ms, 20.0) << n;
    EXPECT_EQ(s.frames, 150) << n;
    ASSERT_EQ(s.axes.size(), 3u);
    EXPECT_EQ(s.axes[0].name, "accX");
    EXPECT_EQ(s.axes[2].name, "accZ");
    EXPECT_EQ(s.axes[1].units, "m/s2");
  }
}

TEST(Gestures, IdleFeelsGravityGesturesMove) {
  TempDir dir("gest");
  GestureOptions o = small();
  o.repetitions = 6;
  generate_gestures(dir.path(), o);
  const double limit = o.range_g * 9.80665;
  double idle_norm = 0, gesture_dev = 0, idle_dev = 0;
  int idle_n = 0, gesture_n = 0;
  for (const auto& n : files_under(dir.path())) {
    const Stats st = stats_of(formats::read_sample_file(dir.path() / n));
    EXPECT_LE(st.max_abs, limit + 1e-3) << n;
    if (n.parent_path() == "idle") {
      idle_norm += st.mean_norm;
      idle_dev += st.max_dev;
      ++idle_n;
      // At rest or fidgeting, the norm stays near 1 g (noise, bias, a slow movement).
      EXPECT_NEAR(st.mean_norm, 9.81, 0.6) << n;
    } else {
      gesture_dev += st.max_dev;
      ++gesture_n;
      // A drawn gesture moves the wand hard: at least 0.2 g away from 1 g somewhere (a small, slow
      // slope is the gentlest).
      EXPECT_GT(st.max_dev, 2.0) << n;
    }
  }
  EXPECT_NEAR(idle_norm / idle_n, 9.81, 0.25);
  EXPECT_GT(gesture_dev / gesture_n, 3 * idle_dev / idle_n);
}

TEST(Gestures, OtherRatesAndWindows) {
  TempDir dir("gest");
  GestureOptions o = small();
  o.persons = 1;
  o.repetitions = 1;
  o.sample_rate_hz = 25;
  o.window_s = 2.56;
  generate_gestures(dir.path(), o);
  const formats::Sample s = formats::read_sample_file(dir.path() / "ring" / "ring.p00.r00.csv");
  EXPECT_DOUBLE_EQ(s.interval_ms, 40.0);
  EXPECT_EQ(s.frames, 64);
}

TEST(Gestures, RejectsBadOptions) {
  TempDir dir("gest");
  GestureOptions o = small();
  o.persons = 0;
  EXPECT_THROW(generate_gestures(dir.path(), o), InputError);
  o = small();
  o.sample_rate_hz = 33;  // 30.3 ms: not a whole number of milliseconds
  EXPECT_THROW(generate_gestures(dir.path(), o), InputError);
  o = small();
  o.window_s = 1.0;  // shorter than the slowest gesture
  EXPECT_THROW(generate_gestures(dir.path(), o), InputError);
}

}  // namespace
}  // namespace tinyops::examples
