/* The primitives are static inline in fixed_point.h; this unit keeps the library
 * non-empty and checks the header compiles as strict C99 on its own. */
#include "tinyops/runtime/fixed_point.h"

int32_t tinyops_runtime_abi_version(void);
int32_t tinyops_runtime_abi_version(void) {
  return 1;
}
