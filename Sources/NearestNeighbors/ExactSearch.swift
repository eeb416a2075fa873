import CBLAS
import Imaging
import StyleLabSupport

/// Exact k-nearest-neighbour search by matrix products: ‖q − d‖² = ‖q‖² + ‖d‖² − 2 q·d.
///
/// Queries and database rows are taken in tiles; each tile's cross terms are one `cblas_sgemm`. That formula
/// cancels badly in Float when two vectors are much closer than they are long (a flat sky in a photo: distances of
/// 1e-7 between vectors of norm 1), so the data are first centred on the database mean, and every candidate whose
/// GEMM distance could beat the current k-th best, given a bound on the GEMM's rounding error, is re-measured
/// directly as Σ(q − d)². The answers are therefore exact, and ties go to the lower index. This is the reference
/// every approximate index is measured against. O(queries × rows × dimension).
public struct ExactSearch: NearestNeighborSearch {
    /// The database, centred on its mean.
    private let centred: FeatureMatrix
    private let mean: [Float]
    private let squaredNorms: [Float]

    public init(_ database: FeatureMatrix) throws {
        guard database.rows > 0 else { throw SearchError.emptyDatabase }
        let d = database.dimension
        var mean = [Double](repeating: 0, count: d)
        for r in 0 ..< database.rows { for j in 0 ..< d { mean[j] += Double(database.values[r * d + j]) } }
        self.mean = mean.map { Float($0 / Double(database.rows)) }
        centred = ExactSearch.subtracting(self.mean, from: database)
        squaredNorms = ExactSearch.rowSquaredNorms(centred)
    }

    public var dimension: Int { centred.dimension }
    public var count: Int { centred.rows }

    static let queryTile = 256
    static let databaseTile = 4096

    public func search(_ queries: FeatureMatrix, k: Int) -> Neighbours {
        precondition(queries.dimension == dimension, "query dimension \(queries.dimension) ≠ \(dimension)")
        let k = min(k, count), d = dimension
        if queries.rows == 0 || k <= 0 { return Neighbours(k: max(k, 0), indices: [], squaredDistances: []) }
        var result = Neighbours(k: k, indices: [Int32](repeating: -1, count: queries.rows * k),
                                squaredDistances: [Float](repeating: .infinity, count: queries.rows * k))
        let centredQueries = ExactSearch.subtracting(mean, from: queries)
        let queryNorms = ExactSearch.rowSquaredNorms(centredQueries)
        var products = [Float](repeating: 0, count: ExactSearch.queryTile * ExactSearch.databaseTile)
        for q0 in stride(from: 0, to: queries.rows, by: ExactSearch.queryTile) {
            let qn = min(ExactSearch.queryTile, queries.rows - q0)
            for d0 in stride(from: 0, to: count, by: ExactSearch.databaseTile) {
                let dn = min(ExactSearch.databaseTile, count - d0)
                // products[i, j] = q_(q0+i) · d_(d0+j)
                centredQueries.values.withUnsafeBufferPointer { q in
                    centred.values.withUnsafeBufferPointer { db in
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(qn), Int32(dn), Int32(d), 1,
                                    q.baseAddress! + q0 * d, Int32(d), db.baseAddress! + d0 * d, Int32(d), 0,
                                    &products, Int32(dn))
                    }
                }
                mergeTile(products, into: &result, queries: centredQueries, queryNorms: queryNorms,
                          queryRange: q0 ..< q0 + qn, databaseRange: d0 ..< d0 + dn)
            }
        }
        return result
    }

    /// Folds one tile of dot products into each query's sorted top-k list. Queries run in parallel, each writing
    /// only its own list, so the result does not depend on the thread count.
    private func mergeTile(_ products: [Float], into result: inout Neighbours, queries: FeatureMatrix,
                           queryNorms: [Float], queryRange: Range<Int>, databaseRange: Range<Int>) {
        let k = result.k, d = dimension, dn = databaseRange.count
        // |fl(‖q‖² + ‖d‖² − 2q·d) − exact| ≤ about d·ε·(‖q‖² + ‖d‖² + 2|q·d|) ≤ 2d·ε·(‖q‖² + ‖d‖²).
        let errorScale = 2 * Float(d + 2) * Float.ulpOfOne
        result.indices.withUnsafeMutableBufferPointer { idx in
            result.squaredDistances.withUnsafeMutableBufferPointer { dist in
                products.withUnsafeBufferPointer { p in
                    queries.values.withUnsafeBufferPointer { qv in
                        centred.values.withUnsafeBufferPointer { dv in
                            // Sound: each query row writes only its own k slots; the rest is read-only.
                            let idx = SharedBuffer(idx), dist = SharedBuffer(dist)
                            let p = SharedReadBuffer(p), qv = SharedReadBuffer(qv), dv = SharedReadBuffer(dv)
                            let norms = squaredNorms
                            Parallel.forEach(queryRange.count) { i in
                                let q = queryRange.lowerBound + i, row = q * k, qNorm = queryNorms[q]
                                for j in 0 ..< dn {
                                    let r = databaseRange.lowerBound + j
                                    let estimate = qNorm + norms[r] - 2 * p[i * dn + j]
                                    if estimate - errorScale * (qNorm + norms[r]) > dist[row + k - 1] { continue }
                                    let distance = directSquaredDistance(qv.base + q * d, dv.base + r * d, d)
                                    insert(distance, index: r, row: row, k: k, indices: idx, distances: dist)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static func subtracting(_ mean: [Float], from m: FeatureMatrix) -> FeatureMatrix {
        var out = m
        for r in 0 ..< m.rows { for j in 0 ..< m.dimension { out.values[r * m.dimension + j] -= mean[j] } }
        return out
    }

    static func rowSquaredNorms(_ m: FeatureMatrix) -> [Float] {
        m.values.withUnsafeBufferPointer { v in
            (0 ..< m.rows).map { r in
                var s: Float = 0
                for i in r * m.dimension ..< (r + 1) * m.dimension { s += v[i] * v[i] }
                return s
            }
        }
    }
}

/// Σ (a − b)², the distance without cancellation.
@inline(__always)
func directSquaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var sum: Float = 0
    for i in 0 ..< n { let t = a[i] - b[i]; sum += t * t }
    return sum
}

/// Inserts (distance, index) into one query's list of k, kept sorted by distance, then index.
@inline(__always)
func insert(_ distance: Float, index: Int, row: Int, k: Int, indices: SharedBuffer<Int32>, distances: SharedBuffer<Float>) {
    let last = row + k - 1
    if distance > distances[last] || (distance == distances[last] && indices[last] >= 0 && Int(indices[last]) < index) { return }
    var slot = k - 1
    while slot > 0 && (distances[row + slot - 1] > distance
                       || (distances[row + slot - 1] == distance && Int(indices[row + slot - 1]) > index)) {
        distances[row + slot] = distances[row + slot - 1]
        indices[row + slot] = indices[row + slot - 1]
        slot -= 1
    }
    distances[row + slot] = distance
    indices[row + slot] = Int32(index)
}
