#include "tinyops/data/features.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "tinyops/core/error.hpp"
#include "tinyops/data/dataset.hpp"
#include "tinyops/runtime/features.h"

namespace tinyops::data {

namespace {

// One block, planned for a fixed window, turning windows of one sample into feature rows.
class Block {
 public:
  Block(const FeatureConfig& c, const formats::Sample& first) : c_(c), kind_(first.kind), axes_(static_cast<int32_t>(first.axes.size())) {
    const std::string what = std::string("the ") + to_string(c.kind) + " block";
    if (c.kind == BlockKind::Image) {
      require(kind_ == formats::SampleKind::Image, what + " needs image samples");
      image_.in_width = first.width;
      image_.in_height = first.height;
      image_.in_channels = axes_;
      image_.out_width = c.width ? c.width : first.width;
      image_.out_height = c.height ? c.height : first.height;
      image_.resize_mode = TINYOPS_IMAGE_FIT_SHORT;
      image_.grayscale = c.grayscale ? 1 : 0;
      require(tinyops_image_feature_count(&image_) > 0, what + ": invalid image size");
      shape_ = {image_.out_height, image_.out_width, tinyops_image_out_channels(&image_)};
      return;
    }
    require(kind_ != formats::SampleKind::Image, what + " does not take images (use --block image)");
    interval_ms_ = first.interval_ms;
    window_ = std::max<int32_t>(2, static_cast<int32_t>(std::lround(c.window_ms / interval_ms_)));
    stride_ = c.stride_ms > 0 ? std::max<int32_t>(1, static_cast<int32_t>(std::lround(c.stride_ms / interval_ms_))) : 0;
    const float rate = static_cast<float>(1000.0 / interval_ms_);
    switch (c.kind) {
      case BlockKind::Raw:
        raw_ = {axes_, window_, c.scale};
        shape_ = {1, window_, axes_};
        break;
      case BlockKind::Spectral: {
        tinyops_spectral_params& p = spectral_params_;
        p = {};
        p.axes = axes_;
        p.window_length = window_;
        p.sample_rate_hz = rate;
        p.scale = c.scale;
        p.filter_type = c.filter;
        p.filter_cutoff_hz = c.cutoff_hz;
        p.filter_order = c.filter_order;
        p.fft_length = static_cast<int32_t>(c.fft_length);
        p.overlap_ffts = 1;
        p.num_bands = c.bands;
        p.band_edges_hz = nullptr;
        p.log_bands = c.log_bands ? 1 : 0;
        table_.resize(tinyops_spectral_table_size(&p) / 4 + 1);
        scratch_.resize(tinyops_spectral_scratch_size(&p) / 4 + 1);
        require(tinyops_spectral_init(&spectral_, &p, table_.data(), table_.size() * 4) == 0,
                what + ": invalid parameters (FFT length a power of two, cutoff below " +
                    std::to_string(rate / 2) + " Hz, order 1..8)");
        shape_ = {1, 1, tinyops_spectral_feature_count(&p)};
        break;
      }
      case BlockKind::Mfe:
      case BlockKind::Mfcc: {
        require(axes_ == 1, what + " needs one-axis (audio) samples");
        tinyops_audio_params& p = audio_params_;
        p = {};
        p.sample_rate_hz = rate;
        p.window_length = window_;
        p.frame_length = static_cast<int32_t>(std::lround(c.frame_ms / interval_ms_));
        p.frame_stride = static_cast<int32_t>(std::lround(c.frame_stride_ms / interval_ms_));
        p.fft_length = c.audio_fft;
        p.num_filters = c.mel_filters;
        p.low_hz = c.low_hz;
        p.high_hz = c.high_hz;
        p.pre_emphasis = c.pre_emphasis;
        p.frame_window = 1;  // Hann
        p.noise_floor_db = c.kind == BlockKind::Mfe ? c.noise_floor_db : 0;
        p.num_cepstral = c.kind == BlockKind::Mfcc ? c.cepstral : 0;
        table_.resize(tinyops_audio_table_size(&p) / 4 + 1);
        scratch_.resize(tinyops_audio_scratch_size(&p) / 4 + 1);
        require(tinyops_audio_init(&audio_, &p, table_.data(), table_.size() * 4) == 0,
                what + ": invalid parameters (frame no longer than the FFT, FFT a power of two)");
        const int32_t frames = tinyops_audio_frame_count(&p);
        require(frames > 0, what + ": the window is shorter than one frame");
        shape_ = {frames, c.kind == BlockKind::Mfe ? c.mel_filters : c.cepstral, 1};
        break;
      }
      case BlockKind::Image:
        break;
    }
  }

  const std::vector<int32_t>& shape() const { return shape_; }
  size_t size() const { return static_cast<size_t>(shape_[0]) * shape_[1] * shape_[2]; }

