/* The hot loops of Image Quilting's cross-correlation and of Winograd's transforms, compiled for three levels. */
#include "kernels.h"
#include <string.h>

#pragma clang fp contract(off)

#define AVX512 __attribute__((target("avx512f")))
#define AVX2 __attribute__((target("avx2")))

/* The quilting kernels, one clone per level, each with the vector width its registers hold. */
#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#define LANES 16
#define SUFFIX avx512
#include "quilting_clone.h"
#undef LANES
#undef SUFFIX
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#define LANES 8
#define SUFFIX avx2
#include "quilting_clone.h"
#undef LANES
#undef SUFFIX
#pragma clang attribute pop

#define LANES 4
#define SUFFIX base
#include "quilting_clone.h"
#undef LANES
#undef SUFFIX

/* Winograd's element-wise passes: no pointer aliases another (restrict), so each loop vectorises. */
#define R restrict
static inline __attribute__((always_inline))
void input_rows(const float *R r0, const float *R r1, const float *R r2, const float *R r3, long n,
                float *R t0, float *R t1, float *R t2, float *R t3) {
    for (long p = 0; p < n; p++) {
        t0[p] = r0[p] - r2[p]; t1[p] = r1[p] + r2[p]; t2[p] = r2[p] - r1[p]; t3[p] = r1[p] - r3[p];
    }
}

static inline __attribute__((always_inline))
void input_columns(const float *R e, long across, float *R out0, float *R out1, float *R out2, float *R out3) {
    for (long j = 0; j < across; j++) {
        float a = e[2 * j], b = e[2 * j + 1], c = e[2 * j + 2], d = e[2 * j + 3];
        out0[j] = a - c; out1[j] = b + c; out2[j] = c - b; out3[j] = b - d;
    }
}

static inline __attribute__((always_inline))
void output_rows(const float *R m0, const float *R m1, const float *R m2, const float *R m3, long n,
                 float *R top, float *R bottom) {
    for (long j = 0; j < n; j++) { top[j] = m0[j] + m1[j] + m2[j]; bottom[j] = m1[j] - m2[j] - m3[j]; }
}

static inline __attribute__((always_inline))
void output_columns(const float *R s0, const float *R s1, const float *R s2, const float *R s3, long width,
                    float bias, float *R row) {
    for (long j = 0; j < width / 2; j++) {
        row[2 * j] = s0[j] + s1[j] + s2[j] + bias;
        row[2 * j + 1] = s1[j] - s2[j] - s3[j] + bias;
    }
    if (width % 2) { long j = width / 2; row[width - 1] = s0[j] + s1[j] + s2[j] + bias; }
}

/* One clone per level of each pass, and the dispatching entry point. */
#define DISPATCH(name, params, args) \
    AVX512 static void name##_avx512 params { name args; } \
    AVX2 static void name##_avx2 params { name args; } \
    static void name##_base params { name args; }

DISPATCH(input_rows, (const float *r0, const float *r1, const float *r2, const float *r3, long n, float *t0, float *t1,
                      float *t2, float *t3), (r0, r1, r2, r3, n, t0, t1, t2, t3))
DISPATCH(input_columns, (const float *e, long across, float *o0, float *o1, float *o2, float *o3),
         (e, across, o0, o1, o2, o3))
DISPATCH(output_rows, (const float *m0, const float *m1, const float *m2, const float *m3, long n, float *top,
                       float *bottom), (m0, m1, m2, m3, n, top, bottom))
DISPATCH(output_columns, (const float *s0, const float *s1, const float *s2, const float *s3, long width, float bias,
                          float *row), (s0, s1, s2, s3, width, bias, row))

#define CALL(name, args) \
    switch (sl_kernels_level()) { \
    case 3: name##_avx512 args; break; \
    case 2: name##_avx2 args; break; \
    default: name##_base args; \
    }

void sl_winograd_input_rows(const float *r0, const float *r1, const float *r2, const float *r3, long n,
                            float *t0, float *t1, float *t2, float *t3) {
    CALL(input_rows, (r0, r1, r2, r3, n, t0, t1, t2, t3))
}

void sl_winograd_input_columns(const float *e, long across, float *out0, float *out1, float *out2, float *out3) {
    CALL(input_columns, (e, across, out0, out1, out2, out3))
}

void sl_winograd_output_rows(const float *m0, const float *m1, const float *m2, const float *m3, long n,
                             float *top, float *bottom) {
    CALL(output_rows, (m0, m1, m2, m3, n, top, bottom))
}

void sl_winograd_output_columns(const float *s0, const float *s1, const float *s2, const float *s3, long width,
                                float bias, float *row) {
    CALL(output_columns, (s0, s1, s2, s3, width, bias, row))
}

/* The CPU's best level, found once; `forced` overrides it (0: not forced). Both are set before any parallel use
 * and only read afterwards. */
static int best = 0, forced = 0;

static int cpu_level(void) {
    if (best == 0) {
        __builtin_cpu_init();
        best = __builtin_cpu_supports("avx512f") ? 3 : __builtin_cpu_supports("avx2") ? 2 : 1;
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
