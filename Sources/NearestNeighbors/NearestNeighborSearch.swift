import Imaging

/// The k nearest neighbours of a batch of queries, row-major (`queries × k`), nearest first.
public struct Neighbours: Sendable, Equatable {
    public let k: Int
    /// Database row of each neighbour.
    public var indices: [Int32]
    /// Squared Euclidean distance of each neighbour.
    public var squaredDistances: [Float]

    public init(k: Int, indices: [Int32], squaredDistances: [Float]) {
        precondition(indices.count == squaredDistances.count, "one distance per neighbour")
        self.k = k
        self.indices = indices
        self.squaredDistances = squaredDistances
    }

    public var queryCount: Int { k == 0 ? 0 : indices.count / k }

    /// The same neighbours with their distances measured again between the original vectors, and re-sorted: what
    /// a search over projected (PCA) vectors found, scored in the space that matters.
    public func remeasured(queries: FeatureMatrix, database: FeatureMatrix) -> Neighbours {
        precondition(queries.dimension == database.dimension, "queries and database must share a dimension")
        var result = self
        let d = database.dimension
        queries.values.withUnsafeBufferPointer { q in
            database.values.withUnsafeBufferPointer { db in
                for query in 0 ..< queryCount {
                    let row = query * k
                    var pairs: [(distance: Float, index: Int32)] = []
                    for rank in 0 ..< k {
                        let index = indices[row + rank]
                        let distance = index < 0 ? Float.infinity
                            : directSquaredDistance(q.baseAddress! + query * d, db.baseAddress! + Int(index) * d, d)
                        pairs.append((distance, index))
                    }
                    pairs.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.index < $1.index) }
                    for (rank, pair) in pairs.enumerated() {
                        result.squaredDistances[row + rank] = pair.distance
                        result.indices[row + rank] = pair.index
                    }
                }
            }
        }
        return result
    }
    public func index(query q: Int, rank: Int = 0) -> Int { Int(indices[q * k + rank]) }
    public func squaredDistance(query q: Int, rank: Int = 0) -> Float { squaredDistances[q * k + rank] }
}

/// Anything that answers k-nearest-neighbour queries over a fixed set of feature vectors (squared L2).
///
/// Conformers: `ExactSearch` (GEMM, the reference) and `FLANNIndex` (kd-tree forest, k-means tree, autotuned).
/// Every `search` is safe to call from several threads at once.
public protocol NearestNeighborSearch: Sendable {
    var dimension: Int { get }
    var count: Int { get }
    /// The k nearest database rows of every query row.
    func search(_ queries: FeatureMatrix, k: Int) -> Neighbours
}

extension NearestNeighborSearch {
    /// The nearest neighbours of one query vector.
    public func search(_ query: [Float], k: Int = 1) -> Neighbours {
        search(FeatureMatrix(rows: 1, dimension: query.count, values: query), k: k)
    }
}

/// Errors a user can cause when building a search index.
public enum SearchError: Error, Equatable, CustomStringConvertible, Sendable {
    case emptyDatabase
    case dimensionMismatch(expected: Int, got: Int)
    case buildFailed(String)

    public var description: String {
        switch self {
        case .emptyDatabase: return "the search database is empty: it needs at least one feature vector"
        case .dimensionMismatch(let expected, let got):
            return "query vectors have \(got) dimensions but the index holds \(expected)-dimensional vectors"
        case .buildFailed(let reason): return "FLANN could not build the index: \(reason)"
        }
    }
}
