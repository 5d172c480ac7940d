// WAV through libsndfile (reading from memory), resampling through libsamplerate.
#include <samplerate.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "tinyops/core/error.hpp"
#include "tinyops/formats/little_endian.hpp"
#include "tinyops/formats/sample_readers.hpp"

namespace tinyops::formats {

namespace {

struct MemoryFile {
  std::span<const uint8_t> bytes;
  sf_count_t pos = 0;
};

sf_count_t mem_length(void* user) { return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes.size()); }

sf_count_t mem_seek(sf_count_t offset, int whence, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  const sf_count_t size = static_cast<sf_count_t>(f->bytes.size());
  sf_count_t target = whence == SEEK_SET ? offset : whence == SEEK_CUR ? f->pos + offset : size + offset;
  f->pos = std::clamp<sf_count_t>(target, 0, size);
  return f->pos;
}

sf_count_t mem_read(void* out, sf_count_t count, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  const sf_count_t left = static_cast<sf_count_t>(f->bytes.size()) - f->pos;
  const sf_count_t n = std::max<sf_count_t>(0, std::min(count, left));
  std::memcpy(out, f->bytes.data() + f->pos, static_cast<size_t>(n));
  f->pos += n;
  return n;
}

sf_count_t mem_write(const void*, sf_count_t, void*) { return 0; }
sf_count_t mem_tell(void* user) { return static_cast<MemoryFile*>(user)->pos; }

bool tag_is(std::span<const uint8_t> b, size_t at, const char* tag) {
  return std::memcmp(b.data() + at, tag, 4) == 0;
}

// libsndfile reads a RIFF WAV whose chunks claim more bytes than the file holds as the
// frames that are there, so a file cut short would be imported as a shorter recording.
// Walk the chunk headers first and refuse a data chunk (or a chunk before it) that runs
// past the end of the file. Streaming writers that did not know the length mark it
// 0xFFFFFFFF (and RF64 keeps it elsewhere); those are left to libsndfile.
void require_complete_riff(std::span<const uint8_t> bytes, const std::string& name) {
  if (bytes.size() < 12 || !tag_is(bytes, 0, "RIFF") || !tag_is(bytes, 8, "WAVE")) return;
  size_t at = 12;
  while (at + 8 <= bytes.size()) {
    const uint32_t declared = read_le32(bytes, at + 4);
    const size_t body = at + 8;
    const size_t actual = bytes.size() - body;
    const std::string chunk(reinterpret_cast<const char*>(bytes.data() + at), 4);
    if (tag_is(bytes, at, "data")) {
      if (declared != 0xFFFFFFFFu && declared > actual) {
        throw InputError(name + ": the WAV's data chunk declares " + std::to_string(declared) +
                         " bytes of audio but the file holds only " + std::to_string(actual) +
                         " after its header (" + std::to_string(bytes.size()) +
                         " bytes in all); the file is cut short or its header is wrong: "
                         "copy or export it again");
      }
      return;
    }
    if (declared > actual) {
      throw InputError(name + ": the WAV's '" + chunk + "' chunk at byte " + std::to_string(at) +
                       " declares " + std::to_string(declared) + " bytes but only " +
                       std::to_string(actual) + " follow; the file is cut short or damaged");
    }
    at = body + declared + (declared & 1u);  // chunks are padded to an even size
  }
}

}  // namespace

Sample read_wav(std::span<const uint8_t> bytes, const std::string& name,
                const SampleReadOptions& options) {
  require_complete_riff(bytes, name);
  MemoryFile file{bytes};
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  SF_INFO info{};
  SNDFILE* sf = sf_open_virtual(&io, SFM_READ, &info, &file);
  if (!sf) {
    throw InputError(name + ": not a readable WAV file (" + sf_strerror(nullptr) +
                     "); export it as 16-bit PCM WAV");
  }
  struct Closer {
    SNDFILE* f;
    ~Closer() { sf_close(f); }
  } closer{sf};
  require((info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV,
          name + ": not a WAV file; TinyOps imports audio as 16-bit PCM WAV");
  require((info.format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_16,
          name + ": the WAV is not 16-bit PCM; convert it (e.g. `sox IN -b 16 -e signed OUT.wav`)");
  require(info.channels == 1, name + ": the WAV has " + std::to_string(info.channels) +
                                  " channels; TinyOps takes mono audio (e.g. `sox IN OUT.wav "
                                  "remix -`)");
  require(info.samplerate >= 1000 && info.samplerate <= 384000,
          name + ": implausible sample rate " + std::to_string(info.samplerate) + " Hz");
  require(info.frames > 0, name + ": the WAV holds no audio");
  require(info.frames <= 3600LL * info.samplerate,
          name + ": longer than an hour; split long recordings before importing");

  std::vector<int16_t> pcm(static_cast<size_t>(info.frames));
  const sf_count_t got = sf_readf_short(sf, pcm.data(), info.frames);
  require(got == info.frames, name + ": the WAV is truncated (" + std::to_string(got) + " of " +
                                  std::to_string(info.frames) + " frames)");

  Sample s;
  s.kind = SampleKind::Audio;
  s.axes = {{"audio", "wav"}};
  if (info.samplerate != options.audio_sample_rate) {
    std::vector<float> in(pcm.size());
    src_short_to_float_array(pcm.data(), in.data(), static_cast<int>(pcm.size()));
    const double ratio = static_cast<double>(options.audio_sample_rate) / info.samplerate;
    std::vector<float> out(static_cast<size_t>(std::ceil(static_cast<double>(pcm.size()) * ratio)) + 16);
    SRC_DATA data{};
    data.data_in = in.data();
    data.input_frames = static_cast<long>(in.size());
    data.data_out = out.data();
    data.output_frames = static_cast<long>(out.size());
    data.src_ratio = ratio;
    const int rc = src_simple(&data, SRC_SINC_MEDIUM_QUALITY, 1);
    if (rc != 0) throw InputError(name + ": cannot resample: " + src_strerror(rc));
    out.resize(static_cast<size_t>(data.output_frames_gen));
    pcm.resize(out.size());
    // src_float_to_short_array rounds and clips to int16.
    src_float_to_short_array(out.data(), pcm.data(), static_cast<int>(out.size()));
  }
  s.interval_ms = 1000.0 / options.audio_sample_rate;
  s.frames = static_cast<int64_t>(pcm.size());
  s.pcm = std::move(pcm);
  return s;
}

}  // namespace tinyops::formats
