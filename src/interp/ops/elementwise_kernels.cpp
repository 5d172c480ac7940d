#include "tinyops/interp/op_kernel.hpp"

namespace tinyops::interp {

void register_elementwise_kernels(KernelRegistry& /*registry*/) {}

}  // namespace tinyops::interp
