/* Decoding weight files: half precision (IEEE binary16) to float, for model files stored in F16, and codebook
 * look-ups, for VGG-19's 8-bit quantised weights. Every half is exactly a float, so the F16C instruction and the
 * portable bit-level conversion give the same bytes; F16C only does it 8 at a time. */
#include "kernels.h"
#include <immintrin.h>
#include <string.h>

/* The float whose value the half with bits h has: sign, exponent rebiased from 15 to 127, fraction widened. A
 * subnormal half (exponent 0) is fraction × 2⁻²⁴, exact in float; infinities and NaNs keep their class (a NaN comes
 * out quiet, as F16C makes it). */
static float half_to_float(unsigned short h) {
    unsigned sign = (unsigned)(h & 0x8000u) << 16, exponent = (h >> 10) & 0x1fu, fraction = h & 0x3ffu, bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (fraction << 13) | (fraction ? 0x00400000u : 0);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (fraction << 13);
    } else {
        float value = (float)fraction * 5.9604644775390625e-8f;  /* 2⁻²⁴ */
        memcpy(&bits, &value, sizeof bits);
        bits |= sign;
    }
    float out;
    memcpy(&out, &bits, sizeof out);
    return out;
}

__attribute__((target("avx,f16c")))
static void halves_f16c(const unsigned char *in, float *out, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(in + 2 * i))));
    }
    for (; i < n; i++) out[i] = half_to_float((unsigned short)(in[2 * i] | in[2 * i + 1] << 8));
}

static void halves_base(const unsigned char *in, float *out, long n) {
    for (long i = 0; i < n; i++) out[i] = half_to_float((unsigned short)(in[2 * i] | in[2 * i + 1] << 8));
}

/* Whether the CPU converts halves itself (-1: not asked yet). Set on first use; a race only sets it twice. */
static int has_f16c = -1;

void sl_halves_to_floats(const void *in, float *out, long n, int portable) {
    if (has_f16c < 0) {
        __builtin_cpu_init();
        has_f16c = __builtin_cpu_supports("f16c") && __builtin_cpu_supports("avx");
    }
    if (has_f16c && !portable) halves_f16c(in, out, n); else halves_base(in, out, n);
}

/* Codes are checked before any is looked up, in a loop without exits, which vectorises; the look-ups then gather.
 * Each function is compiled for AVX-512, AVX2 and the baseline, the best chosen when the program loads: a look-up
 * has one answer, so every clone gives the same bytes. */
__attribute__((target_clones("avx512f", "avx2", "default")))
long sl_dequantise(const float *codes, long n, const float *table, long table_count, float *out) {
    long outside = 0;
    float limit = (float)table_count;
    for (long i = 0; i < n; i++) outside += !(codes[i] >= 0 && codes[i] < limit);
    if (outside) return outside;
    for (long i = 0; i < n; i++) out[i] = table[(int)codes[i]];
    return 0;
}
