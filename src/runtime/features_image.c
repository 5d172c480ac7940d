/* Image feature block: crop or letterbox, bilinear resize in fixed point, BT.601
 * grayscale, then u8, [0, 1] float or int8 output. Everything up to the u8 pixel is
 * integer arithmetic, so every platform gives the same pixels. */
#include <math.h> /* roundf: exact, the same in every C library */

#include "tinyops/runtime/features.h"

/* Sample positions carry 11 fractional bits: weights 0..2048 per axis, so a weighted sum
 * of 8-bit pixels stays below 255 * 2^22 < 2^31. */
#define FRACTION_BITS 11
#define ONE (1 << FRACTION_BITS)

static int image_params_ok(const tinyops_image_params* p) {
  return p->in_width >= 1 && p->in_height >= 1 && p->out_width >= 1 && p->out_height >= 1 &&
         p->in_width <= 65536 && p->in_height <= 65536 && p->out_width <= 65536 &&
         p->out_height <= 65536 && (int64_t)p->out_width * p->out_height * 3 <= INT32_MAX &&
         (p->in_channels == 1 || p->in_channels == 3) &&
         (p->resize_mode == TINYOPS_IMAGE_SQUASH || p->resize_mode == TINYOPS_IMAGE_FIT_SHORT ||
          p->resize_mode == TINYOPS_IMAGE_FIT_LONG);
}

int32_t tinyops_image_out_channels(const tinyops_image_params* params) {
  return params->grayscale || params->in_channels == 1 ? 1 : 3;
}

int32_t tinyops_image_feature_count(const tinyops_image_params* params) {
  if (!image_params_ok(params)) return -1;
  return params->out_width * params->out_height * tinyops_image_out_channels(params);
}

uint8_t tinyops_rgb_to_gray_u8(uint8_t r, uint8_t g, uint8_t b) {
  /* 0.299, 0.587, 0.114 in 1/256ths, summing to 256 so that white stays 255. */
  return (uint8_t)((77u * r + 150u * g + 29u * b + 128u) >> 8);
}

/* round(a * b / c) for non-negative values, c > 0. */
static int32_t scaled_round(int64_t a, int64_t b, int64_t c) {
  return (int32_t)((2 * a * b + c) / (2 * c));
}

int tinyops_image_geometry_of(const tinyops_image_params* params, tinyops_image_geometry* g) {
  const int64_t in_w = params->in_width, in_h = params->in_height;
  const int64_t out_w = params->out_width, out_h = params->out_height;
  const int wider = in_w * out_h > in_h * out_w; /* input aspect wider than output */
  if (!image_params_ok(params)) return -1;
  g->src_x = 0;
  g->src_y = 0;
  g->src_width = params->in_width;
  g->src_height = params->in_height;
  g->dst_x = 0;
  g->dst_y = 0;
  g->dst_width = params->out_width;
  g->dst_height = params->out_height;
  if (params->resize_mode == TINYOPS_IMAGE_FIT_SHORT) {
    if (wider) {
      g->src_width = scaled_round(in_h, out_w, out_h);
      if (g->src_width < 1) g->src_width = 1;
      if (g->src_width > params->in_width) g->src_width = params->in_width;
      g->src_x = (params->in_width - g->src_width) / 2;
    } else {
      g->src_height = scaled_round(in_w, out_h, out_w);
      if (g->src_height < 1) g->src_height = 1;
      if (g->src_height > params->in_height) g->src_height = params->in_height;
      g->src_y = (params->in_height - g->src_height) / 2;
    }
  } else if (params->resize_mode == TINYOPS_IMAGE_FIT_LONG) {
    if (wider) {
      g->dst_height = scaled_round(in_h, out_w, in_w);
      if (g->dst_height < 1) g->dst_height = 1;
      if (g->dst_height > params->out_height) g->dst_height = params->out_height;
      g->dst_y = (params->out_height - g->dst_height) / 2;
    } else {
      g->dst_width = scaled_round(in_w, out_h, in_h);
      if (g->dst_width < 1) g->dst_width = 1;
      if (g->dst_width > params->out_width) g->dst_width = params->out_width;
      g->dst_x = (params->out_width - g->dst_width) / 2;
    }
  }
  return 0;
}

/* Where destination index d of `dst` samples falls among `src` source samples, with pixel
 * centres aligned (src position (d + 0.5) src / dst - 0.5, clamped to the edges):
 * the lower index and the weight of the next one, in 1/ONE. */
