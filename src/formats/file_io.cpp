#include "tinyops/formats/file_io.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <system_error>

#include "tinyops/core/error.hpp"

namespace tinyops::formats {

std::vector<uint8_t> read_file(const std::filesystem::path& path, uint64_t max_bytes) {
  std::error_code ec;
  require(std::filesystem::is_regular_file(path, ec),
          path.string() + ": no such file (check the path)");
  const uint64_t size = std::filesystem::file_size(path, ec);
  require(!ec, path.string() + ": cannot read its size: " + ec.message());
  require(size <= max_bytes, path.string() + ": file is " + std::to_string(size) +
                                 " bytes, more than the " + std::to_string(max_bytes) +
                                 "-byte limit");
  std::ifstream in(path, std::ios::binary);
  require(in.good(), path.string() + ": cannot open for reading");
  std::vector<uint8_t> bytes(size);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  require(in.gcount() == static_cast<std::streamsize>(size),
          path.string() + ": short read (the file changed while being read?)");
  return bytes;
}

void write_file(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
  // A temporary name of this write's own: two processes replacing one file (two runs of a
  // pipeline exporting their model) must not write into, or rename, each other's.
  static std::atomic<uint64_t> writes{0};
  const std::filesystem::path tmp =
      path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(writes++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    require(out.good(), path.string() + ": cannot open for writing (does the folder exist?)");
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.flush();
    require(out.good(), path.string() + ": write failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  require(!ec, path.string() + ": cannot replace the file: " + ec.message());
}

}  // namespace tinyops::formats
