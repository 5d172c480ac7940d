/* float32 AVERAGE_POOL_2D and MAX_POOL_2D: TFLite Micro's reference float pooling. The
 * window is cut to the image; the average divides the float sum by the in-image count. */
#include <float.h>

#include "tinyops/runtime/fixed_point.h"
#include "tinyops/runtime/pooling.h"

static void window_range(int32_t origin, int32_t filter, int32_t size, int32_t* start,
                         int32_t* end) {
  *start = origin < 0 ? -origin : 0;
  *end = size - origin < filter ? size - origin : filter;
}

void tinyops_avg_pool2d_f32(const tinyops_pool_params_f32* params, const tinyops_dims4* input_dims,
                            const float* input, const tinyops_dims4* output_dims, float* output) {
  int32_t b, oy, ox, c, fy, fx;
  for (b = 0; b < output_dims->n; ++b) {
    for (oy = 0; oy < output_dims->h; ++oy) {
      const int32_t in_y0 = oy * params->stride_h - params->pad_h;
      int32_t fy_start, fy_end;
      window_range(in_y0, params->filter_h, input_dims->h, &fy_start, &fy_end);
      for (ox = 0; ox < output_dims->w; ++ox) {
        const int32_t in_x0 = ox * params->stride_w - params->pad_w;
        int32_t fx_start, fx_end;
        window_range(in_x0, params->filter_w, input_dims->w, &fx_start, &fx_end);
        for (c = 0; c < output_dims->c; ++c) {
          float total = 0.0f;
          float count = 0.0f;
          for (fy = fy_start; fy < fy_end; ++fy) {
            for (fx = fx_start; fx < fx_end; ++fx) {
              total += input[tinyops_offset4(input_dims, b, in_y0 + fy, in_x0 + fx, c)];
              count += 1.0f;
            }
          }
          output[tinyops_offset4(output_dims, b, oy, ox, c)] =
              tinyops_clamp_f32(total / count, params->act_min, params->act_max);
        }
      }
    }
  }
}

void tinyops_max_pool2d_f32(const tinyops_pool_params_f32* params, const tinyops_dims4* input_dims,
                            const float* input, const tinyops_dims4* output_dims, float* output) {
  int32_t b, oy, ox, c, fy, fx;
  for (b = 0; b < output_dims->n; ++b) {
    for (oy = 0; oy < output_dims->h; ++oy) {
      const int32_t in_y0 = oy * params->stride_h - params->pad_h;
      int32_t fy_start, fy_end;
      window_range(in_y0, params->filter_h, input_dims->h, &fy_start, &fy_end);
      for (ox = 0; ox < output_dims->w; ++ox) {
        const int32_t in_x0 = ox * params->stride_w - params->pad_w;
        int32_t fx_start, fx_end;
        window_range(in_x0, params->filter_w, input_dims->w, &fx_start, &fx_end);
        for (c = 0; c < output_dims->c; ++c) {
          float max = -FLT_MAX;
          for (fy = fy_start; fy < fy_end; ++fy) {
            for (fx = fx_start; fx < fx_end; ++fx) {
              const float v = input[tinyops_offset4(input_dims, b, in_y0 + fy, in_x0 + fx, c)];
              if (v > max) max = v;
            }
          }
          output[tinyops_offset4(output_dims, b, oy, ox, c)] =
              tinyops_clamp_f32(max, params->act_min, params->act_max);
        }
      }
    }
  }
}
