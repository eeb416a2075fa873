import CBLAS
import Imaging

/// Exact k-nearest-neighbour search by matrix products: ‖q − d‖² = ‖q‖² + ‖d‖² − 2 q·d.
///
/// Queries and database rows are taken in tiles; each tile's cross terms are one `cblas_sgemm`, and a running
/// top-k per query keeps the memory at one tile. Ties go to the lower database index. This is the reference every
/// approximate index is measured against (recall@1, distance ratio). O(queries × rows × dimension).
public struct ExactSearch: NearestNeighborSearch {
    public let database: FeatureMatrix
    private let squaredNorms: [Float]

    public init(_ database: FeatureMatrix) throws {
        guard database.rows > 0 else { throw SearchError.emptyDatabase }
        self.database = database
        squaredNorms = ExactSearch.rowSquaredNorms(database)
    }

    public var dimension: Int { database.dimension }
    public var count: Int { database.rows }

    static let queryTile = 256
    static let databaseTile = 4096

    public func search(_ queries: FeatureMatrix, k: Int) -> Neighbours {
        precondition(queries.dimension == dimension, "query dimension \(queries.dimension) ≠ \(dimension)")
        let k = min(k, count), d = dimension
        var result = Neighbours(k: k, indices: [Int32](repeating: -1, count: queries.rows * k),
                                squaredDistances: [Float](repeating: .infinity, count: queries.rows * k))
        let queryNorms = ExactSearch.rowSquaredNorms(queries)
        var products = [Float](repeating: 0, count: ExactSearch.queryTile * ExactSearch.databaseTile)
        for q0 in stride(from: 0, to: queries.rows, by: ExactSearch.queryTile) {
            let qn = min(ExactSearch.queryTile, queries.rows - q0)
            for d0 in stride(from: 0, to: count, by: ExactSearch.databaseTile) {
                let dn = min(ExactSearch.databaseTile, count - d0)
                // products[i, j] = q_(q0+i) · d_(d0+j)
                queries.values.withUnsafeBufferPointer { q in
                    database.values.withUnsafeBufferPointer { db in
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(qn), Int32(dn), Int32(d), 1,
                                    q.baseAddress! + q0 * d, Int32(d), db.baseAddress! + d0 * d, Int32(d), 0,
                                    &products, Int32(dn))
                    }
                }
                result.mergeTile(products, queryOffset: q0, queryCount: qn, databaseOffset: d0, databaseCount: dn,
                                 queryNorms: queryNorms, databaseNorms: squaredNorms)
            }
        }
        return result
    }

    static func rowSquaredNorms(_ m: FeatureMatrix) -> [Float] {
        (0 ..< m.rows).map { r in
            var s: Float = 0
            for i in r * m.dimension ..< (r + 1) * m.dimension { s += m.values[i] * m.values[i] }
            return s
        }
    }
}

extension Neighbours {
    /// Folds one tile of dot products into each query's sorted top-k list (queries in parallel: each query's list
    /// is its own, so the result does not depend on the thread count).
    mutating func mergeTile(_ products: [Float], queryOffset q0: Int, queryCount qn: Int, databaseOffset d0: Int,
                            databaseCount dn: Int, queryNorms: [Float], databaseNorms: [Float]) {
        let k = self.k
        indices.withUnsafeMutableBufferPointer { idx in
            squaredDistances.withUnsafeMutableBufferPointer { dist in
                // Sound: each query row writes only its own k slots.
                let idx = SharedBuffer(idx), dist = SharedBuffer(dist)
                products.withUnsafeBufferPointer { p in
                    let p = SharedReadBuffer(p)
                    Parallel.forEach(qn) { i in
                        let row = (q0 + i) * k, qNorm = queryNorms[q0 + i]
                        for j in 0 ..< dn {
                            let distance = max(qNorm + databaseNorms[d0 + j] - 2 * p[i * dn + j], 0)
                            if distance >= dist[row + k - 1] { continue }
                            // Insert, keeping the list sorted by distance (ties keep the earlier index first).
                            var slot = k - 1
                            while slot > 0 && dist[row + slot - 1] > distance {
                                dist[row + slot] = dist[row + slot - 1]
                                idx[row + slot] = idx[row + slot - 1]
                                slot -= 1
                            }
                            dist[row + slot] = distance
                            idx[row + slot] = Int32(d0 + j)
                        }
                    }
                }
            }
        }
    }
}
