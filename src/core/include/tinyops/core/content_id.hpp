// Content ids: every artifact is named by the sha256 of its bytes (lower-case hex).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace tinyops {

std::string sha256_hex(std::span<const uint8_t> bytes);

}  // namespace tinyops
