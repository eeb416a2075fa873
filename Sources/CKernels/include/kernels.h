#ifndef STYLELAB_KERNELS_H
#define STYLELAB_KERNELS_H
/*
 * The few hot loops whose speed depends on the CPU's vector width, compiled three times — AVX-512, AVX2 and the
 * x86-64 baseline (SSE2) — and chosen at run time, so that a plain `swift build -c release` binary runs on any
 * x86-64 and still uses the widest vectors the machine has. No clone fuses a multiply and an add (the file says
 * `#pragma clang fp contract(off)` and uses no FMA), so every clone, on every machine, gives the same bytes.
 */
#include <stddef.h>

/* accumulator[u] += Σ_{dx < count} weights[dx] · row[u + dx], for u < length (a multiple of 16).
 * row must be readable up to row[length + count − 1]. */
void sl_multiply_add_shifted(const float *row, const float *weights, long count, float *accumulator, long length);

/* For i < 4: accumulator[i·stride + u] += Σ_{dx < count} weights_i[dx] · row[u + dx], for u < stride (a multiple
 * of 32): each loaded run of pixels feeds four rows of candidates. */
void sl_multiply_add_shifted_four(const float *row, const float *weights0, const float *weights1, const float *weights2,
                                  const float *weights3, long count, float *accumulator, long stride);

/* Which clone runs: 3 AVX-512, 2 AVX2, 1 baseline. sl_kernels_force(level) picks one (tests compare them; a level
 * the CPU lacks is refused and returns 0), sl_kernels_force(0) goes back to the CPU's best. */
int sl_kernels_level(void);
int sl_kernels_force(int level);
#endif