static void source_position(int32_t d, int32_t dst, int32_t src, int32_t* index, int32_t* weight) {
  const int64_t numerator = ((int64_t)2 * d + 1) * src - dst; /* (2d + 1) src - dst */
  int64_t fixed;
  if (numerator <= 0) {
    *index = 0;
    *weight = 0;
    return;
  }
  fixed = numerator * ONE / ((int64_t)2 * dst); /* floor: non-negative */
  *index = (int32_t)(fixed >> FRACTION_BITS);
  *weight = (int32_t)(fixed & (ONE - 1));
  if (*index >= src - 1) {
    *index = src - 1;
    *weight = 0;
  }
}

/* The 8-bit value of channel c (or luma when gray) at source pixel (x, y). */
static int32_t source_value(const tinyops_image_params* p, const uint8_t* in, int32_t x, int32_t y,
                            int32_t c, int gray) {
  const uint8_t* px = in + ((size_t)y * (size_t)p->in_width + (size_t)x) * (size_t)p->in_channels;
  if (gray) return tinyops_rgb_to_gray_u8(px[0], px[1], px[2]);
  return px[c];
}

/* Where the 8-bit output values go: one of u8, f32 (value / 255) or s8 (quantised). */
typedef struct {
  uint8_t* u8;
  float* f32;
  int8_t* s8;
  float scale;
  int32_t zero_point;
} image_sink;

static void emit(const image_sink* sink, size_t i, int32_t value) {
  if (sink->u8) {
    sink->u8[i] = (uint8_t)value;
  } else if (sink->f32) {
    sink->f32[i] = (float)value / 255.0f;
  } else {
    const float r = roundf(((float)value / 255.0f) / sink->scale);
    int32_t q;
    if (!(r == r)) {
      q = sink->zero_point;
    } else if (r >= 1024.0f) {
      q = 127;
    } else if (r <= -1024.0f) {
      q = -128;
    } else {
      q = (int32_t)r + sink->zero_point;
    }
    sink->s8[i] = (int8_t)(q < -128 ? -128 : (q > 127 ? 127 : q));
  }
}

static void image_run(const tinyops_image_params* p, const uint8_t* in, const image_sink* sink) {
  const int32_t channels = tinyops_image_out_channels(p);
  const int gray = p->in_channels == 3 && channels == 1;
  tinyops_image_geometry g;
  int32_t ox, oy, c;
  if (tinyops_image_geometry_of(p, &g) != 0) return;
  for (oy = 0; oy < p->out_height; ++oy) {
    const int inside_y = oy >= g.dst_y && oy < g.dst_y + g.dst_height;
    int32_t y0 = 0, wy = 0;
    if (inside_y) source_position(oy - g.dst_y, g.dst_height, g.src_height, &y0, &wy);
    for (ox = 0; ox < p->out_width; ++ox) {
      const size_t base = ((size_t)oy * (size_t)p->out_width + (size_t)ox) * (size_t)channels;
      int32_t x0 = 0, wx = 0;
      if (!inside_y || ox < g.dst_x || ox >= g.dst_x + g.dst_width) {
        for (c = 0; c < channels; ++c) emit(sink, base + (size_t)c, 0); /* letterbox */
        continue;
      }
      source_position(ox - g.dst_x, g.dst_width, g.src_width, &x0, &wx);
      for (c = 0; c < channels; ++c) {
        const int32_t sx = g.src_x + x0, sy = g.src_y + y0;
        const int32_t sx1 = wx ? sx + 1 : sx, sy1 = wy ? sy + 1 : sy;
        const int32_t top = source_value(p, in, sx, sy, c, gray) * (ONE - wx) +
                            source_value(p, in, sx1, sy, c, gray) * wx;
        const int32_t bottom = source_value(p, in, sx, sy1, c, gray) * (ONE - wx) +
                               source_value(p, in, sx1, sy1, c, gray) * wx;
        const int32_t sum = top * (ONE - wy) + bottom * wy; /* 2 * FRACTION_BITS fraction */
        emit(sink, base + (size_t)c, (sum + (1 << (2 * FRACTION_BITS - 1))) >> (2 * FRACTION_BITS));
      }
    }
  }
}

void tinyops_image_u8(const tinyops_image_params* params, const uint8_t* in, uint8_t* out) {
  image_sink sink = {0, 0, 0, 0.0f, 0};
  sink.u8 = out;
  image_run(params, in, &sink);
}

void tinyops_image_f32(const tinyops_image_params* params, const uint8_t* in, float* out) {
  image_sink sink = {0, 0, 0, 0.0f, 0};
  sink.f32 = out;
  image_run(params, in, &sink);
}

void tinyops_image_s8(const tinyops_image_params* params, const uint8_t* in, float scale,
                      int32_t zero_point, int8_t* out) {
  image_sink sink = {0, 0, 0, 0.0f, 0};
  sink.s8 = out;
  sink.scale = scale;
  sink.zero_point = zero_point;
  image_run(params, in, &sink);
}
