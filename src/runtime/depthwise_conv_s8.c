/* int8 DEPTHWISE_CONV_2D: TFLite Micro's reference per-channel depthwise convolution.
 * Output channel ic * depth_multiplier + j reads input channel ic only. */
#include "tinyops/runtime/depthwise_conv.h"
#include "tinyops/runtime/fixed_point.h"

void tinyops_depthwise_conv2d_s8(const tinyops_depthwise_conv_params* params,
                                 const tinyops_per_channel_quant* quant,
                                 const tinyops_dims4* input_dims, const int8_t* input,
                                 const tinyops_dims4* filter_dims, const int8_t* filter,
                                 const int32_t* bias, const tinyops_dims4* output_dims,
                                 int8_t* output) {
  const int32_t mult = params->depth_multiplier;
  int32_t b, oy, ox, ic, j, fy, fx;
  for (b = 0; b < output_dims->n; ++b) {
    for (oy = 0; oy < output_dims->h; ++oy) {
      const int32_t in_y0 = oy * params->stride_h - params->pad_h;
      for (ox = 0; ox < output_dims->w; ++ox) {
        const int32_t in_x0 = ox * params->stride_w - params->pad_w;
        for (ic = 0; ic < input_dims->c; ++ic) {
          for (j = 0; j < mult; ++j) {
            const int32_t oc = ic * mult + j;
            int32_t acc = 0;
            for (fy = 0; fy < filter_dims->h; ++fy) {
              const int32_t in_y = in_y0 + params->dilation_h * fy;
              if (in_y < 0 || in_y >= input_dims->h) continue;
              for (fx = 0; fx < filter_dims->w; ++fx) {
                const int32_t in_x = in_x0 + params->dilation_w * fx;
                if (in_x < 0 || in_x >= input_dims->w) continue;
                acc += (int32_t)filter[tinyops_offset4(filter_dims, 0, fy, fx, oc)] *
                       ((int32_t)input[tinyops_offset4(input_dims, b, in_y, in_x, ic)] +
                        params->input_offset);
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
}
