/* Ed25519 verification, RFC 8032 section 5.1.7, with libsodium's extra rejections (see
 * ed25519.h). Everything here handles public data, so the code is variable time where that
 * is simpler or faster.
 *
 * Field elements mod p = 2^255 - 19 are ten signed limbs of 26 and 25 bits alternately
 * (radix 2^25.5): products of two limbs fit a 32x32->64 multiply, which every Cortex-M3/M4/M7
 * does in one instruction and an M0 or AVR in a short helper. Limbs stay signed so that
 * subtraction needs no bias; the carries make them small again after each multiply.
 *
 * [S]B - [k]A is one joint double-and-add (Straus) over signed-digit (wNAF) recodings of both
 * scalars: about 253 doublings and 90 additions, instead of two separate ladders. */
#include "ed25519.h"

#include <string.h>

#include "sha512.h"

typedef struct {
  int32_t v[10];
} fe;

/* Extended coordinates (RFC 8032 section 5.1.4): x = X/Z, y = Y/Z, x*y = T/Z. */
typedef struct {
  fe X, Y, Z, T;
} ge_p3;

/* A sum or double before its last four multiplies: X = E*F, Y = G*H, Z = F*G, T = E*H.
 * Kept separate so a doubling followed by a doubling can skip computing T. */
typedef struct {
  fe E, F, G, H;
} ge_p1p1;

/* A point prepared for addition: Y+X, Y-X, 2*Z and 2*d*T. */
typedef struct {
  fe YpX, YmX, Z2, T2d;
} ge_cached;

/* The same with Z = 1, for the base point's constant table: y+x, y-x, 2*d*x*y. */
typedef struct {
  fe ypx, ymx, xy2d;
} ge_affine;

/* The constants below are written as limbs; they were computed from their RFC 8032
 * definitions (d = -121665/121666, sqrt(-1) = 2^((p-1)/4), B = (x, 4/5) with x even). */
