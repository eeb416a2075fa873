/* The hot loops of Image Quilting's cross-correlation and of Winograd's transforms, compiled for three levels. */
#include "kernels.h"
#include <string.h>

#pragma clang fp contract(off)

#define AVX512 __attribute__((target("avx512f")))
#define AVX2 __attribute__((target("avx2")))

/* The quilting kernels, one clone per level, each with the vector width its registers hold. The AVX-512 and AVX2
 * levels fuse each multiply-add (MADD) explicitly, one rounding per step, so they agree bit for bit with each
 * other; the baseline, for CPUs without FMA, multiplies and adds (fmaf there is a library call, 36× slower), so its
 * last bits may differ. */
#define MADD(s, k, p) __builtin_elementwise_fma(k, p, s)
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#define LANES 16
#define SUFFIX avx512
#include "quilting_clone.h"
#undef LANES
#undef SUFFIX
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define LANES 8
#define SUFFIX avx2
#include "quilting_clone.h"
#undef LANES
#undef SUFFIX
#pragma clang attribute pop

#undef MADD
#define MADD(s, k, p) ((s) + (k) * (p))
#define LANES 4
#define SUFFIX base
#include "quilting_clone.h"
#undef LANES
#undef SUFFIX

/* Winograd F(4×4, 3×3)'s element-wise passes on the points 0, 1, −1, 2, 1/2, ∞. BT applies Bᵀ to six values d0 … d5
 * (one input row or column of a 6 × 6 tile), AT applies Aᵀ to six products. Written out so that every clone does the
 * same operations in the same order. No pointer aliases another (restrict), so each loop vectorises. */
#define R restrict
#define BT(d0, d1, d2, d3, d4, d5, t0, t1, t2, t3, t4, t5) do { \
    t0 = 2 * ((d4) - (d0)) + 5 * ((d1) - (d3)); \
    t1 = 2 * ((d1) + (d4)) - 3 * ((d2) + (d3)); \
    t2 = 2 * ((d4) - (d1)) + 7 * ((d2) - (d3)); \
    t3 = ((d1) - (d3)) + 2 * ((d4) - (d2)); \
    t4 = 2 * ((d1) - (d3)) + ((d4) - (d2)); \
    t5 = 2 * ((d5) - (d1)) + 5 * ((d2) - (d4)); \
} while (0)
#define AT(m0, m1, m2, m3, m4, m5, y0, y1, y2, y3) do { \
    float plus = (m1) + (m2), minus = (m1) - (m2); \
    y0 = (m0) + plus + (m3) + (m4); \
    y1 = minus + 2 * (m3) + 0.5f * (m4); \
    y2 = plus + 4 * (m3) + 0.25f * (m4); \
    y3 = minus + 8 * (m3) + 0.125f * (m4) + (m5); \
} while (0)

static inline __attribute__((always_inline))
void input_rows(const float *in, long in_stride, long n, float *out, long out_stride) {
    const float *R d0 = in, *R d1 = in + in_stride, *R d2 = in + 2 * in_stride, *R d3 = in + 3 * in_stride,
                *R d4 = in + 4 * in_stride, *R d5 = in + 5 * in_stride;
    float *R t0 = out, *R t1 = out + out_stride, *R t2 = out + 2 * out_stride, *R t3 = out + 3 * out_stride,
          *R t4 = out + 4 * out_stride, *R t5 = out + 5 * out_stride;
    for (long p = 0; p < n; p++)
        BT(d0[p], d1[p], d2[p], d3[p], d4[p], d5[p], t0[p], t1[p], t2[p], t3[p], t4[p], t5[p]);
}

static inline __attribute__((always_inline))
void input_columns(const float *R e, long across, float *out, long out_stride) {
    float *R t0 = out, *R t1 = out + out_stride, *R t2 = out + 2 * out_stride, *R t3 = out + 3 * out_stride,
          *R t4 = out + 4 * out_stride, *R t5 = out + 5 * out_stride;
    for (long j = 0; j < across; j++) {
        const float *d = e + 4 * j;
        BT(d[0], d[1], d[2], d[3], d[4], d[5], t0[j], t1[j], t2[j], t3[j], t4[j], t5[j]);
    }
}

static inline __attribute__((always_inline))
void output_rows(const float *in, long in_stride, long n, float *out, long out_stride) {
    const float *R m0 = in, *R m1 = in + in_stride, *R m2 = in + 2 * in_stride, *R m3 = in + 3 * in_stride,
                *R m4 = in + 4 * in_stride, *R m5 = in + 5 * in_stride;
    float *R s0 = out, *R s1 = out + out_stride, *R s2 = out + 2 * out_stride, *R s3 = out + 3 * out_stride;
    for (long j = 0; j < n; j++) AT(m0[j], m1[j], m2[j], m3[j], m4[j], m5[j], s0[j], s1[j], s2[j], s3[j]);
}

/* y + bias, rectified (max(y + bias, 0) as Swift's max(v, 0) = 0 ≥ v ? 0 : v) when the layer is followed by a ReLU:
 * the ReLU then costs no pass of its own over the output. */
static inline __attribute__((always_inline)) float biased(float y, float bias, const int rectify) {
    float v = y + bias;
    return rectify && 0 >= v ? 0.0f : v;
}

