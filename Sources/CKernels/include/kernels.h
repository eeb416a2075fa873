#ifndef STYLELAB_KERNELS_H
#define STYLELAB_KERNELS_H
/*
 * The few hot loops whose speed depends on the CPU's vector width, compiled three times — AVX-512, AVX2 and the
 * x86-64 baseline (SSE2) — and chosen at run time, so that a plain `swift build -c release` binary runs on any
 * x86-64 and still uses the widest vectors the machine has. The compiler contracts nothing (the file says
 * `#pragma clang fp contract(off)`): Winograd's transforms never fuse, and quilting's multiply-adds fuse explicitly
 * on the AVX-512 and AVX2 + FMA levels, so every CPU with FMA (Intel since 2013, AMD since 2012) gives the same
 * bytes; the baseline level, for CPUs without it, multiplies and adds, and its quilting bytes may differ.
 */
#include <stddef.h>

/* accumulator[u] += Σ_{dx < count} weights[dx] · row[u + dx], for u < length (a multiple of 16).
 * row must be readable up to row[length + count − 1]. */
void sl_multiply_add_shifted(const float *row, const float *weights, long count, float *accumulator, long length);

/* For i < 4: accumulator[i·stride + u] += Σ_{dx < count} weights_i[dx] · row[u + dx], for u < stride (a multiple
 * of 32): each loaded run of pixels feeds four rows of candidates. */
void sl_multiply_add_shifted_four(const float *row, const float *weights0, const float *weights1, const float *weights2,
                                  const float *weights3, long count, float *accumulator, long stride);

/* Winograd F(4×4, 3×3), the element-wise passes over one row of 6 × 6 tiles (see Neural's WinogradTransforms), on
 * the points 0, 1, −1, 2, 1/2, ∞, with
 *   Bᵀ = [−2 5 0 −5 2 0; 0 2 −3 −3 2 0; 0 −2 7 −7 2 0; 0 1 −2 −1 2 0; 0 2 −1 −2 1 0; 0 −2 5 0 −5 2],
 *   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 1/2 0; 0 1 1 4 1/4 0; 0 1 −1 8 1/8 1]:
 * six rows (or four) in and out are `stride` floats apart, row k of in at in + k · in_stride.
 * input rows: out_i[p] = Σ_k Bᵀ[i][k] in_k[p] for p < n;
 * input columns: out_i[j] = Σ_k Bᵀ[i][k] e[4j + k] for tile j < across (tiles overlap by two columns);
 * output rows: out_a[j] = Σ_k Aᵀ[a][k] in_k[j] for the four rows a, j < n;
 * output columns: row[4j + b] = Σ_k Aᵀ[b][k] in_k[j] + bias, for 4j + b < width, and max(that, 0) if rectify. */
void sl_winograd_input_rows(const float *in, long in_stride, long n, float *out, long out_stride);
void sl_winograd_input_columns(const float *e, long across, float *out, long out_stride);
void sl_winograd_output_rows(const float *in, long in_stride, long n, float *out, long out_stride);
void sl_winograd_output_columns(const float *in, long in_stride, long width, float bias, int rectify, float *row);

/* 2 × 2 max pooling: out[j] = the largest of top[2j], top[2j + 1], bottom[2j], bottom[2j + 1], for j < n. */
void sl_max_pool_row(const float *top, const float *bottom, long n, float *out);

/* out[i] = the value of the little-endian IEEE half-precision number at bytes 2i, 2i + 1 of in, for i < n: by F16C
 * where the CPU has it and `portable` is 0, else bit by bit (the same bytes either way; tests compare them). */
void sl_halves_to_floats(const void *in, float *out, long n, int portable);

/* out[i] = table[codes[i]] for i < n, unless a code is outside 0 ..< table_count (or NaN): then nothing is
 * written and the number of such codes is returned (0 when all were looked up). */
long sl_dequantise(const float *codes, long n, const float *table, long table_count, float *out);

/* Which clone runs: 3 AVX-512, 2 AVX2, 1 baseline. sl_kernels_force(level) picks one (tests compare them; a level
 * the CPU lacks is refused and returns 0), sl_kernels_force(0) goes back to the CPU's best. */
int sl_kernels_level(void);
int sl_kernels_force(int level);
#endif
