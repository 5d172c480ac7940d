/* Compile-time side of the DSP kernels (dsp_kernels.h, svdf_dsp.h): writes the weights in
 * the layouts the kernels read, and checks what the kernels assume, among which the
 * accumulator bound that lets them requantise with one high multiply. The code generator
 * and the tests call these; generated bundles never include this file (they carry the
 * results as constant arrays). */
#include "tinyops/runtime/dsp_kernels.h"
#include "tinyops/runtime/lstm_dsp.h"
#include "tinyops/runtime/svdf_dsp.h"

/* Largest |x + input_offset| for an int8 x. */
static int64_t max_input_magnitude(int32_t input_offset) {
  const int64_t lo = -128 + (int64_t)input_offset, hi = 127 + (int64_t)input_offset;
  const int64_t a = lo < 0 ? -lo : lo, b = hi < 0 ? -hi : hi;
  return a > b ? a : b;
}

/* What every DSP kernel assumes of the layer as a whole. */
static int32_t layer_is_supported(int32_t input_offset) {
  return input_offset >= -127 && input_offset <= 128;
}

/* The fast requantisation's precondition for one output channel: a multiplier in
 * [0, INT32_MAX] and (sum |w| * max|x + offset| + |bias|) * 2^max(shift, 0) < 2^30. */
static int32_t bound_is_small(int64_t bound, int32_t multiplier, int32_t shift) {
  int32_t left = shift > 0 ? shift : 0;
  if (multiplier < 0 || left > 30) return 0;
  for (; left > 0 && bound < ((int64_t)1 << 30); --left) bound *= 2;
  return bound < ((int64_t)1 << 30);
}

static int32_t channel_is_supported(int64_t abs_weight_sum, int32_t input_offset, int32_t bias,
                                    int32_t multiplier, int32_t shift) {
  const int64_t abs_bias = bias < 0 ? -(int64_t)bias : bias;
  if (abs_weight_sum >= ((int64_t)1 << 30)) return 0; /* keeps the product below 2^63 */
  return bound_is_small(abs_weight_sum * max_input_magnitude(input_offset) + abs_bias, multiplier,
                        shift);
}

/* ---- CONV_2D ---- */

/* Within each group of 4 positions, positions 0, 1, 2, 3 hold values 0, 2, 1, 3 (what
 * SXTB16 and SXTB16 ROR #8 make of one word). */
static const int32_t kGroupOrder[4] = {0, 2, 1, 3};

/* The weight of output channel oc at window position pos (0 for padding positions). */
static int8_t conv_weight_at(const tinyops_dims4* fd, const int8_t* filter, int32_t oc,
                             int32_t pos) {
  const int32_t row_values = tinyops_conv_dsp_row_values(fd);
  const int32_t fy = pos / row_values, r = pos % row_values;
  const int32_t k = (r & ~3) + kGroupOrder[r & 3];
  if (oc >= fd->n || k >= fd->w * fd->c) return 0;
  return filter[tinyops_offset4(fd, oc, fy, k / fd->c, k % fd->c)];
}

size_t tinyops_conv2d_s8_dsp_filter_size(const tinyops_dims4* filter_dims) {
  const size_t oc_pairs = (size_t)(filter_dims->n + 1) / 2;
  return oc_pairs * (size_t)(filter_dims->h * tinyops_conv_dsp_row_values(filter_dims)) * 2u;
}

void tinyops_conv2d_s8_dsp_filter(const tinyops_dims4* filter_dims, const int8_t* filter,
                                  int8_t* out) {
  const int32_t positions = filter_dims->h * tinyops_conv_dsp_row_values(filter_dims);
  int32_t oc, pos;
  for (oc = 0; oc < filter_dims->n; oc += 2) {
    for (pos = 0; pos < positions; pos += 2) {
      *out++ = conv_weight_at(filter_dims, filter, oc, pos);
      *out++ = conv_weight_at(filter_dims, filter, oc + 1, pos);
      *out++ = conv_weight_at(filter_dims, filter, oc, pos + 1);
      *out++ = conv_weight_at(filter_dims, filter, oc + 1, pos + 1);
    }
  }
}

/* The conv kernel requantises exactly where the bound fails (the exact_requantize
 * argument), so it only needs the layer-wide conditions and non-negative multipliers. */
