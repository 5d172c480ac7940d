#include <algorithm>

#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/sample_readers.hpp"

namespace tinyops::formats {

namespace {

std::string extension_of(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace

bool is_sample_file(const std::filesystem::path& path) {
  const std::string ext = extension_of(path);
  return ext == ".wav" || ext == ".csv" || ext == ".json" || ext == ".png" || ext == ".jpg" ||
         ext == ".jpeg";
}

Sample read_sample_file(const std::filesystem::path& path, const SampleReadOptions& options) {
  const std::string ext = extension_of(path);
  require(is_sample_file(path), path.string() + ": unknown sample type `" + ext +
                                    "`; TinyOps imports .wav, .csv, .json, .png, .jpg");
  const std::vector<uint8_t> bytes = read_file(path);
  const std::string name = path.string();
  if (ext == ".wav") return read_wav(bytes, name, options);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (ext == ".csv") return read_csv_series(text, name);
  if (ext == ".json") return read_acquisition_json(text, name);
  return read_image(bytes, name);
}

}  // namespace tinyops::formats
