#include "tinyops/farm/firmware.hpp"

#include <fmt/format.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "agent_sources.hpp"
#include "firmware_sources.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/farm/process.hpp"

namespace tinyops::farm {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCompiler = "arm-none-eabi-gcc";

// Firmware files every board uses; the UART driver is added per board.
const std::vector<std::string> kHarnessSources = {"startup.c", "semihost.c", "counters.c",
                                                  "energy_runner.c"};

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string harness_config(const compiler::Board& board, const Graph& graph, bool profile) {
  auto sizes = [&](const std::vector<int32_t>& list, int64_t& total) {
    std::string s;
    for (int32_t t : list) {
      const int64_t bytes = graph.tensors[static_cast<size_t>(t)].byte_size();
      s += fmt::format("{}{}u", s.empty() ? "" : ", ", bytes);
      total += bytes;
    }
    return s;
  };
  int64_t in_total = 0, out_total = 0;
  const std::string in = sizes(graph.inputs, in_total);
  const std::string out = sizes(graph.outputs, out_total);
  return fmt::format(
      "/* Written by the TinyOps farm: the model's I/O sizes for the device harness. */\n"
      "#define HARNESS_BOARD \"{}\"\n#define HARNESS_INPUT_COUNT {}\n#define HARNESS_OUTPUT_COUNT "
      "{}\n"
      "#define HARNESS_INPUT_TOTAL_BYTES {}u\n#define HARNESS_OUTPUT_TOTAL_BYTES {}u\n"
      "static const uint32_t harness_input_bytes[] = {{{}}};\n"
      "static const uint32_t harness_output_bytes[] = {{{}}};\n"
      "#define HARNESS_LAYER_COUNT {}\n{}",
      board.name, graph.inputs.size(), graph.outputs.size(), in_total, out_total, in, out,
      graph.ops.size(), profile ? "#define HARNESS_PROFILE_LAYERS 1\n" : "");
}

// The agent's view of its board and trust anchor, for agent_device.c and the bootloader.
std::string agent_config(const compiler::Board& board, const AgentOptions& a) {
  auto bytes = [](const auto& array) {
    std::string s;
    for (const uint8_t b : array) s += fmt::format("{}0x{:02x}", s.empty() ? "" : ", ", b);
    return s;
  };
  return fmt::format(
      "/* Written by the TinyOps farm for a release image: the board the agent answers to, its\n"
      "   flash layout and the one release key it trusts. */\n"
      "#include <stdint.h>\n"
      "#define TINYOPS_AGENT_CLASS \"{}\"\n#define TINYOPS_AGENT_FLASH_BASE 0x{:08X}u\n"
      "#define TINYOPS_AGENT_EXEC_BASE 0x{:08X}u\n#define TINYOPS_AGENT_PAGE {}u\n"
      "#define TINYOPS_AGENT_HEADER_PAGES {}u\n#define TINYOPS_AGENT_IMAGE_PAGES {}u\n"
      "#define TINYOPS_AGENT_MAX_BOOT_TRIES {}\n"
      "#define TINYOPS_AGENT_TICK_NS {}u\n#define TINYOPS_AGENT_CLOCK_MHZ {}u\n"
      "static const uint8_t tinyops_agent_public_key[32] = {{{}}};\n"
      "static const uint8_t tinyops_agent_key_id[8] = {{{}}};\n",
      board.name, kAgentFlashBase, kAgentExecBase, a.page_size, a.header_pages, a.image_pages,
      a.max_boot_tries, 1000000000 / board.emulator->systick_hz, std::max<int64_t>(1, board.clock_hz / 1000000),
      bytes(a.public_key), bytes(a.key_id));
}

std::string first_lines(const std::string& text, int count) {
  size_t end = 0;
  for (int i = 0; i < count && end != std::string::npos; ++i) end = text.find('\n', end + 1);
  return end == std::string::npos ? text : text.substr(0, end) + "\n...";
}

// "region `FLASH' overflowed by 1234 bytes" -> {"FLASH", 1234}
std::vector<std::pair<std::string, int64_t>> overflows(const std::string& log) {
  static const std::regex re(R"(region `(\w+)' overflowed by (\d+) bytes)");
  std::vector<std::pair<std::string, int64_t>> found;
  for (std::sregex_iterator m(log.begin(), log.end(), re), end; m != end; ++m)
    found.emplace_back((*m)[1], std::stoll((*m)[2]));
  return found;
}

// Sizes from the linker map: every input section placed in an output section, summed
// by where it lands (flash or RAM) and whether it comes from the model bundle.
FirmwareSizes sizes_from_map(const std::string& map) {
  FirmwareSizes s;
  static const std::regex output_re(R"(^(\.[\w.]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+))");
  static const std::regex output_name_re(R"(^(\.[\w.]+)\s*$)");
  static const std::regex input_re(R"(^ (\S+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+) (\S.*)$)");
  const size_t start = map.find("Linker script and memory map");
  std::istringstream in(map.substr(start == std::string::npos ? 0 : start));
  std::string line, output;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, output_re) || std::regex_match(line, m, output_name_re)) {
      output = m[1];
      if (m.size() > 2 && m[2].matched) {
        const int64_t size = std::stoll(m[2], nullptr, 16);
        if (output == ".vectors" || output == ".text" || output == ".ARM.exidx" ||
            output == ".data")
          s.flash_bytes += size;
        if (output == ".data" || output == ".bss") s.static_ram_bytes += size;
      }
      continue;
    }
    if (!std::regex_match(line, m, input_re)) continue;
    const std::string file = m[3];
    if (file.rfind("bundle/", 0) != 0) continue;
    if (output == ".text" || output == ".ARM.exidx" || output == ".data")
      s.model_flash_bytes += std::stoll(m[2], nullptr, 16);
  }
  return s;
}

}  // namespace

