import Foundation
import Imaging
import NearestNeighbors

/// Queries per second and quality (recall@1, mean distance ratio against exact search) of every index on
/// Image-Analogies-style patch vectors: 250k × 55 from one synthetic photo, queries from another.
func benchmarkSearch(_ harness: inout Harness, quick: Bool) throws {
    let side = quick ? 224 : 500  // 500² = 250,000 database vectors
    let database = SyntheticImage.analogyStyleFeatures(of: SyntheticImage.naturalLooking(Size(width: side, height: side), seed: 1))
    let queries = SyntheticImage.analogyStyleFeatures(of: SyntheticImage.naturalLooking(Size(width: 64, height: 64), seed: 2))
    let label = "\(database.rows / 1000)k × \(database.dimension)"

    let exactIndex = try ExactSearch(database)
    var exact = Neighbours(k: 1, indices: [], squaredDistances: [])
    let exactSeconds = harness.time(repetitions: 1) { exact = exactIndex.search(queries, k: 1) }
    let exactRate = Double(queries.rows) / exactSeconds
    harness.record("search", "exact (GEMM), \(label) (baseline)", exactRate, "queries/s")

    func report(_ name: String, _ index: FLANNIndex, _ projectedQueries: FeatureMatrix, checks: Int) {
        var found = exact
        let seconds = harness.time(repetitions: 1) { found = index.search(projectedQueries, k: 1, checks: checks) }
        // Distances are scored between the original vectors, also when the index searched projected ones.
        let quality = SearchQuality(approximate: found.remeasured(queries: queries, database: database), exact: exact)
        let rate = Double(queries.rows) / seconds
        harness.record("search", "\(name), checks \(checks)", rate, "queries/s",
                       note: String(format: "recall@1 %.3f, distance ratio %.4f, %.1f× exact", quality.recallAt1,
                                    quality.meanDistanceRatio, rate / exactRate))
    }

    let forest = try FLANNIndex(database, configuration: FLANNConfiguration(algorithm: .kdForest(trees: 4)))
    for checks in [32, 128, 512, 2048] { report("kd-forest 4 trees, \(label)", forest, queries, checks: checks) }
    let kMeans = try FLANNIndex(database, configuration: FLANNConfiguration(algorithm: .kMeans(branching: 32, iterations: 11)))
    for checks in [128, 512, 2048] { report("k-means tree b32, \(label)", kMeans, queries, checks: checks) }

    // Autotuning picks its algorithm by timing searches on a sample, so this row differs from run to run.
    let start = DispatchTime.now().uptimeNanoseconds
    let tuned = try FLANNIndex(database, configuration: FLANNConfiguration(
        algorithm: .autotuned(targetPrecision: 0.95, sampleFraction: 0.02)))
    let tuning = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    report(String(format: "autotuned 0.95 (tuning took %.0f s), \(label)", tuning), tuned, queries,
           checks: tuned.tunedChecks ?? 0)

    // PCA: recall is scored against exact search in the original 55 dimensions, so what the projection drops counts.
    for kept in [PCA.Kept.varianceFraction(0.999), .dimensions(15), .dimensions(30)] {
        let pca = try PCA(fitting: database, keeping: kept)
        let projected = try FLANNIndex(pca.project(database))
        let name = String(format: "PCA → %d dims (%.2f%% variance) + kd-forest 4", pca.outputDimension,
                          pca.keptVarianceFraction * 100)
        for checks in [128, 512, 2048] { report(name, projected, pca.project(queries), checks: checks) }
    }
}
