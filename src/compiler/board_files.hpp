// The board profiles (boards/*.json, by file name), embedded at build time.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tinyops::compiler {

const std::map<std::string, std::string_view>& board_files();

}  // namespace tinyops::compiler
