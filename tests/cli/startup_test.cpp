// `tinyops` must start without LibTorch: only the commands that train (in tinyops-train,
// beside it) load it. These tests read the executables' DT_NEEDED entries, so linking the
// pipeline or training library back into `tinyops` fails here, not in a stopwatch.
#include <elf.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tinyops_cli.hpp"

namespace {

namespace fs = std::filesystem;
using tinyops::test_cli::CliProcess;

// The shared libraries an ELF64 executable names in its dynamic section (DT_NEEDED),
// read from its section headers: the dynamic section and the string table it links to.
std::vector<std::string> needed_libraries(const fs::path& elf) {
  std::ifstream in(elf, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < sizeof(Elf64_Ehdr) || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0 ||
      bytes[EI_CLASS] != ELFCLASS64) {
    ADD_FAILURE() << elf << " is not an ELF64 file";
    return {};
  }
  Elf64_Ehdr header;
  std::memcpy(&header, bytes.data(), sizeof header);
  auto section = [&](size_t index) {
    Elf64_Shdr s;
    std::memcpy(&s, bytes.data() + header.e_shoff + index * header.e_shentsize, sizeof s);
    return s;
  };
  std::vector<std::string> names;
  for (size_t i = 0; i < header.e_shnum; ++i) {
    const Elf64_Shdr dynamic = section(i);
    if (dynamic.sh_type != SHT_DYNAMIC) continue;
    const Elf64_Shdr strings = section(dynamic.sh_link);
    for (size_t off = 0; off + sizeof(Elf64_Dyn) <= dynamic.sh_size; off += sizeof(Elf64_Dyn)) {
      Elf64_Dyn entry;
      std::memcpy(&entry, bytes.data() + dynamic.sh_offset + off, sizeof entry);
      if (entry.d_tag == DT_NULL) break;
      if (entry.d_tag == DT_NEEDED)
        names.emplace_back(bytes.data() + strings.sh_offset + entry.d_un.d_val);
    }
  }
  return names;
}

bool is_libtorch(const std::string& library) {
  return library.find("torch") != std::string::npos || library.find("c10") != std::string::npos;
}

TEST(CliStartup, TinyopsLinksNoLibTorch) {
  const std::vector<std::string> needed = needed_libraries(TINYOPS_CLI);
  ASSERT_FALSE(needed.empty()) << "no DT_NEEDED entries read from " << TINYOPS_CLI;
  EXPECT_TRUE(std::any_of(needed.begin(), needed.end(),
                          [](const std::string& l) { return l.rfind("libc.so", 0) == 0; }));
  for (const std::string& library : needed)
    EXPECT_FALSE(is_libtorch(library))
        << TINYOPS_CLI << " needs " << library
        << ": training code must stay in tinyops-train (src/cli/CMakeLists.txt)";
}

// The same reader finds LibTorch where it belongs, so the test above cannot pass by
// reading nothing.
TEST(CliStartup, TrainingExecutableBesideItLinksLibTorch) {
  EXPECT_EQ(fs::path(TINYOPS_TRAIN_CLI).parent_path(), fs::path(TINYOPS_CLI).parent_path());
  const std::vector<std::string> needed = needed_libraries(TINYOPS_TRAIN_CLI);
  EXPECT_TRUE(std::any_of(needed.begin(), needed.end(), is_libtorch));
}

TEST(CliStartup, TrainingCommandNamesAMissingTrainingExecutable) {
  const fs::path dir =
      fs::temp_directory_path() / ("tinyops_startup_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path lonely = dir / "tinyops";
  fs::copy_file(TINYOPS_CLI, lonely);
  CliProcess p({lonely.string(), "example", "gestures", "--setup-only", "--dir",
                (dir / "examples").string()});
  EXPECT_EQ(p.finish(tinyops::test_cli::kCommandTimeout), 3);
  EXPECT_NE(p.output().find((dir / "tinyops-train").string()), std::string::npos) << p.output();
  EXPECT_FALSE(fs::exists(dir / "examples"));
  // Commands that do not train never need it.
  CliProcess inspect({lonely.string(), "farm", "boards", "--json"});
  EXPECT_EQ(inspect.finish(tinyops::test_cli::kCommandTimeout), 0) << inspect.output();
  fs::remove_all(dir);
}

TEST(CliStartup, TrainingCommandUsageErrorsAreCaughtBeforeTheHandOver) {
  CliProcess p({TINYOPS_CLI, "example", "nosuch"});
  EXPECT_EQ(p.finish(tinyops::test_cli::kCommandTimeout), 2) << p.output();
  EXPECT_NE(p.output().find("nosuch"), std::string::npos) << p.output();
}

}  // namespace
