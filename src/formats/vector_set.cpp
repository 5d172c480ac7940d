#include "tinyops/formats/vector_set.hpp"

#include "tinyops/core/error.hpp"
#include "tinyops/formats/file_io.hpp"

namespace tinyops::formats {
namespace {

std::filesystem::path vector_file(const std::filesystem::path& folder, const char* kind, int k,
                                  size_t index, size_t count) {
  std::string name = std::string(kind) + "_" + std::to_string(k);
  if (count > 1) name += "_" + std::to_string(index);
  return folder / (name + ".bin");
}

}  // namespace

std::vector<ReferenceVector> load_vector_set(const std::filesystem::path& folder,
                                             size_t input_count, size_t output_count) {
  require(std::filesystem::is_directory(folder), folder.string() + ": no such vector folder");
  std::vector<ReferenceVector> set;
  for (int k = 0;; ++k) {
    if (!std::filesystem::exists(vector_file(folder, "input", k, 0, input_count))) break;
    ReferenceVector v;
    for (size_t i = 0; i < input_count; ++i)
      v.inputs.push_back(read_file(vector_file(folder, "input", k, i, input_count)));
    for (size_t o = 0; o < output_count; ++o) {
      const auto path = vector_file(folder, "output", k, o, output_count);
      require(std::filesystem::exists(path),
              path.string() + ": missing (every input_K needs its output_K)");
      v.outputs.push_back(read_file(path));
    }
    set.push_back(std::move(v));
  }
  require(!set.empty(), folder.string() + ": holds no input_0.bin");
  return set;
}

}  // namespace tinyops::formats
