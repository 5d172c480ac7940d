#include "tinyops/pipeline/impulse.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "tinyops/compiler/board.hpp"
#include "tinyops/compiler/codegen.hpp"
#include "tinyops/core/content_id.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/core/version.hpp"
#include "tinyops/data/dataset.hpp"
#include "tinyops/farm/farm_test.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_exporter.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/interp/interpreter.hpp"
#include "tinyops/store/registry.hpp"
#include "tinyops/store/runs.hpp"
#include "tinyops/train/model_io.hpp"
#include "tinyops/train/model_export.hpp"
#include "tinyops/train/prune.hpp"

namespace tinyops::pipeline {

namespace fs = std::filesystem;

namespace {

train::Examples examples_of(const data::FeatureMatrix& m) {
  train::Examples e;
  e.shape = m.shape;
  e.x = m.x;
  e.y = m.y;
  return e;
}

// Validation examples are held out by sample (windows of one sample stay together), chosen
// by the sample id's hash: stable and independent of the order of the matrix.
void hold_out(const data::FeatureMatrix& all, double fraction, train::Examples& training,
              train::Examples& validation) {
  std::vector<size_t> train_rows, val_rows;
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string key = "validation:" + all.sample_ids[i];
    const std::string h = sha256_hex({reinterpret_cast<const uint8_t*>(key.data()), key.size()});
    const double u = static_cast<double>(std::stoul(h.substr(0, 8), nullptr, 16)) / 4294967296.0;
    (u < fraction ? val_rows : train_rows).push_back(i);
  }
  const train::Examples e = examples_of(all);
  training = e.subset(train_rows);
  validation = e.subset(val_rows);
}

train::NetworkSpec network_for(const ImpulseConfig& c, const std::vector<int32_t>& shape, int32_t classes) {
  switch (c.model) {
    case ModelKind::Mlp: {
      train::NetworkSpec s = train::dense_mlp(shape[0] * shape[1] * shape[2], c.hidden, classes);
      s.input_shape = shape;  // dense layers flatten whatever they get
      s.layers.insert(s.layers.begin(), train::LayerSpec{train::LayerKind::Flatten});
      if (shape[0] == 1 && shape[1] == 1) s.layers.erase(s.layers.begin());
      return s;
    }
    case ModelKind::Conv1d:
      require(shape[0] == 1, "conv1d needs time-series features (1 x steps x axes)");
      return train::conv1d_net(shape[1], shape[2], classes, c.filters);
    case ModelKind::DsCnn:
    case ModelKind::DsCnnMlperf:
      require(shape[2] == 1, "ds-cnn needs a spectrogram (frames x filters x 1)");
      return train::ds_cnn(shape[0], shape[1], classes, c.model == ModelKind::DsCnnMlperf);
    case ModelKind::SmallCnn:
      return train::small_cnn(shape[0], shape[1], shape[2], classes);
  }
  throw InputError("unknown model");
}

double accuracy_of(const train::TrainedModel& m, const train::Examples& test) {
  std::vector<int32_t> predicted;
  for (const auto& p : train::predict(m, test)) predicted.push_back(train::argmax(p));
  return train::classification_report(test.y, predicted, static_cast<int32_t>(m.spec.layers.back().units)).accuracy;
}

StageAccuracy stage(const std::string& name, const train::TrainedModel& m, const train::Examples& test) {
  StageAccuracy s;
  s.stage = name;
  s.accuracy = accuracy_of(m, test);
  s.parameters = train::parameter_count(m.spec);
  s.macs = train::mac_count(m.spec);
  int64_t zeros = 0;
  for (const auto& l : m.layers) zeros += std::count(l.weights.begin(), l.weights.end(), 0.0f);
  s.nonzero_parameters = s.parameters - zeros;
  return s;
}

int32_t int8_argmax(std::span<const uint8_t> out) {
  return static_cast<int32_t>(std::max_element(out.begin(), out.end(), [](uint8_t a, uint8_t b) {
                                return static_cast<int8_t>(a) < static_cast<int8_t>(b);
                              }) - out.begin());
}

double int8_accuracy(const Graph& q, const train::Examples& e) {
  if (e.size() == 0) return 0;
  interp::Interpreter interp(q);
  size_t correct = 0;
  for (size_t i = 0; i < e.size(); ++i) {
    const auto in = train::quantize_input(q, e.x.data() + i * e.example_size(), e.example_size());
    std::memcpy(interp.input(0).data(), in.data(), in.size());
    interp.invoke();
    correct += int8_argmax(interp.output(0)) == e.y[i];
  }
  return static_cast<double>(correct) / static_cast<double>(e.size());
}

nlohmann::json features_json(const data::FeatureConfig& f) {
  return {{"block", data::to_string(f.kind)}, {"window_ms", f.window_ms}, {"stride_ms", f.stride_ms},
          {"scale", f.scale}, {"filter", f.filter}, {"cutoff_hz", f.cutoff_hz},
          {"filter_order", f.filter_order}, {"fft_length", f.fft_length}, {"bands", f.bands},
          {"log_bands", f.log_bands}, {"frame_ms", f.frame_ms}, {"frame_stride_ms", f.frame_stride_ms},
          {"audio_fft", f.audio_fft}, {"mel_filters", f.mel_filters}, {"cepstral", f.cepstral},
          {"low_hz", f.low_hz}, {"high_hz", f.high_hz}, {"pre_emphasis", f.pre_emphasis},
          {"noise_floor_db", f.noise_floor_db}, {"width", f.width}, {"height", f.height},
          {"grayscale", f.grayscale}};
}

nlohmann::json versions_json() {
  return {{"tinyops", kTinyOpsVersion}, {"compiler", kCompilerVersion}, {"torch", train::torch_version()}};
}

std::span<const uint8_t> bytes_of(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

}  // namespace

ModelKind parse_model(const std::string& name) {
  if (name == "mlp") return ModelKind::Mlp;
  if (name == "conv1d") return ModelKind::Conv1d;
  if (name == "ds-cnn") return ModelKind::DsCnn;
  if (name == "ds-cnn-mlperf") return ModelKind::DsCnnMlperf;
  if (name == "small-cnn") return ModelKind::SmallCnn;
  throw InputError("unknown model '" + name + "': use mlp, conv1d, ds-cnn, ds-cnn-mlperf or small-cnn");
}

const char* to_string(ModelKind kind) {
  switch (kind) {
    case ModelKind::Mlp: return "mlp";
    case ModelKind::Conv1d: return "conv1d";
    case ModelKind::DsCnn: return "ds-cnn";
    case ModelKind::DsCnnMlperf: return "ds-cnn-mlperf";
    case ModelKind::SmallCnn: return "small-cnn";
  }
  return "?";
}

namespace {

nlohmann::json stages_json(const std::vector<StageAccuracy>& stages) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& st : stages)
    out.push_back({{"stage", st.stage}, {"accuracy", st.accuracy}, {"parameters", st.parameters},
                   {"nonzero_parameters", st.nonzero_parameters}, {"macs", st.macs}});
  return out;
}

