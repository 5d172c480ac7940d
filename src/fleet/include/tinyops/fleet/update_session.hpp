// The server's half of an install: given a release's envelope and image, it answers each
// of the device agent's replies with the frame it asks for (the agent says which part and
// offset it wants next, so duplicates, losses and resumes after a reconnect or a power cut
// need no bookkeeping here). The same session drives a device over MQTT, over the farm
// gateway's UART, or a simulated device in a test.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

extern "C" {
#include "frame.h"
}

namespace tinyops::fleet {

// The agent's reason code (firmware/agent/agent_reason.h) as reports and events spell it:
// "signature", "downgrade", "smoke-test"...; "reason-N" for a code this host does not know.
std::string agent_reason_name(uint8_t code);

std::vector<uint8_t> encode_frame(uint8_t type, std::span<const uint8_t> payload);
// Splits received bytes into frames (good ones only; damaged ones are counted).
class FrameReader {
 public:
  FrameReader() { tinyops_frame_parser_init(&parser_); }
  std::vector<tinyops_frame> feed(std::span<const uint8_t> bytes);
  uint64_t damaged() const { return damaged_; }

 private:
  tinyops_frame_parser parser_{};
  uint64_t damaged_ = 0;
};

class UpdateSession {
 public:
  UpdateSession(std::vector<uint8_t> envelope, std::vector<uint8_t> image,
                const std::array<uint8_t, 32>& image_digest, uint32_t chunk_size = 1016);

  struct Outcome {
    bool installed = false;         // the device verified the image and reboots into it
    uint32_t sequence = 0;          // the installed sequence
    uint8_t reason = 0;             // when refused: tinyops_agent_reason
  };

  std::vector<uint8_t> begin() const;
  // The next frame to send for `reply`, or nothing once the session has its outcome.
  std::optional<std::vector<uint8_t>> on_reply(const tinyops_frame& reply);
  const std::optional<Outcome>& outcome() const { return outcome_; }
  uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  std::vector<uint8_t> chunk(uint8_t type, const std::vector<uint8_t>& from, uint32_t offset);

  std::vector<uint8_t> envelope_, image_;
  std::array<uint8_t, 32> digest_;
  uint32_t chunk_size_;
  std::optional<Outcome> outcome_;
  uint64_t bytes_sent_ = 0;
  uint64_t replies_ = 0;
};

}  // namespace tinyops::fleet
