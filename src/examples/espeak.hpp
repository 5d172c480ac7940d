// Running the espeak-ng program: one word in, the WAV bytes it writes to standard output.
// A process per word (no shell, no temporary files) keeps the generator free of
// libespeak-ng's global state, so words can be spoken on several threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinyops::examples {

struct SpeechVoice {
  std::string voice;  // espeak-ng -v: accent, optionally +variant ("en-gb-scotland+f3")
  int32_t speed_wpm = 160;
  int32_t pitch = 50;  // 0..99
};

// The WAV espeak-ng writes for `text`, with its RIFF and data sizes (which espeak-ng leaves
// at a placeholder when writing to a pipe) set to what was actually written. Throws
// InputError when the program is missing (naming the Debian package) or fails.
std::vector<uint8_t> speak(const std::string& program, const std::string& text,
                           const SpeechVoice& voice);

// Standard output of `program args...` (standard error discarded); throws like speak().
std::string run_for_output(const std::string& program, const std::vector<std::string>& args,
                           int* exit_code = nullptr);

}  // namespace tinyops::examples
