/* float32 CONV_2D in TFLite Micro's reference order: taps summed row, column, channel
 * into a float total starting at 0, bias added after the sum, then the clamp. */
#include "tinyops/runtime/conv.h"
#include "tinyops/runtime/fixed_point.h"

void tinyops_conv2d_f32(const tinyops_conv_params_f32* params, const tinyops_dims4* input_dims,
                        const float* input, const tinyops_dims4* filter_dims, const float* filter,
                        const float* bias, const tinyops_dims4* output_dims, float* output) {
  const int32_t in_depth = filter_dims->c;
  int32_t b, oy, ox, oc, fy, fx, ic;
  for (b = 0; b < output_dims->n; ++b) {
    for (oy = 0; oy < output_dims->h; ++oy) {
      const int32_t in_y0 = oy * params->stride_h - params->pad_h;
      for (ox = 0; ox < output_dims->w; ++ox) {
        const int32_t in_x0 = ox * params->stride_w - params->pad_w;
        for (oc = 0; oc < output_dims->c; ++oc) {
          float total = 0.0f;
          for (fy = 0; fy < filter_dims->h; ++fy) {
            const int32_t in_y = in_y0 + params->dilation_h * fy;
            if (in_y < 0 || in_y >= input_dims->h) continue;
            for (fx = 0; fx < filter_dims->w; ++fx) {
              const int32_t in_x = in_x0 + params->dilation_w * fx;
              const float* in_row;
              const float* f_row;
              if (in_x < 0 || in_x >= input_dims->w) continue;
              in_row = input + tinyops_offset4(input_dims, b, in_y, in_x, 0);
              f_row = filter + tinyops_offset4(filter_dims, oc, fy, fx, 0);
              for (ic = 0; ic < in_depth; ++ic) {
                total += in_row[ic] * f_row[ic];
              }
            }
          }
          {
            const float bias_value = bias != 0 ? bias[oc] : 0.0f;
            output[tinyops_offset4(output_dims, b, oy, ox, oc)] =
                tinyops_clamp_f32(total + bias_value, params->act_min, params->act_max);
          }
        }
      }
    }
  }
}
