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

/* Winograd F(2×2, 3×3), the element-wise passes over one row of tiles (see Neural's WinogradTransforms):
 * input rows: t0 = r0 − r2, t1 = r1 + r2, t2 = r2 − r1, t3 = r1 − r3 over n columns;
 * input columns: for tile j, from columns 2j … 2j + 3 of e: out0 = e0 − e2, out1 = e1 + e2, out2 = e2 − e1,
 *   out3 = e1 − e3 (across tiles);
 * output rows: top = m0 + m1 + m2, bottom = m1 − m2 − m3 over n tiles;
 * output columns: row[2j] = s0 + s1 + s2 + bias, row[2j + 1] = s1 − s2 − s3 + bias, for 2j + 1 < width, and
 *   row[width − 1] = s0 + s1 + s2 + bias when width is odd. */
void sl_winograd_input_rows(const float *r0, const float *r1, const float *r2, const float *r3, long n,
                            float *t0, float *t1, float *t2, float *t3);
void sl_winograd_input_columns(const float *e, long across, float *out0, float *out1, float *out2, float *out3);
void sl_winograd_output_rows(const float *m0, const float *m1, const float *m2, const float *m3, long n,
                             float *top, float *bottom);
void sl_winograd_output_columns(const float *s0, const float *s1, const float *s2, const float *s3, long width,
                                float bias, float *row);

/* Which clone runs: 3 AVX-512, 2 AVX2, 1 baseline. sl_kernels_force(level) picks one (tests compare them; a level
 * the CPU lacks is refused and returns 0), sl_kernels_force(0) goes back to the CPU's best. */
int sl_kernels_level(void);
int sl_kernels_force(int level);
#endif
