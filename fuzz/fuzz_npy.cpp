// Arbitrary bytes into the .npy reader; a parsed array must serialise and parse back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "tinyops/core/error.hpp"
#include "tinyops/formats/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto array = tinyops::formats::parse_npy({data, size}, "fuzz");
    const auto again =
        tinyops::formats::parse_npy(tinyops::formats::serialize_npy(array), "round trip");
    if (again.data != array.data || again.shape != array.shape) std::abort();
  } catch (const tinyops::InputError&) {
  }
  return 0;
}
