import Testing
import Imaging
@testable import NearestNeighbors

/// Uniform random vectors (seeded), for exactness tests where the data's shape does not matter.
func randomMatrix(rows: Int, dimension: Int, seed: UInt64) -> FeatureMatrix {
    var random = RandomSource(seed: seed)
    return FeatureMatrix(rows: rows, dimension: dimension, values: (0 ..< rows * dimension).map { _ in random.nextUnitFloat() })
}

/// Image-Analogies-style 55-dimensional patch vectors: a 142 × 142 database (20,164 rows) from one synthetic
/// photo, 1,600 queries from another (seeds fixed so the numbers are stable).
let patchDatabase = SyntheticImage.analogyStyleFeatures(of: SyntheticImage.naturalLooking(Size(width: 142, height: 142), seed: 1))
let patchQueries = SyntheticImage.analogyStyleFeatures(of: SyntheticImage.naturalLooking(Size(width: 40, height: 40), seed: 2))

@Suite struct ExactSearchTests {
    @Test func exactSearchEqualsBruteForce() throws {
        let database = randomMatrix(rows: 5000, dimension: 13, seed: 1)  // > one database tile
        let queries = randomMatrix(rows: 300, dimension: 13, seed: 2)   // > one query tile
        let found = try ExactSearch(database).search(queries, k: 3)
        // Every seventh query and the last: both query tiles and every database tile, at a seventh of the cost.
        for q in Array(stride(from: 0, to: queries.rows, by: 7)) + [queries.rows - 1] {
            let distances = (0 ..< database.rows).map { r in
                zip(queries.row(q), database.row(r)).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            }
            let best = distances.indices.sorted { distances[$0] < distances[$1] }.prefix(3)
            for (rank, r) in best.enumerated() {
                // Same neighbour, or one at the same distance up to the GEMM's rounding.
                #expect(abs(found.squaredDistance(query: q, rank: rank) - distances[r]) < 1e-4)
                #expect(abs(distances[found.index(query: q, rank: rank)] - distances[r]) < 1e-4)
            }
        }
    }

    @Test func aVectorFindsItself() throws {
        let database = randomMatrix(rows: 200, dimension: 7, seed: 3)
        let found = try ExactSearch(database).search(database.row(42))
        #expect(found.index(query: 0) == 42 && found.squaredDistance(query: 0) < 1e-5)
    }

    @Test func noQueriesGiveNoAnswers() throws {
        let database = randomMatrix(rows: 50, dimension: 4, seed: 6)
        #expect(try ExactSearch(database).search(FeatureMatrix(rows: 0, dimension: 4), k: 3).queryCount == 0)
        #expect(try FLANNIndex(database).search(FeatureMatrix(rows: 0, dimension: 4), k: 3).queryCount == 0)
    }

    @Test func emptyDatabaseIsRefused() {
        #expect(throws: SearchError.emptyDatabase) { try ExactSearch(FeatureMatrix(rows: 0, dimension: 4)) }
    }
}

@Suite struct FLANNTests {
    @Test func defaultIndexReachesRecall95OnPatchVectorsAfterPCA() throws {
        let pca = try PCA(fitting: patchDatabase, keeping: .varianceFraction(0.999))
        let database = pca.project(patchDatabase), queries = pca.project(patchQueries)
        let exact = try ExactSearch(database).search(queries, k: 1)
        let approximate = try FLANNIndex(database).search(queries, k: 1)
        let quality = SearchQuality(approximate: approximate, exact: exact)
        #expect(quality.recallAt1 >= 0.95, "\(quality) at \(pca.outputDimension) PCA dimensions")
        #expect(quality.meanDistanceRatio < 1.01)
    }

    @Test func defaultIndexReachesRecall95WithoutPCA() throws {
        let exact = try ExactSearch(patchDatabase).search(patchQueries, k: 1)
        let quality = SearchQuality(approximate: try FLANNIndex(patchDatabase).search(patchQueries, k: 1), exact: exact)
        #expect(quality.recallAt1 >= 0.95, "\(quality)")
    }

    @Test func sameSeedGivesSameNeighbours() throws {
        // Few checks, so that the answers depend on the trees and therefore on the seed.
        let config = FLANNConfiguration(algorithm: .kdForest(trees: 4), checks: 16, seed: 42)
        let first = try FLANNIndex(patchDatabase, configuration: config).search(patchQueries, k: 4)
        let second = try FLANNIndex(patchDatabase, configuration: config).search(patchQueries, k: 4)
        #expect(first == second)
        var other = config
        other.seed = 43
        #expect(try FLANNIndex(patchDatabase, configuration: other).search(patchQueries, k: 4) != first)
    }

