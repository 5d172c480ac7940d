// tinyops.yaml: read back what is written, and refuse typos and wrong types with the key named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "../support/expect_error.hpp"
#include "../support/temp_dir.hpp"
#include "tinyops/pipeline/pipeline_file.hpp"

namespace tinyops::pipeline {
namespace {

using ::testing::HasSubstr;
using test_support::error_of;
using test_support::TempDir;

std::filesystem::path write(const TempDir& tmp, const std::string& text) {
  const auto path = tmp.path() / "tinyops.yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(PipelineFile, RoundTripsThroughYaml) {
  TempDir tmp("yaml");
  PipelineFile p;
  p.impulse.name = "kws";
  p.impulse.features.kind = data::BlockKind::Mfe;
  p.impulse.features.mel_filters = 24;
  p.impulse.model = ModelKind::DsCnn;
  p.impulse.training.epochs = 7;
  p.impulse.training.learning_rate = 0.002;
  p.impulse.prune_channels = 0;
  p.impulse.board = "cortex-m7";
  p.impulse.accuracy_threshold = 0.9;
  p.data_paths = {"data"};
  p.test_fraction = 0.25;
  p.split_seed = 3;
  p.promote = "staging";
  const PipelineFile back = load_pipeline(write(tmp, pipeline_yaml(p)));
  EXPECT_EQ(back.impulse.name, "kws");
  EXPECT_EQ(back.impulse.features.kind, data::BlockKind::Mfe);
  EXPECT_EQ(back.impulse.features.mel_filters, 24);
  EXPECT_EQ(back.impulse.model, ModelKind::DsCnn);
  EXPECT_EQ(back.impulse.training.epochs, 7);
  EXPECT_DOUBLE_EQ(back.impulse.training.learning_rate, 0.002);
  EXPECT_DOUBLE_EQ(back.impulse.prune_channels, 0);
  EXPECT_EQ(back.impulse.board, "cortex-m7");
  EXPECT_DOUBLE_EQ(back.test_fraction, 0.25);
  EXPECT_EQ(back.split_seed, 3u);
  EXPECT_EQ(back.promote, "staging");
  ASSERT_EQ(back.data_paths.size(), 1u);
  EXPECT_EQ(back.data_paths[0], tmp.path() / "data") << "data paths are relative to the file";
  EXPECT_THAT(pipeline_yaml(p), HasSubstr("test: 0.25")) << "numbers are written as people write them";
}

TEST(PipelineFile, NamesTheKeyThatIsWrong) {
  TempDir tmp("yaml");
  EXPECT_THAT(error_of([&] { load_pipeline(write(tmp, "pipeline: x\ntrain: {epochz: 3}\n")); }),
              HasSubstr("train: unknown key 'epochz'"));
  EXPECT_THAT(error_of([&] { load_pipeline(write(tmp, "pipeline: x\ntrain: {epochs: many}\n")); }),
              HasSubstr("train.epochs: wrong type of value"));
  EXPECT_THAT(error_of([&] { load_pipeline(write(tmp, "pipeline: x\nfeatures: {block: fancy}\n")); }),
              HasSubstr("unknown feature block 'fancy'"));
  EXPECT_THAT(error_of([&] { load_pipeline(write(tmp, "train: {}\n")); }), HasSubstr("`pipeline: NAME` is required"));
  EXPECT_THAT(error_of([&] { load_pipeline(write(tmp, "pipeline: [unclosed\n")); }), HasSubstr("not valid YAML"));
  EXPECT_THAT(error_of([&] { load_pipeline(tmp.path() / "none.yaml"); }), HasSubstr("cannot read the pipeline file"));
  EXPECT_THAT(error_of([&] { load_pipeline(write(tmp, "pipeline: x\ndeploy: {promote: gold}\n")); }),
              HasSubstr("deploy.promote must be staging or production"));
}

}  // namespace
}  // namespace tinyops::pipeline
