#ifndef STYLELAB_FLANN_BRIDGE_H
#define STYLELAB_FLANN_BRIDGE_H
/*
 * FLANN indices built reproducibly from an explicit seed.
 *
 * Why not FLANN's C API: in FLANN 1.9.2 the randomized kd-tree and the k-means centre chooser shuffle with
 * std::random_device, whatever random_seed says, so two builds from one seed give different trees and different
 * neighbours. This bridge instantiates FLANN's header-only templates with that device replaced by a generator
 * seeded from the caller's seed (see flann_bridge.cpp), and keeps the rest of FLANN as it is.
 *
 * Threads: sl_flann_build is serialised internally (FLANN also draws from the process-wide std::rand, which it
 * seeds per build); sl_flann_search may run from several threads at once on one index; sl_flann_free must not
 * overlap a search on the same index.
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_flann_index sl_flann_index;

enum sl_flann_algorithm { SL_FLANN_KDTREE = 0, SL_FLANN_KMEANS = 1, SL_FLANN_AUTOTUNED = 2 };

typedef struct {
    int algorithm;          /* sl_flann_algorithm */
    int trees;              /* kd-tree forest size */
    int branching;          /* k-means tree branching factor */
    int iterations;         /* k-means iterations per level (-1: until convergence) */
    float target_precision; /* autotuning: fraction of exact nearest neighbours to reach */
    float build_weight;     /* autotuning: weight of build time against search time */
    float sample_fraction;  /* autotuning: fraction of the data used to tune */
    unsigned long long seed;
} sl_flann_build_parameters;

/* Builds an index over rows × cols floats. The index keeps a pointer to `data`: the caller keeps it alive and
 * unchanged until sl_flann_free. Returns NULL and fills `message` (200 bytes) on failure. For an autotuned
 * index, *tuned_checks receives the checks that autotuning chose. */
sl_flann_index *sl_flann_build(const float *data, size_t rows, size_t cols, const sl_flann_build_parameters *parameters,
                               int *tuned_checks, char *message);

/* k nearest neighbours of each of `rows` queries: indices and squared L2 distances, row-major (rows × k).
 * checks <= 0 uses the autotuned value. Runs on the calling thread. Returns 0 on success. */
int sl_flann_search(const sl_flann_index *index, const float *queries, size_t rows, int k, int checks,
                    int *indices, float *squared_distances);

void sl_flann_free(sl_flann_index *index);

const char *sl_flann_version(void);

#ifdef __cplusplus
}
#endif
#endif