  // Feature rows of one sample, appended to `out`; returns how many.
  size_t run(const formats::Sample& s, std::vector<float>& out) {
    require(s.kind == kind_ && static_cast<int32_t>(s.axes.size()) == axes_,
            "samples of different kinds or axis counts cannot share one feature block");
    const size_t first = out.size();
    out.resize(first + size());
    float* row = out.data() + first;
    if (c_.kind == BlockKind::Image) {
      require(s.width == image_.in_width && s.height == image_.in_height,
              "images of different sizes: all must be " + std::to_string(image_.in_width) + "x" +
                  std::to_string(image_.in_height));
      tinyops_image_f32(&image_, s.pixels.data(), row);
      return 1;
    }
    require(std::fabs(s.interval_ms - interval_ms_) < 1e-6 * interval_ms_,
            "samples at different rates cannot share one feature block");
    const int32_t frames = static_cast<int32_t>(s.frames);
    const int32_t windows = stride_ > 0 && frames > window_ ? tinyops_feature_window_count(frames, window_, stride_) : 1;
    out.resize(first + size() * static_cast<size_t>(windows));
    for (int32_t w = 0; w < windows; ++w) {
      const int32_t start = w * stride_;
      float* dest = out.data() + first + size() * static_cast<size_t>(w);
      if (kind_ == formats::SampleKind::Audio) {
        std::vector<int16_t> win(static_cast<size_t>(window_), 0);
        const int32_t n = std::min(window_, frames - start);
        std::copy_n(s.pcm.begin() + start, std::max(0, n), win.begin());
        if (c_.kind == BlockKind::Mfe) tinyops_mfe_s16(&audio_, win.data(), scratch_.data(), dest);
        else if (c_.kind == BlockKind::Mfcc) tinyops_mfcc_s16(&audio_, win.data(), scratch_.data(), dest);
        else if (c_.kind == BlockKind::Raw) tinyops_raw_features_s16(&raw_, win.data(), dest);
        else require(false, "the spectral block takes time series; use mfe or mfcc for audio");
      } else {
        std::vector<float> win(static_cast<size_t>(window_ * axes_), 0.f);
        const int32_t n = std::min(window_, frames - start);
        std::copy_n(s.values.begin() + static_cast<std::ptrdiff_t>(start) * axes_, std::max(0, n) * axes_, win.begin());
        if (c_.kind == BlockKind::Raw) tinyops_raw_features_f32(&raw_, win.data(), dest);
        else if (c_.kind == BlockKind::Spectral) tinyops_spectral_features_f32(&spectral_, win.data(), scratch_.data(), dest);
        else require(false, "MFE and MFCC take audio samples");
      }
    }
    return static_cast<size_t>(windows);
  }

 private:
  FeatureConfig c_;
  formats::SampleKind kind_;
  int32_t axes_;
  double interval_ms_ = 0;
  int32_t window_ = 0, stride_ = 0;
  std::vector<int32_t> shape_;
  std::vector<float> table_, scratch_;  // float-aligned storage for the plans
  tinyops_raw_params raw_{};
  tinyops_spectral_params spectral_params_{};
  tinyops_spectral_plan spectral_{};
  tinyops_audio_params audio_params_{};
  tinyops_audio_plan audio_{};
  tinyops_image_params image_{};
};

}  // namespace

BlockKind parse_block(const std::string& name) {
  if (name == "raw") return BlockKind::Raw;
  if (name == "spectral") return BlockKind::Spectral;
  if (name == "mfe") return BlockKind::Mfe;
  if (name == "mfcc") return BlockKind::Mfcc;
  if (name == "image") return BlockKind::Image;
  throw InputError("unknown feature block '" + name + "': use raw, spectral, mfe, mfcc or image");
}

const char* to_string(BlockKind kind) {
  switch (kind) {
    case BlockKind::Raw: return "raw";
    case BlockKind::Spectral: return "spectral";
    case BlockKind::Mfe: return "mfe";
    case BlockKind::Mfcc: return "mfcc";
    case BlockKind::Image: return "image";
  }
  return "?";
}

FeatureSets extract_features(store::Workspace& ws, const FeatureConfig& config, const std::string& version) {
  struct Row {
    std::string id, label, category;
  };
  std::vector<Row> rows;
  if (version.empty()) {
    for (const SampleInfo& s : list_samples(ws)) rows.push_back({s.id, s.label, s.category});
  } else {
    for (const VersionEntry& e : version_entries(ws, version)) rows.push_back({e.sample_id, e.label, e.category});
  }
  require(!rows.empty(), "no samples to extract features from: `tinyops data import` first");
  // Stable order: by sample id (content), so the feature matrix does not depend on import order.
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.id < b.id; });

  FeatureSets out;
  std::map<std::string, int32_t> index;
  for (const Row& r : rows) index[r.label] = 0;
  for (auto& [label, i] : index) {
    i = static_cast<int32_t>(out.labels.size());
    out.labels.push_back(label);
  }
  std::unique_ptr<Block> block;
  for (const Row& r : rows) {
    const formats::Sample s = load_sample(ws, r.id);
    if (!block) {
      block = std::make_unique<Block>(config, s);
      out.training.shape = out.testing.shape = block->shape();
    }
    FeatureMatrix& m = r.category == "testing" ? out.testing : out.training;
    const size_t n = block->run(s, m.x);
    for (size_t k = 0; k < n; ++k) {
      m.y.push_back(index[r.label]);
      m.sample_ids.push_back(r.id);
    }
  }
  return out;
}

}  // namespace tinyops::data
