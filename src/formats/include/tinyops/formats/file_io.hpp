// Whole-file reads and writes with errors that name the path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace tinyops::formats {

// Throws InputError when the file is missing, unreadable, or larger than `max_bytes`.
std::vector<uint8_t> read_file(const std::filesystem::path& path,
                               uint64_t max_bytes = uint64_t{1} << 31);
// Writes through a temporary name and renames, so a crash never leaves half a file.
void write_file(const std::filesystem::path& path, std::span<const uint8_t> bytes);

}  // namespace tinyops::formats