std::string linker_script(const compiler::Board& board) {
  require(board.emulator.has_value(), "board " + board.name + " has no emulator");
  return linker_script(board, static_cast<uint32_t>(board.emulator->flash_origin), board.flash_bytes);
}

std::string linker_script(const compiler::Board& board, uint32_t flash_origin, int64_t flash_bytes) {
  require(board.emulator.has_value(), "board " + board.name + " has no emulator");
  const compiler::Emulator& e = *board.emulator;
  const bool boot = e.vector_table.has_value();
  std::string memory =
      boot ? fmt::format("  BOOT  (rx)  : ORIGIN = 0x{:08X}, LENGTH = 1K\n", *e.vector_table) : "";
  return fmt::format(
      "/* {0} ({1}) on QEMU {2}: the board's own flash and RAM sizes, so a firmware that\n"
      "   does not fit fails to link. Written by the TinyOps farm. */\n"
      "MEMORY {{\n{3}  FLASH (rx)  : ORIGIN = 0x{4:08X}, LENGTH = {5}\n"
      "  RAM   (rwx) : ORIGIN = 0x{6:08X}, LENGTH = {7}\n}}\n"
      "ENTRY(tinyops_reset_handler)\n"
      "SECTIONS {{\n"
      "  .vectors : {{ KEEP(*(.vectors)) }} > {8}\n"
      "  .text : {{ *(.text*) *(.rodata*) . = ALIGN(4); }} > FLASH\n"
      "  .ARM.exidx : {{ *(.ARM.exidx*) }} > FLASH\n"
      "  __data_load = LOADADDR(.data);\n"
      "  .data : {{ __data_start = .; *(.data*) . = ALIGN(4); __data_end = .; }} > RAM AT > FLASH\n"
      "  .bss (NOLOAD) : {{ __bss_start = .; *(.bss*) *(COMMON) . = ALIGN(4); __bss_end = .; }} > "
      "RAM\n"
      "  /* The stack grows down from the top of RAM into what data and bss leave free;\n"
      "     at least this much must be left. */\n"
      "  .stack (NOLOAD) : {{ . = ALIGN(8); __stack_limit = .; . += {9}; }} > RAM\n"
      "  __stack_top = ORIGIN(RAM) + LENGTH(RAM);\n"
      "}}\n",
      board.name, board.title, e.qemu_machine, memory, flash_origin, flash_bytes,
      e.ram_origin, board.ram_bytes, boot ? "BOOT" : "FLASH", kMinimumStackBytes);
}

