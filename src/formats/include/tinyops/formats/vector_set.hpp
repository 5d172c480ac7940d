// Reference vector folders, as TFLite Micro's tooling writes them: input_K.bin and
// output_K.bin (K = 0, 1, ...) of raw little-endian tensor bytes, one tensor each, for a
// single-input single-output model; input_K_I.bin / output_K_O.bin for several.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace tinyops::formats {

struct ReferenceVector {
  std::vector<std::vector<uint8_t>> inputs;
  std::vector<std::vector<uint8_t>> outputs;
};

// Vectors in order K = 0, 1, ... until the first missing input. Throws InputError when
// the folder holds no vectors or an input lacks its output.
std::vector<ReferenceVector> load_vector_set(const std::filesystem::path& folder,
                                             size_t input_count, size_t output_count);

}  // namespace tinyops::formats
