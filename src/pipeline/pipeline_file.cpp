#include "tinyops/pipeline/pipeline_file.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "tinyops/core/error.hpp"
#include "tinyops/data/dataset.hpp"
#include "tinyops/store/registry.hpp"
#include "tinyops/store/runs.hpp"

namespace tinyops::pipeline {

namespace fs = std::filesystem;

namespace {

// Reads a section, refusing keys it does not know.
class Section {
 public:
  Section(const YAML::Node& node, std::string where, std::set<std::string> known)
      : node_(node), where_(std::move(where)), present_(node && !node.IsNull()) {
    if (!present_) return;
    require(node_.IsMap(), where_ + " must be a mapping of keys to values");
    for (const auto& kv : node_) {
      const std::string key = kv.first.as<std::string>();
      require(known.count(key), where_ + ": unknown key '" + key + "' (known: " + [&] {
        std::string s;
        for (const auto& k : known) s += (s.empty() ? "" : ", ") + k;
        return s;
      }() + ")");
    }
  }
  template <class T>
  void get(const char* key, T& out) const {
    if (!present_ || !node_[key]) return;
    try {
      out = node_[key].as<T>();
    } catch (const YAML::Exception&) {
      throw InputError(where_ + "." + key + ": wrong type of value");
    }
  }

