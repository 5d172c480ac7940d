// Sample readers: each format read right, and each kind of bad file refused with a message
// that names the file and the problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "../support/sample_files.hpp"
#include "../support/expect_error.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/formats/sample.hpp"
#include "tinyops/formats/sample_readers.hpp"

namespace tinyops::formats {
namespace {

using ::testing::HasSubstr;
using test_support::error_of;
namespace ts = test_samples;

TEST(WavReader, ReadsMono16BitPcmAtTheStorageRate) {
  const auto bytes = ts::wav(16000, 1, 16, 5, [](int i) { return i * 1000 - 2000; });
  const Sample s = read_wav(bytes, "a.wav");
  EXPECT_EQ(s.kind, SampleKind::Audio);
  EXPECT_EQ(s.frames, 5);
  EXPECT_DOUBLE_EQ(s.interval_ms, 1000.0 / 16000);
  EXPECT_EQ(s.pcm, (std::vector<int16_t>{-2000, -1000, 0, 1000, 2000}));
}

TEST(WavReader, ResamplesOtherRatesAndKeepsTheTone) {
  const Sample s = read_wav(ts::tone_wav(8000, 8000, 440), "tone.wav");  // 1 s at 8 kHz
  EXPECT_NEAR(static_cast<double>(s.frames), 16000, 2);
  // Still a 440 Hz tone: count zero crossings over the middle half second (880 per s).
  int crossings = 0;
  for (size_t i = 4000; i < 12000; ++i) crossings += (s.pcm[i - 1] < 0) != (s.pcm[i] < 0);
  EXPECT_NEAR(crossings, 440, 4);
  int16_t peak = 0;
  for (int16_t v : s.pcm) peak = std::max<int16_t>(peak, v);
  EXPECT_NEAR(peak, 8000, 200);
}

TEST(WavReader, RefusesWhatItCannotStoreFaithfully) {
  EXPECT_THAT(error_of([] { read_wav(ts::wav(16000, 2, 16, 4, [](int) { return 0; }), "st.wav"); }),
              HasSubstr("st.wav: the WAV has 2 channels"));
  EXPECT_THAT(error_of([] { read_wav(ts::wav(16000, 1, 8, 4, [](int) { return 0; }), "u8.wav"); }),
              HasSubstr("u8.wav: the WAV is not 16-bit PCM"));
  EXPECT_THAT(error_of([] { read_wav(ts::wav(16000, 1, 16, 0, [](int) { return 0; }), "e.wav"); }),
              HasSubstr("e.wav"));
  const std::vector<uint8_t> junk = {'R', 'I', 'F', 'F', 1, 2, 3};
  EXPECT_THAT(error_of([&] { read_wav(junk, "junk.wav"); }), HasSubstr("junk.wav: not a readable WAV"));
}

TEST(WavReader, RefusesAFileCutShortNamingBothSizes) {
  auto cut = ts::tone_wav(16000, 1000);  // 44-byte header + 2000 bytes of audio
  ASSERT_EQ(cut.size(), 2044u);
  cut.resize(44 + 6);  // three samples left
  const std::string message = error_of([&] { read_wav(cut, "cut.wav"); });
  EXPECT_THAT(message, HasSubstr("cut.wav: the WAV's data chunk declares 2000 bytes"));
  EXPECT_THAT(message, HasSubstr("holds only 6"));
}

TEST(WavReader, RefusesADataChunkThatClaimsMoreThanTheFile) {
  auto lying = ts::tone_wav(16000, 100);  // 200 bytes of audio
  const uint32_t claimed = 1u << 20;
  for (int i = 0; i < 4; ++i) lying[40 + i] = static_cast<uint8_t>(claimed >> (8 * i));
  const std::string message = error_of([&] { read_wav(lying, "lying.wav"); });
  EXPECT_THAT(message, HasSubstr("declares 1048576 bytes"));
  EXPECT_THAT(message, HasSubstr("holds only 200"));
}

TEST(WavReader, RefusesAChunkBeforeTheAudioThatRunsPastTheEnd) {
  auto wav = ts::tone_wav(16000, 10);
  // The fmt chunk (at byte 12) claims more than the whole file.
  for (int i = 0; i < 4; ++i) wav[16 + i] = static_cast<uint8_t>(0x7fff0000u >> (8 * i));
  EXPECT_THAT(error_of([&] { read_wav(wav, "bad.wav"); }),
              HasSubstr("bad.wav: the WAV's 'fmt ' chunk at byte 12 declares"));
}

TEST(WavReader, AcceptsChunksAfterTheAudio) {
  auto trailing = ts::tone_wav(16000, 10);
  const std::vector<uint8_t> list = {'L', 'I', 'S', 'T', 4, 0, 0, 0, 'I', 'N', 'F', 'O'};
  trailing.insert(trailing.end(), list.begin(), list.end());
  EXPECT_EQ(read_wav(trailing, "t.wav").frames, 10);
}

TEST(CsvSeries, ReadsAxesUnitsAndTheInterval) {
  const Sample s = read_csv_series("timestamp,accX (m/s2),accY\n0,1.5,-2\n10,2.5,-3\n20,3.5,-4\n", "m.csv");
  EXPECT_EQ(s.kind, SampleKind::TimeSeries);
  EXPECT_EQ(s.axes, (std::vector<Axis>{{"accX", "m/s2"}, {"accY", ""}}));
  EXPECT_EQ(s.frames, 3);
  EXPECT_DOUBLE_EQ(s.interval_ms, 10);
  EXPECT_EQ(s.values, (std::vector<float>{1.5f, -2, 2.5f, -3, 3.5f, -4}));
}

TEST(CsvSeries, NamesTheLineAndColumnOfBadData) {
  EXPECT_THAT(error_of([] { read_csv_series("timestamp,x\n0,1\n10,abc\n", "b.csv"); }),
              HasSubstr("b.csv: line 3, column 2 (x): `abc` is not a finite number"));
  EXPECT_THAT(error_of([] { read_csv_series("timestamp,x,y\n0,1,2\n10,1\n", "b.csv"); }),
              HasSubstr("line 3: 2 fields, the header has 3"));
  EXPECT_THAT(error_of([] { read_csv_series("x,y\n0,1\n1,2\n", "b.csv"); }),
              HasSubstr("the first column must be the timestamp"));
  EXPECT_THAT(error_of([] { read_csv_series("timestamp,x\n0,1\n10,2\n5,3\n", "b.csv"); }),
              HasSubstr("timestamps must increase"));
  EXPECT_THAT(error_of([] { read_csv_series("timestamp,x\n0,1\n10,2\n100,3\n110,4\n", "b.csv"); }),
              HasSubstr("uneven sampling"));
  EXPECT_THAT(error_of([] { read_csv_series("timestamp,x\n0,nan\n10,1\n", "b.csv"); }),
              HasSubstr("not a finite number"));
  EXPECT_THAT(error_of([] { read_csv_series("", "b.csv"); }), HasSubstr("b.csv: the CSV is empty"));
  EXPECT_THAT(error_of([] { read_csv_series("timestamp,x\n0,1\n", "b.csv"); }),
              HasSubstr("at least two"));
}

TEST(AcquisitionJson, ReadsThePayload) {
  const Sample s = read_acquisition_json(
      R"({"protected": {"ver": "v1", "alg": "none"}, "signature": "0",
          "payload": {"device_type": "TEST", "interval_ms": 16,
                      "sensors": [{"name": "accX", "units": "m/s2"}, {"name": "accY", "units": "m/s2"}],
                      "values": [[1, 2], [3, 4.5]]}})",
      "a.json");
  EXPECT_EQ(s.frames, 2);
  EXPECT_DOUBLE_EQ(s.interval_ms, 16);
  EXPECT_EQ(s.axes.size(), 2u);
  EXPECT_EQ(s.values, (std::vector<float>{1, 2, 3, 4.5f}));
  // One sensor may list plain numbers.
  const Sample audio = read_acquisition_json(
      R"({"payload": {"interval_ms": 0.0625, "sensors": [{"name": "audio", "units": "wav"}], "values": [1, -2, 3]}})",
      "mic.json");
  EXPECT_EQ(audio.frames, 3);
}