int32_t tinyops_conv2d_s8_dsp_supported(const tinyops_conv_params* params,
                                        const tinyops_per_channel_quant* quant,
                                        const tinyops_dims4* filter_dims) {
  int32_t oc;
  if (!layer_is_supported(params->input_offset)) return 0;
  for (oc = 0; oc < filter_dims->n; ++oc) {
    if (quant->multiplier[oc] < 0) return 0;
  }
  return 1;
}

int32_t tinyops_conv2d_s8_dsp_small_acc(const tinyops_conv_params* params,
                                        const tinyops_per_channel_quant* quant,
                                        const tinyops_dims4* filter_dims, const int8_t* filter,
                                        const int32_t* bias) {
  const int32_t taps = filter_dims->h * filter_dims->w * filter_dims->c;
  int32_t oc, t;
  for (oc = 0; oc < filter_dims->n; ++oc) {
    int64_t sum = 0;
    for (t = 0; t < taps; ++t) {
      const int32_t w = filter[oc * taps + t];
      sum += w < 0 ? -w : w;
    }
    if (!channel_is_supported(sum, params->input_offset, bias != 0 ? bias[oc] : 0,
                              quant->multiplier[oc], quant->shift[oc])) {
      return 0;
    }
  }
  return 1;
}

/* ---- DEPTHWISE_CONV_2D (depth multiplier 1): [group][fy][fx][4 channels] ---- */

size_t tinyops_depthwise_conv2d_s8_dsp_filter_size(const tinyops_dims4* filter_dims) {
  return (size_t)tinyops_depthwise_dsp_groups(filter_dims->c) * 4u *
         (size_t)(filter_dims->h * filter_dims->w);
}

void tinyops_depthwise_conv2d_s8_dsp_filter(const tinyops_dims4* filter_dims, const int8_t* filter,
                                            int8_t* out) {
  const int32_t groups = tinyops_depthwise_dsp_groups(filter_dims->c);
  int32_t g, fy, fx, i;
  for (g = 0; g < groups; ++g) {
    for (fy = 0; fy < filter_dims->h; ++fy) {
      for (fx = 0; fx < filter_dims->w; ++fx) {
        for (i = 0; i < 4; ++i) {
          const int32_t c = 4 * g + i;
          *out++ = c < filter_dims->c ? filter[tinyops_offset4(filter_dims, 0, fy, fx, c)] : 0;
        }
      }
    }
  }
}

int32_t tinyops_depthwise_conv2d_s8_dsp_supported(const tinyops_depthwise_conv_params* params,
                                                  const tinyops_per_channel_quant* quant,
                                                  const tinyops_dims4* filter_dims,
                                                  const int8_t* filter, const int32_t* bias) {
  const int32_t taps = filter_dims->h * filter_dims->w;
  int32_t c, t;
  if (!layer_is_supported(params->input_offset) || params->depth_multiplier != 1) return 0;
  for (c = 0; c < filter_dims->c; ++c) {
    int64_t sum = 0;
    for (t = 0; t < taps; ++t) {
      const int32_t w = filter[t * filter_dims->c + c];
      sum += w < 0 ? -w : w;
    }
    if (!channel_is_supported(sum, params->input_offset, bias != 0 ? bias[c] : 0,
                              quant->multiplier[c], quant->shift[c])) {
      return 0;
    }
  }
  return 1;
}

/* ---- FULLY_CONNECTED: rows in fours, [quad][group][row][4 values], then the last
 * output_depth % 4 rows one after another ---- */

size_t tinyops_fully_connected_s8_dsp_filter_size(const tinyops_fully_connected_params* params) {
  return (size_t)params->output_depth *
         (size_t)tinyops_fully_connected_dsp_depth(params->accum_depth);
}

void tinyops_fully_connected_s8_dsp_filter(const tinyops_fully_connected_params* params,
                                           const int8_t* filter, int8_t* out) {
  const int32_t depth = params->accum_depth;
  const int32_t padded = tinyops_fully_connected_dsp_depth(depth);
  const int32_t quads = params->output_depth / 4;
  int32_t q, g, r, i, o, d;
  for (q = 0; q < quads; ++q) {
    for (g = 0; g < padded; g += 4) {
      for (r = 0; r < 4; ++r) {
        for (i = 0; i < 4; ++i) {
          *out++ = g + i < depth ? filter[(4 * q + r) * depth + g + i] : 0;
        }
      }
    }
  }
  for (o = 4 * quads; o < params->output_depth; ++o) {
    for (d = 0; d < padded; ++d) *out++ = d < depth ? filter[o * depth + d] : 0;
  }
}

