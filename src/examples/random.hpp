// A small deterministic random source for the example generators. The standard
// distributions are implementation-defined (libstdc++ and libc++ give different normals
// from the same engine), so the generators use their own: the same seed gives the same
// files with any compiler. Each sample gets its own stream, derived from the run's seed
// and the sample's coordinates, so changing one count does not change other samples.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <numbers>
#include <string_view>

namespace tinyops::examples {

// splitmix64's finaliser: a good 64-bit mix for deriving seeds.
inline uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// A seed for one stream: the run's seed, a tag (e.g. the label) and numbers (person, take).
inline uint64_t derive_seed(uint64_t seed, std::string_view tag,
                            std::initializer_list<uint64_t> parts) {
  uint64_t h = mix64(seed);
  for (unsigned char c : tag) h = mix64(h ^ c);
  for (uint64_t p : parts) h = mix64(h ^ p);
  return h;
}

// xoshiro256** (Blackman and Vigna), seeded through splitmix64.
class Random {
 public:
  explicit Random(uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      s = mix64(seed);
    }
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n).
  uint64_t below(uint64_t n) {
    return n == 0 ? 0 : static_cast<uint64_t>(uniform() * static_cast<double>(n));
  }
  bool chance(double p) { return uniform() < p; }
  // Standard normal (Box-Muller; the second value is dropped to keep the stream simple).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  double normal(double mean, double sigma) { return mean + sigma * normal(); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace tinyops::examples
