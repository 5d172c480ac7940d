/* int8 AVERAGE_POOL_2D and MAX_POOL_2D: TFLite Micro's reference integer pooling. The
 * window is cut to the image (padding never counts); input and output share one
 * quantisation, so the result only needs rounding and the activation clamp. */
#include "tinyops/runtime/fixed_point.h"
#include "tinyops/runtime/pooling.h"

/* First and one-past-last filter tap of a window starting at `origin` that lie inside
 * [0, size). */
static void window_range(int32_t origin, int32_t filter, int32_t size, int32_t* start,
                         int32_t* end) {
  *start = origin < 0 ? -origin : 0;
  *end = size - origin < filter ? size - origin : filter;
}

void tinyops_avg_pool2d_s8(const tinyops_pool_params* params, const tinyops_dims4* input_dims,
                           const int8_t* input, const tinyops_dims4* output_dims, int8_t* output) {
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
          int32_t acc = 0;
          int32_t count = 0;
          for (fy = fy_start; fy < fy_end; ++fy) {
            for (fx = fx_start; fx < fx_end; ++fx) {
              acc += input[tinyops_offset4(input_dims, b, in_y0 + fy, in_x0 + fx, c)];
              ++count;
            }
          }
          /* A window wholly in the padding has no elements; TFLite rejects such models at
           * prepare time, so this only guards the division. */
          if (count > 0) {
            /* Division rounding half away from zero, as TFLite Micro. */
            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          }
          acc = tinyops_clamp_i32(acc, params->act_min, params->act_max);
          output[tinyops_offset4(output_dims, b, oy, ox, c)] = (int8_t)acc;
        }
      }
    }
  }
}

void tinyops_max_pool2d_s8(const tinyops_pool_params* params, const tinyops_dims4* input_dims,
                           const int8_t* input, const tinyops_dims4* output_dims, int8_t* output) {
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
          int32_t max = INT8_MIN;
          for (fy = fy_start; fy < fy_end; ++fy) {
            for (fx = fx_start; fx < fx_end; ++fx) {
              const int32_t v = input[tinyops_offset4(input_dims, b, in_y0 + fy, in_x0 + fx, c)];
              if (v > max) max = v;
            }
          }
          max = tinyops_clamp_i32(max, params->act_min, params->act_max);
          output[tinyops_offset4(output_dims, b, oy, ox, c)] = (int8_t)max;
        }
      }
    }
  }
}