/* The FC kernel requantises exactly where the bound fails (exact_requantize), so it only
 * needs the layer-wide conditions, symmetric weights and non-negative multipliers. */
int32_t tinyops_fully_connected_s8_dsp_supported(const tinyops_fully_connected_params* params,
                                                 const tinyops_per_channel_quant* quant) {
  int32_t q;
  if (!layer_is_supported(params->input_offset) || params->filter_offset != 0) return 0;
  for (q = 0; q < (params->per_channel ? params->output_depth : 1); ++q) {
    if (quant->multiplier[q] < 0) return 0;
  }
  return 1;
}

int32_t tinyops_fully_connected_s8_dsp_small_acc(const tinyops_fully_connected_params* params,
                                                 const tinyops_per_channel_quant* quant,
                                                 const int8_t* filter, const int32_t* bias) {
  int32_t o, d;
  for (o = 0; o < params->output_depth; ++o) {
    const int32_t q = params->per_channel ? o : 0;
    int64_t sum = 0;
    for (d = 0; d < params->accum_depth; ++d) {
      const int32_t w = filter[o * params->accum_depth + d];
      sum += w < 0 ? -w : w;
    }
    if (!channel_is_supported(sum, params->input_offset, bias != 0 ? bias[o] : 0,
                              quant->multiplier[q], quant->shift[q])) {
      return 0;
    }
  }
  return 1;
}

/* ---- SVDF (svdf_dsp.h) ---- */

size_t tinyops_svdf_s8_dsp_feature_size(const tinyops_svdf_params* params) {
  return (size_t)params->num_filters *
         (size_t)tinyops_fully_connected_dsp_depth(params->input_size);
}

/* A plain per-tensor FULLY_CONNECTED of `rows` x `depth` int8 weights: the layout and
 * bounds the SVDF's feature matrix and the LSTM's gate matrices share with FC layers. */
static tinyops_fully_connected_params fc_matrix(int32_t batches, int32_t rows, int32_t depth,
                                                int32_t input_offset) {
  tinyops_fully_connected_params fc;
  fc.batches = batches;
  fc.accum_depth = depth;
  fc.output_depth = rows;
  fc.input_offset = input_offset;
  fc.filter_offset = 0;
  fc.output_offset = 0;
  fc.act_min = -128;
  fc.act_max = 127;
  fc.per_channel = 0;
  return fc;
}

/* weights_feature is a FULLY_CONNECTED filter with one row per SVDF filter. */
static tinyops_fully_connected_params svdf_feature_as_fc(const tinyops_svdf_params* params) {
  return fc_matrix(params->batches, params->num_filters, params->input_size,
                   -params->input_zero_point);
}

void tinyops_svdf_s8_dsp_feature(const tinyops_svdf_params* params, const int8_t* weights_feature,
                                 int8_t* out) {
  const tinyops_fully_connected_params fc = svdf_feature_as_fc(params);
  tinyops_fully_connected_s8_dsp_filter(&fc, weights_feature, out);
}

int32_t tinyops_svdf_s8_dsp_supported(const tinyops_svdf_params* params) {
  return params->input_zero_point >= -128 && params->input_zero_point <= 127 &&
         params->state_zero_point >= -128 && params->state_zero_point <= 127 &&
         params->batches > 0 && params->input_size > 0 && params->memory_size > 0 &&
         params->rank > 0 && params->num_filters == params->num_units * params->rank;
}

/* The exact-requantisation bits for a layer whose state values lie in [state_lo, state_hi]:
 * |feature sum| <= sum |weights_feature row| * max|x - input zero point| and |unit sum| <=
 * |bias| + sum over its filters of sum |weights_time row| * max|state - state zero point|. */
