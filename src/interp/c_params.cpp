#include "tinyops/interp/c_params.hpp"

namespace tinyops::interp {

static_assert(sizeof(tinyops_dims4) == 4 * sizeof(int32_t));
CFields fields_of(const tinyops_dims4& d) {
  return {{"n", c_int(d.n)}, {"h", c_int(d.h)}, {"w", c_int(d.w)}, {"c", c_int(d.c)}};
}

static_assert(sizeof(tinyops_conv_params) == 10 * sizeof(int32_t));
CFields fields_of(const tinyops_conv_params& p) {
  return {{"stride_h", c_int(p.stride_h)},
          {"stride_w", c_int(p.stride_w)},
          {"dilation_h", c_int(p.dilation_h)},
          {"dilation_w", c_int(p.dilation_w)},
          {"pad_h", c_int(p.pad_h)},
          {"pad_w", c_int(p.pad_w)},
          {"input_offset", c_int(p.input_offset)},
          {"output_offset", c_int(p.output_offset)},
          {"act_min", c_int(p.act_min)},
          {"act_max", c_int(p.act_max)}};
}

static_assert(sizeof(tinyops_conv_params_f32) == 8 * 4);
CFields fields_of(const tinyops_conv_params_f32& p) {
  return {{"stride_h", c_int(p.stride_h)},     {"stride_w", c_int(p.stride_w)},
          {"dilation_h", c_int(p.dilation_h)}, {"dilation_w", c_int(p.dilation_w)},
          {"pad_h", c_int(p.pad_h)},           {"pad_w", c_int(p.pad_w)},
          {"act_min", c_float(p.act_min)},     {"act_max", c_float(p.act_max)}};
}

static_assert(sizeof(tinyops_depthwise_conv_params) == 11 * sizeof(int32_t));
CFields fields_of(const tinyops_depthwise_conv_params& p) {
  return {{"stride_h", c_int(p.stride_h)},
          {"stride_w", c_int(p.stride_w)},
          {"dilation_h", c_int(p.dilation_h)},
          {"dilation_w", c_int(p.dilation_w)},
          {"pad_h", c_int(p.pad_h)},
          {"pad_w", c_int(p.pad_w)},
          {"depth_multiplier", c_int(p.depth_multiplier)},
          {"input_offset", c_int(p.input_offset)},
          {"output_offset", c_int(p.output_offset)},
          {"act_min", c_int(p.act_min)},
          {"act_max", c_int(p.act_max)}};
}

static_assert(sizeof(tinyops_depthwise_conv_params_f32) == 9 * 4);
CFields fields_of(const tinyops_depthwise_conv_params_f32& p) {
  return {{"stride_h", c_int(p.stride_h)},
          {"stride_w", c_int(p.stride_w)},
          {"dilation_h", c_int(p.dilation_h)},
          {"dilation_w", c_int(p.dilation_w)},
          {"pad_h", c_int(p.pad_h)},
          {"pad_w", c_int(p.pad_w)},
          {"depth_multiplier", c_int(p.depth_multiplier)},
          {"act_min", c_float(p.act_min)},
          {"act_max", c_float(p.act_max)}};
}

static_assert(sizeof(tinyops_fully_connected_params) == 9 * sizeof(int32_t));
CFields fields_of(const tinyops_fully_connected_params& p) {
  return {{"batches", c_int(p.batches)},
          {"accum_depth", c_int(p.accum_depth)},
          {"output_depth", c_int(p.output_depth)},
          {"input_offset", c_int(p.input_offset)},
          {"filter_offset", c_int(p.filter_offset)},
          {"output_offset", c_int(p.output_offset)},
          {"act_min", c_int(p.act_min)},
          {"act_max", c_int(p.act_max)},
          {"per_channel", c_int(p.per_channel)}};
}

static_assert(sizeof(tinyops_fully_connected_params_f32) == 5 * 4);
CFields fields_of(const tinyops_fully_connected_params_f32& p) {
  return {{"batches", c_int(p.batches)},
          {"accum_depth", c_int(p.accum_depth)},
          {"output_depth", c_int(p.output_depth)},
          {"act_min", c_float(p.act_min)},
          {"act_max", c_float(p.act_max)}};
}

static_assert(sizeof(tinyops_pool_params) == 8 * sizeof(int32_t));
CFields fields_of(const tinyops_pool_params& p) {
  return {{"stride_h", c_int(p.stride_h)}, {"stride_w", c_int(p.stride_w)},
          {"filter_h", c_int(p.filter_h)}, {"filter_w", c_int(p.filter_w)},
          {"pad_h", c_int(p.pad_h)},       {"pad_w", c_int(p.pad_w)},
          {"act_min", c_int(p.act_min)},   {"act_max", c_int(p.act_max)}};
}

static_assert(sizeof(tinyops_pool_params_f32) == 8 * 4);
CFields fields_of(const tinyops_pool_params_f32& p) {
  return {{"stride_h", c_int(p.stride_h)}, {"stride_w", c_int(p.stride_w)},
          {"filter_h", c_int(p.filter_h)}, {"filter_w", c_int(p.filter_w)},
          {"pad_h", c_int(p.pad_h)},       {"pad_w", c_int(p.pad_w)},
          {"act_min", c_float(p.act_min)}, {"act_max", c_float(p.act_max)}};
}

static_assert(sizeof(tinyops_svdf_params) == 13 * sizeof(int32_t));
CFields fields_of(const tinyops_svdf_params& p) {
  return {{"batches", c_int(p.batches)},
          {"input_size", c_int(p.input_size)},
          {"num_filters", c_int(p.num_filters)},
          {"num_units", c_int(p.num_units)},
          {"rank", c_int(p.rank)},
          {"memory_size", c_int(p.memory_size)},
          {"input_zero_point", c_int(p.input_zero_point)},
          {"state_zero_point", c_int(p.state_zero_point)},
          {"output_zero_point", c_int(p.output_zero_point)},
          {"multiplier_1", c_int(p.multiplier_1)},
          {"shift_1", c_int(p.shift_1)},
          {"multiplier_2", c_int(p.multiplier_2)},
          {"shift_2", c_int(p.shift_2)}};
}

namespace {
std::string int_list(const int32_t (&v)[4]) {
  return "{" + c_int(v[0]) + ", " + c_int(v[1]) + ", " + c_int(v[2]) + ", " + c_int(v[3]) + "}";
}
}  // namespace

static_assert(sizeof(tinyops_lstm_params) == 33 * sizeof(int32_t));
CFields fields_of(const tinyops_lstm_params& p) {
  return {{"batches", c_int(p.batches)},
          {"time_steps", c_int(p.time_steps)},
          {"input_size", c_int(p.input_size)},
          {"state_size", c_int(p.state_size)},
          {"time_major", c_int(p.time_major)},
          {"input_zero_point", c_int(p.input_zero_point)},
          {"hidden_zero_point", c_int(p.hidden_zero_point)},
          {"input_multiplier", int_list(p.input_multiplier)},
          {"input_shift", int_list(p.input_shift)},
          {"recurrent_multiplier", int_list(p.recurrent_multiplier)},
          {"recurrent_shift", int_list(p.recurrent_shift)},
          {"forget_cell_multiplier", c_int(p.forget_cell_multiplier)},
          {"forget_cell_shift", c_int(p.forget_cell_shift)},
          {"input_cell_multiplier", c_int(p.input_cell_multiplier)},
          {"input_cell_shift", c_int(p.input_cell_shift)},
          {"hidden_multiplier", c_int(p.hidden_multiplier)},
          {"hidden_shift", c_int(p.hidden_shift)},
          {"cell_state_scale_power", c_int(p.cell_state_scale_power)},
          {"clip_cell", c_int(p.clip_cell)},
          {"quantized_cell_clip", c_int(p.quantized_cell_clip)},
          {"cell_gate_sigmoid", c_int(p.cell_gate_sigmoid)}};
}

std::string declare_struct(EmitContext& e, const std::string& type, const std::string& base,
                           const CFields& fields) {
  const std::string name = e.unique(base);
  e.declare(c_struct(type, name, fields));
  return name;
}

std::string declare_dims(EmitContext& e, const std::string& base, const tinyops_dims4& d) {
  return declare_struct(e, "tinyops_dims4", base, fields_of(d));
}

std::string declare_channel_quant(EmitContext& e, std::span<const int32_t> multiplier,
                                  std::span<const int32_t> shift) {
  const std::string m = e.unique("multiplier");
  const std::string s = e.unique("shift");
  const std::string quant = e.unique("quant");
  e.declare(c_array("int32_t", m, {multiplier.begin(), multiplier.end()}));
  e.declare(c_array("int32_t", s, {shift.begin(), shift.end()}));
  e.declare(c_struct("tinyops_per_channel_quant", quant, {{"multiplier", m}, {"shift", s}}));
  return quant;
}

std::string comment_safe(std::string s) {
  for (size_t at = s.find("*/"); at != std::string::npos; at = s.find("*/", at)) s[at + 1] = '_';
  return s;
}

}  // namespace tinyops::interp
