// Seeded random integers for the kernel tests: reproducible from the seed, uniform in a
// closed range, singly or as a vector of any integer type.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace tinyops::test_support {

class RandomInts {
 public:
  explicit RandomInts(uint32_t seed) : rng_(seed) {}
  int32_t in(int32_t lo, int32_t hi) {
    return std::uniform_int_distribution<int32_t>(lo, hi)(rng_);
  }
  template <class T>
  std::vector<T> values(size_t n, int32_t lo, int32_t hi) {
    std::vector<T> v(n);
    for (auto& x : v) x = static_cast<T>(in(lo, hi));
    return v;
  }

 private:
  std::mt19937 rng_;
};

}  // namespace tinyops::test_support
