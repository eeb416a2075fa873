import FLANNBridge
import Imaging
import StyleLabSupport

/// Which FLANN index to build.
public enum FLANNAlgorithm: Sendable, Equatable, Codable {
    /// A forest of randomized kd-trees (Silpa-Anan & Hartley 2008).
    case kdForest(trees: Int)
    /// A hierarchical k-means tree (Muja & Lowe 2009); `iterations` −1 runs k-means to convergence.
    case kMeans(branching: Int, iterations: Int)
    /// FLANN chooses the algorithm and its parameters to reach `targetPrecision` recall, tuning on a sample.
    case autotuned(targetPrecision: Float, sampleFraction: Float)
}

/// How a FLANN index is built and searched. Defaults reach recall@1 ≥ 0.95 on Image-Analogies-style patch
/// vectors (measured in `make bench` and asserted in the tests), at the price of many checks; each algorithm
/// chooses its own speed/quality point.
public struct FLANNConfiguration: Sendable, Equatable, Codable {
    public var algorithm: FLANNAlgorithm
    /// Leaves visited per query (the speed/recall knob); ignored by an autotuned index, which picks its own.
    public var checks: Int
    /// Seeds every random choice of the build: one seed, one index, one set of answers.
    public var seed: UInt64

    public init(algorithm: FLANNAlgorithm = .kdForest(trees: 8), checks: Int = 2048, seed: UInt64 = 0) {
        self.algorithm = algorithm
        self.checks = checks
        self.seed = seed
    }

    public func validate() throws {
        guard checks > 0 else { throw ParameterError(name: "checks", value: "\(checks)", expected: "> 0") }
        switch algorithm {
        case .kdForest(let trees) where trees < 1:
            throw ParameterError(name: "trees", value: "\(trees)", expected: "≥ 1")
        case .kMeans(let branching, _) where branching < 2:
            throw ParameterError(name: "branching", value: "\(branching)", expected: "≥ 2")
        case .autotuned(let precision, let fraction) where !(precision > 0 && precision <= 1) || !(fraction > 0 && fraction <= 1):
            throw ParameterError(name: "target precision / sample fraction", value: "\(precision) / \(fraction)",
                                               expected: "both in (0, 1]")
        default: break
        }
    }
}

/// Approximate k-nearest-neighbour search with FLANN (Muja & Lowe), reproducible from `configuration.seed`.
///
/// Thread safety: building is serialised inside the bridge (FLANN uses the process-wide `std::rand`); `search` may
/// be called from several threads at once. The index owns a copy of the database, which FLANN points into.
public final class FLANNIndex: NearestNeighborSearch, @unchecked Sendable {
    public let dimension: Int
    public let count: Int
    public let configuration: FLANNConfiguration
    /// The checks an autotuned build chose (nil for the other algorithms).
    public let tunedChecks: Int?

    // @unchecked Sendable: `data` and `handle` are written only in init and freed in deinit; FLANN's search is const.
    private let data: UnsafeMutableBufferPointer<Float>
    fileprivate let handle: OpaquePointer

    public init(_ database: FeatureMatrix, configuration: FLANNConfiguration = FLANNConfiguration()) throws {
        try configuration.validate()
        guard database.rows > 0 else { throw SearchError.emptyDatabase }
        let data = UnsafeMutableBufferPointer<Float>.allocate(capacity: database.values.count)
        _ = data.initialize(from: database.values)
        var parameters = sl_flann_build_parameters()
        parameters.seed = configuration.seed
        parameters.trees = 4
        parameters.branching = 32
        parameters.iterations = 11
        parameters.build_weight = 0.01
        parameters.sample_fraction = 0.1
        switch configuration.algorithm {
        case .kdForest(let trees):
            parameters.algorithm = Int32(SL_FLANN_KDTREE.rawValue); parameters.trees = Int32(trees)
        case .kMeans(let branching, let iterations):
            parameters.algorithm = Int32(SL_FLANN_KMEANS.rawValue)
            parameters.branching = Int32(branching); parameters.iterations = Int32(iterations)
        case .autotuned(let precision, let fraction):
            parameters.algorithm = Int32(SL_FLANN_AUTOTUNED.rawValue)
            parameters.target_precision = precision; parameters.sample_fraction = fraction
        }
        var tuned: Int32 = 0
        var message = [CChar](repeating: 0, count: 200)
        guard let handle = sl_flann_build(data.baseAddress, database.rows, database.dimension, &parameters, &tuned,
                                          &message) else {
            data.deallocate()
            throw SearchError.buildFailed(String(cMessage: message))
        }
        self.data = data
        self.handle = handle
        self.dimension = database.dimension
        self.count = database.rows
        self.configuration = configuration
        if case .autotuned = configuration.algorithm { tunedChecks = Int(tuned) } else { tunedChecks = nil }
    }

    deinit {
        sl_flann_free(handle)
        data.deallocate()
    }

    /// Batched search, split into blocks of queries answered in parallel. Each query's answer depends only on the
    /// index and the query, so the result is the same at any thread count.
    public func search(_ queries: FeatureMatrix, k: Int) -> Neighbours {
        search(queries, k: k, checks: configuration.checks)
    }

    /// Batched search with an explicit number of checks (the recall/speed knob), on `threads` threads (nil: every
    /// core); the neighbours do not depend on it.
    public func search(_ queries: FeatureMatrix, k: Int, checks: Int, threads: Int? = nil) -> Neighbours {
        let threads = threads ?? Parallel.defaultThreads
        precondition(queries.dimension == dimension, "query dimension \(queries.dimension) ≠ \(dimension)")
        let k = min(k, count)
        if queries.rows == 0 || k <= 0 { return Neighbours(k: max(k, 0), indices: [], squaredDistances: []) }
        var indices = [Int32](repeating: -1, count: queries.rows * k)
        var distances = [Float](repeating: .infinity, count: queries.rows * k)
        let block = 512, blocks = (queries.rows + block - 1) / block
        let checks = tunedChecks == nil ? checks : -1
        queries.values.withUnsafeBufferPointer { q in
            indices.withUnsafeMutableBufferPointer { idx in
                distances.withUnsafeMutableBufferPointer { dist in
                    // Sound: each block writes only its own rows.
                    let q = SharedReadBuffer(q), idx = SharedBuffer(idx), dist = SharedBuffer(dist)
                    let index = self, dimension = self.dimension, total = queries.rows
                    Parallel.forEach(blocks, threads: threads) { b in
                        let start = b * block, rows = min(block, total - start)
                        _ = sl_flann_search(index.handle, q.base + start * dimension, rows, Int32(k), Int32(checks),
                                            idx.base + start * k, dist.base + start * k)
                    }
                }
            }
        }
        return Neighbours(k: k, indices: indices, squaredDistances: distances)
    }
}

extension FLANNIndex {
    /// One query on the calling thread, without allocating: the k nearest rows' indices and squared distances
    /// are written to the given buffers. For loops that must query one vector at a time (Image Analogies).
    public func searchOne(_ query: UnsafePointer<Float>, k: Int, checks: Int, indices: UnsafeMutablePointer<Int32>,
                          squaredDistances: UnsafeMutablePointer<Float>) {
        _ = sl_flann_search(handle, query, 1, Int32(min(k, count)), Int32(tunedChecks == nil ? checks : -1), indices, squaredDistances)
    }
}

/// Versions of the search libraries, for `stylelab info`.
public enum SearchLibraries {
    public static var flannVersion: String { String(cString: sl_flann_version()) }
}