static int32_t svdf_exact(const tinyops_svdf_params* p, const int8_t* weights_feature,
                          const void* weights_time, int32_t time_is_int16, const int32_t* bias,
                          int64_t state_lo, int64_t state_hi) {
  const int64_t zp = p->state_zero_point;
  const int64_t state_mag = state_hi - zp > zp - state_lo ? state_hi - zp : zp - state_lo;
  int32_t exact = 0, f, u, c, r, j;
  for (f = 0; f < p->num_filters; ++f) {
    int64_t sum = 0;
    for (c = 0; c < p->input_size; ++c) {
      const int32_t w = weights_feature[f * p->input_size + c];
      sum += w < 0 ? -w : w;
    }
    if (!channel_is_supported(sum, -p->input_zero_point, 0, p->multiplier_1, p->shift_1))
      exact |= TINYOPS_SVDF_EXACT_FEATURE;
  }
  for (u = 0; u < p->num_units; ++u) {
    int64_t bound = 0;
    for (r = 0; r < p->rank; ++r) {
      for (j = 0; j < p->memory_size; ++j) {
        const int32_t i = (u * p->rank + r) * p->memory_size + j;
        const int32_t w =
            time_is_int16 ? ((const int16_t*)weights_time)[i] : ((const int8_t*)weights_time)[i];
        bound += (w < 0 ? -w : w) * state_mag;
      }
    }
    if (bias != 0) bound += bias[u] < 0 ? -(int64_t)bias[u] : bias[u];
    if (!bound_is_small(bound, p->multiplier_2, p->shift_2)) exact |= TINYOPS_SVDF_EXACT_OUTPUT;
  }
  return exact;
}

int32_t tinyops_svdf_s8_dsp_exact(const tinyops_svdf_params* params, const int8_t* weights_feature,
                                  const int16_t* weights_time, const int32_t* bias) {
  return svdf_exact(params, weights_feature, weights_time, 1, bias, INT16_MIN, INT16_MAX);
}

int32_t tinyops_svdf_s8_state8_dsp_exact(const tinyops_svdf_params* params,
                                         const int8_t* weights_feature, const int8_t* weights_time,
                                         const int32_t* bias) {
  return svdf_exact(params, weights_feature, weights_time, 0, bias, INT8_MIN, INT8_MAX);
}

/* ---- UNIDIRECTIONAL_SEQUENCE_LSTM ---- */

size_t tinyops_lstm_s8_dsp_weights_size(const tinyops_lstm_params* params) {
  const tinyops_fully_connected_params in = fc_matrix(1, params->state_size, params->input_size, 0);
  const tinyops_fully_connected_params rec =
      fc_matrix(1, params->state_size, params->state_size, 0);
  return 4u * (tinyops_fully_connected_s8_dsp_filter_size(&in) +
               tinyops_fully_connected_s8_dsp_filter_size(&rec));
}

int32_t tinyops_lstm_s8_dsp_small_acc(const tinyops_lstm_params* params,
                                      const tinyops_lstm_s8_weights* weights) {
  const tinyops_fully_connected_params in =
      fc_matrix(1, params->state_size, params->input_size, -params->input_zero_point);
  const tinyops_fully_connected_params rec =
      fc_matrix(1, params->state_size, params->state_size, -params->hidden_zero_point);
  int g;
  for (g = 0; g < 4; ++g) {
    const tinyops_per_channel_quant qi = {&params->input_multiplier[g], &params->input_shift[g]};
    const tinyops_per_channel_quant qr = {&params->recurrent_multiplier[g],
                                          &params->recurrent_shift[g]};
    if (!tinyops_fully_connected_s8_dsp_small_acc(&in, &qi, weights->input_weights[g],
                                                  weights->bias[g]) ||
        !tinyops_fully_connected_s8_dsp_small_acc(&rec, &qr, weights->recurrent_weights[g], 0)) {
      return 0;
    }
  }
  return 1;
}

void tinyops_lstm_s8_dsp_weights(const tinyops_lstm_params* params,
                                 const tinyops_lstm_s8_weights* weights, int8_t* out) {
  const tinyops_fully_connected_params in = fc_matrix(1, params->state_size, params->input_size, 0);
  const tinyops_fully_connected_params rec =
      fc_matrix(1, params->state_size, params->state_size, 0);
  int g;
  for (g = 0; g < 4; ++g) {
    tinyops_fully_connected_s8_dsp_filter(&in, weights->input_weights[g], out);
    out += tinyops_fully_connected_s8_dsp_filter_size(&in);
    tinyops_fully_connected_s8_dsp_filter(&rec, weights->recurrent_weights[g], out);
    out += tinyops_fully_connected_s8_dsp_filter_size(&rec);
  }
}