TEST(AcquisitionJson, NamesTheFieldThatIsWrong) {
  EXPECT_THAT(error_of([] { read_acquisition_json("{", "j.json"); }), HasSubstr("j.json: not valid JSON"));
  // A number beyond double is an out_of_range error in the JSON parser, not a crash (fuzzer).
  EXPECT_THAT(error_of([] { read_acquisition_json("2e999999", "j.json"); }), HasSubstr("j.json: not valid JSON"));
  EXPECT_THAT(error_of([] { read_acquisition_json(R"({"values": []})", "j.json"); }),
              HasSubstr("expected the data-acquisition layout"));
  EXPECT_THAT(error_of([] {
                read_acquisition_json(R"({"payload": {"interval_ms": -1, "sensors": [{"name": "x"}], "values": [1]}})", "j.json");
              }),
              HasSubstr("payload.interval_ms must be a positive number"));
  EXPECT_THAT(error_of([] {
                read_acquisition_json(R"({"payload": {"interval_ms": 1, "sensors": [{"name": "x"}, {"name": "y"}], "values": [[1, 2], [3]]}})", "j.json");
              }),
              HasSubstr("payload.values[1] has 1 values, payload.sensors names 2"));
  EXPECT_THAT(error_of([] {
                read_acquisition_json(R"({"payload": {"interval_ms": 1, "sensors": [{"name": 3}], "values": [1]}})", "j.json");
              }),
              HasSubstr("payload.sensors[0] needs a string \"name\""));
  EXPECT_THAT(error_of([] {
                read_acquisition_json(R"({"payload": {"interval_ms": 1, "sensors": [{"name": "x"}], "values": ["a"]}})", "j.json");
              }),
              HasSubstr("payload.values[0] must be a finite number"));
}

