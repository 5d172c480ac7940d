// Feature extraction: stored samples through the runtime's C99 DSP blocks (the very code a
// device runs), window by window, into one feature matrix per category.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tinyops/store/workspace.hpp"

namespace tinyops::data {

enum class BlockKind { Raw, Spectral, Mfe, Mfcc, Image };
BlockKind parse_block(const std::string& name);  // raw, spectral, mfe, mfcc, image
const char* to_string(BlockKind kind);

struct FeatureConfig {
  BlockKind kind = BlockKind::Raw;
  // Time series and audio: windows of window_ms every stride_ms over each sample (one
  // window, from the start, when stride_ms is 0); shorter samples are zero-padded.
  double window_ms = 1000, stride_ms = 0;
  float scale = 1;  // raw and spectral: multiplies the input
  // spectral
  int32_t filter = 1;  // 0 none, 1 low-pass, 2 high-pass
  float cutoff_hz = 8, fft_length = 64;
  int32_t filter_order = 6, bands = 8;
  bool log_bands = true;
  // mfe / mfcc
  double frame_ms = 32, frame_stride_ms = 16;
  int32_t audio_fft = 512, mel_filters = 40, cepstral = 13;
  float low_hz = 80, high_hz = 0, pre_emphasis = 0.96f, noise_floor_db = -72;
  // image
  int32_t width = 0, height = 0;  // 0: the first sample's size
  bool grayscale = false;
};

struct FeatureMatrix {
  std::vector<int32_t> shape;  // of one example: H, W, C
  std::vector<float> x;        // examples one after another
  std::vector<int32_t> y;      // class index per example
  std::vector<std::string> sample_ids;  // the sample each example came from
  size_t size() const { return y.size(); }
};

struct FeatureSets {
  std::vector<std::string> labels;  // class index -> label, sorted
  FeatureMatrix training, testing;
};

// Feature sets as bytes (a JSON header, then the matrices as little-endian float32 and
// int32), for the registry; decode throws InputError on malformed bytes.
std::vector<uint8_t> encode_features(const FeatureSets& sets);
FeatureSets decode_features(std::span<const uint8_t> bytes);

// Every sample of the workspace (or of `version` when not empty), features per window.
// Throws InputError when samples of different kinds or axes are mixed, or the block does
// not suit them (MFE of an image).
FeatureSets extract_features(store::Workspace& ws, const FeatureConfig& config,
                             const std::string& version = "");

}  // namespace tinyops::data
