/* Multiply-add kernels of Image Quilting's cross-correlation, one body compiled for three vector widths. */
#include "kernels.h"
#include <string.h>

#pragma clang fp contract(off)

/* 16 floats; loads and stores go through memcpy, so nothing needs to be aligned. */
typedef float lanes __attribute__((vector_size(64)));

static inline __attribute__((always_inline)) lanes load(const float *p) { lanes v; memcpy(&v, p, sizeof v); return v; }
static inline __attribute__((always_inline)) void store(float *p, lanes v) { memcpy(p, &v, sizeof v); }
static inline __attribute__((always_inline)) lanes broadcast(float x) { return (lanes){0} + x; }

/* Four 16-lane sums per broadcast weight: one run of 64 candidates per pass. */
static inline __attribute__((always_inline))
void shifted(const float *row, const float *weights, long count, float *acc, long length) {
    long u = 0;
    for (; u + 64 <= length; u += 64) {
        lanes s0 = load(acc + u), s1 = load(acc + u + 16), s2 = load(acc + u + 32), s3 = load(acc + u + 48);
        for (long dx = 0; dx < count; dx++) {
            lanes w = broadcast(weights[dx]);
            const float *p = row + u + dx;
            s0 = s0 + w * load(p); s1 = s1 + w * load(p + 16);
            s2 = s2 + w * load(p + 32); s3 = s3 + w * load(p + 48);
        }
        store(acc + u, s0); store(acc + u + 16, s1); store(acc + u + 32, s2); store(acc + u + 48, s3);
    }
    for (; u < length; u += 16) {
        lanes s = load(acc + u);
        for (long dx = 0; dx < count; dx++) s = s + broadcast(weights[dx]) * load(row + u + dx);
        store(acc + u, s);
    }
}

/* Two pixel vectors and four broadcast weights: eight multiply-adds per step. */
static inline __attribute__((always_inline))
void shifted_four(const float *row, const float *w0, const float *w1, const float *w2, const float *w3, long count,
                  float *acc, long stride) {
    float *a0 = acc, *a1 = acc + stride, *a2 = acc + 2 * stride, *a3 = acc + 3 * stride;
    for (long u = 0; u < stride; u += 32) {
        lanes s00 = load(a0 + u), s01 = load(a0 + u + 16), s10 = load(a1 + u), s11 = load(a1 + u + 16);
        lanes s20 = load(a2 + u), s21 = load(a2 + u + 16), s30 = load(a3 + u), s31 = load(a3 + u + 16);
        for (long dx = 0; dx < count; dx++) {
            lanes p0 = load(row + u + dx), p1 = load(row + u + dx + 16);
            lanes k0 = broadcast(w0[dx]), k1 = broadcast(w1[dx]), k2 = broadcast(w2[dx]), k3 = broadcast(w3[dx]);
            s00 = s00 + k0 * p0; s01 = s01 + k0 * p1;
            s10 = s10 + k1 * p0; s11 = s11 + k1 * p1;
            s20 = s20 + k2 * p0; s21 = s21 + k2 * p1;
            s30 = s30 + k3 * p0; s31 = s31 + k3 * p1;
        }
        store(a0 + u, s00); store(a0 + u + 16, s01); store(a1 + u, s10); store(a1 + u + 16, s11);
        store(a2 + u, s20); store(a2 + u + 16, s21); store(a3 + u, s30); store(a3 + u + 16, s31);
    }
}

#define AVX512 __attribute__((target("avx512f")))
#define AVX2 __attribute__((target("avx2")))

AVX512 static void shifted_avx512(const float *r, const float *w, long n, float *a, long l) { shifted(r, w, n, a, l); }
AVX2 static void shifted_avx2(const float *r, const float *w, long n, float *a, long l) { shifted(r, w, n, a, l); }
static void shifted_base(const float *r, const float *w, long n, float *a, long l) { shifted(r, w, n, a, l); }

AVX512 static void four_avx512(const float *r, const float *w0, const float *w1, const float *w2, const float *w3,
                               long n, float *a, long s) { shifted_four(r, w0, w1, w2, w3, n, a, s); }
AVX2 static void four_avx2(const float *r, const float *w0, const float *w1, const float *w2, const float *w3,
                           long n, float *a, long s) { shifted_four(r, w0, w1, w2, w3, n, a, s); }
static void four_base(const float *r, const float *w0, const float *w1, const float *w2, const float *w3,
                      long n, float *a, long s) { shifted_four(r, w0, w1, w2, w3, n, a, s); }

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
    switch (sl_kernels_level()) {
    case 3: shifted_avx512(row, weights, count, accumulator, length); break;
    case 2: shifted_avx2(row, weights, count, accumulator, length); break;
    default: shifted_base(row, weights, count, accumulator, length);
    }
}

void sl_multiply_add_shifted_four(const float *row, const float *weights0, const float *weights1, const float *weights2,
                                  const float *weights3, long count, float *accumulator, long stride) {
    switch (sl_kernels_level()) {
    case 3: four_avx512(row, weights0, weights1, weights2, weights3, count, accumulator, stride); break;
    case 2: four_avx2(row, weights0, weights1, weights2, weights3, count, accumulator, stride); break;
    default: four_base(row, weights0, weights1, weights2, weights3, count, accumulator, stride);
    }
}