/* clang-format off */
static const fe fe_one = {{1, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
static const fe fe_d = {{56195235, 13857412, 51736253, 6949390, 114729,
                         24766616, 60832955, 30306712, 48412415, 21499315}};
static const fe fe_d2 = {{45281625, 27714825, 36363642, 13898781, 229458,
                          15978800, 54557047, 27058993, 29715967, 9444199}};
static const fe fe_sqrtm1 = {{34513072, 25610706, 9377949, 3500415, 12389472,
                              33281959, 41962654, 31548777, 326685, 11406482}};

/* Odd multiples 1B, 3B, ..., 15B of the base point, for its width-5 signed digits. In flash,
 * not RAM; 960 bytes. */
static const ge_affine base_multiples[8] = {
    {{{25967493, 19198397, 29566455, 3660896, 54414519,
       4014786, 27544626, 21800161, 61029707, 2047604}},
     {{54563134, 934261, 64385954, 3049989, 66381436,
       9406985, 12720692, 5043384, 19500929, 18085054}},
     {{58370664, 4489569, 9688441, 18769238, 10184608,
       21191052, 29287918, 11864899, 42594502, 29115885}}},
    {{{15636272, 23865875, 24204772, 25642034, 616976,
       16869170, 27787599, 18782243, 28944399, 32004408}},
     {{16568933, 4717097, 55552716, 32452109, 15682895,
       21747389, 16354576, 21778470, 7689661, 11199574}},
     {{30464137, 27578307, 55329429, 17883566, 23220364,
       15915852, 7512774, 10017326, 49359771, 23634074}}},
    {{{10861363, 11473154, 27284546, 1981175, 37044515,
       12577860, 32867885, 14515107, 51670560, 10819379}},
     {{4708026, 6336745, 20377586, 9066809, 55836755,
       6594695, 41455196, 12483687, 54440373, 5581305}},
     {{19563141, 16186464, 37722007, 4097518, 10237984,
       29206317, 28542349, 13850243, 43430843, 17738489}}},
    {{{5153727, 9909285, 1723747, 30776558, 30523604,
       5516873, 19480852, 5230134, 43156425, 18378665}},
     {{36839857, 30090922, 7665485, 10083793, 28475525,
       1649722, 20654025, 16520125, 30598449, 7715701}},
     {{28881826, 14381568, 9657904, 3680757, 46927229,
       7843315, 35708204, 1370707, 29794553, 32145132}}},
    {{{44589871, 26862249, 14201701, 24808930, 43598457,
       8844725, 18474211, 32192982, 54046167, 13821876}},
     {{60653668, 25714560, 3374701, 28813570, 40010246,
       22982724, 31655027, 26342105, 18853321, 19333481}},
     {{4566811, 20590564, 38133974, 21313742, 59506191,
       30723862, 58594505, 23123294, 2207752, 30344648}}},
    {{{41954014, 29368610, 29681143, 7868801, 60254203,
       24130566, 54671499, 32891431, 35997400, 17421995}},
     {{25576264, 30851218, 7349803, 21739588, 16472781,
       9300885, 3844789, 15725684, 171356, 6466918}},
     {{23103977, 13316479, 9739013, 17404951, 817874,
       18515490, 8965338, 19466374, 36393951, 16193876}}},
    {{{33587053, 3180712, 64714734, 14003686, 50205390,
       17283591, 17238397, 4729455, 49034351, 9256799}},
     {{41926547, 29380300, 32336397, 5036987, 45872047,
       11360616, 22616405, 9761698, 47281666, 630304}},
     {{53388152, 2639452, 42871404, 26147950, 9494426,
       27780403, 60554312, 17593437, 64659607, 19263131}}},
    {{{63957664, 28508356, 9282713, 6866145, 35201802,
       32691408, 48168288, 15033783, 25105118, 25659556}},
     {{42782475, 15950225, 35307649, 18961608, 55446126,
       28463506, 1573891, 30928545, 2198789, 17749813}},
     {{64009494, 10324966, 64867251, 7453182, 61661885,
       30818928, 53296841, 17317989, 34647629, 21263748}}},
};

/* The group order L = 2^252 + 27742317777372353535851937790883648493, little endian. */
static const uint8_t group_order[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

/* clang-format on */

/* y coordinates (canonical encodings, sign bit aside) of the eight points of order 1, 2, 4
 * and 8: 0 (order 4), 1 (the identity), p - 1 (order 2) and the two of order 8. A key or an R
 * of small order is what libsodium refuses before doing any arithmetic, so we refuse them
 * too; non-canonical spellings of 0 and 1 are refused by the y < p check. */
static const uint8_t small_order_y[5][32] = {
    {0},
    {1},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
     0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
     0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
     0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
     0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a}};

/* ---- field arithmetic mod 2^255 - 19 ---------------------------------------------------- */

static unsigned limb_bits(unsigned i) {
  return (i & 1u) ? 25u : 26u;
}

/* Right shifts of negative numbers are implementation-defined in C99, so carries shift a
 * value made positive by 2^62 (every |t| here is below 2^61) and take the bias off after. */
#define FE_BIAS ((int64_t)1 << 62)

/* round(t / 2^bits): leaves a limb in [-2^(bits-1), 2^(bits-1)). */
static int64_t carry_round(int64_t t, unsigned bits) {
  return ((t + ((int64_t)1 << (bits - 1u)) + FE_BIAS) >> bits) - ((int64_t)1 << (62u - bits));
}

/* floor(t / 2^bits): leaves a limb in [0, 2^bits). */
static int64_t carry_floor(int64_t t, unsigned bits) {
  return ((t + FE_BIAS) >> bits) - ((int64_t)1 << (62u - bits));
}

/* Carries wide limbs (|t| < 2^61) into a field element whose limbs are at most 2^25 (even)
 * and about 2^24 (odd) in magnitude. The carry out of the top limb is worth 2^255 = 19.
 * Walked two limbs (26 + 25 bits) at a time so every shift is a constant. */
static void fe_from_wide(fe* h, int64_t t[10]) {
  unsigned i;
  int64_t c;
  for (i = 0; i < 10u; i += 2u) {
    c = carry_round(t[i], 26u);
    t[i] -= c * ((int64_t)1 << 26);
    t[i + 1u] += c;
    c = carry_round(t[i + 1u], 25u);
    t[i + 1u] -= c * ((int64_t)1 << 25);
    if (i < 8u) {
      t[i + 2u] += c;
    } else {
      t[0] += 19 * c;
    }
  }
  c = carry_round(t[0], 26u);
  t[0] -= c * ((int64_t)1 << 26);
  t[1] += c;
  for (i = 0; i < 10u; ++i) h->v[i] = (int32_t)t[i];
}

/* Bounds rule for the whole file: an input of fe_mul is a carried element or the sum or
 * difference of two; anything larger goes through fe_carry first. That keeps 19*g in an
 * int32_t and every column sum of products below 2^61. */
static void fe_carry(fe* h) {
  int64_t t[10];
  unsigned i;
  for (i = 0; i < 10u; ++i) t[i] = h->v[i];
  fe_from_wide(h, t);
}

static void fe_add(fe* h, const fe* f, const fe* g) {
  unsigned i;
  for (i = 0; i < 10u; ++i) h->v[i] = f->v[i] + g->v[i];
}

static void fe_sub(fe* h, const fe* f, const fe* g) {
  unsigned i;
  for (i = 0; i < 10u; ++i) h->v[i] = f->v[i] - g->v[i];
}

static void fe_neg(fe* h, const fe* f) {
  unsigned i;
  for (i = 0; i < 10u; ++i) h->v[i] = -f->v[i];
}

/* h = f * g; h may alias f or g. Limb i sits at bit ceil(25.5 i), so f[i]*g[j] lands on
 * limb i+j exactly, except that two odd limbs give twice that (the half bits add up), and a
 * column past limb 9 wraps round with a factor 19 (2^255 = 19 mod p). */
static void fe_mul(fe* h, const fe* f, const fe* g) {
  int32_t f2[10], g19[10];
  int64_t t[10];
  unsigned i, k;
  for (i = 0; i < 10u; ++i) {
    f2[i] = (i & 1u) ? 2 * f->v[i] : f->v[i];
    g19[i] = 19 * g->v[i];
  }
  for (k = 0; k < 10u; ++k) {
    /* In an even column an odd i meets an odd j; in an odd column never. */
    const int32_t* a = (k & 1u) ? f->v : f2;
    int64_t acc = 0;
    for (i = 0; i <= k; ++i) acc += (int64_t)a[i] * g->v[k - i];
    for (; i < 10u; ++i) acc += (int64_t)a[i] * g19[k + 10u - i];
    t[k] = acc;
  }
  fe_from_wide(h, t);
}

/* h = f^2; h may alias f. The same columns as fe_mul, but each f[i]*f[j] with i != j is
 * formed once and doubled: 55 products instead of 100. Squarings are half of all the field
 * multiplications of a verification. */
static void fe_sq(fe* h, const fe* f) {
  int32_t f2[10], f19[10], f2_19[10];
  int64_t t[10];
  unsigned i, j;
  for (i = 0; i < 10u; ++i) {
    f2[i] = (i & 1u) ? 2 * f->v[i] : f->v[i];
    f19[i] = 19 * f->v[i];
    f2_19[i] = 19 * f2[i];
    t[i] = 0;
  }
  for (i = 0; i < 10u; ++i) {
    /* An odd i meets an odd j with the extra factor 2; f2 carries it on the j side. */
    const int32_t* b = (i & 1u) ? f2 : f->v;
    const int32_t* b19 = (i & 1u) ? f2_19 : f19;
    /* 32-bit operands, so a Cortex-M does each product in one SMLAL */
    const int32_t a = f->v[i], a2 = 2 * f->v[i];
    if (2u * i < 10u) {
      t[2u * i] += (int64_t)a * b[i];
    } else {
      t[2u * i - 10u] += (int64_t)a * b19[i];
    }
    for (j = i + 1u; j < 10u - i; ++j) t[i + j] += (int64_t)a2 * b[j];
    for (j = (i + 1u > 10u - i) ? i + 1u : 10u - i; j < 10u; ++j) {
      t[i + j - 10u] += (int64_t)a2 * b19[j];
    }
  }
  fe_from_wide(h, t);
}

/* h = f^(2^n), n >= 1. */
static void fe_sqn(fe* h, const fe* f, unsigned n) {
  fe_sq(h, f);
  while (--n > 0u) fe_sq(h, h);
}

/* The 255 low bits of s, little endian (bit 255 is the sign of x and is not part of y). */
static void fe_frombytes(fe* h, const uint8_t s[32]) {
  uint64_t acc = 0;
  unsigned have = 0, pos = 0, i;
  for (i = 0; i < 10u; ++i) {
    unsigned b = limb_bits(i);
    while (have < b) {
      acc |= (uint64_t)s[pos++] << have;
      have += 8u;
    }
    h->v[i] = (int32_t)(acc & (((uint64_t)1 << b) - 1u));
    acc >>= b;
    have -= b;
  }
  fe_carry(h);
}

/* The unique representative in [0, p), little endian, bit 255 clear. */
static void fe_tobytes(uint8_t s[32], const fe* f) {
  int64_t t[10], c;
  uint64_t acc = 0;
  unsigned i, pass, have = 0, pos = 0;
  for (i = 0; i < 10u; ++i) t[i] = f->v[i];
  /* Two rounds of floor carries bring every limb into [0, 2^bits): the value is then in
   * [0, 2^255). The second round only moves carries of -1, 0 or 1. */
  for (pass = 0; pass < 2u; ++pass) {
    for (i = 0; i < 10u; ++i) {
      unsigned b = limb_bits(i);
      c = carry_floor(t[i], b);
      t[i] -= c * ((int64_t)1 << b);
      if (i < 9u) {
        t[i + 1u] += c;
      } else {
        t[0] += 19 * c;
      }
    }
  }
  /* Subtract p once if value >= p, i.e. if value + 19 reaches 2^255. */
  c = (t[0] + 19) >> 26;
  for (i = 1; i < 10u; ++i) c = (t[i] + c) >> limb_bits(i);
  t[0] += 19 * c;
  for (i = 0; i < 9u; ++i) {
    unsigned b = limb_bits(i);
    c = t[i] >> b;
    t[i] -= c << b;
    t[i + 1u] += c;
  }
  t[9] &= ((int64_t)1 << 25) - 1; /* drops the 2^255 that stood for p */
  for (i = 0; i < 10u; ++i) {
    acc |= (uint64_t)t[i] << have;
    have += limb_bits(i);
    while (have >= 8u) {
      s[pos++] = (uint8_t)acc;
      acc >>= 8;
      have -= 8u;
    }
  }
  s[pos] = (uint8_t)acc;
}

static int fe_iszero(const fe* f) {
  uint8_t s[32];
  uint8_t any = 0;
  unsigned i;
  fe_tobytes(s, f);
  for (i = 0; i < 32u; ++i) any |= s[i];
  return any == 0u;
}

/* The RFC's "negative": the least significant bit of the canonical value. */
static int fe_isodd(const fe* f) {
  uint8_t s[32];
  fe_tobytes(s, f);
  return s[0] & 1;
}

/* z^(2^250 - 1), the common part of the two exponentiations below; each step joins
 * z^(2^a - 1) and z^(2^b - 1) into z^(2^(a+b) - 1) with b squarings and one multiply. */
static void fe_pow2250m1(fe* out, const fe* z) {
  fe z3, z31, z1023, t, u;
  fe_sq(&t, z);
  fe_mul(&z3, &t, z); /* 2^2 - 1 */
  fe_sqn(&t, &z3, 2);
  fe_mul(&t, &t, &z3); /* 2^4 - 1 */
  fe_sq(&t, &t);
  fe_mul(&z31, &t, z); /* 2^5 - 1 */
  fe_sqn(&t, &z31, 5);
  fe_mul(&z1023, &t, &z31); /* 2^10 - 1 */
  fe_sqn(&t, &z1023, 10);
  fe_mul(&u, &t, &z1023); /* 2^20 - 1 */
  fe_sqn(&t, &u, 20);
  fe_mul(&t, &t, &u); /* 2^40 - 1 */
  fe_sqn(&t, &t, 10);
  fe_mul(&z31, &t, &z1023); /* 2^50 - 1 (z31 reused) */
  fe_sqn(&t, &z31, 50);
  fe_mul(&u, &t, &z31); /* 2^100 - 1 */
  fe_sqn(&t, &u, 100);
  fe_mul(&t, &t, &u); /* 2^200 - 1 */
  fe_sqn(&t, &t, 50);
  fe_mul(out, &t, &z31); /* 2^250 - 1 */
}

/* 1/z = z^(p - 2) = z^((2^250 - 1) * 2^5 + 11). */
static void fe_invert(fe* out, const fe* z) {
  fe t, z2, z11;
  fe_sq(&z2, z);
  fe_sqn(&t, &z2, 2);
  fe_mul(&t, &t, &z2);
  fe_mul(&z11, &t, z);
  fe_pow2250m1(&t, z);
  fe_sqn(&t, &t, 5);
  fe_mul(out, &t, &z11);
}

/* z^((p - 5) / 8) = z^((2^250 - 1) * 4 + 1), the square-root exponent of RFC 8032 5.1.3. */
static void fe_pow22523(fe* out, const fe* z) {
  fe t;
  fe_pow2250m1(&t, z);
  fe_sqn(&t, &t, 2);
  fe_mul(out, &t, z);
}

/* ---- points ------------------------------------------------------------------------------ */

/* y < p for the 255-bit y of an encoding: only 2^255 - 19 .. 2^255 - 1 fail. */
static int y_is_canonical(const uint8_t s[32]) {
  unsigned i;
  if ((s[31] & 0x7fu) != 0x7fu) return 1;
  for (i = 30; i > 0u; --i) {
    if (s[i] != 0xffu) return 1;
  }
  return s[0] < 0xedu;
}

static int has_small_order(const uint8_t s[32]) {
  unsigned i;
  for (i = 0; i < 5u; ++i) {
    if (memcmp(s, small_order_y[i], 31) == 0 && (s[31] & 0x7fu) == small_order_y[i][31]) {
      return 1;
    }
  }
  return 0;
}

/* RFC 8032 section 5.1.3; the caller has checked y < p. Returns 0 when no point has this y
 * (or x would be 0 with the sign bit set). */
static int ge_frombytes(ge_p3* h, const uint8_t s[32]) {
  fe u, v, v3, vxx, check;
  int sign = (s[31] >> 7) & 1;
  fe_frombytes(&h->Y, s);
  fe_sq(&u, &h->Y);
  fe_mul(&v, &u, &fe_d);
  fe_sub(&u, &u, &fe_one); /* u = y^2 - 1 */
  fe_add(&v, &v, &fe_one); /* v = d y^2 + 1 */
  fe_sq(&v3, &v);
  fe_mul(&v3, &v3, &v); /* v^3 */
  fe_sq(&h->X, &v3);
  fe_mul(&h->X, &h->X, &v);
  fe_mul(&h->X, &h->X, &u); /* u v^7 */
  fe_pow22523(&h->X, &h->X);
  fe_mul(&h->X, &h->X, &v3);
  fe_mul(&h->X, &h->X, &u); /* candidate x = u v^3 (u v^7)^((p-5)/8) */
  fe_sq(&vxx, &h->X);
  fe_mul(&vxx, &vxx, &v);
  fe_sub(&check, &vxx, &u);
  if (!fe_iszero(&check)) {
    fe_add(&check, &vxx, &u);
    if (!fe_iszero(&check)) return 0; /* u/v is not a square */
    fe_mul(&h->X, &h->X, &fe_sqrtm1);
  }
  if (fe_iszero(&h->X) && sign) return 0;
  if (fe_isodd(&h->X) != sign) fe_neg(&h->X, &h->X);
  h->Z = fe_one;
  fe_mul(&h->T, &h->X, &h->Y);
  return 1;
}

static void ge_tobytes(uint8_t s[32], const ge_p3* p) {
  fe zi, x, y;
  fe_invert(&zi, &p->Z);
  fe_mul(&x, &p->X, &zi);
  fe_mul(&y, &p->Y, &zi);
  fe_tobytes(s, &y);
  s[31] = (uint8_t)(s[31] | (fe_isodd(&x) << 7));
}

/* T costs a multiply and only an addition reads it, so it is computed only when one follows. */
static void ge_to_p3(ge_p3* r, const ge_p1p1* p, int with_t) {
  fe_mul(&r->X, &p->E, &p->F);
  fe_mul(&r->Y, &p->G, &p->H);
  fe_mul(&r->Z, &p->F, &p->G);
  if (with_t) fe_mul(&r->T, &p->E, &p->H);
}

/* 2P by RFC 8032 section 5.1.4 (reads X, Y, Z only). */
static void ge_dbl(ge_p1p1* r, const ge_p3* p) {
  fe a, b, c;
  fe_sq(&a, &p->X);
  fe_sq(&b, &p->Y);
  fe_sq(&c, &p->Z);
  fe_add(&c, &c, &c);
  fe_add(&r->H, &a, &b);
  fe_add(&r->E, &p->X, &p->Y);
  fe_sq(&r->E, &r->E);
  fe_sub(&r->E, &r->H, &r->E);
  fe_carry(&r->E);
  fe_sub(&r->G, &a, &b);
  fe_add(&r->F, &c, &r->G);
  fe_carry(&r->F);
}

static void ge_to_cached(ge_cached* r, const ge_p3* p) {
  fe_add(&r->YpX, &p->Y, &p->X);
  fe_sub(&r->YmX, &p->Y, &p->X);
  fe_add(&r->Z2, &p->Z, &p->Z);
  fe_mul(&r->T2d, &p->T, &fe_d2);
}

/* P + Q, or P - Q when negate: -Q = (-x, y) swaps Y+X with Y-X and negates T. */
static void ge_add_cached(ge_p1p1* r, const ge_p3* p, const ge_cached* q, int negate) {
  fe a, b, c, d;
  fe_sub(&a, &p->Y, &p->X);
  fe_mul(&a, &a, negate ? &q->YpX : &q->YmX);
  fe_add(&b, &p->Y, &p->X);
  fe_mul(&b, &b, negate ? &q->YmX : &q->YpX);
  fe_mul(&c, &p->T, &q->T2d);
  fe_mul(&d, &p->Z, &q->Z2);
  fe_sub(&r->E, &b, &a);
  fe_add(&r->H, &b, &a);
  if (negate) {
    fe_add(&r->F, &d, &c);
    fe_sub(&r->G, &d, &c);
  } else {
    fe_sub(&r->F, &d, &c);
    fe_add(&r->G, &d, &c);
  }
}

/* The same with Z2 = 1: D = 2*Z1 needs no multiply. */
static void ge_add_affine(ge_p1p1* r, const ge_p3* p, const ge_affine* q, int negate) {
  fe a, b, c, d;
  fe_sub(&a, &p->Y, &p->X);
  fe_mul(&a, &a, negate ? &q->ypx : &q->ymx);
  fe_add(&b, &p->Y, &p->X);
  fe_mul(&b, &b, negate ? &q->ymx : &q->ypx);
  fe_mul(&c, &p->T, &q->xy2d);
  fe_add(&d, &p->Z, &p->Z);
  fe_sub(&r->E, &b, &a);
  fe_add(&r->H, &b, &a);
  if (negate) {
    fe_add(&r->F, &d, &c);
    fe_sub(&r->G, &d, &c);
  } else {
    fe_sub(&r->F, &d, &c);
    fe_add(&r->G, &d, &c);
  }
  fe_carry(&r->F); /* 2*Z1 -/+ C is three carried elements' worth */
  fe_carry(&r->G);
}

/* ---- scalars mod L ----------------------------------------------------------------------- */

static int sc_is_canonical(const uint8_t s[32]) {
  unsigned i = 32;
  while (i-- > 0u) {
    if (s[i] != group_order[i]) return s[i] < group_order[i];
  }
  return 0; /* s == L */
}

static void load_words(uint32_t w[8], const uint8_t s[32]) {
  unsigned i;
  for (i = 0; i < 8u; ++i) {
    w[i] = (uint32_t)s[4u * i] | ((uint32_t)s[4u * i + 1u] << 8) |
           ((uint32_t)s[4u * i + 2u] << 16) | ((uint32_t)s[4u * i + 3u] << 24);
  }
}

/* out = h mod L for a 512-bit little-endian h, one bit at a time from the top (r = 2r + bit,
 * minus L when it reaches L). Slow by bignum standards, about 20k simple operations, which is
 * lost in the scalar multiplication, and plainly right. */
static void sc_reduce512(uint8_t out[32], const uint8_t h[64]) {
  uint32_t r[8], l[8];
  unsigned bit = 512, i;
  memset(r, 0, sizeof r);
  load_words(l, group_order);
  while (bit-- > 0u) {
    uint32_t carry = (uint32_t)(h[bit >> 3] >> (bit & 7u)) & 1u;
    int ge = 1;
    for (i = 0; i < 8u; ++i) {
      uint32_t top = r[i] >> 31;
      r[i] = (uint32_t)(r[i] << 1) | carry;
      carry = top;
    }
    /* r < 2L < 2^254 here, so nothing was shifted out. */
    i = 8;
    while (i-- > 0u) {
      if (r[i] != l[i]) {
        ge = r[i] > l[i];
        break;
      }
    }
    if (ge) {
      uint32_t borrow = 0;
      for (i = 0; i < 8u; ++i) {
        uint64_t d = (uint64_t)r[i] - l[i] - borrow;
        r[i] = (uint32_t)d;
        borrow = (uint32_t)(d >> 32) & 1u;
      }
    }
  }
  for (i = 0; i < 32u; ++i) out[i] = (uint8_t)(r[i >> 2] >> (8u * (i & 3u)));
}

/* Width-w NAF: s = sum naf[i] 2^i with every nonzero digit odd and below 2^(w-1) in
 * magnitude, so a table of 2^(w-2) odd multiples covers it and on average one digit in w+1
 * is nonzero. s < 2^253, so 254 digits suffice; 256 are written. */
static void sc_wnaf(int8_t naf[256], const uint8_t s[32], unsigned w) {
  uint32_t k[9];
  const uint32_t full = (uint32_t)1 << w, mask = full - 1u, half = full >> 1;
  unsigned i, j;
  load_words(k, s);
  k[8] = 0;
  for (i = 0; i < 256u; ++i) {
    int digit = 0;
    if (k[0] & 1u) {
      uint32_t low = k[0] & mask;
      if (low < half) {
        digit = (int)low;
        k[0] -= low;
      } else {
        /* digit low - 2^w < 0: add 2^w - low, which clears the low w bits and carries */
        uint32_t before = k[0];
        digit = -(int)(full - low);
        k[0] = (uint32_t)(k[0] + (full - low));
        if (k[0] < before) {
          for (j = 1; j < 9u; ++j) {
            k[j] = (uint32_t)(k[j] + 1u);
            if (k[j] != 0u) break;
          }
        }
      }
    }
    naf[i] = (int8_t)digit;
    for (j = 0; j < 8u; ++j) k[j] = (k[j] >> 1) | (uint32_t)(k[j + 1u] << 31);
    k[8] >>= 1;
  }
}

/* r = [b]B - [a]A. A's odd multiples (1, 3, 5, 7)A are built here (640 bytes of stack);
 * B's (1 .. 15)B are the constant table. */
static void ge_double_scalarmult(ge_p3* r, const uint8_t a[32], const ge_p3* A,
                                 const uint8_t b[32]) {
  int8_t na[256], nb[256];
  ge_cached table[4];
  ge_p1p1 t;
  ge_p3 u;
  unsigned i;
  sc_wnaf(na, a, 4u);
  sc_wnaf(nb, b, 5u);

  ge_to_cached(&table[0], A);
  ge_dbl(&t, A);
  ge_to_p3(r, &t, 1); /* r = 2A, scratch until the main loop */
  for (i = 1; i < 4u; ++i) {
    ge_add_cached(&t, r, &table[i - 1u], 0);
    ge_to_p3(&u, &t, 1);
    ge_to_cached(&table[i], &u);
  }

  memset(r, 0, sizeof *r); /* the identity (0, 1): X = T = 0, Y = Z = 1 */
  r->Y = fe_one;
  r->Z = fe_one;
  i = 256;
  while (i > 0u && na[i - 1u] == 0 && nb[i - 1u] == 0) --i;
  while (i-- > 0u) {
    int da = na[i], db = nb[i];
    ge_dbl(&t, r);
    ge_to_p3(r, &t, da != 0 || db != 0);
    if (db != 0) {
      ge_add_affine(&t, r, &base_multiples[(db < 0 ? -db : db) >> 1], db < 0);
      ge_to_p3(r, &t, da != 0);
    }
    if (da != 0) {
      /* subtracting [a]A: a positive digit subtracts */
      ge_add_cached(&t, r, &table[(da < 0 ? -da : da) >> 1], da > 0);
      ge_to_p3(r, &t, 0);
    }
  }
}

/* k = SHA-512(R || A || M) mod L. Its own function so the hash state's stack is given back
 * before the scalar multiplication needs its tables. */
static void hash_challenge(uint8_t k[32], const uint8_t r[32], const uint8_t pk[32],
                           const uint8_t* m, size_t n) {
  tinyops_sha512 hs;
  uint8_t h[64];
  tinyops_sha512_init(&hs);
  tinyops_sha512_update(&hs, r, 32);
  tinyops_sha512_update(&hs, pk, 32);
  tinyops_sha512_update(&hs, m, n);
  tinyops_sha512_final(&hs, h);
  sc_reduce512(k, h);
}

int tinyops_ed25519_verify(const uint8_t signature[64], const uint8_t* message, size_t length,
                           const uint8_t public_key[32]) {
  ge_p3 A, check_point;
  uint8_t k[32], check[32];
  const uint8_t *R = signature, *S = signature + 32;

  /* S >= L would let one signature be spelled several ways (malleability). */
  if (!sc_is_canonical(S)) return 0;
  /* A non-canonical R could never equal the canonical encoding computed below; refusing it
   * here just says so. A small-order R is libsodium's rule. */
  if (!y_is_canonical(R) || has_small_order(R)) return 0;
  /* A small-order key makes [k]A a handful of points whatever the message: any R among
   * them would verify for every message. */
  if (!y_is_canonical(public_key) || has_small_order(public_key)) return 0;
  if (!ge_frombytes(&A, public_key)) return 0;

  hash_challenge(k, R, public_key, message, length);
  ge_double_scalarmult(&check_point, k, &A, S);
  ge_tobytes(check, &check_point);
  return memcmp(check, R, 32) == 0;
}
