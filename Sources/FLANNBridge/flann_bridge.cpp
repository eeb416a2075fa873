// FLANN through its header-only C++ templates, with its build-time randomness taken from the caller's seed.
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <random>

namespace stylelab {
// The generator that stands in for std::random_device inside FLANN's templates (one per process, used only
// while build_mutex is held). SplitMix64 from the build's seed.
static std::uint64_t device_state = 0;

struct SeededDevice {
    using result_type = unsigned int;
    static constexpr result_type min() { return 0; }
    static constexpr result_type max() { return 0xFFFFFFFFu; }
    result_type operator()() {
        std::uint64_t z = (device_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return static_cast<result_type>((z ^ (z >> 31)) >> 32);
    }
    double entropy() const { return 0; }
};
}  // namespace stylelab

// FLANN writes `std::random_device rd; std::mt19937 g(rd());`. Inside its headers, and only there, that name
// now means the seeded device above, so shuffles and centre choices follow the seed.
namespace std { using stylelab_seeded_device = stylelab::SeededDevice; }
#define random_device stylelab_seeded_device
#include <flann/flann.hpp>
#undef random_device

#include "flann_bridge.h"

struct sl_flann_index {
    flann::Index<flann::L2<float>> index;
    explicit sl_flann_index(const flann::Matrix<float> &data, const flann::IndexParams &params) : index(data, params) {}
};

static std::mutex build_mutex;

static flann::IndexParams index_parameters(const sl_flann_build_parameters &p) {
    switch (p.algorithm) {
    case SL_FLANN_KMEANS:
        return flann::KMeansIndexParams(p.branching, p.iterations, flann::FLANN_CENTERS_RANDOM, 0.2f);
    case SL_FLANN_AUTOTUNED:
        return flann::AutotunedIndexParams(p.target_precision, p.build_weight, 0, p.sample_fraction);
    default:
        return flann::KDTreeIndexParams(p.trees);
    }
}

extern "C" sl_flann_index *sl_flann_build(const float *data, size_t rows, size_t cols,
                                          const sl_flann_build_parameters *parameters, int *tuned_checks,
                                          char *message) {
    std::lock_guard<std::mutex> guard(build_mutex);
    try {
        stylelab::device_state = parameters->seed;
        flann::seed_random(static_cast<unsigned int>(parameters->seed ^ (parameters->seed >> 32)));
        flann::log_verbosity(flann::FLANN_LOG_NONE);
        flann::Matrix<float> matrix(const_cast<float *>(data), rows, cols);
        auto *index = new sl_flann_index(matrix, index_parameters(*parameters));
        index->index.buildIndex();
        if (tuned_checks) {
            flann::IndexParams tuned = index->index.getParameters();
            // Autotuning stores its chosen search parameters beside the index parameters.
            *tuned_checks = tuned.count("search_params")
                ? flann::get_param<flann::SearchParams>(tuned, "search_params").checks : 0;
        }
        return index;
    } catch (const std::exception &error) {
        std::snprintf(message, 200, "%s", error.what());
    } catch (...) {
        std::snprintf(message, 200, "FLANN failed to build the index");
    }
    return nullptr;
}

extern "C" int sl_flann_search(const sl_flann_index *index, const float *queries, size_t rows, int k, int checks,
                               int *indices, float *squared_distances) {
    try {
        flann::Matrix<float> query(const_cast<float *>(queries), rows, index->index.veclen());
        flann::Matrix<int> found(indices, rows, static_cast<size_t>(k));
        flann::Matrix<float> distances(squared_distances, rows, static_cast<size_t>(k));
        flann::SearchParams search(checks > 0 ? checks : flann::FLANN_CHECKS_AUTOTUNED);
        search.cores = 1;
        const_cast<sl_flann_index *>(index)->index.knnSearch(query, found, distances, static_cast<size_t>(k), search);
        return 0;
    } catch (...) {
        return 1;
    }
}

extern "C" void sl_flann_free(sl_flann_index *index) { delete index; }

extern "C" const char *sl_flann_version(void) { return FLANN_VERSION_; }
