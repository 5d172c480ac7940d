// A host-native simulated device: the device agent and bootloader of firmware/agent, built
// for the host, over a SimFlash, running a model through a host function for its smoke
// test. It speaks the same frames as a board on the farm, so a fleet of them exercises the
// code devices run, not a model of it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tinyops/fleet/keys.hpp"
#include "tinyops/fleet/sim_flash.hpp"
#include "tinyops/fleet/update_session.hpp"

extern "C" {
#include "agent.h"
}

namespace tinyops::fleet {

// Runs the booted image's model on one input: its output bytes, or nullopt on failure.
using SimModel = std::function<std::optional<std::vector<uint8_t>>(
    uint32_t sequence, std::span<const uint8_t> input)>;

struct SimLayout {
  uint32_t page_size = 4096;
  uint32_t header_pages = 4;   // envelope (with its smoke test) + progress map
  uint32_t image_pages = 64;   // per slot
  uint32_t flash_size() const { return page_size * (2 + 2 * (header_pages + image_pages)); }
};

struct SimDeviceOptions {
  std::string class_id;  // the board profile
  PublicKey trusted_key{};
  SimLayout layout;
  uint8_t max_boot_tries = 3;
  SimModel model;
};

struct SimReport {
  uint32_t sequence = 0;  // booted release (0: none)
  bool confirmed = false;
  uint8_t last_reason = 0;
  uint32_t reason_sequence = 0;
  uint32_t inferences = 0, errors = 0, latency_us = 0;
};
SimReport decode_report(std::span<const uint8_t> payload);

class SimDevice {
 public:
  SimDevice(const SimDeviceOptions& options, SimFlash& flash);
  SimDevice(const SimDevice&) = delete;
  SimDevice& operator=(const SimDevice&) = delete;

  // Power on: the bootloader picks a slot, the agent starts (and smoke-tests a new image);
  // an image that abandons itself reboots at once, as a device would.
  void boot();
  // Feeds received bytes (any number of frames, or parts of them) and returns the encoded
  // replies; an install or revert reboots the device after its reply.
  std::vector<uint8_t> receive(std::span<const uint8_t> bytes);

  SimReport report() const;
  std::vector<uint8_t> report_frame() const;  // the REPORT frame the device sends
  uint8_t booted_slot() const { return agent_.booted_slot; }
  int boots() const { return boots_; }
  const tinyops_device& device() const { return config_.device; }

 private:
  static int32_t run_model(void* self, const uint8_t* input, uint32_t length, uint8_t* output,
                           uint32_t capacity);
  void reboot_if_asked();

  SimDeviceOptions options_;
  SimFlash& flash_;
  KeyId key_id_{};
  std::vector<uint8_t> scratch_;
  tinyops_agent_config config_{};
  tinyops_agent agent_{};
  tinyops_frame_parser parser_{};
  int boots_ = 0;
};

// Plays `session` against `device` to its end (no transport between them); its outcome.
std::optional<UpdateSession::Outcome> run_session(SimDevice& device, UpdateSession& session);

}  // namespace tinyops::fleet
