// Lowering of int8 layers to the kernels for cores with the Arm DSP extension (Cortex-M4,
// M7, M33, M55; runtime/dsp_kernels.h, svdf_dsp.h, lstm_dsp.h): the choice of kernel per
// layer, the compile-time re-layout of its weights, whether its requantisation may take the
// one-multiply form, and the call. Each returns false, printing nothing but the reason
// (EmitContext::keeps_reference), for a layer the kernels do not take; the op then prints
// its reference call. The host interpreter always runs the reference kernels; the results
// are the same, bit for bit.
#pragma once

#include "tinyops/interp/c_emit.hpp"

namespace tinyops::compiler::cortex_m_dsp {

bool lower(interp::EmitContext& e, const interp::Int8ConvLayer& layer);
bool lower(interp::EmitContext& e, const interp::Int8DepthwiseConvLayer& layer);
bool lower(interp::EmitContext& e, const interp::Int8FullyConnectedLayer& layer);
bool lower(interp::EmitContext& e, const interp::Int8SvdfLayer& layer);
bool lower(interp::EmitContext& e, const interp::Int8LstmLayer& layer);

}  // namespace tinyops::compiler::cortex_m_dsp
