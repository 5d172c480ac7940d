// Readers of outside sample files: WAV, CSV time series, Edge Impulse's JSON
// data-acquisition layout, PNG and JPEG. Each takes the file's bytes and a name for error
// messages and returns a Sample, or throws InputError saying what is wrong, where (line,
// field) and how to fix it. None of them trusts sizes or counts in the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "tinyops/formats/sample.hpp"

namespace tinyops::formats {

struct SampleReadOptions {
  // Audio is stored at this rate: other rates are resampled (libsamplerate, sinc).
  int32_t audio_sample_rate = 16000;
};

// Mono 16-bit PCM WAV; other sample rates are resampled, other encodings or channel counts
// rejected.
Sample read_wav(std::span<const uint8_t> bytes, const std::string& name,
                const SampleReadOptions& options = {});
// Header row, first column the timestamp in milliseconds ("timestamp"), then one column
// per axis ("accX" or "accX (m/s2)"); rows strictly increasing in time, evenly spaced.
Sample read_csv_series(std::string_view text, const std::string& name);
// {"payload": {"interval_ms": 10, "sensors": [{"name": "accX", "units": "m/s2"}, ...],
//  "values": [[...], ...]}} (signature fields, when present, are ignored).
Sample read_acquisition_json(std::string_view text, const std::string& name);
// PNG or JPEG to 8-bit grayscale (when the file is gray) or RGB (alpha dropped).
Sample read_image(std::span<const uint8_t> bytes, const std::string& name);

// By extension: .wav, .csv, .json, .png, .jpg/.jpeg. Throws InputError for others.
Sample read_sample_file(const std::filesystem::path& path, const SampleReadOptions& options = {});
bool is_sample_file(const std::filesystem::path& path);

}  // namespace tinyops::formats
