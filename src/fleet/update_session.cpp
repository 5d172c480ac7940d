#include "tinyops/fleet/update_session.hpp"

#include <algorithm>
#include <iterator>

extern "C" {
#include "agent_reason.h"
}

namespace tinyops::fleet {

std::string agent_reason_name(uint8_t code) {
  static const char* const names[] = {"ok", "malformed", "unknown-key", "signature", "version",
                                      "wrong-class", "downgrade", "too-large", "frame", "offset",
                                      "digest", "flash", "smoke-test", "not-confirmed", "busy",
                                      "no-previous", "reverted"};
  if (code < std::size(names)) return names[code];
  return "reason-" + std::to_string(code);
}

std::vector<uint8_t> encode_frame(uint8_t type, std::span<const uint8_t> payload) {
  std::vector<uint8_t> out(payload.size() + TINYOPS_FRAME_OVERHEAD);
  const uint32_t n = tinyops_frame_encode(type, payload.data(),
                                          static_cast<uint16_t>(payload.size()), out.data());
  out.resize(payload.size() <= TINYOPS_FRAME_MAX_PAYLOAD ? n : 0);
  return out;
}

std::vector<tinyops_frame> FrameReader::feed(std::span<const uint8_t> bytes) {
  std::vector<tinyops_frame> frames;
  for (const uint8_t b : bytes) {
    const int got = tinyops_frame_feed(&parser_, b);
    if (got > 0) frames.push_back(parser_.frame);
    if (got < 0) ++damaged_;
  }
  return frames;
}

UpdateSession::UpdateSession(std::vector<uint8_t> envelope, std::vector<uint8_t> image,
                             const std::array<uint8_t, 32>& image_digest, uint32_t chunk_size)
    : envelope_(std::move(envelope)), image_(std::move(image)), digest_(image_digest),
      chunk_size_(std::clamp<uint32_t>(chunk_size, 1, TINYOPS_FRAME_MAX_PAYLOAD - 4)) {}

std::vector<uint8_t> UpdateSession::begin() const {
  uint8_t payload[36];
  tinyops_put_u32(payload, static_cast<uint32_t>(envelope_.size()));
  std::copy(digest_.begin(), digest_.end(), payload + 4);
  return encode_frame(TINYOPS_MSG_BEGIN, payload);
}

std::vector<uint8_t> UpdateSession::chunk(uint8_t type, const std::vector<uint8_t>& from,
                                          uint32_t offset) {
  const uint32_t end = std::min<uint32_t>(static_cast<uint32_t>(from.size()), offset + chunk_size_);
  std::vector<uint8_t> payload(4);
  tinyops_put_u32(payload.data(), offset);
  if (offset < end) payload.insert(payload.end(), from.begin() + offset, from.begin() + end);
  bytes_sent_ += payload.size();
  return encode_frame(type, payload);
}

std::optional<std::vector<uint8_t>> UpdateSession::on_reply(const tinyops_frame& reply) {
  if (outcome_) return std::nullopt;
  // Enough for every chunk to be lost a few times over; past it the device is not
  // making progress and the session gives up rather than loop.
  const uint64_t chunks = (envelope_.size() + image_.size()) / chunk_size_ + 2;
  if (++replies_ > 8 * chunks + 64) {
    outcome_ = Outcome{false, 0, TINYOPS_REJECT_FRAME};
    return std::nullopt;
  }
  const auto wanted = [&](uint8_t part, uint32_t offset) {
    if (part == 0) return chunk(TINYOPS_MSG_MANIFEST, envelope_, offset);
    if (part == 1) return chunk(TINYOPS_MSG_IMAGE, image_, offset);
    return begin();  // the device has no transfer under way (it rebooted): start again
  };
  if (reply.type == TINYOPS_MSG_NEXT && reply.length == 5)
    return wanted(reply.payload[0], tinyops_get_u32(reply.payload + 1));
  if (reply.type == TINYOPS_MSG_INSTALLED && reply.length == 4) {
    outcome_ = Outcome{true, tinyops_get_u32(reply.payload), 0};
    return std::nullopt;
  }
  if (reply.type == TINYOPS_MSG_REJECT && reply.length == 6) {
    const uint8_t reason = reply.payload[0];
    // transport trouble: send what the agent says it wants next; anything else is final
    if (reason == TINYOPS_REJECT_FRAME || reason == TINYOPS_REJECT_OFFSET)
      return wanted(reply.payload[1], tinyops_get_u32(reply.payload + 2));
    outcome_ = Outcome{false, 0, reason};
    return std::nullopt;
  }
  return std::nullopt;  // a report or an unknown reply: not this session's business
}

}  // namespace tinyops::fleet
