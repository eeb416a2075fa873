/* One clone of Image Quilting's multiply-add kernels (see kernels.h for what they compute). kernels.c includes
 * this file once per instruction-set level, each time inside that level's target attribute and with
 *   LANES   floats per vector: 16 for AVX-512, 8 for AVX2, 4 for SSE2, so that the four-row kernel's eight
 *           accumulators, two pixel vectors and four weights fit the level's registers (32 zmm, 16 ymm, 16 xmm)
 *           and nothing spills to the stack;
 *   SUFFIX  the level's name, appended to every function;
 *   MADD    s + k·p, fused (one rounding) where the level has FMA.
 * Every accumulator lane sums its products in the order dx = 0, 1, …, whatever LANES is: clones with the same
 * MADD agree bit for bit. */
#define QK_JOIN2(a, b) a##_##b
#define QK_JOIN(a, b) QK_JOIN2(a, b)
#define QK(name) QK_JOIN(name, SUFFIX)

typedef float QK(vector) __attribute__((vector_size(LANES * sizeof(float))));

/* Loads and stores go through memcpy, so nothing needs to be aligned. */
static inline __attribute__((always_inline)) QK(vector) QK(load)(const float *p) {
    QK(vector) v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline __attribute__((always_inline)) void QK(store)(float *p, QK(vector) v) { memcpy(p, &v, sizeof v); }

/* A lane-by-lane copy of x; the compiler makes one broadcast of it (0 + x would be a real addition, as the sign of
 * a zero x would change). */
static inline __attribute__((always_inline)) QK(vector) QK(broadcast)(float x) {
    QK(vector) v;
    for (int i = 0; i < LANES; i++) v[i] = x;
    return v;
}

/* Four vector sums per broadcast weight: one run of 4·LANES candidates per pass, then single vectors. */
static void QK(shifted)(const float *row, const float *weights, long count, float *acc, long length) {
    long u = 0;
    for (; u + 4 * LANES <= length; u += 4 * LANES) {
        QK(vector) s0 = QK(load)(acc + u), s1 = QK(load)(acc + u + LANES);
        QK(vector) s2 = QK(load)(acc + u + 2 * LANES), s3 = QK(load)(acc + u + 3 * LANES);
        for (long dx = 0; dx < count; dx++) {
            QK(vector) w = QK(broadcast)(weights[dx]);
            const float *p = row + u + dx;
            s0 = MADD(s0, w, QK(load)(p)); s1 = MADD(s1, w, QK(load)(p + LANES));
            s2 = MADD(s2, w, QK(load)(p + 2 * LANES)); s3 = MADD(s3, w, QK(load)(p + 3 * LANES));
        }
        QK(store)(acc + u, s0); QK(store)(acc + u + LANES, s1);
        QK(store)(acc + u + 2 * LANES, s2); QK(store)(acc + u + 3 * LANES, s3);
    }
    for (; u < length; u += LANES) {
        QK(vector) s = QK(load)(acc + u);
        for (long dx = 0; dx < count; dx++) s = MADD(s, QK(broadcast)(weights[dx]), QK(load)(row + u + dx));
        QK(store)(acc + u, s);
    }
}

/* Two pixel vectors and four broadcast weights: eight multiply-adds per step, each loaded pixel used four times. */
static void QK(four)(const float *row, const float *w0, const float *w1, const float *w2, const float *w3, long count,
                     float *acc, long stride) {
    float *a0 = acc, *a1 = acc + stride, *a2 = acc + 2 * stride, *a3 = acc + 3 * stride;
    for (long u = 0; u < stride; u += 2 * LANES) {
        QK(vector) s00 = QK(load)(a0 + u), s01 = QK(load)(a0 + u + LANES);
        QK(vector) s10 = QK(load)(a1 + u), s11 = QK(load)(a1 + u + LANES);
        QK(vector) s20 = QK(load)(a2 + u), s21 = QK(load)(a2 + u + LANES);
        QK(vector) s30 = QK(load)(a3 + u), s31 = QK(load)(a3 + u + LANES);
        for (long dx = 0; dx < count; dx++) {
            QK(vector) p0 = QK(load)(row + u + dx), p1 = QK(load)(row + u + dx + LANES);
            QK(vector) k0 = QK(broadcast)(w0[dx]), k1 = QK(broadcast)(w1[dx]);
            QK(vector) k2 = QK(broadcast)(w2[dx]), k3 = QK(broadcast)(w3[dx]);
            s00 = MADD(s00, k0, p0); s01 = MADD(s01, k0, p1);
            s10 = MADD(s10, k1, p0); s11 = MADD(s11, k1, p1);
            s20 = MADD(s20, k2, p0); s21 = MADD(s21, k2, p1);
            s30 = MADD(s30, k3, p0); s31 = MADD(s31, k3, p1);
        }
        QK(store)(a0 + u, s00); QK(store)(a0 + u + LANES, s01); QK(store)(a1 + u, s10); QK(store)(a1 + u + LANES, s11);
        QK(store)(a2 + u, s20); QK(store)(a2 + u + LANES, s21); QK(store)(a3 + u, s30); QK(store)(a3 + u + LANES, s31);
    }
}

#undef QK
#undef QK_JOIN
#undef QK_JOIN2
