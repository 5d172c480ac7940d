// `tinyops farm test` end to end: real firmware on QEMU boards, compared with the host
// interpreter and TFLite Micro's reference outputs.
#include "tinyops/farm/farm_test.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tinyops/core/error.hpp"

namespace tinyops::farm {
namespace {

namespace fs = std::filesystem;

const fs::path kModels(TINYOPS_SHARED_MODELS);

class FarmTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("tinyops-farm-test-" + std::to_string(::getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  FarmTestReport run(const std::string& model, std::vector<std::string> boards) {
    FarmTestOptions options;
    options.model = kModels / (model + ".tflite");
    options.boards = std::move(boards);
    options.work_dir = dir_;
    options.timeout_seconds = 120;
    return run_farm_test(options);
  }
  fs::path dir_;
};

TEST_F(FarmTest, HelloWorldIsBitExactWithTfliteMicroOnEveryEmulatedCore) {
  const std::vector<std::string> boards = {"cortex-m0", "cortex-m3",  "cortex-m4f",
                                           "cortex-m7", "cortex-m33", "cortex-m55"};
  const FarmTestReport report = run("tflm_hello_world_int8", boards);
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(report.vector_count, 8u);
  ASSERT_EQ(report.boards.size(), boards.size());
  for (size_t i = 0; i < boards.size(); ++i) {
    const BoardOutcome& b = report.boards[i];
    SCOPED_TRACE(b.board);
    EXPECT_EQ(b.board, boards[i]);  // reported in the order asked for
    EXPECT_EQ(b.status, BoardStatus::Pass) << b.message;
    ASSERT_EQ(b.vectors.size(), 8u);
    for (const VectorOutcome& v : b.vectors) {
      EXPECT_TRUE(v.matches_interpreter);
      EXPECT_EQ(v.matches_reference, true);
      // Three FC layers of 16 units: thousands of instructions, not zero or millions.
      EXPECT_GT(v.instructions, 1000);
      EXPECT_LT(v.instructions, 100000);
    }
    EXPECT_GT(b.flash_bytes, b.model_flash_bytes);
    EXPECT_GT(b.model_flash_bytes, 420);  // the weights alone are 420 bytes
    EXPECT_LE(b.flash_bytes, b.flash_limit);
    EXPECT_GE(b.static_ram_bytes, b.arena_bytes);
    EXPECT_GT(b.stack_bytes, 0);
    EXPECT_EQ(b.ram_bytes, b.static_ram_bytes + b.stack_bytes);
    EXPECT_NEAR(b.estimated_ms, 1000.0 * b.instructions / b.clock_hz, 1e-9);
  }
}

TEST_F(FarmTest, InstructionCountsRepeatRunToRun) {
  const FarmTestReport first = run("tflm_micro_speech_int8", {"cortex-m4f"});
  const FarmTestReport second = run("tflm_micro_speech_int8", {"cortex-m4f"});
  ASSERT_EQ(first.boards[0].status, BoardStatus::Pass) << first.boards[0].message;
  ASSERT_EQ(second.boards[0].vectors.size(), first.boards[0].vectors.size());
  for (size_t k = 0; k < first.boards[0].vectors.size(); ++k)
    EXPECT_EQ(first.boards[0].vectors[k].instructions, second.boards[0].vectors[k].instructions)
        << k;
}

TEST_F(FarmTest, BoardsRunInParallelAndEachGetsItsOwnFirmware) {
  const FarmTestReport report =
      run("tflm_micro_speech_audio_preprocessor_int8", {"nano33ble", "cortex-m0"});
  ASSERT_EQ(report.boards.size(), 2u);
  for (const BoardOutcome& b : report.boards)
    EXPECT_EQ(b.status, BoardStatus::Pass) << b.board << ": " << b.message;
  EXPECT_TRUE(fs::exists(dir_ / "nano33ble/firmware.elf"));
  EXPECT_TRUE(fs::exists(dir_ / "cortex-m0/firmware.elf"));
  // The M0 has no 32x32->64 multiply or saturation instructions: more instructions.
  EXPECT_GT(report.boards[1].instructions, report.boards[0].instructions);
}

TEST_F(FarmTest, AModelThatDoesNotFitSaysByHowManyBytes) {
  // KWS needs about 17 kB of RAM; the Cortex-M0 profile (micro:bit) has 16 kB.
  const FarmTestReport ram = run("mlperf_tiny_kws_int8", {"cortex-m0"});
  EXPECT_FALSE(ram.passed());
  EXPECT_EQ(ram.boards[0].status, BoardStatus::DoesNotFit);
  EXPECT_NE(ram.boards[0].message.find("RAM over by"), std::string::npos) << ram.boards[0].message;
  // The anomaly detector's 270 kB of weights do not fit its 256 kB of flash.
  const FarmTestReport flash = run("mlperf_tiny_ad_int8", {"cortex-m0"});
  EXPECT_EQ(flash.boards[0].status, BoardStatus::DoesNotFit);
  EXPECT_NE(flash.boards[0].message.find("flash over by"), std::string::npos)
      << flash.boards[0].message;
}

TEST_F(FarmTest, BoardsWithoutAnEmulatorAreASizeCheckAndSaySo) {
  const FarmTestReport report = run("tflm_hello_world_int8", {"esp_eye", "himax_we1"});
  EXPECT_TRUE(report.passed());
  for (const BoardOutcome& b : report.boards) {
    EXPECT_EQ(b.status, BoardStatus::SizeCheckOnly);
    EXPECT_NE(b.message.find("size check only"), std::string::npos);
    EXPECT_TRUE(b.vectors.empty());
  }
}

// Float softmax calls exp: the runtime's own tinyops_expf gives the device the host's bits
// (newlib's and glibc's expf differ in the last place now and then).
TEST_F(FarmTest, WithoutVectorsRandomInputsAreComparedWithTheInterpreter) {
  FarmTestOptions options;
  options.model = kModels / "extra/tflm_magic_wand_float32.tflite";
  options.boards = {"cortex-m4f"};
  options.random_vectors = 8;
  options.work_dir = dir_ / "build";
  const FarmTestReport report = run_farm_test(options);
  EXPECT_EQ(report.vector_count, 8u);
  EXPECT_NE(report.vector_source.find("random"), std::string::npos);
  ASSERT_EQ(report.boards[0].vectors.size(), 8u);
  EXPECT_EQ(report.boards[0].status, BoardStatus::Pass) << report.boards[0].message;
  EXPECT_FALSE(report.boards[0].vectors[0].matches_reference.has_value());
}

TEST_F(FarmTest, BadRequestsAreInputErrors) {
  EXPECT_THROW(run("tflm_hello_world_int8", {"arduino-uno"}), InputError);
  EXPECT_THROW(run("tflm_hello_world_int8", {"host"}), InputError);
  EXPECT_THROW(run("tflm_hello_world_int8", {}), InputError);
  EXPECT_THROW(run("no_such_model", {"cortex-m4f"}), InputError);
  FarmTestOptions options;
  options.model = kModels / "tflm_hello_world_int8.tflite";
  options.boards = {"cortex-m4f"};
  options.vectors = kModels / "mlperf_tiny_kws_int8.vectors";  // inputs of the wrong size
  options.work_dir = dir_;
  try {
    run_farm_test(options);
    FAIL() << "vectors of another model were accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bytes"), std::string::npos) << e.what();
  }
}

// Every shared model with TFLM vectors runs bit-exact on the emulated Cortex-M4F.
class SharedModelOnCortexM4F : public FarmTest, public testing::WithParamInterface<std::string> {};

TEST_P(SharedModelOnCortexM4F, MatchesTfliteMicroByteForByte) {
  const FarmTestReport report = run(GetParam(), {"cortex-m4f"});
  const BoardOutcome& b = report.boards[0];
  EXPECT_EQ(b.status, BoardStatus::Pass) << b.message;
  EXPECT_EQ(b.vectors.size(), 8u);
  for (const VectorOutcome& v : b.vectors) EXPECT_EQ(v.matches_reference, true);
}

INSTANTIATE_TEST_SUITE_P(Models, SharedModelOnCortexM4F,
                         testing::Values("tflm_hello_world_float32", "tflm_micro_speech_int8",
                                         "tflm_micro_speech_audio_preprocessor_int8",
                                         "mlperf_tiny_kws_int8", "mlperf_tiny_ad_int8"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace tinyops::farm

namespace tinyops::farm {
namespace {

TEST(FarmProfile, CountsInstructionsPerLayer) {
  FarmTestOptions options;
  options.model = kModels / "tflm_micro_speech_int8.tflite";
  options.boards = {"cortex-m4f"};
  options.profile_layers = true;
  options.work_dir = fs::temp_directory_path() / ("tinyops-farm-profile-" + std::to_string(::getpid()));
  const FarmTestReport report = run_farm_test(options);
  const BoardOutcome& b = report.boards.at(0);
  ASSERT_EQ(b.status, BoardStatus::Pass) << b.message;
  ASSERT_EQ(b.layers.size(), 4u);  // RESHAPE, DEPTHWISE_CONV_2D, FULLY_CONNECTED, SOFTMAX
  EXPECT_EQ(b.layers[1].first, "DEPTHWISE_CONV_2D");
  int64_t sum = 0;
  for (const auto& layer : b.layers) sum += layer.second;
  // The layers account for the whole inference, give or take the timing calls.
  EXPECT_NEAR(static_cast<double>(sum), static_cast<double>(b.instructions), 0.01 * b.instructions);
  EXPECT_GT(b.layers[1].second, 5 * b.layers[2].second);  // the depthwise conv dominates
  fs::remove_all(options.work_dir);
}

}  // namespace
}  // namespace tinyops::farm
