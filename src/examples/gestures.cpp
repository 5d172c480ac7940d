// Magic-wand gestures: a physical model of the wand and its accelerometer.
//
// World frame: x to the person's right, y forward (away from them), z up. Gestures are
// drawn in the vertical x-z plane. The path of the wand tip is a sum of minimum-jerk
// sub-movements between control points (Flash & Hogan's model of arm movement: straight
// strokes with bell-shaped speed, overlapping at the corners), or a minimum-jerk sweep of
// the angle for the ring. It is sampled on a fine 1 kHz grid, differentiated twice, and
// the accelerometer's specific force f = R(t)^T (a + g) is taken in the device frame,
// whose orientation R(t) is the person's way of holding the wand plus the wrist's turning
// during the stroke. The sensor averages f over each output period, scales it by its gain
// error, adds bias and white noise, and saturates at its range.
#include "tinyops/examples/gestures.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

#include "random.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"

namespace tinyops::examples {

namespace fs = std::filesystem;

namespace {

constexpr double kGravity = 9.80665;
constexpr double kFineHz = 1000.0;  // the simulation grid
constexpr double kDeg = std::numbers::pi / 180.0;
constexpr double kTwoPi = 2.0 * std::numbers::pi;

enum class Gesture { Wing, Ring, Slope, Idle };
constexpr std::array<Gesture, 4> kGestures = {Gesture::Wing, Gesture::Ring, Gesture::Slope,
                                              Gesture::Idle};

const char* label_of(Gesture g) {
  switch (g) {
    case Gesture::Wing:
      return "wing";
    case Gesture::Ring:
      return "ring";
    case Gesture::Slope:
      return "slope";
    case Gesture::Idle:
      return "idle";
  }
  return "?";
}

struct Vec3 {
  double x = 0, y = 0, z = 0;
};
Vec3 operator+(Vec3 a, Vec3 b) {
  return {a.x + b.x, a.y + b.y, a.z + b.z};
}
Vec3 operator-(Vec3 a, Vec3 b) {
  return {a.x - b.x, a.y - b.y, a.z - b.z};
}
Vec3 operator*(double s, Vec3 a) {
  return {s * a.x, s * a.y, s * a.z};
}

struct Vec2 {
  double x = 0, y = 0;
};

// Device orientation as yaw (about z), pitch (about x) and roll (about y), applied in that
// order; rotate_into_device gives R^T v, a world vector seen in the device frame.
struct Orientation {
  double yaw = 0, pitch = 0, roll = 0;
};

Vec3 rotate_into_device(const Orientation& o, Vec3 v) {
  // Undo yaw, then pitch, then roll (R = Rz(yaw) Rx(pitch) Ry(roll), so R^T = Ry^T Rx^T Rz^T).
  const double cy = std::cos(o.yaw), sy = std::sin(o.yaw);
  Vec3 a{cy * v.x + sy * v.y, -sy * v.x + cy * v.y, v.z};
  const double cp = std::cos(o.pitch), sp = std::sin(o.pitch);
  Vec3 b{a.x, cp * a.y + sp * a.z, -sp * a.y + cp * a.z};
  const double cr = std::cos(o.roll), sr = std::sin(o.roll);
  return {cr * b.x - sr * b.z, b.y, sr * b.x + cr * b.z};
}

// Minimum-jerk position profile: 0 -> 1 with zero speed and acceleration at both ends.
double min_jerk(double tau) {
  if (tau <= 0) return 0;
  if (tau >= 1) return 1;
  const double t3 = tau * tau * tau;
  return t3 * (10.0 - 15.0 * tau + 6.0 * tau * tau);
}

// A slow, smooth random function (sum of a few low sinusoids), for drift and sway.
struct SlowWander {
  std::array<double, 3> amp{}, freq{}, phase{};
  SlowWander() = default;
  SlowWander(Random& rng, double amplitude, double max_hz) {
    for (size_t i = 0; i < amp.size(); ++i) {
      amp[i] = amplitude * rng.uniform(0.3, 1.0) / static_cast<double>(i + 1);
      freq[i] = rng.uniform(0.05, max_hz);
      phase[i] = rng.uniform(0, kTwoPi);
    }
  }
  double operator()(double t) const {
    double v = 0;
    for (size_t i = 0; i < amp.size(); ++i) v += amp[i] * std::sin(kTwoPi * freq[i] * t + phase[i]);
    return v;
  }
};

// Who holds the wand: stable across a person's recordings.
struct Person {
  double speed = 1, amplitude = 1, aspect = 1, overlap = 0.1;
  Orientation hold;                          // how the wand sits in the hand
  double wrist_pitch = 1, wrist_roll = 0.5;  // rad of wrist turn per metre of tip travel
  double depth_wobble = 0.01;                // m, out of the drawing plane
  double tremor = 0.05;                      // m/s2, physiological tremor
  double tremor_hz = 10;
  std::array<Vec2, 8> style{};  // the person's habitual offsets of control points
  double ring_ellipse = 1, ring_tilt = 0, ring_turns = 1;
  bool ring_counterclockwise = false;
  Vec3 sensor_gain{1, 1, 1}, sensor_bias{};
};

Person make_person(uint64_t seed, int32_t index) {
  Random rng(derive_seed(seed, "person", {static_cast<uint64_t>(index)}));
  Person p;
  p.speed = rng.uniform(0.7, 1.4);
  p.amplitude = rng.uniform(0.6, 1.5);
  p.aspect = rng.uniform(0.8, 1.25);
  p.overlap = rng.uniform(0.0, 0.3);
  p.hold = {rng.uniform(-30, 30) * kDeg, std::clamp(rng.normal(0, 20), -45.0, 45.0) * kDeg,
            std::clamp(rng.normal(0, 20), -45.0, 45.0) * kDeg};
  p.wrist_pitch = rng.uniform(0.5, 1.5);
  p.wrist_roll = rng.uniform(-0.6, 0.6);
  p.depth_wobble = rng.uniform(0.0, 0.03);
  p.tremor = rng.uniform(0.02, 0.1);
  p.tremor_hz = rng.uniform(8, 12);
  for (auto& s : p.style) s = {rng.normal(0, 0.06), rng.normal(0, 0.06)};
  p.ring_ellipse = rng.uniform(0.8, 1.2);
  p.ring_tilt = rng.uniform(-20, 20) * kDeg;
  p.ring_turns = rng.uniform(0.95, 1.1);
  p.ring_counterclockwise = rng.chance(0.15);  // a few people draw the O the other way
  p.sensor_gain = {rng.uniform(0.98, 1.02), rng.uniform(0.98, 1.02), rng.uniform(0.98, 1.02)};
  p.sensor_bias = {rng.normal(0, 0.08), rng.normal(0, 0.08), rng.normal(0, 0.08)};
  return p;
}

// A stroke path: control points (normalised, about 1 unit across) and the time shares
// of the strokes between them.
struct Strokes {
  std::vector<Vec2> points;
};

Strokes base_strokes(Gesture g) {
  switch (g) {
    case Gesture::Wing:
      return {{{0, 1}, {0.25, 0}, {0.5, 0.7}, {0.75, 0}, {1, 1}}};
    case Gesture::Slope:
      return {{{0.8, 1}, {0, 0}, {1, 0}}};
    default:
      return {};
  }
}

// Base duration of each gesture at speed 1, seconds.
double base_duration(Gesture g) {
  switch (g) {
    case Gesture::Wing:
      return 1.5;
    case Gesture::Ring:
      return 1.4;
    case Gesture::Slope:
      return 1.1;
    case Gesture::Idle:
      return 0;
  }
  return 0;
}

// The tip's path in the drawing plane, metres, as a function of time since the start.
class TipPath {
 public:
  TipPath(Gesture g, const Person& p, Random& rng, double scale_m, double duration)
      : gesture_(g), duration_(duration), scale_(scale_m) {
    if (g == Gesture::Ring) {
      ellipse_ = p.ring_ellipse * rng.uniform(0.93, 1.07);
      tilt_ = p.ring_tilt + rng.normal(0, 5 * kDeg);
      turns_ = p.ring_turns * rng.uniform(0.97, 1.03);
      direction_ = p.ring_counterclockwise ? 1.0 : -1.0;
      start_angle_ = std::numbers::pi / 2 + rng.normal(0, 15 * kDeg);
      wobble_ = {rng.normal(0, 0.05), rng.uniform(0, kTwoPi), rng.normal(0, 0.04),
                 rng.uniform(0, kTwoPi)};
      return;
    }
    Strokes s = base_strokes(g);
    points_ = s.points;
    for (size_t i = 0; i < points_.size(); ++i) {
      const Vec2 style = p.style[i % p.style.size()];
      points_[i].x = (points_[i].x + style.x + rng.normal(0, 0.03)) * p.aspect;
      points_[i].y = points_[i].y + style.y + rng.normal(0, 0.03);
    }
    // Stroke durations grow with the square root of their length (longer strokes are
    // faster), and consecutive strokes overlap at the corners.
    std::vector<double> weight;
    double total = 0;
    for (size_t i = 0; i + 1 < points_.size(); ++i) {
      const double len =
          std::hypot(points_[i + 1].x - points_[i].x, points_[i + 1].y - points_[i].y);
      weight.push_back(std::sqrt(std::max(len, 0.05)) * rng.uniform(0.9, 1.1));
      total += weight.back();
    }
    const double overlap = std::clamp(p.overlap + rng.normal(0, 0.05), 0.0, 0.4);
    // Overlap shortens the whole: stretch so that the gesture still takes `duration`.
    const double n = static_cast<double>(weight.size());
    const double stretch = duration / (1.0 - overlap * (n - 1) / n);
    double t = 0;
    for (double w : weight) {
      const double len = stretch * w / total;
      starts_.push_back(t);
      lengths_.push_back(len);
      t += len * (1.0 - overlap);
    }
  }

