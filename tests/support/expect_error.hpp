// The message of the InputError a call throws, or "(no error)": for EXPECT_THAT(...,
// HasSubstr(...)) on what users read.
#pragma once

#include <functional>
#include <string>

#include "tinyops/core/error.hpp"

namespace tinyops::test_support {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace tinyops::test_support
