// The device agent and bootloader sources (firmware/agent/*.c and *.h, by file name),
// embedded at build time: release images carry them.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tinyops::farm {

const std::map<std::string, std::string_view>& agent_sources();

}  // namespace tinyops::farm