TEST(ImageReader, DecodesPngAndJpegInGrayAndColour) {
  const std::vector<uint8_t> rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30};  // 2x2
  const Sample p = read_image(ts::png(2, 2, false, rgb), "c.png");
  EXPECT_EQ(p.kind, SampleKind::Image);
  EXPECT_EQ(p.width, 2);
  EXPECT_EQ(p.height, 2);
  EXPECT_EQ(p.axes.size(), 3u);
  EXPECT_EQ(p.pixels, rgb);  // PNG is lossless
  const Sample g = read_image(ts::png(3, 1, true, {0, 128, 255}), "g.png");
  EXPECT_EQ(g.axes.size(), 1u);
  EXPECT_EQ(g.pixels, (std::vector<uint8_t>{0, 128, 255}));

  std::vector<uint8_t> flat(8 * 8 * 3, 200);
  const Sample j = read_image(ts::jpeg(8, 8, false, flat), "c.jpg");
  EXPECT_EQ(j.width, 8);
  EXPECT_EQ(j.axes.size(), 3u);
  for (uint8_t v : j.pixels) EXPECT_NEAR(v, 200, 2);  // JPEG is lossy, a flat image nearly not
  const Sample jg = read_image(ts::jpeg(8, 8, true, std::vector<uint8_t>(64, 50)), "g.jpg");
  EXPECT_EQ(jg.axes.size(), 1u);
}

TEST(ImageReader, RefusesDamagedAndUnknownFiles) {
  EXPECT_THAT(error_of([] { read_image(std::vector<uint8_t>{'G', 'I', 'F', '8'}, "x.gif"); }),
              HasSubstr("x.gif: neither PNG nor JPEG"));
  auto png = ts::png(16, 16, true, std::vector<uint8_t>(256, 7));
  png.resize(png.size() - 20);
  EXPECT_THAT(error_of([&] { read_image(png, "cut.png"); }), HasSubstr("cut.png"));
  auto jpg = ts::jpeg(16, 16, true, std::vector<uint8_t>(256, 7));
  jpg.resize(40);
  EXPECT_THAT(error_of([&] { read_image(jpg, "cut.jpg"); }), HasSubstr("cut.jpg"));
}

TEST(SampleEncoding, RoundTripsAndIsCanonical) {
  Sample s = read_csv_series("timestamp,a,b\n0,1,2\n5,3,4\n", "x.csv");
  const auto bytes = encode_sample(s);
  EXPECT_EQ(decode_sample(bytes), s);
  EXPECT_EQ(encode_sample(decode_sample(bytes)), bytes);
  Sample image = read_image(ts::png(2, 1, true, {1, 2}), "i.png");
  EXPECT_EQ(decode_sample(encode_sample(image)), image);
  auto cut = bytes;
  cut.pop_back();
  EXPECT_THROW(decode_sample(cut), InputError);
  cut = bytes;
  cut[0] = 'X';
  EXPECT_THROW(decode_sample(cut), InputError);
}

}  // namespace
}  // namespace tinyops::formats
