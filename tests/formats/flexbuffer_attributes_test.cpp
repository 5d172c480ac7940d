// FlexBuffers custom options -> Attributes: every value kind, and hostile bytes (truncated,
// garbage, bit flips) that must end in InputError, never a crash.
#include "tinyops/formats/flexbuffer_attributes.hpp"

#include <flatbuffers/flexbuffers.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "tinyops/core/error.hpp"
#include "tinyops/formats/tflite_importer.hpp"

namespace tinyops::formats {
namespace {

std::vector<uint8_t> every_kind() {
  flexbuffers::Builder fbb;
  fbb.Map([&] {
    fbb.Bool("clamping", true);
    fbb.Int("shift", 12);
    fbb.Int("negative", -7);
    fbb.UInt("big", 4000000000u);
    fbb.Double("scale", 0.25);
    fbb.String("name", "hann");
    fbb.Vector("ints", [&] {
      fbb.Int(1);
      fbb.Int(-2);
      fbb.Int(300000);
    });
    fbb.Vector("floats", [&] {
      fbb.Double(1.5);
      fbb.Double(-0.5);
    });
    fbb.Vector("mixed", [&] {  // untyped: an int and a float -> doubles
      fbb.Int(2);
      fbb.Double(0.5);
    });
    const int64_t fixed[3] = {7, 8, 9};
    fbb.FixedTypedVector("fixed", fixed, 3);
    fbb.Null("nothing");
    fbb.Map("nested", [&] { fbb.Int("x", 1); });
  });
  fbb.Finish();
  return fbb.GetBuffer();
}

template <class T>
T get(const Attributes& a, const std::string& key) {
  const auto it = a.find(key);
  EXPECT_NE(it, a.end()) << key;
  if (it == a.end()) return T{};
  const T* v = std::get_if<T>(&it->second);
  EXPECT_NE(v, nullptr) << key << " has another type";
  return v != nullptr ? *v : T{};
}

TEST(FlexbufferAttributes, DecodesEveryValueKind) {
  const Attributes a = decode_flexbuffer_attributes(every_kind(), "test");
  EXPECT_EQ(get<bool>(a, "clamping"), true);
  EXPECT_EQ(get<int64_t>(a, "shift"), 12);
  EXPECT_EQ(get<int64_t>(a, "negative"), -7);
  EXPECT_EQ(get<int64_t>(a, "big"), 4000000000);
  EXPECT_EQ(get<double>(a, "scale"), 0.25);
  EXPECT_EQ(get<std::string>(a, "name"), "hann");
  EXPECT_EQ(get<std::vector<int64_t>>(a, "ints"), (std::vector<int64_t>{1, -2, 300000}));
  EXPECT_EQ(get<std::vector<double>>(a, "floats"), (std::vector<double>{1.5, -0.5}));
  EXPECT_EQ(get<std::vector<double>>(a, "mixed"), (std::vector<double>{2.0, 0.5}));
  EXPECT_EQ(get<std::vector<int64_t>>(a, "fixed"), (std::vector<int64_t>{7, 8, 9}));
  // Null and nested maps have no attribute form; they are left out, not an error.
  EXPECT_EQ(a.count("nothing"), 0u);
  EXPECT_EQ(a.count("nested"), 0u);
  EXPECT_EQ(a.size(), 10u);
}

TEST(FlexbufferAttributes, EmptyBytesGiveNoAttributes) {
  EXPECT_TRUE(decode_flexbuffer_attributes({}, "test").empty());
}

TEST(FlexbufferAttributes, RejectsARootThatIsNotAMap) {
  flexbuffers::Builder fbb;
  fbb.Int(5);
  fbb.Finish();
  try {
    decode_flexbuffer_attributes(fbb.GetBuffer(), "operator 3 (SignalRfft)");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("operator 3 (SignalRfft)"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("not a map"), std::string::npos);
  }
}

TEST(FlexbufferAttributes, RejectsUnsignedValuesBeyondInt64) {
  flexbuffers::Builder fbb;
  fbb.Map([&] { fbb.UInt("huge", 0xFFFFFFFFFFFFFFFFull); });
  fbb.Finish();
  EXPECT_THROW(decode_flexbuffer_attributes(fbb.GetBuffer(), "test"), InputError);
}

TEST(FlexbufferAttributes, EveryTruncationThrowsInputError) {
  const std::vector<uint8_t> good = every_kind();
  for (size_t n = 1; n < good.size(); ++n) {
    SCOPED_TRACE(n);
    const std::span<const uint8_t> prefix(good.data(), n);
    EXPECT_THROW(decode_flexbuffer_attributes(prefix, "test"), InputError);
  }
}

TEST(FlexbufferAttributes, GarbageThrowsInputError) {
  const std::vector<std::vector<uint8_t>> samples = {
      {0x00},
      {0xFF, 0xFF},
      {0x00, 0x00, 0x00},
      {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
      {0x01, 0x02, 0x03, 0x04, 0x24, 0x01},  // claims a map at a bogus offset
      {0x7F, 0x24, 0x08},                    // map with an 8-byte offset in a 3-byte buffer
  };
  for (const auto& bytes : samples) {
    EXPECT_THROW(decode_flexbuffer_attributes(bytes, "test"), InputError);
  }
}

TEST(FlexbufferAttributes, RandomBytesNeverCrash) {
  std::mt19937 rng(1234);
  std::uniform_int_distribution<int> byte(0, 255), len(1, 96);
  for (int iter = 0; iter < 20000; ++iter) {
    std::vector<uint8_t> bytes(static_cast<size_t>(len(rng)));
    for (auto& b : bytes) b = static_cast<uint8_t>(byte(rng));
    // A random buffer may, rarely, be a valid map; anything else must be InputError.
    try {
      decode_flexbuffer_attributes(bytes, "test");
    } catch (const InputError&) {
    }
  }
}

TEST(FlexbufferAttributes, BitFlipsNeverCrash) {
  const std::vector<uint8_t> good = every_kind();
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> bad = good;
      bad[i] = static_cast<uint8_t>(bad[i] ^ (1u << bit));
      try {
        decode_flexbuffer_attributes(bad, "test");
      } catch (const InputError&) {
      }
    }
  }
}

TEST(FlexbufferAttributes, ImporterDecodesThePreprocessorsOptions) {
  const auto path = std::filesystem::path(TINYOPS_SHARED_MODELS) /
                    "tflm_micro_speech_audio_preprocessor_int8.tflite";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not found";
  const Graph g = import_tflite_file(path);
  bool saw_rfft = false, saw_subtraction = false;
  for (const Op& op : g.ops) {
    if (op.name == "SignalRfft") {
      saw_rfft = true;
      EXPECT_EQ(get<int64_t>(op.attributes, "fft_length"), 512);
      EXPECT_EQ(get<int64_t>(op.attributes, "T"), 7);  // TFLite INT16
    }
    if (op.name == "SignalFilterBankSpectralSubtraction") {
      saw_subtraction = true;
      EXPECT_EQ(get<int64_t>(op.attributes, "num_channels"), 40);
      EXPECT_EQ(get<int64_t>(op.attributes, "smoothing_bits"), 10);
      EXPECT_EQ(get<bool>(op.attributes, "clamping"), false);
    }
  }
  EXPECT_TRUE(saw_rfft);
  EXPECT_TRUE(saw_subtraction);
}

}  // namespace
}  // namespace tinyops::formats
