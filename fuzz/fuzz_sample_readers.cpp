// Arbitrary bytes into every sample reader (the first byte picks the format, so one target
// covers WAV, CSV, JSON and images); a sample read must encode and decode back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tinyops/core/error.hpp"
#include "tinyops/formats/sample.hpp"
#include "tinyops/formats/sample_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace f = tinyops::formats;
  if (size < 1) return 0;
  const std::span<const uint8_t> bytes(data + 1, size - 1);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  try {
    f::Sample s;
    switch (data[0] % 4) {
      case 0:
        s = f::read_wav(bytes, "fuzz.wav", {8000});
        break;
      case 1:
        s = f::read_csv_series(text, "fuzz.csv");
        break;
      case 2:
        s = f::read_acquisition_json(text, "fuzz.json");
        break;
      default:
        s = f::read_image(bytes, "fuzz.png");
        break;
    }
    // Readers refuse non-finite values, so equality is exact.
    if (!(f::decode_sample(f::encode_sample(s)) == s)) std::abort();
  } catch (const tinyops::InputError&) {
  }
  return 0;
}
