// Builds the broadcast descriptor the host interpreter would pass, for kernel tests.
#pragma once

#include <vector>

#include "tinyops/runtime/elementwise_binary.h"

namespace tinyops::test {

// Shapes of equal rank; a dimension of 1 in one input broadcasts.
inline tinyops_broadcast broadcast(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  tinyops_broadcast r{};
  r.rank = static_cast<int32_t>(a.size());
  r.count = 1;
  int32_t sa = 1, sb = 1;
  for (int d = r.rank - 1; d >= 0; --d) {
    r.dims[d] = a[d] == 1 ? b[d] : a[d];
    r.stride1[d] = a[d] == 1 ? 0 : sa;
    r.stride2[d] = b[d] == 1 ? 0 : sb;
    sa *= a[d];
    sb *= b[d];
    r.count *= r.dims[d];
  }
  return r;
}

}  // namespace tinyops::test
