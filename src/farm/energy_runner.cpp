#include "tinyops/farm/energy_runner.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "tinyops/core/error.hpp"

namespace tinyops::farm {
namespace {

constexpr size_t kBytesPerDbCommand = 200;  // 400 hex digits: under the device's 512-char line

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

std::string value_after(const std::vector<std::string>& lines, const std::string& prefix,
                        const std::string& what) {
  for (const std::string& line : lines)
    if (starts_with(line, prefix)) return line.substr(prefix.size());
  throw DeviceError(what + ": the device's reply has no " + prefix + " line");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

EnergyRunnerSession::EnergyRunnerSession(const compiler::Board& board,
                                         const std::filesystem::path& elf,
                                         std::chrono::seconds timeout)
    : board_(board), timeout_(timeout) {
  require(board.emulator.has_value(), "board " + board.name + " has no emulator");
  const compiler::Emulator& e = *board.emulator;
  qemu_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      "qemu-system-arm", "-machine", e.qemu_machine, "-cpu", e.qemu_cpu, "-display", "none",
      "-monitor", "none", "-serial", "stdio", "-semihosting-config", "enable=on,target=native",
      "-icount", "shift=0", "-kernel", elf.string()});
  read_until_ready("start-up");
}

std::vector<std::string> EnergyRunnerSession::read_until_ready(const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  std::vector<std::string> lines;
  for (;;) {
    const auto line = qemu_->read_line(deadline);
    if (!line) {
      if (const auto status = qemu_->exited()) {
        throw DeviceError(
            fmt::format("{}: the emulator stopped (exit status {}{}); last output: {}", what,
                        *status, *status == 99 ? ", the firmware took a fault" : "",
                        lines.empty() ? qemu_->pending_output() : lines.back()));
      }
      throw DeviceError(fmt::format("{}: no answer within {} s", what, timeout_.count()));
    }
    if (*line == "m-ready") {
      // An error reply still ends with m-ready; consume it so the next command starts clean.
      for (const std::string& l : lines)
        if (starts_with(l, "e-")) throw DeviceError(what + ": the device said " + l);
      return lines;
    }
    lines.push_back(*line);
  }
}

std::vector<std::string> EnergyRunnerSession::command(const std::string& text) {
  qemu_->write(text + "%");
  return read_until_ready("`" + text.substr(0, 24) + (text.size() > 24 ? "…" : "") + "%`");
}

std::string EnergyRunnerSession::name() {
  const std::string dut = value_after(command("name"), "m-name-dut-", "name");
  return dut.size() >= 2 && dut.front() == '[' ? dut.substr(1, dut.size() - 2) : dut;
}

void EnergyRunnerSession::load(const std::vector<uint8_t>& bytes) {
  command(fmt::format("db load {}", bytes.size()));
  static const char digits[] = "0123456789abcdef";
  std::vector<std::string> last;
  for (size_t start = 0; start < bytes.size(); start += kBytesPerDbCommand) {
    std::string text = "db ";
    for (size_t i = start; i < std::min(bytes.size(), start + kBytesPerDbCommand); ++i) {
      text += digits[bytes[i] >> 4];
      text += digits[bytes[i] & 15];
    }
    last = command(text);
  }
  bool done = false;
  for (const std::string& line : last) done = done || line == "m-load-done";
  if (!done) throw DeviceError("db: the device did not confirm m-load-done");
}

int64_t EnergyRunnerSession::ticks_to_instructions(const std::vector<std::string>& reply,
                                                   const std::string& what) const {
  try {
    const int64_t ticks = std::stoll(value_after(reply, "m-ticks-", what));
    // -icount shift=0: one instruction per nanosecond of emulated time.
    return ticks * 1'000'000'000 / board_.emulator->systick_hz;
  } catch (const std::logic_error&) {
    throw DeviceError(what + ": unreadable tick count in the device's reply");
  }
}

InferenceMeasure EnergyRunnerSession::infer() {
  const auto lines = command("infer 1 0");
  InferenceMeasure m;
  m.instructions = ticks_to_instructions(lines, "infer");
  try {
    m.stack_bytes = std::stoll(value_after(lines, "m-stack-", "infer"));
    for (const std::string& line : lines) {  // m-layer-K-ticks-T
      if (!starts_with(line, "m-layer-")) continue;
      const size_t at = line.find("-ticks-");
      if (at == std::string::npos) continue;
      const size_t layer = std::stoul(line.substr(8, at - 8));
      const int64_t ticks = std::stoll(line.substr(at + 7));
      if (m.layer_instructions.size() <= layer) m.layer_instructions.resize(layer + 1);
      m.layer_instructions[layer] = ticks * 1'000'000'000 / board_.emulator->systick_hz;
    }
  } catch (const std::logic_error&) {
    throw DeviceError("infer: unreadable stack or layer count in the device's reply");
  }
  return m;
}

int64_t EnergyRunnerSession::calibrate(uint32_t n) {
  return ticks_to_instructions(command(fmt::format("calibrate {}", n)), "calibrate");
}

void EnergyRunnerSession::check_instruction_counter() {
  constexpr uint32_t kLoops = 100'000;
  const int64_t counted = calibrate(kLoops);
  // Allowed: two SysTick quanta (the reads' granularity) plus the reads themselves.
  const int64_t quantum = 1'000'000'000 / board_.emulator->systick_hz;
  if (std::llabs(counted - 2 * int64_t{kLoops}) > 2 * quantum + 64) {
    throw DeviceError(fmt::format(
        "instruction counter check failed on {}: a loop of {} instructions counted as {}; the "
        "board profile's emulator.systick_hz ({}) does not match QEMU {}'s SysTick clock",
        board_.name, 2 * kLoops, counted, board_.emulator->systick_hz,
        board_.emulator->qemu_machine));
  }
}

std::vector<uint8_t> EnergyRunnerSession::results() {
  const std::string hex = value_after(command("results"), "m-results-", "results");
  if (hex.size() < 2 || hex.front() != '[' || hex.back() != ']' || hex.size() % 2 != 0)
    throw DeviceError("results: malformed m-results line");
  std::vector<uint8_t> bytes;
  for (size_t i = 1; i + 1 < hex.size(); i += 2) {
    const int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) throw DeviceError("results: not a hex digit in m-results");
    bytes.push_back(static_cast<uint8_t>(hi * 16 + lo));
  }
  return bytes;
}

}  // namespace tinyops::farm
