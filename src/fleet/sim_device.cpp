#include "tinyops/fleet/sim_device.hpp"

#include <algorithm>
#include <cstring>

extern "C" {
#include "bootloader.h"
}

namespace tinyops::fleet {

SimReport decode_report(std::span<const uint8_t> p) {
  SimReport r;
  if (p.size() != TINYOPS_REPORT_BYTES) return r;
  r.sequence = tinyops_get_u32(p.data());
  r.confirmed = (p[4] & TINYOPS_REPORT_CONFIRMED) != 0;
  r.last_reason = p[5];
  r.reason_sequence = tinyops_get_u32(p.data() + 6);
  r.inferences = tinyops_get_u32(p.data() + 10);
  r.errors = tinyops_get_u32(p.data() + 14);
  r.latency_us = tinyops_get_u32(p.data() + 18);
  return r;
}

SimDevice::SimDevice(const SimDeviceOptions& options, SimFlash& flash)
    : options_(options), flash_(flash), key_id_(key_id_of(options.trusted_key)),
      scratch_(4096) {
  const SimLayout& l = options_.layout;
  tinyops_device& d = config_.device;
  d.flash = flash_.flash();
  d.layout.record_offset[0] = 0;
  d.layout.record_offset[1] = l.page_size;
  d.layout.header_size = l.header_pages * l.page_size;
  d.layout.slot_size = (l.header_pages + l.image_pages) * l.page_size;
  d.layout.slot_offset[0] = 2 * l.page_size;
  d.layout.slot_offset[1] = d.layout.slot_offset[0] + d.layout.slot_size;
  d.trust.public_key = options_.trusted_key.data();
  d.trust.key_id = key_id_.data();
  d.class_id = options_.class_id.c_str();
  config_.max_boot_tries = options_.max_boot_tries;
  config_.run_model = &SimDevice::run_model;
  config_.model_context = this;
  config_.scratch = scratch_.data();
  config_.scratch_size = static_cast<uint32_t>(scratch_.size());
  tinyops_frame_parser_init(&parser_);
}

int32_t SimDevice::run_model(void* self, const uint8_t* input, uint32_t length, uint8_t* output,
                             uint32_t capacity) {
  auto& device = *static_cast<SimDevice*>(self);
  if (!device.options_.model) return -1;
  // the agent has opened the booted slot's manifest already, before its smoke test
  const auto out = device.options_.model(device.agent_.booted_sequence, {input, length});
  if (!out || out->size() > capacity) return -1;
  std::copy(out->begin(), out->end(), output);
  return static_cast<int32_t>(out->size());
}

void SimDevice::boot() {
  // A device that keeps abandoning images ends on its confirmed one; the bound is only a
  // guard against a bootloader bug turning into a hang.
  for (int attempt = 0; attempt < 16; ++attempt) {
    ++boots_;
    const uint8_t slot = tinyops_boot_select(&config_.device, config_.max_boot_tries);
    // the agent reads the slot's manifest while it starts; a slot it cannot open is recovery
    agent_.booted_slot = slot;
    tinyops_agent_start(&agent_, &config_, slot);
    if (!agent_.reboot_requested || flash_.power_cut()) break;
  }
  tinyops_frame_parser_init(&parser_);
}

void SimDevice::reboot_if_asked() {
  if (agent_.reboot_requested && !flash_.power_cut()) boot();
}

std::vector<uint8_t> SimDevice::receive(std::span<const uint8_t> bytes) {
  std::vector<uint8_t> out;
  static_assert(sizeof(tinyops_frame::payload) == TINYOPS_FRAME_MAX_PAYLOAD);
  for (const uint8_t byte : bytes) {
    const int got = tinyops_frame_feed(&parser_, byte);
    if (got == 0) continue;
    tinyops_frame reply;
    if (got < 0) {
      tinyops_agent_frame_error(&agent_, &reply);
    } else {
      tinyops_agent_handle(&agent_, &parser_.frame, &reply);
    }
    const size_t at = out.size();
    out.resize(at + reply.length + TINYOPS_FRAME_OVERHEAD);
    tinyops_frame_encode(reply.type, reply.payload, reply.length, out.data() + at);
    if (agent_.reboot_requested) {
      reboot_if_asked();
      break;  // bytes after a reboot are lost, as on a device
    }
  }
  return out;
}

std::vector<uint8_t> SimDevice::report_frame() const {
  tinyops_frame f;
  tinyops_agent_report(&agent_, &f);
  std::vector<uint8_t> out(f.length + TINYOPS_FRAME_OVERHEAD);
  tinyops_frame_encode(f.type, f.payload, f.length, out.data());
  return out;
}

SimReport SimDevice::report() const {
  tinyops_frame f;
  tinyops_agent_report(&agent_, &f);
  return decode_report({f.payload, f.length});
}

std::optional<UpdateSession::Outcome> run_session(SimDevice& device, UpdateSession& session) {
  FrameReader reader;
  std::vector<uint8_t> next = session.begin();
  while (!next.empty()) {
    const auto replies = reader.feed(device.receive(next));
    next.clear();
    for (const auto& f : replies)
      if (auto send = session.on_reply(f)) next = *send;
  }
  return session.outcome();
}

}  // namespace tinyops::fleet
