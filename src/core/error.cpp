#include "tinyops/core/error.hpp"

namespace tinyops {

void require(bool condition, const std::string& message) {
  if (!condition) throw InputError(message);
}

}  // namespace tinyops
