// The runtime's C files (kernels *.c and headers *.h, by file name), embedded at build
// time so generated bundles carry exactly the kernels they call.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tinyops::compiler {

const std::map<std::string, std::string_view>& runtime_sources();

}  // namespace tinyops::compiler
