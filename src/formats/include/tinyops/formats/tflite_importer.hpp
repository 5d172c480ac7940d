// Reads TFLite flatbuffer models (.tflite) into the graph IR.
//
// Every byte is treated as hostile: the flatbuffer is verified before any field is read,
// every index is range-checked, and buffer sizes must match tensor shapes. Any problem
// is an InputError that names the file, the element at fault and what to do.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "tinyops/core/graph.hpp"

namespace tinyops::formats {

// `source` names the input in error messages (usually the file path).
Graph import_tflite(std::span<const uint8_t> bytes, const std::string& source);
Graph import_tflite_file(const std::filesystem::path& path);
// The .tflite files directly in folder `dir`, sorted by path (none when it is not a folder).
std::vector<std::filesystem::path> tflite_files_in(const std::filesystem::path& dir);

}  // namespace tinyops::formats
