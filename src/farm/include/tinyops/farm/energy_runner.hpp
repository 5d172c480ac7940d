// Host side of the MLPerf Tiny EnergyRunner command protocol: starts a board's firmware
// in QEMU (-icount shift=0, so runs are deterministic and instructions countable) and
// drives it over the emulated UART: `db load N%`, `db HEX%`, `infer N W%`, `results%`.
// The device side is firmware/cortex-m/energy_runner.c.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tinyops/compiler/board.hpp"
#include "tinyops/farm/process.hpp"

namespace tinyops::farm {

// The device misbehaved: an "e-" reply, a fault, no answer in time, an unreadable reply.
class DeviceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct InferenceMeasure {
  int64_t instructions = 0;  // per inference, from SysTick ticks at the emulator's clock
  int64_t stack_bytes = 0;   // stack high-water mark during the runs
  std::vector<int64_t> layer_instructions;  // per layer, when the firmware profiles layers
};

class EnergyRunnerSession {
 public:
  // Starts the emulator; waits for the firmware's "m-init-done". `timeout` bounds each
  // command (an inference included).
  EnergyRunnerSession(const compiler::Board& board, const std::filesystem::path& elf,
                      std::chrono::seconds timeout);

  std::string name();                            // from `name%`
  void load(const std::vector<uint8_t>& bytes);  // `db load N%` and `db HEX%` chunks
  InferenceMeasure infer();                      // `infer 1 0%`
  std::vector<uint8_t> results();                // `results%`
  // `calibrate N%`: instructions the device counted for a loop of exactly 2N.
  int64_t calibrate(uint32_t n);
  // Checks that counted instructions equal executed ones (the board profile's SysTick
  // clock is right); throws DeviceError when they do not.
  void check_instruction_counter();

 private:
  // Sends `text%` and returns the reply lines up to "m-ready".
  std::vector<std::string> command(const std::string& text);
  std::vector<std::string> read_until_ready(const std::string& what);
  int64_t ticks_to_instructions(const std::vector<std::string>& reply,
                                const std::string& what) const;

  const compiler::Board& board_;
  std::chrono::seconds timeout_;
  std::unique_ptr<ChildProcess> qemu_;
};

}  // namespace tinyops::farm
