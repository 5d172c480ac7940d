/* int8 CONV_2D: TFLite Micro's reference per-channel convolution.
 * acc = sum (input + input_offset) * filter over in-image taps, + bias, requantised per
 * output channel with the double-rounding multiplier, + output zero point, clamped. */
#include "tinyops/runtime/conv.h"
#include "tinyops/runtime/fixed_point.h"

void tinyops_conv2d_s8(const tinyops_conv_params* params, const tinyops_per_channel_quant* quant,
                       const tinyops_dims4* input_dims, const int8_t* input,
                       const tinyops_dims4* filter_dims, const int8_t* filter, const int32_t* bias,
                       const tinyops_dims4* output_dims, int8_t* output) {
  const int32_t in_depth = filter_dims->c;
  int32_t b, oy, ox, oc, fy, fx, ic;
  for (b = 0; b < output_dims->n; ++b) {
    for (oy = 0; oy < output_dims->h; ++oy) {
      const int32_t in_y0 = oy * params->stride_h - params->pad_h;
      for (ox = 0; ox < output_dims->w; ++ox) {
        const int32_t in_x0 = ox * params->stride_w - params->pad_w;
        for (oc = 0; oc < output_dims->c; ++oc) {
          int32_t acc = 0;
          for (fy = 0; fy < filter_dims->h; ++fy) {
            const int32_t in_y = in_y0 + params->dilation_h * fy;
            if (in_y < 0 || in_y >= input_dims->h) continue;
            for (fx = 0; fx < filter_dims->w; ++fx) {
              const int32_t in_x = in_x0 + params->dilation_w * fx;
              const int8_t* in_row;
              const int8_t* f_row;
              if (in_x < 0 || in_x >= input_dims->w) continue;
              in_row = input + tinyops_offset4(input_dims, b, in_y, in_x, 0);
              f_row = filter + tinyops_offset4(filter_dims, oc, fy, fx, 0);
              for (ic = 0; ic < in_depth; ++ic) {
                acc += (int32_t)f_row[ic] * ((int32_t)in_row[ic] + params->input_offset);
              }
            }
          }
          if (bias != 0) acc += bias[oc];
          acc = tinyops_multiply_by_quantized_multiplier(acc, quant->multiplier[oc],
                                                         quant->shift[oc]);
          acc += params->output_offset;
          acc = tinyops_clamp_i32(acc, params->act_min, params->act_max);
          output[tinyops_offset4(output_dims, b, oy, ox, oc)] = (int8_t)acc;
        }
      }
    }
  }
}