  double duration() const { return duration_; }

  Vec2 at(double t) const {
    if (gesture_ == Gesture::Ring) {
      const double s = min_jerk(t / duration_);
      const double theta = start_angle_ + direction_ * kTwoPi * turns_ * s;
      // A slightly irregular ellipse: radius modulated by low harmonics of the angle.
      const double r = 0.5 * (1.0 + wobble_[0] * std::sin(2 * theta + wobble_[1]) +
                              wobble_[2] * std::sin(3 * theta + wobble_[3]));
      const double ex = r * std::cos(theta) * ellipse_, ey = r * std::sin(theta);
      return {scale_ * (std::cos(tilt_) * ex - std::sin(tilt_) * ey),
              scale_ * (std::sin(tilt_) * ex + std::cos(tilt_) * ey)};
    }
    Vec2 pos = points_[0];
    for (size_t i = 0; i < starts_.size(); ++i) {
      const double s = min_jerk((t - starts_[i]) / lengths_[i]);
      pos.x += (points_[i + 1].x - points_[i].x) * s;
      pos.y += (points_[i + 1].y - points_[i].y) * s;
    }
    return {scale_ * pos.x, scale_ * pos.y};
  }

 private:
  Gesture gesture_;
  double duration_;
  double scale_;
  std::vector<Vec2> points_;
  std::vector<double> starts_, lengths_;
  double ellipse_ = 1, tilt_ = 0, turns_ = 1, direction_ = -1, start_angle_ = 0;
  std::array<double, 4> wobble_{};
};

// One recording, simulated on the fine grid and sampled like the sensor does.
std::vector<Vec3> simulate(Gesture g, const Person& p, Random& rng, const GestureOptions& o,
                           int64_t frames) {
  const double period = 1.0 / o.sample_rate_hz;
  const double total_s = static_cast<double>(frames) * period;
  const double h = 1.0 / kFineHz;

  // The hand's slow sway and the wrist's slow drift, present in every recording.
  Orientation hold = p.hold;
  hold.yaw += rng.normal(0, 5 * kDeg);
  hold.pitch += rng.normal(0, 5 * kDeg);
  hold.roll += rng.normal(0, 5 * kDeg);
  double sway_m = rng.uniform(0.002, 0.01);
  double drift_rad = rng.uniform(0.5, 3.0) * kDeg;
  double tremor = p.tremor * rng.uniform(0.7, 1.3);

  // Idle comes in three kinds: held still, lying on a table, or a slow fidget.
  enum class IdleKind { Held, Table, Fidget } idle_kind = IdleKind::Held;
  Vec3 fidget_move{};
  double fidget_start = 0, fidget_len = 1, fidget_turn = 0;
  if (g == Gesture::Idle) {
    const double u = rng.uniform();
    idle_kind = u < 0.5 ? IdleKind::Held : u < 0.7 ? IdleKind::Table : IdleKind::Fidget;
    if (idle_kind == IdleKind::Table) {
      // Any resting pose: face up, on its side, upside down.
      hold = {rng.uniform(0, kTwoPi), rng.uniform(-1, 1) * std::numbers::pi,
              rng.uniform(-1, 1) * std::numbers::pi};
      sway_m = 0;
      drift_rad = 0;
      tremor = 0;
    } else if (idle_kind == IdleKind::Fidget) {
      fidget_move = {rng.normal(0, 0.08), rng.normal(0, 0.08), rng.normal(0, 0.08)};
      fidget_len = rng.uniform(0.8, 2.0);
      fidget_start = rng.uniform(0, std::max(0.0, total_s - fidget_len));
      fidget_turn = rng.normal(0, 15 * kDeg);
    }
  }
  const SlowWander sway_x(rng, sway_m, 0.5), sway_y(rng, sway_m, 0.5), sway_z(rng, sway_m, 0.5);
  const SlowWander drift_pitch(rng, drift_rad, 0.3), drift_roll(rng, drift_rad, 0.3);
  const double tremor_phase = rng.uniform(0, kTwoPi);
  const std::array<double, 3> tremor_axis = {rng.uniform(0.3, 1), rng.uniform(0.3, 1),
                                             rng.uniform(0.3, 1)};

  // The gesture itself, placed at a random start inside the window.
  std::optional<TipPath> path;
  double start = 0;
  if (g != Gesture::Idle) {
    const double speed = p.speed * rng.uniform(0.9, 1.1);
    const double scale = 0.3 * p.amplitude * rng.uniform(0.9, 1.1);
    path.emplace(g, p, rng, scale, base_duration(g) / speed);
    const double slack = total_s - path->duration();
    start = slack > 0.2 ? rng.uniform(0.1, slack - 0.1) : std::max(0.0, slack / 2);
  }
  const double depth_wobble = p.depth_wobble * rng.uniform(0.5, 1.5);
  const double depth_phase = rng.uniform(0, kTwoPi);

  auto position = [&](double t) {
    Vec3 pos{sway_x(t), sway_y(t), sway_z(t)};
    if (path) {
      const Vec2 tip = path->at(std::clamp(t - start, 0.0, path->duration()));
      const double progress = std::clamp((t - start) / path->duration(), 0.0, 1.0);
      pos = pos +
            Vec3{tip.x, depth_wobble * std::sin(std::numbers::pi * progress + depth_phase), tip.y};
    }
    if (idle_kind == IdleKind::Fidget)
      pos = pos + min_jerk((t - fidget_start) / fidget_len) * fidget_move;
    return pos;
  };
  auto orientation = [&](double t) {
    Orientation r = hold;
    r.pitch += drift_pitch(t);
    r.roll += drift_roll(t);
    if (path) {
      // The wrist turns with the stroke: raising the tip pitches the wand up.
      const Vec2 tip = path->at(std::clamp(t - start, 0.0, path->duration()));
      const Vec2 first = path->at(0);
      r.pitch += p.wrist_pitch * (tip.y - first.y);
      r.roll += p.wrist_roll * (tip.x - first.x);
    }
    if (idle_kind == IdleKind::Fidget)
      r.roll += fidget_turn * min_jerk((t - fidget_start) / fidget_len);
    return r;
  };

  // Specific force on the fine grid, averaged over each output period.
  std::vector<Vec3> out(static_cast<size_t>(frames));
  const auto per_frame = static_cast<int64_t>(std::llround(kFineHz * period));
  Vec3 prev = position(-h), cur = position(0);
  int64_t fine = 0;
  for (int64_t f = 0; f < frames; ++f) {
    Vec3 sum{};
    for (int64_t k = 0; k < per_frame; ++k, ++fine) {
      const double t = static_cast<double>(fine) * h;
      const Vec3 next = position(t + h);
      Vec3 acc = (1.0 / (h * h)) * (next - 2.0 * cur + prev);
      if (tremor > 0) {
        const double tr = tremor * std::sin(kTwoPi * p.tremor_hz * t + tremor_phase);
        acc = acc + Vec3{tr * tremor_axis[0], tr * tremor_axis[1], tr * tremor_axis[2]};
      }
      sum = sum + rotate_into_device(orientation(t), acc + Vec3{0, 0, kGravity});
      prev = cur;
      cur = next;
    }
    out[static_cast<size_t>(f)] = (1.0 / static_cast<double>(per_frame)) * sum;
  }

  // The sensor: gain error, bias (sometimes a larger offset), white noise, saturation.
  const double noise = rng.uniform(0.05, 0.2);
  Vec3 bias = p.sensor_bias;
  if (rng.chance(0.2))
    bias = bias + Vec3{rng.normal(0, 0.2), rng.normal(0, 0.2), rng.normal(0, 0.2)};
  const double limit = o.range_g * kGravity;
  for (Vec3& v : out) {
    v.x = std::clamp(p.sensor_gain.x * v.x + bias.x + rng.normal(0, noise), -limit, limit);
    v.y = std::clamp(p.sensor_gain.y * v.y + bias.y + rng.normal(0, noise), -limit, limit);
    v.z = std::clamp(p.sensor_gain.z * v.z + bias.z + rng.normal(0, noise), -limit, limit);
  }
  return out;
}

std::string to_csv(const std::vector<Vec3>& acc, double rate_hz) {
  std::string text = "timestamp,accX (m/s2),accY (m/s2),accZ (m/s2)\n";
  const double step_ms = 1000.0 / rate_hz;
  const bool whole_ms = std::fabs(step_ms - std::round(step_ms)) < 1e-9;
  char line[128];
  for (size_t i = 0; i < acc.size(); ++i) {
    const double t = static_cast<double>(i) * step_ms;
    const int n = whole_ms ? std::snprintf(line, sizeof line, "%lld,%.4f,%.4f,%.4f\n",
                                           static_cast<long long>(std::llround(t)), acc[i].x,
                                           acc[i].y, acc[i].z)
                           : std::snprintf(line, sizeof line, "%.3f,%.4f,%.4f,%.4f\n", t, acc[i].x,
                                           acc[i].y, acc[i].z);
    text.append(line, static_cast<size_t>(n));
  }
  return text;
}

}  // namespace

GenerationReport generate_gestures(const fs::path& out, const GestureOptions& o) {
  require(o.persons >= 1 && o.persons <= 10000, "gestures: persons must be in 1..10000");
  require(o.repetitions >= 1 && o.repetitions <= 10000,
          "gestures: repetitions must be in 1..10000");
  require(o.sample_rate_hz >= 1 && o.sample_rate_hz <= 1000 &&
              std::fabs(1000.0 / o.sample_rate_hz - std::round(1000.0 / o.sample_rate_hz)) < 1e-9,
          "gestures: sample_rate_hz must divide 1000 (e.g. 25, 50, 100)");
  require(o.window_s >= 2.0 && o.window_s <= 60,
          "gestures: window_s must be in 2..60 (the slowest "
          "gesture takes about 2.4 s)");
  require(o.range_g >= 2 && o.range_g <= 32, "gestures: range_g must be in 2..32");
  const auto frames = static_cast<int64_t>(std::llround(o.window_s * o.sample_rate_hz));

  GenerationReport report;
  report.folder = out;
  const int64_t total = static_cast<int64_t>(kGestures.size()) * o.persons * o.repetitions;
  int64_t done = 0;
  for (int32_t person = 0; person < o.persons; ++person) {
    const Person p = make_person(o.seed, person);
    for (Gesture g : kGestures) {
      const std::string label = label_of(g);
      const fs::path dir = out / label;
      std::error_code ec;
      fs::create_directories(dir, ec);
      require(!ec, dir.string() + ": cannot create the folder (" + ec.message() + ")");
      for (int32_t rep = 0; rep < o.repetitions; ++rep) {
        Random rng(derive_seed(o.seed, label,
                               {static_cast<uint64_t>(person), static_cast<uint64_t>(rep)}));
        const std::string text = to_csv(simulate(g, p, rng, o, frames), o.sample_rate_hz);
        char name[64];
        std::snprintf(name, sizeof name, "%s.p%02d.r%02d.csv", label.c_str(), person, rep);
        formats::write_file(dir / name,
                            std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
        ++report.files_per_label[label];
        if (o.progress) o.progress(++done, total);
      }
    }
  }
  return report;
}

}  // namespace tinyops::examples
