#include "tinyops/interp/op_kernel.hpp"

namespace tinyops::interp {

void register_signal_kernels(KernelRegistry& /*registry*/) {}

}  // namespace tinyops::interp