 private:
  YAML::Node node_;
  std::string where_;
  bool present_;  // a missing or empty section keeps every default
};

}  // namespace

std::string read_pipeline_text(const fs::path& file) {
  std::ifstream in(file);
  require(in.good() && !fs::is_directory(file),
          file.string() + ": cannot read the pipeline file (is there a tinyops.yaml here?)");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

PipelineFile load_pipeline(const fs::path& file) { return parse_pipeline(read_pipeline_text(file), file); }

PipelineFile parse_pipeline(const std::string& text, const fs::path& file) {
  YAML::Node loaded;
  try {
    loaded = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(file.string() + ": not valid YAML (" + e.what() + ")");
  }
  const YAML::Node& root = loaded;  // const: reading a missing key must not create it
  const std::string f = file.string();
  require(root.IsMap(), f + ": a pipeline file is a mapping (`pipeline: NAME`, then its stages)");
  Section top(root, f, {"pipeline", "data", "features", "train", "optimize", "deploy"});
  PipelineFile p;
  ImpulseConfig& c = p.impulse;
  require(root.IsMap() && root["pipeline"], f + ": `pipeline: NAME` is required");
  top.get("pipeline", c.name);
  require(!c.name.empty(), f + ": `pipeline: NAME` is required");

  Section data(root["data"], f + ": data", {"paths", "split"});
  std::vector<std::string> paths;
  data.get("paths", paths);
  for (const auto& path : paths) p.data_paths.push_back(file.parent_path() / path);
  Section split(root["data"] ? root["data"]["split"] : YAML::Node(), f + ": data.split", {"test", "seed"});
  split.get("test", p.test_fraction);
  split.get("seed", p.split_seed);

  Section feat(root["features"], f + ": features",
               {"block", "window_ms", "stride_ms", "scale", "filter", "cutoff_hz", "filter_order", "fft_length",
                "bands", "log_bands", "frame_ms", "frame_stride_ms", "audio_fft", "mel_filters", "cepstral",
                "low_hz", "high_hz", "pre_emphasis", "noise_floor_db", "width", "height", "grayscale"});
  std::string block = "raw";
  feat.get("block", block);
  c.features.kind = data::parse_block(block);
  data::FeatureConfig& fc = c.features;
  feat.get("window_ms", fc.window_ms);
  feat.get("stride_ms", fc.stride_ms);
  feat.get("scale", fc.scale);
  std::string filter;
  feat.get("filter", filter);
  if (!filter.empty()) {
    require(filter == "none" || filter == "low-pass" || filter == "high-pass",
            f + ": features.filter must be none, low-pass or high-pass");
    fc.filter = filter == "none" ? 0 : filter == "low-pass" ? 1 : 2;
  }
  feat.get("cutoff_hz", fc.cutoff_hz);
  feat.get("filter_order", fc.filter_order);
  feat.get("fft_length", fc.fft_length);
  feat.get("bands", fc.bands);
  feat.get("log_bands", fc.log_bands);
  feat.get("frame_ms", fc.frame_ms);
  feat.get("frame_stride_ms", fc.frame_stride_ms);
  feat.get("audio_fft", fc.audio_fft);
  feat.get("mel_filters", fc.mel_filters);
  feat.get("cepstral", fc.cepstral);
  feat.get("low_hz", fc.low_hz);
  feat.get("high_hz", fc.high_hz);
  feat.get("pre_emphasis", fc.pre_emphasis);
  feat.get("noise_floor_db", fc.noise_floor_db);
  feat.get("width", fc.width);
  feat.get("height", fc.height);
  feat.get("grayscale", fc.grayscale);

  Section tr(root["train"], f + ": train",
             {"model", "hidden", "filters", "epochs", "batch_size", "learning_rate", "patience", "class_weights",
              "seed", "validation_fraction"});
  std::string model = "mlp";
  tr.get("model", model);
  c.model = parse_model(model);
  tr.get("hidden", c.hidden);
  tr.get("filters", c.filters);
  tr.get("epochs", c.training.epochs);
  tr.get("batch_size", c.training.batch_size);
  tr.get("learning_rate", c.training.learning_rate);
  tr.get("patience", c.training.patience);
  tr.get("class_weights", c.training.class_weights);
  tr.get("seed", c.training.seed);
  tr.get("validation_fraction", c.validation_fraction);
  require(c.training.epochs >= 1 && c.training.batch_size >= 1 && c.training.learning_rate > 0,
          f + ": train.epochs and train.batch_size must be at least 1, train.learning_rate positive");

  Section opt(root["optimize"], f + ": optimize", {"prune_channels", "prune_sparsity", "fine_tune_epochs", "max_pruning_loss"});
  opt.get("prune_channels", c.prune_channels);
  opt.get("prune_sparsity", c.prune_sparsity);
  opt.get("fine_tune_epochs", c.fine_tune_epochs);
  opt.get("max_pruning_loss", c.max_pruning_loss);

  Section dep(root["deploy"], f + ": deploy", {"board", "device_examples", "accuracy_threshold", "promote"});
  dep.get("board", c.board);
  dep.get("device_examples", c.device_examples);
  dep.get("accuracy_threshold", c.accuracy_threshold);
  dep.get("promote", p.promote);
  require(p.promote.empty() || p.promote == "staging" || p.promote == "production",
          f + ": deploy.promote must be staging or production");
  return p;
}

std::string pipeline_yaml(const PipelineFile& p) {
  const ImpulseConfig& c = p.impulse;
  const data::FeatureConfig& f = c.features;
  YAML::Emitter out;
  out.SetDoublePrecision(12);  // 0.2, not 0.20000000000000001
  out.SetFloatPrecision(9);
  out << YAML::BeginMap << YAML::Key << "pipeline" << YAML::Value << c.name;
  out << YAML::Key << "data" << YAML::Value << YAML::BeginMap << YAML::Key << "paths" << YAML::Value << YAML::Flow
      << YAML::BeginSeq;
  for (const auto& d : p.data_paths) out << d.string();
  out << YAML::EndSeq << YAML::Key << "split" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "test"
      << YAML::Value << p.test_fraction << YAML::Key << "seed" << YAML::Value << p.split_seed << YAML::EndMap
      << YAML::EndMap;
  out << YAML::Key << "features" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "block" << YAML::Value << data::to_string(f.kind);
  switch (f.kind) {
    case data::BlockKind::Image:
      out << YAML::Key << "width" << YAML::Value << f.width << YAML::Key << "height" << YAML::Value << f.height
          << YAML::Key << "grayscale" << YAML::Value << f.grayscale;
      break;
    case data::BlockKind::Mfe:
    case data::BlockKind::Mfcc:
      out << YAML::Key << "window_ms" << YAML::Value << f.window_ms << YAML::Key << "frame_ms" << YAML::Value
          << f.frame_ms << YAML::Key << "frame_stride_ms" << YAML::Value << f.frame_stride_ms << YAML::Key
          << "audio_fft" << YAML::Value << f.audio_fft << YAML::Key << "mel_filters" << YAML::Value << f.mel_filters
          << YAML::Key << "cepstral" << YAML::Value << f.cepstral;
      break;
    default:
      out << YAML::Key << "window_ms" << YAML::Value << f.window_ms << YAML::Key << "stride_ms" << YAML::Value
          << f.stride_ms << YAML::Key << "scale" << YAML::Value << f.scale << YAML::Key << "filter" << YAML::Value
          << (f.filter == 0 ? "none" : f.filter == 1 ? "low-pass" : "high-pass") << YAML::Key << "cutoff_hz"
          << YAML::Value << f.cutoff_hz << YAML::Key << "filter_order" << YAML::Value << f.filter_order << YAML::Key
          << "fft_length" << YAML::Value << f.fft_length << YAML::Key << "bands" << YAML::Value << f.bands;
      break;
  }
  out << YAML::EndMap;
  out << YAML::Key << "train" << YAML::Value << YAML::BeginMap << YAML::Key << "model" << YAML::Value
      << to_string(c.model);
  if (c.model == ModelKind::Mlp) out << YAML::Key << "hidden" << YAML::Value << YAML::Flow << c.hidden;
  if (c.model == ModelKind::Conv1d) out << YAML::Key << "filters" << YAML::Value << c.filters;
  out << YAML::Key << "epochs" << YAML::Value << c.training.epochs << YAML::Key << "batch_size" << YAML::Value
      << c.training.batch_size << YAML::Key << "learning_rate" << YAML::Value << c.training.learning_rate
      << YAML::Key << "patience" << YAML::Value << c.training.patience << YAML::Key << "seed" << YAML::Value
      << c.training.seed << YAML::EndMap;
  out << YAML::Key << "optimize" << YAML::Value << YAML::BeginMap << YAML::Key << "prune_channels" << YAML::Value
      << c.prune_channels << YAML::Key << "prune_sparsity" << YAML::Value << c.prune_sparsity << YAML::Key
      << "fine_tune_epochs" << YAML::Value << c.fine_tune_epochs << YAML::EndMap;
  out << YAML::Key << "deploy" << YAML::Value << YAML::BeginMap << YAML::Key << "board" << YAML::Value << c.board
      << YAML::Key << "device_examples" << YAML::Value << c.device_examples << YAML::Key << "accuracy_threshold"
      << YAML::Value << c.accuracy_threshold;
  if (!p.promote.empty()) out << YAML::Key << "promote" << YAML::Value << p.promote;
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

void import_and_split(store::Workspace& ws, const PipelineFile& p,
                      const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  if (!p.data_paths.empty()) {
    data::ImportOptions io;
    io.paths = p.data_paths;
    io.progress = [&](const std::string& line) { say("import: " + line); };
    const data::ImportReport ir = data::import_samples(ws, io);
    say(fmt::format("import: {} new samples, {} already here", ir.imported, ir.duplicates.size()));
  }
  say(fmt::format("split: {:.0f} % for testing, stratified, seed {}", 100 * p.test_fraction, p.split_seed));
  data::split_dataset(ws, p.test_fraction, p.split_seed);
}

PipelineResult run_pipeline(store::Workspace& ws, const fs::path& file,
                            const std::function<void(const std::string&)>& progress) {
  const PipelineFile p = load_pipeline(file);
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  // The run is recorded before the import and finished after the promotion: a kill during
  // either shows as interrupted, and a refused promotion fails the run.
  ImpulseRunOptions how;
  how.run = store::begin_run(ws, p.impulse.name, impulse_params_json(p.impulse));
  PipelineResult result;
  std::string log;
  try {
    import_and_split(ws, p, progress);
    result.report =
        run_impulse(ws, p.impulse, ws.root() / "artifacts" / p.impulse.name, progress, how);
    if (!p.promote.empty()) {
      store::promote(ws, result.report.model_id, p.promote, p.impulse.accuracy_threshold);
      result.promoted = p.promote;
      log =
          fmt::format("promote: {} is now in {}", result.report.model_id.substr(0, 12), p.promote);
      say(log);
    }
  } catch (const std::exception& e) {
    store::finish_run(ws, how.run, false, "{}", std::string("error: ") + e.what() + "\n");
    throw;
  }
  store::finish_run(ws, how.run, true, impulse_metrics_json(result.report),
                    log.empty() ? log : log + "\n");
  return result;
}

}  // namespace tinyops::pipeline