std::vector<StageAccuracy> stages_from(const nlohmann::json& j) {
  std::vector<StageAccuracy> out;
  for (const auto& st : j)
    out.push_back({st.at("stage").get<std::string>(), st.at("accuracy").get<double>(), st.at("parameters").get<int64_t>(),
                   st.at("nonzero_parameters").get<int64_t>(), st.at("macs").get<int64_t>()});
  return out;
}

nlohmann::json report_json(const train::ClassificationReport& r) {
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& c : r.classes)
    classes.push_back({{"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1}, {"support", c.support}});
  return {{"accuracy", r.accuracy}, {"macro_f1", r.macro_f1}, {"confusion", r.confusion}, {"classes", classes}};
}

train::ClassificationReport report_from(const nlohmann::json& j) {
  train::ClassificationReport r;
  r.accuracy = j.at("accuracy").get<double>();
  r.macro_f1 = j.at("macro_f1").get<double>();
  r.confusion = j.at("confusion").get<std::vector<std::vector<int64_t>>>();
  for (const auto& c : j.at("classes"))
    r.classes.push_back({c.at("precision").get<double>(), c.at("recall").get<double>(), c.at("f1").get<double>(),
                         c.at("support").get<int64_t>()});
  return r;
}

nlohmann::json training_params(const ImpulseConfig& c) {
  return {{"model", to_string(c.model)}, {"hidden", c.hidden}, {"filters", c.filters},
          {"epochs", c.training.epochs}, {"batch_size", c.training.batch_size},
          {"learning_rate", c.training.learning_rate}, {"patience", c.training.patience},
          {"class_weights", c.training.class_weights}, {"seed", c.training.seed},
          {"validation_fraction", c.validation_fraction}, {"prune_channels", c.prune_channels},
          {"prune_sparsity", c.prune_sparsity}, {"fine_tune_epochs", c.fine_tune_epochs},
          {"max_pruning_loss", c.max_pruning_loss}};
}

// One writer at a time (a lock on the folder): two runs of one pipeline exporting at once
// (a sweep) leave the last one's bundle, not a mix of both.
void write_bundle(const nlohmann::json& files, const fs::path& dir) {
  fs::create_directories(dir);
  struct FolderLock {
    int fd;
    ~FolderLock() {
      if (fd >= 0) ::close(fd);  // and the lock with it
    }
  } lock{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  require(lock.fd >= 0 && ::flock(lock.fd, LOCK_EX) == 0,
          dir.string() + ": cannot lock the folder");
  for (const auto& [path, text] : files.items()) {
    fs::create_directories((dir / path).parent_path());
    formats::write_file(dir / path, bytes_of(text.get<std::string>()));
  }
}

}  // namespace

const std::vector<std::string>& impulse_stages() {
  static const std::vector<std::string> stages = {"features", "train", "quantise", "compile", "farm"};
  return stages;
}

std::string dataset_version_name(const std::string& pipeline, int64_t run) {
  return fmt::format("{}@{}-run{}", pipeline, store::utc_now(), run);
}

std::string impulse_params_json(const ImpulseConfig& c) {
  return nlohmann::json{{"features", features_json(c.features)}, {"training", training_params(c)},
                        {"board", c.board}, {"device_examples", c.device_examples},
                        {"accuracy_threshold", c.accuracy_threshold}}
      .dump();
}

std::string impulse_metrics_json(const ImpulseReport& r) {
  return nlohmann::json{{"float_accuracy", r.float_accuracy}, {"int8_accuracy", r.int8_accuracy},
                        {"device_accuracy", r.device_accuracy}, {"flash_bytes", r.flash_bytes},
                        {"ram_bytes", r.ram_bytes}, {"instructions", r.instructions}, {"model", r.model_id}}
      .dump();
}

ImpulseReport run_impulse(store::Workspace& ws, const ImpulseConfig& c, const fs::path& out_dir,
                          const std::function<void(const std::string&)>& progress, const ImpulseRunOptions& how) {
  const bool one_stage = !how.only_stage.empty();
  require(!one_stage || std::find(impulse_stages().begin(), impulse_stages().end(), how.only_stage) != impulse_stages().end(),
          "no impulse stage '" + how.only_stage + "'");
  ImpulseReport r;
  r.name = c.name;
  r.board = c.board;
  fs::create_directories(out_dir);
  const bool owns_run = how.run == 0;
  const int64_t run = owns_run ? store::begin_run(ws, c.name, impulse_params_json(c)) : how.run;
  r.run_id = run;
  std::string log;
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
    log += s + "\n";
  };
  // Runs a stage unless its key is cached; records it in the run either way. When one
  // stage is asked for, the ones before it come from the cache (an earlier job made them)
  // and are not recorded again.
  auto stage_step = [&](const std::string& stage, const nlohmann::json& key_material,
                        const std::function<std::vector<std::string>()>& work) {
    const auto started = std::chrono::steady_clock::now();
    const std::string key = store::stage_key(nlohmann::json{{"stage", stage}, {"inputs", key_material},
                                                            {"tinyops", kTinyOpsVersion}}.dump());
    std::vector<std::string> outputs;
    std::string status = "ran";
    if (one_stage && stage != how.only_stage) {
      auto hit = store::cached_outputs(ws, key);
      require(hit.has_value(), "stage " + stage + " of run " + std::to_string(run) +
                                   " has no cached result: it must finish before " + how.only_stage);
      return *hit;
    }
    if (auto hit = store::cached_outputs(ws, key)) {
      outputs = *hit;
      status = "cached";
      say(fmt::format("{}: unchanged inputs, parameters and code: skipped (cached {})", stage, outputs.at(0).substr(0, 12)));
    } else {
      outputs = work();
      store::cache_outputs(ws, key, stage, outputs);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    store::record_stage(ws, run, nlohmann::json{{"stage", stage}, {"status", status}, {"seconds", seconds},
                                                {"outputs", outputs}}.dump(), log);
    log.clear();
    r.stage_outputs = outputs;
    return outputs;
  };
  auto stop_after = [&](const std::string& stage) { return one_stage && how.only_stage == stage; };

  try {
    // The data, frozen: the features and everything after them trace back to this version.
    // (Named with the run: two runs of a pipeline may freeze different samples in one second.)
    const data::DatasetVersion version =
        how.dataset_version.empty()
            ? data::freeze_version(ws, dataset_version_name(c.name, run))
            : data::find_version(ws, how.dataset_version);
    const store::Artifact dataset_artifact = store::record_artifact(
        ws, "dataset_version", version.name, ws.objects().get(version.id),
        nlohmann::json{{"samples", version.samples}, {"version", version.id}}.dump());
    say(fmt::format("data: dataset version {} ({} samples)", version.id.substr(0, 12), version.samples));

    // ---- features ----
    const std::string feature_id = stage_step(
        "features", {{"dataset", dataset_artifact.id}, {"config", features_json(c.features)}}, [&] {
          say(fmt::format("features: {} block", data::to_string(c.features.kind)));
          const data::FeatureSets extracted = data::extract_features(ws, c.features, version.id);
          const nlohmann::json meta = {{"config", features_json(c.features)}, {"shape", extracted.training.shape},
                                       {"labels", extracted.labels}, {"training_examples", extracted.training.size()},
                                       {"testing_examples", extracted.testing.size()}, {"versions", versions_json()}};
          return std::vector<std::string>{store::record_artifact(ws, "feature_set", c.name + "/features",
                                                                 data::encode_features(extracted), meta.dump(),
                                                                 {{dataset_artifact.id, "dataset"}})
                                              .id};
        })[0];
    if (stop_after("features")) return r;
    const data::FeatureSets sets = data::decode_features(ws.objects().get(feature_id));
    require(sets.training.size() > 0 && sets.testing.size() > 0,
            "both training and testing samples are needed: `tinyops data split` first");
    r.labels = sets.labels;
    r.feature_shape = sets.training.shape;
    const int32_t classes = static_cast<int32_t>(sets.labels.size());
    train::Examples training, validation;
    hold_out(sets.training, c.validation_fraction, training, validation);
    const train::Examples test = examples_of(sets.testing);
    r.training_examples = training.size();
    r.validation_examples = validation.size();
    r.test_examples = test.size();
    say(fmt::format("features: {} x {} x {} per example; {} training, {} validation, {} test examples",
                    r.feature_shape[0], r.feature_shape[1], r.feature_shape[2], training.size(),
                    validation.size(), test.size()));

    // ---- train, prune (with fine-tuning) ----
    auto epoch_line = [&](const std::string& what) {
      return [&, what](const train::EpochLog& e) {
        say(fmt::format("{} epoch {:>3}/{}: loss {:.4f} acc {:.3f} | val loss {:.4f} acc {:.3f} | lr {:.2e}{}", what,
                        e.epoch, e.epochs, e.loss, e.accuracy, e.val_loss, e.val_accuracy, e.learning_rate,
                        e.best ? " *" : ""));
      };
    };
    const std::string run_artifact_id = stage_step("train", {{"features", feature_id}, {"params", training_params(c)}}, [&] {
      const train::NetworkSpec spec = network_for(c, sets.training.shape, classes);
      say("train: " + train::describe(spec));
      train::TrainOptions options = c.training;
      options.on_epoch = epoch_line("train");
      const train::TrainResult result = train::train(spec, training, validation, options);
      if (result.stopped_early) say(fmt::format("train: early stop; best epoch {}", result.best_epoch));
      train::TrainedModel model = result.model;
      std::vector<StageAccuracy> stages = {stage("float", model, test)};
      // Each pruning step is kept only if the validation accuracy stays within
      // max_pruning_loss of the model before it (the test set is not looked at).
      auto keep_if_close = [&](const train::TrainedModel& pruned, const std::string& what) {
        const double before = accuracy_of(model, validation), after = accuracy_of(pruned, validation);
        StageAccuracy st = stage(what, pruned, test);
        if (after + c.max_pruning_loss < before) {
          say(fmt::format("prune: {} lost {:.1f} points of validation accuracy ({:.1f} % -> {:.1f} %): not kept",
                          what, 100 * (before - after), 100 * before, 100 * after));
          st.stage += " (not kept)";
        } else {
          say(fmt::format("prune: {} kept (validation {:.1f} % -> {:.1f} %)", what, 100 * before, 100 * after));
          model = pruned;
        }
        stages.push_back(st);
      };
      // Fine-tuning after a pruning step: half the learning rate, keeping the zeros of
      // magnitude pruning.
      auto fine_tune = [&](const train::TrainedModel& pruned, bool keep_zeros, const std::string& what) {
        train::TrainOptions o = c.training;
        o.epochs = c.fine_tune_epochs;
        o.learning_rate = c.training.learning_rate / 2;
        o.initial = &pruned;
        o.keep_zeros = keep_zeros;
        o.on_epoch = epoch_line("fine-tune (" + what + ")");
        return train::train(pruned.spec, training, validation, o).model;
      };
      if (c.prune_channels > 0) {
        say(fmt::format("prune: {:.0f} % of the channels of hidden layers", 100 * c.prune_channels));
        keep_if_close(fine_tune(train::prune_channels(model, c.prune_channels), false, "channels"), "channel-pruned");
      }
      if (c.prune_sparsity > 0) {
        say(fmt::format("prune: {:.0f} % of the weights by magnitude", 100 * c.prune_sparsity));
        keep_if_close(fine_tune(train::prune_magnitude(model, c.prune_sparsity), true, "sparsity"), "magnitude-pruned");
      }
      nlohmann::json history = nlohmann::json::array();
      for (const auto& e : result.history)
        history.push_back({{"epoch", e.epoch}, {"loss", e.loss}, {"accuracy", e.accuracy}, {"val_loss", e.val_loss},
                           {"val_accuracy", e.val_accuracy}, {"learning_rate", e.learning_rate}});
      nlohmann::json meta = training_params(c);
      meta["network"] = train::describe(model.spec);
      meta["best_epoch"] = result.best_epoch;
      meta["stopped_early"] = result.stopped_early;
      meta["history"] = history;
      meta["stages"] = stages_json(stages);
      meta["float_test_accuracy"] = accuracy_of(model, test);
      meta["versions"] = versions_json();
      const nlohmann::json content = {{"meta", meta}, {"model", train::to_json(model)}};
      return std::vector<std::string>{store::record_artifact(ws, "training_run", c.name + "/training",
                                                             bytes_of(content.dump()), meta.dump(),
                                                             {{feature_id, "features"}})
                                          .id};
    })[0];
    if (stop_after("train")) return r;
    const nlohmann::json trained = [&] {
      const auto bytes = ws.objects().get(run_artifact_id);
      return nlohmann::json::parse(bytes.begin(), bytes.end());
    }();
    const train::TrainedModel model = train::model_from_json(trained.at("model"));
    r.stages = stages_from(trained.at("meta").at("stages"));
    r.network = trained.at("meta").at("network").get<std::string>();
    r.float_accuracy = trained.at("meta").at("float_test_accuracy").get<double>();
    const StageAccuracy deployed = stage("deployed (float)", model, test);

    // ---- quantise: both calibration rules, the better on validation kept ----
    r.float_model = out_dir / (c.name + "_float32.tflite");
    r.int8_model = out_dir / (c.name + "_int8.tflite");
    const auto models = stage_step(
        "quantise", {{"training_run", run_artifact_id}, {"features", feature_id}, {"threshold", c.accuracy_threshold}},
        [&] {
          // Ranges from the averaged extremes suit activations with rare outliers; plain
          // min/max suits features whose spread across examples is the signal.
          Graph best;
          double best_validation = -1;
          std::string calibration;
          for (const train::CalibrationRange rule : {train::CalibrationRange::MinMax, train::CalibrationRange::MeanExtremes}) {
            train::QuantizeOptions qo;
            qo.ranges = rule;
            Graph candidate = train::quantize_int8(model, training, qo);
            const double v = int8_accuracy(candidate, validation);
            const char* name = rule == train::CalibrationRange::MinMax ? "min/max" : "averaged extremes";
            say(fmt::format("quantise: int8 with {} ranges: validation accuracy {:.1f} %", name, 100 * v));
            if (v > best_validation) {
              best_validation = v;
              best = std::move(candidate);
              calibration = name;
            }
          }
          std::vector<int32_t> predicted;
          interp::Interpreter interp(best);
          for (size_t i = 0; i < test.size(); ++i) {
            const auto in = train::quantize_input(best, test.x.data() + i * test.example_size(), test.example_size());
            std::memcpy(interp.input(0).data(), in.data(), in.size());
            interp.invoke();
            predicted.push_back(int8_argmax(interp.output(0)));
          }
          const train::ClassificationReport report = train::classification_report(test.y, predicted, classes);
          const store::Artifact float_artifact = store::record_artifact(
              ws, "float_model", r.float_model.filename().string(), formats::export_tflite(train::float_graph(model)),
              nlohmann::json{{"test_accuracy", r.float_accuracy}, {"labels", r.labels}, {"versions", versions_json()}}.dump(),
              {{run_artifact_id, "trained by"}});
          const store::Artifact int8_artifact = store::record_artifact(
              ws, "int8_model", r.int8_model.filename().string(), formats::export_tflite(best),
              nlohmann::json{{"test_accuracy", report.accuracy}, {"float_test_accuracy", r.float_accuracy},
                             {"accuracy_threshold", c.accuracy_threshold}, {"calibration", calibration},
                             {"labels", r.labels}, {"report", report_json(report)}, {"versions", versions_json()}}
                  .dump(),
              {{float_artifact.id, "quantised from"}, {feature_id, "calibration"}});
          return std::vector<std::string>{float_artifact.id, int8_artifact.id};
        });
    if (stop_after("quantise")) return r;
    formats::write_file(r.float_model, ws.objects().get(models[0]));
    const std::vector<uint8_t> int8_bytes = ws.objects().get(models[1]);
    formats::write_file(r.int8_model, int8_bytes);
    const Graph q = formats::import_tflite(int8_bytes, r.int8_model.string());
    {
      const nlohmann::json meta = nlohmann::json::parse(store::find_artifact(ws, models[1]).metadata);
      r.int8_report = report_from(meta.at("report"));
      r.int8_accuracy = r.int8_report.accuracy;
      r.calibration = meta.at("calibration").get<std::string>();
    }
    r.model_id = models[1];
    StageAccuracy int8_stage = deployed;
    int8_stage.stage = "int8 (host)";
    int8_stage.accuracy = r.int8_accuracy;
    r.stages.push_back(int8_stage);
    say(fmt::format("quantise: float {:.1f} %, int8 {:.1f} % on the test set ({} calibration)", 100 * r.float_accuracy,
                    100 * r.int8_accuracy, r.calibration));

    // ---- compile for the board ----
    const compiler::Board& board = compiler::find_board(c.board);
    r.bundle = out_dir / "bundle";
    const std::string bundle_id = stage_step("compile", {{"model", r.model_id}, {"board", board.name}}, [&] {
      compiler::CodegenOptions codegen;
      codegen.board = board.name + " (" + board.title + ")";
      codegen.model_id = r.int8_model.filename().string();
      codegen.dsp_kernels = board.dsp_extension;
      const compiler::GeneratedBundle bundle = compiler::generate_c(q, codegen);
      nlohmann::json files = nlohmann::json::object();
      for (const auto& [path, text] : bundle.files) files[path] = text;
      const std::string bundle_text = nlohmann::json{{"board", board.name}, {"files", files}}.dump();
      return std::vector<std::string>{
          store::record_artifact(ws, "bundle", c.name + "@" + board.name, bytes_of(bundle_text),
                                 nlohmann::json{{"board", board.name}, {"arena_bytes", bundle.plan.arena_bytes},
                                                {"weight_bytes", bundle.weight_bytes}, {"dsp_kernels", codegen.dsp_kernels},
                                                {"versions", versions_json()}}
                                     .dump(),
                                 {{r.model_id, "compiled from"}})
              .id};
    })[0];
    if (stop_after("compile")) return r;
    {
      const auto bytes = ws.objects().get(bundle_id);
      write_bundle(nlohmann::json::parse(bytes.begin(), bytes.end()).at("files"), r.bundle);
    }

    // ---- the test set on the emulated board ----
    const size_t n = c.device_examples ? std::min(c.device_examples, test.size()) : test.size();
    r.farm_report_id = stage_step("farm", {{"model", r.model_id}, {"bundle", bundle_id}, {"features", feature_id}, {"examples", n}}, [&] {
      interp::Interpreter interp(q);
      // This run's own folder: another run of the same pipeline (a sweep) may be testing its
      // model at the same time, and must not pick up these vectors or this firmware.
      const fs::path scratch = ws.dir() / "tmp" / fmt::format("farm-run-{}", run);
      struct RemoveAfter {
        fs::path dir;
        ~RemoveAfter() {
          std::error_code ec;
          fs::remove_all(dir, ec);
        }
      } remove_after{scratch};
      const fs::path vectors = scratch / "device_vectors";
      fs::remove_all(vectors);
      fs::create_directories(vectors);
      for (size_t i = 0; i < n; ++i) {
        const auto in = train::quantize_input(q, test.x.data() + i * test.example_size(), test.example_size());
        std::memcpy(interp.input(0).data(), in.data(), in.size());
        interp.invoke();
        formats::write_file(vectors / fmt::format("input_{}.bin", i), {reinterpret_cast<const uint8_t*>(in.data()), in.size()});
        formats::write_file(vectors / fmt::format("output_{}.bin", i),
                            std::vector<uint8_t>(interp.output(0).begin(), interp.output(0).end()));  // the host's answer
      }
      say(fmt::format("farm: {} test examples on {} (QEMU)", n, board.name));
      farm::FarmTestOptions fo;
      fo.model = r.int8_model;
      fo.boards = {board.name};
      fo.vectors = vectors;
      fo.work_dir = scratch / "farm";
      fo.progress = [&](const std::string& line) { say("farm: " + line); };
      const farm::FarmTestReport fr = farm::run_farm_test(q, fo);
      fs::remove_all(vectors);
      const farm::BoardOutcome& b = fr.boards.at(0);
      int64_t correct = 0;
      for (size_t i = 0; i < b.vectors.size(); ++i) correct += int8_argmax(b.vectors[i].output) == test.y[i];
      if (b.status != farm::BoardStatus::Pass && b.status != farm::BoardStatus::Fail)
        say("farm: " + std::string(farm::to_string(b.status)) + ": " + b.message);
      const nlohmann::json farm_meta = {
          {"boards", nlohmann::json::array({{{"board", board.name},
                                             {"status", farm::to_string(b.status)},
                                             {"message", b.message},
                                             {"passed", b.status == farm::BoardStatus::Pass},
                                             {"fits", b.status != farm::BoardStatus::DoesNotFit},
                                             {"bit_exact", b.bit_exact()},
                                             {"flash_bytes", b.flash_bytes},
                                             {"ram_bytes", b.ram_bytes},
                                             {"arena_bytes", b.arena_bytes},
                                             {"instructions", b.instructions},
                                             {"estimated_ms", b.estimated_ms},
                                             {"examples", b.vectors.size()},
                                             {"accuracy", b.vectors.empty() ? 0.0
                                                                            : static_cast<double>(correct) /
                                                                                  static_cast<double>(b.vectors.size())}}})},
          {"versions", versions_json()}};
      return std::vector<std::string>{store::record_artifact(ws, "farm_report", c.name + "@" + board.name + "/farm",
                                                             bytes_of(farm_meta.dump()), farm_meta.dump(),
                                                             {{bundle_id, "tested"}, {r.model_id, "model"}})
                                          .id};
    })[0];
    const nlohmann::json farm = nlohmann::json::parse(store::find_artifact(ws, r.farm_report_id).metadata).at("boards").at(0);
    r.fits = farm.at("fits").get<bool>();
    r.flash_bytes = farm.at("flash_bytes").get<int64_t>();
    r.ram_bytes = farm.at("ram_bytes").get<int64_t>();
    r.arena_bytes = farm.at("arena_bytes").get<int64_t>();
    r.instructions = farm.at("instructions").get<int64_t>();
    r.estimated_ms = farm.at("estimated_ms").get<double>();
    r.device_bit_exact = farm.at("bit_exact").get<bool>();
    r.device_examples = farm.at("examples").get<size_t>();
    r.device_accuracy = farm.at("accuracy").get<double>();
    if (r.device_examples > 0) {
      StageAccuracy device_stage = deployed;
      device_stage.stage = "int8 (device)";
      device_stage.accuracy = r.device_accuracy;
      r.stages.push_back(device_stage);
    }
    if (owns_run) store::finish_run(ws, run, true, impulse_metrics_json(r), log);
  } catch (const std::exception& e) {
    if (owns_run)
      store::finish_run(ws, run, false, "{}", log + "error: " + e.what() + "\n");
    else
      store::append_log(ws, run, log);  // the failing stage's lines; the owner adds the error
    throw;
  }
  return r;
}

}  // namespace tinyops::pipeline
