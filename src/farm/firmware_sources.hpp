// The device firmware sources (firmware/cortex-m/*.c and *.h, by file name), embedded at
// build time.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tinyops::farm {

const std::map<std::string, std::string_view>& firmware_sources();

}  // namespace tinyops::farm