FirmwareBuild build_firmware(const compiler::Board& board, const Graph& graph,
                             const compiler::GeneratedBundle& bundle, const fs::path& dir,
                             const FirmwareOptions& options) {
  require(board.emulator.has_value(),
          "board " + board.name + " has no emulator here: it is a size check only");
  require(program_in_path(kCompiler),
          std::string(kCompiler) + " not found: run `sudo bash scripts/setup.sh` to install it");
  fs::create_directories(dir / "bundle/tinyops/runtime");
  fs::create_directories(dir / "harness");
  for (const auto& [path, text] : bundle.files) write_text(dir / "bundle" / path, text);
  const auto& firmware = firmware_sources();
  std::vector<std::string> harness = kHarnessSources;
  harness.push_back("uart_" + board.emulator->uart + ".c");
  for (const auto& [name, text] : firmware) write_text(dir / "harness" / name, std::string(text));
  write_text(dir / "harness/harness_config.h",
             harness_config(board, graph, options.profile_layers));
  if (!options.agent) write_text(dir / "link.ld", linker_script(board));

  std::vector<std::string> cflags = {
      "-std=c99",
      "-O2",
      "-ffp-contract=off",
      "-ffunction-sections",
      "-fdata-sections",
      "-Wall",
      "-Wextra",
      "-Werror",
      "-Ibundle",
      "-Iharness",
      fmt::format("-DTINYOPS_UART_BASE=0x{:08X}u", board.emulator->uart_base)};
  cflags.insert(cflags.end(), board.cflags.begin(), board.cflags.end());
  // Generated code must be strictly ISO C99; the start-up code needs a vector table of
  // function addresses, which -pedantic rejects.
  auto compile = [&](const std::string& source, bool pedantic, const std::vector<std::string>& extra,
                     const std::string& object) {
    std::vector<std::string> argv = {kCompiler};
    argv.insert(argv.end(), cflags.begin(), cflags.end());
    argv.insert(argv.end(), extra.begin(), extra.end());
    if (pedantic) argv.push_back("-pedantic");
    if (pedantic && options.profile_layers) argv.insert(argv.end(), {"-include", "profile_hook.h"});
    argv.insert(argv.end(), {"-c", source, "-o", object});
    const CommandResult r = run_command(argv, dir);
    if (r.exit_code != 0) {
      write_text(dir / "build.log", r.output);
      throw std::runtime_error(fmt::format("{} does not compile for {}:\n{}", source, board.name,
                                           first_lines(r.output, 12)));
    }
    return object;
  };
  auto object_of = [](const std::string& source) { return source.substr(0, source.size() - 2) + ".o"; };
  std::vector<std::string> objects;
  std::vector<std::string> agent_flags;
  if (options.agent) {
    fs::create_directories(dir / "agent");
    fs::create_directories(dir / "boot");
    for (const auto& [name, text] : agent_sources()) write_text(dir / "agent" / name, std::string(text));
    write_text(dir / "harness/agent_config.h", agent_config(board, *options.agent));
    agent_flags = {"-DTINYOPS_AGENT", "-Iagent"};
    harness.push_back("agent_device.c");
    for (const auto& [name, text] : agent_sources())
      if (name.ends_with(".c")) objects.push_back(compile("agent/" + name, true, agent_flags, object_of("agent/" + name)));
  }
  for (const auto& [path, text] : bundle.files)
    if (path.size() > 2 && path.substr(path.size() - 2) == ".c")
      objects.push_back(compile("bundle/" + path, true, {}, object_of("bundle/" + path)));
  for (const std::string& name : harness)
    objects.push_back(compile("harness/" + name, false, agent_flags, object_of("harness/" + name)));

  const int64_t bootloader_bytes = 64 * 1024;
  if (options.agent) {
    write_text(dir / "link.ld", linker_script(board, kAgentExecBase, board.flash_bytes - bootloader_bytes));
    write_text(dir / "boot/link.ld", linker_script(board, static_cast<uint32_t>(board.emulator->flash_origin),
                                                   bootloader_bytes));
  }
  auto link_elf = [&](const std::vector<std::string>& objs, const std::string& script, const std::string& elf,
                      const std::string& map) {
    std::vector<std::string> link = {kCompiler};
    link.insert(link.end(), board.cflags.begin(), board.cflags.end());
    link.insert(link.end(), {"-nostartfiles", "--specs=nano.specs", "-T", script, "-Wl,--gc-sections",
                             "-Wl,-Map=" + map, "-o", elf});
    link.insert(link.end(), objs.begin(), objs.end());
    link.push_back("-lm");
    return run_command(link, dir);
  };
  const CommandResult r = link_elf(objects, "link.ld", "firmware.elf", "firmware.map");
  write_text(dir / "link.log", r.output);
  FirmwareBuild build;
  build.sizes.arena_bytes = bundle.plan.arena_bytes;
  if (r.exit_code != 0) {
    const auto over = overflows(r.output);
    if (over.empty())
      throw std::runtime_error(
          fmt::format("firmware for {} does not link:\n{}", board.name, first_lines(r.output, 12)));
    build.fits = false;
    for (const auto& [region, bytes] : over) {
      if (!build.overflow.empty()) build.overflow += "; ";
      build.overflow +=
          region == "RAM"
              ? fmt::format("RAM over by {} bytes (counting a {}-byte minimum stack)", bytes,
                            kMinimumStackBytes)
              : fmt::format("{} over by {} bytes", region == "FLASH" ? "flash" : region, bytes);
    }
    return build;
  }
  std::ifstream map_file(dir / "firmware.map");
  const std::string map((std::istreambuf_iterator<char>(map_file)),
                        std::istreambuf_iterator<char>());
  const int64_t arena = build.sizes.arena_bytes;
  build.sizes = sizes_from_map(map);
  build.sizes.arena_bytes = arena;
  build.elf = dir / "firmware.elf";
  if (options.agent) {
    const std::vector<std::string> boot_flags = {"-DTINYOPS_AGENT", "-DTINYOPS_BOOTLOADER", "-Iagent"};
    std::vector<std::string> boot_objects;
    for (const std::string& name : {std::string("startup.c"), std::string("semihost.c"), std::string("counters.c"),
                                    "uart_" + board.emulator->uart + ".c", std::string("agent_device.c"),
                                    std::string("bootloader_main.c")})
      boot_objects.push_back(compile("harness/" + name, false, boot_flags, "boot/" + object_of(name)));
    for (const char* name : {"bootloader.c", "slots.c", "manifest.c", "cbor_read.c", "frame.c", "sha256.c",
                             "sha512.c", "ed25519.c"})
      boot_objects.push_back(compile(std::string("agent/") + name, true, boot_flags,
                                     "boot/" + object_of(name)));
    const CommandResult b = link_elf(boot_objects, "boot/link.ld", "bootloader.elf", "boot/bootloader.map");
    if (b.exit_code != 0)
      throw std::runtime_error(fmt::format("the bootloader for {} does not link:\n{}", board.name,
                                           first_lines(b.output, 12)));
    build.bootloader_elf = dir / "bootloader.elf";
  }
  return build;
}

}  // namespace tinyops::farm