    @Test func kMeansIsReproducibleAndAccurate() throws {
        let config = FLANNConfiguration(algorithm: .kMeans(branching: 32, iterations: 11), checks: 512, seed: 5)
        let first = try FLANNIndex(patchDatabase, configuration: config).search(patchQueries, k: 1)
        #expect(first == (try FLANNIndex(patchDatabase, configuration: config).search(patchQueries, k: 1)))
        let exact = try ExactSearch(patchDatabase).search(patchQueries, k: 1)
        #expect(SearchQuality(approximate: first, exact: exact).recallAt1 > 0.8)
    }

    @Test func autotunedIndexReportsItsChecks() throws {
        let database = randomMatrix(rows: 400, dimension: 6, seed: 9), queries = randomMatrix(rows: 100, dimension: 6, seed: 10)
        let index = try FLANNIndex(database, configuration: FLANNConfiguration(
            algorithm: .autotuned(targetPrecision: 0.9, sampleFraction: 0.2), seed: 1))
        #expect((index.tunedChecks ?? 0) > 0)
        // FLANN tunes by timing searches, so what it picks (and its recall) moves with the machine's load; the
        // check is that tuning ran and the answers are far better than chance (1 in 400), not a fixed recall.
        let quality = SearchQuality(approximate: index.search(queries, k: 1), exact: try ExactSearch(database).search(queries, k: 1))
        #expect(quality.recallAt1 > 0.5, "\(quality)")
    }

    @Test func threadCountDoesNotChangeAnswers() throws {
        let index = try FLANNIndex(patchDatabase, configuration: FLANNConfiguration(checks: 64, seed: 3))
        #expect(index.search(patchQueries, k: 2, checks: 64, threads: 1) == index.search(patchQueries, k: 2, checks: 64, threads: 2))
    }

    @Test func badParametersAreRefused() {
        #expect(throws: ParameterError.self) {
            try FLANNIndex(patchDatabase, configuration: FLANNConfiguration(algorithm: .kdForest(trees: 0)))
        }
        #expect(throws: ParameterError.self) { try FLANNIndex(patchDatabase, configuration: FLANNConfiguration(checks: 0)) }
        #expect(throws: SearchError.emptyDatabase) { try FLANNIndex(FeatureMatrix(rows: 0, dimension: 3)) }
    }
}

@Suite struct PCATests {
    @Test func componentsAreOrthonormalAndOrdered() throws {
        let pca = try PCA(fitting: patchDatabase, keeping: .dimensions(10))
        for i in 0 ..< 10 {
            for j in 0 ..< 10 {
                let dot = (0 ..< 55).reduce(Float(0)) { $0 + pca.components[i * 55 + $1] * pca.components[j * 55 + $1] }
                #expect(abs(dot - (i == j ? 1 : 0)) < 1e-4)
            }
        }
        #expect(zip(pca.eigenvalues, pca.eigenvalues.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test func varianceFractionKeepsEnoughComponents() throws {
        let pca = try PCA(fitting: patchDatabase, keeping: .varianceFraction(0.99))
        #expect(pca.keptVarianceFraction >= 0.99)
        #expect(pca.outputDimension < 55)
    }

    @Test func fullRotationKeepsDistances() throws {
        let data = randomMatrix(rows: 300, dimension: 6, seed: 4)
        let projected = try PCA(fitting: data, keeping: .dimensions(6)).project(data)
        func distance(_ m: FeatureMatrix, _ a: Int, _ b: Int) -> Float {
            zip(m.row(a), m.row(b)).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
        #expect(abs(distance(data, 3, 77) - distance(projected, 3, 77)) < 1e-4)
    }

    @Test func jacobiDiagonalisesAKnownMatrix() {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1, eigenvectors (1, 1)/√2 and (1, −1)/√2.
        let (values, vectors) = SymmetricEigen.decompose([2, 1, 1, 2], dimension: 2)
        #expect(abs(values[0] - 3) < 1e-12 && abs(values[1] - 1) < 1e-12)
        #expect(abs(abs(vectors[0]) - 0.5.squareRoot()) < 1e-12 && abs(vectors[0] - vectors[1]) < 1e-12)
    }

    @Test func badKeptCountIsRefused() {
        #expect(throws: ParameterError.self) { try PCA(fitting: patchDatabase, keeping: .dimensions(56)) }
    }
}
