// How the runtime's parameter structs print as C99 initialisers: one field list per struct,
// in header order, shared by the interpreter's reference emitters and the compiler's
// lowering to target kernels (so a struct is described once). Each list sits beside a
// static_assert that fails when its struct gains a field the list does not print.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tinyops/interp/c_emit.hpp"
#include "tinyops/runtime/conv.h"
#include "tinyops/runtime/depthwise_conv.h"
#include "tinyops/runtime/fully_connected.h"
#include "tinyops/runtime/lstm.h"
#include "tinyops/runtime/pooling.h"
#include "tinyops/runtime/svdf.h"

namespace tinyops::interp {

using CFields = std::vector<std::pair<std::string, std::string>>;

CFields fields_of(const tinyops_dims4& d);
CFields fields_of(const tinyops_conv_params& p);
CFields fields_of(const tinyops_conv_params_f32& p);
CFields fields_of(const tinyops_depthwise_conv_params& p);
CFields fields_of(const tinyops_depthwise_conv_params_f32& p);
CFields fields_of(const tinyops_fully_connected_params& p);
CFields fields_of(const tinyops_fully_connected_params_f32& p);
CFields fields_of(const tinyops_pool_params& p);
CFields fields_of(const tinyops_pool_params_f32& p);
CFields fields_of(const tinyops_svdf_params& p);
CFields fields_of(const tinyops_lstm_params& p);

// Declares `static const <type> opK_<base> = {...};` and returns its name.
std::string declare_struct(EmitContext& e, const std::string& type, const std::string& base,
                           const CFields& fields);
std::string declare_dims(EmitContext& e, const std::string& base, const tinyops_dims4& d);
// The per-channel multiplier and shift arrays, then the tinyops_per_channel_quant pointing at
// them; returns the struct's name.
std::string declare_channel_quant(EmitContext& e, std::span<const int32_t> multiplier,
                                  std::span<const int32_t> shift);
// C comments end at "*/"; a tensor name must not end one early.
std::string comment_safe(std::string s);

}  // namespace tinyops::interp