static inline __attribute__((always_inline))
void output_columns_with(const float *in, long in_stride, long width, float bias, const int rectify, float *R row) {
    const float *R s0 = in, *R s1 = in + in_stride, *R s2 = in + 2 * in_stride, *R s3 = in + 3 * in_stride,
                *R s4 = in + 4 * in_stride, *R s5 = in + 5 * in_stride;
    for (long j = 0; j < width / 4; j++) {
        float y0, y1, y2, y3;
        AT(s0[j], s1[j], s2[j], s3[j], s4[j], s5[j], y0, y1, y2, y3);
        row[4 * j] = biased(y0, bias, rectify); row[4 * j + 1] = biased(y1, bias, rectify);
        row[4 * j + 2] = biased(y2, bias, rectify); row[4 * j + 3] = biased(y3, bias, rectify);
    }
    long j = width / 4, left = width % 4;
    if (left) {
        float y[4];
        AT(s0[j], s1[j], s2[j], s3[j], s4[j], s5[j], y[0], y[1], y[2], y[3]);
        for (long b = 0; b < left; b++) row[4 * j + b] = biased(y[b], bias, rectify);
    }
}

/* The two as separate loops, each with `rectify` a constant (a test inside one loop halved its speed). */
static inline __attribute__((always_inline))
void output_columns(const float *in, long in_stride, long width, float bias, float *R row) {
    output_columns_with(in, in_stride, width, bias, 0, row);
}

static inline __attribute__((always_inline))
void output_columns_relu(const float *in, long in_stride, long width, float bias, float *R row) {
    output_columns_with(in, in_stride, width, bias, 1, row);
}

/* 2 × 2 max pooling of one output row, with Swift's max(x, y) = y ≥ x ? y : x, so that the bytes are those of the
 * Swift loop it replaces. Strided pairs vectorise here; in Swift they did not. */
static inline __attribute__((always_inline))
void max_pool_row(const float *R top, const float *R bottom, long n, float *R out) {
    for (long j = 0; j < n; j++) {
        float a = top[2 * j], b = top[2 * j + 1], d = bottom[2 * j], e = bottom[2 * j + 1];
        float upper = b >= a ? b : a, lower = e >= d ? e : d;
        out[j] = lower >= upper ? lower : upper;
    }
}

/* One clone per level of each pass, and the dispatching entry point. */
#define DISPATCH(name, params, args) \
    AVX512 static void name##_avx512 params { name args; } \
    AVX2 static void name##_avx2 params { name args; } \
    static void name##_base params { name args; }

DISPATCH(input_rows, (const float *in, long is, long n, float *out, long os), (in, is, n, out, os))
DISPATCH(input_columns, (const float *e, long across, float *out, long os), (e, across, out, os))
DISPATCH(output_rows, (const float *in, long is, long n, float *out, long os), (in, is, n, out, os))
DISPATCH(output_columns, (const float *in, long is, long width, float bias, float *row), (in, is, width, bias, row))
DISPATCH(output_columns_relu, (const float *in, long is, long width, float bias, float *row),
         (in, is, width, bias, row))
DISPATCH(max_pool_row, (const float *top, const float *bottom, long n, float *out), (top, bottom, n, out))

#define CALL(name, args) \
    switch (sl_kernels_level()) { \
    case 3: name##_avx512 args; break; \
    case 2: name##_avx2 args; break; \
    default: name##_base args; \
    }

void sl_winograd_input_rows(const float *in, long in_stride, long n, float *out, long out_stride) {
    CALL(input_rows, (in, in_stride, n, out, out_stride))
}

void sl_winograd_input_columns(const float *e, long across, float *out, long out_stride) {
    CALL(input_columns, (e, across, out, out_stride))
}

void sl_winograd_output_rows(const float *in, long in_stride, long n, float *out, long out_stride) {
    CALL(output_rows, (in, in_stride, n, out, out_stride))
}

void sl_winograd_output_columns(const float *in, long in_stride, long width, float bias, int rectify, float *row) {
    if (rectify) {
        CALL(output_columns_relu, (in, in_stride, width, bias, row))
    } else {
        CALL(output_columns, (in, in_stride, width, bias, row))
    }
}

/* The CPU's best level, found once; `forced` overrides it (0: not forced). Both are set before any parallel use
 * and only read afterwards. */
static int best = 0, forced = 0;

static int cpu_level(void) {
    if (best == 0) {
        __builtin_cpu_init();
        best = __builtin_cpu_supports("avx512f") ? 3
             : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 2 : 1;
    }
    return best;
}

int sl_kernels_level(void) { return forced ? forced : cpu_level(); }

int sl_kernels_force(int level) {
    if (level < 0 || level > cpu_level()) return 0;
    forced = level;
    return 1;
}

void sl_multiply_add_shifted(const float *row, const float *weights, long count, float *accumulator, long length) {
    CALL(shifted, (row, weights, count, accumulator, length))
}

void sl_multiply_add_shifted_four(const float *row, const float *weights0, const float *weights1, const float *weights2,
                                  const float *weights3, long count, float *accumulator, long stride) {
    CALL(four, (row, weights0, weights1, weights2, weights3, count, accumulator, stride))
}

void sl_max_pool_row(const float *top, const float *bottom, long n, float *out) {
    CALL(max_pool_row, (top, bottom, n, out))
}
