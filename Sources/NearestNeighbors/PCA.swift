import CBLAS
import Imaging

/// A principal-component projection of feature vectors (mean removed, rows of `components` orthonormal).
///
/// kd-trees lose recall quickly above ~20 dimensions; projecting patch vectors onto their leading components keeps
/// most of the distance structure in fewer dimensions. Measure before relying on it: the distances ignored by the
/// projection can reorder neighbours.
public struct PCA: Sendable, Equatable {
    /// How many components to keep.
    public enum Kept: Sendable, Equatable, Codable {
        /// The fewest components whose eigenvalues hold at least this fraction of the total variance.
        case varianceFraction(Double)
        /// Exactly this many components (at most the input dimension).
        case dimensions(Int)
    }

    public let mean: [Float]
    /// `outputDimension × inputDimension`, row-major: component i is row i.
    public let components: [Float]
    public let inputDimension: Int
    public let outputDimension: Int
    /// Eigenvalues of the covariance, largest first: all of them when the full decomposition ran (small
    /// dimensions, or a variance fraction), the kept ones when only the leading components were computed.
    public let eigenvalues: [Double]
    /// Total variance (the covariance's trace).
    public let totalVariance: Double

    /// Fits on `data` (or on an evenly spaced sample of at most `sampleLimit` rows, for speed).
    public init(fitting data: FeatureMatrix, keeping kept: Kept, sampleLimit: Int = 50_000) throws {
        guard data.rows > 1 else { throw SearchError.emptyDatabase }
        let d = data.dimension
        switch kept {
        case .varianceFraction(let f) where !(f > 0 && f <= 1):
            throw ParameterError(name: "PCA variance fraction", value: "\(f)", expected: "in (0, 1]")
        case .dimensions(let n) where n < 1 || n > d:
            throw ParameterError(name: "--pca-dims", value: "\(n)", expected: "1 to \(d)")
        default: break
        }
        let stride = max(1, data.rows / sampleLimit)
        let sample = data.selecting(rows: Array(Swift.stride(from: 0, to: data.rows, by: stride)))
        let n = sample.rows

        // Mean, then the covariance Xcᵀ Xc / n by one GEMM.
        var mean = [Double](repeating: 0, count: d)
        for r in 0 ..< n { for j in 0 ..< d { mean[j] += Double(sample.values[r * d + j]) } }
        mean = mean.map { $0 / Double(n) }
        var centred = sample.values
        for r in 0 ..< n { for j in 0 ..< d { centred[r * d + j] -= Float(mean[j]) } }
        var covariance = [Float](repeating: 0, count: d * d)
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(n), 1 / Float(n), centred, Int32(d), 0,
                    &covariance, Int32(d))
        var symmetric = [Double](repeating: 0, count: d * d)
        for i in 0 ..< d { for j in i ..< d { symmetric[i * d + j] = Double(covariance[i * d + j]); symmetric[j * d + i] = symmetric[i * d + j] } }

        let total = max((0 ..< d).reduce(0.0) { $0 + symmetric[$1 * d + $1] }, 1e-30)
        let values: [Double], vectors: [Double]
        if case .dimensions(let count) = kept, d > 64, count * 2 < d {
            // Only a few leading components of a long vector: subspace iteration costs O(d² k) per step instead of
            // a full O(d³) decomposition per sweep (1188-dimensional quilting overlaps: 40 ms instead of seconds).
            (values, vectors) = SymmetricEigen.leading(count, of: symmetric, dimension: d)
        } else {
            (values, vectors) = SymmetricEigen.decompose(symmetric, dimension: d)
        }
        var keep: Int
        switch kept {
        case .dimensions(let count): keep = count
        case .varianceFraction(let fraction):
            keep = 0
            var held = 0.0
            while keep < d && held / total < fraction - 1e-12 { held += max(values[keep], 0); keep += 1 }
            keep = max(keep, 1)
        }
        self.mean = mean.map(Float.init)
        self.components = (0 ..< keep).flatMap { i in (0 ..< d).map { Float(vectors[i * d + $0]) } }
        self.inputDimension = d
        self.outputDimension = keep
        self.eigenvalues = values
        self.totalVariance = total
    }

    /// Fraction of the variance the kept components hold.
    public var keptVarianceFraction: Double {
        min(eigenvalues.prefix(outputDimension).reduce(0) { $0 + max($1, 0) } / totalVariance, 1)
    }

    /// Projects one vector of `inputDimension` values into `output` (`outputDimension` values).
    public func project(_ vector: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        components.withUnsafeBufferPointer { c in
            for i in 0 ..< outputDimension {
                var sum: Float = 0
                for j in 0 ..< inputDimension { sum += (vector[j] - mean[j]) * c[i * inputDimension + j] }
                output[i] = sum
            }
        }
    }

    /// Projects every row: (x − mean) · componentsᵀ, one GEMM.
    public func project(_ data: FeatureMatrix) -> FeatureMatrix {
        precondition(data.dimension == inputDimension, "PCA expects \(inputDimension) dimensions, got \(data.dimension)")
        var centred = data.values
        for r in 0 ..< data.rows { for j in 0 ..< inputDimension { centred[r * inputDimension + j] -= mean[j] } }
        var out = FeatureMatrix(rows: data.rows, dimension: outputDimension)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(data.rows), Int32(outputDimension),
                    Int32(inputDimension), 1, centred, Int32(inputDimension), components, Int32(inputDimension), 0,
                    &out.values, Int32(outputDimension))
        return out
    }
}

/// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan §8.5):
/// exact to Double rounding, deterministic, O(d³) per sweep; fine for the ≤ a few hundred dimensions of patches.
enum SymmetricEigen {
    /// Eigenvalues (descending) and eigenvectors as rows (`dimension × dimension`, row i for value i).
    static func decompose(_ matrix: [Double], dimension d: Int) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: d * d)
        for i in 0 ..< d { v[i * d + i] = 1 }
        for _ in 0 ..< 100 {
            var offDiagonal = 0.0
            for p in 0 ..< d { for q in p + 1 ..< d { offDiagonal += a[p * d + q] * a[p * d + q] } }
            if offDiagonal < 1e-22 { break }
            for p in 0 ..< d {
                for q in p + 1 ..< d where abs(a[p * d + q]) > 1e-300 {
                    // The rotation that zeroes a[p][q].
                    let theta = (a[q * d + q] - a[p * d + p]) / (2 * a[p * d + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0 ..< d {  // columns p and q
                        let akp = a[k * d + p], akq = a[k * d + q]
                        a[k * d + p] = c * akp - s * akq
                        a[k * d + q] = s * akp + c * akq
                    }
                    for k in 0 ..< d {  // rows p and q
                        let apk = a[p * d + k], aqk = a[q * d + k]
                        a[p * d + k] = c * apk - s * aqk
                        a[q * d + k] = s * apk + c * aqk
                    }
                    for k in 0 ..< d {  // accumulate V ← V·J (eigenvectors as columns of V)
                        let vkp = v[k * d + p], vkq = v[k * d + q]
                        v[k * d + p] = c * vkp - s * vkq
                        v[k * d + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return sortedDescending(a, v, dimension: d)
    }

    /// Eigenpairs from a diagonalised matrix `a` and its accumulated rotations `v` (columns), largest first.
    private static func sortedDescending(_ a: [Double], _ v: [Double], dimension d: Int) -> (values: [Double], vectors: [Double]) {
        let order = (0 ..< d).sorted { a[$0 * d + $0] > a[$1 * d + $1] || (a[$0 * d + $0] == a[$1 * d + $1] && $0 < $1) }
        let values = order.map { a[$0 * d + $0] }
        let vectors = order.flatMap { column in (0 ..< d).map { v[$0 * d + column] } }
        return (values, vectors)
    }

    /// The `count` leading eigenpairs by subspace iteration (Golub & Van Loan §8.2.4) with 8 extra vectors for
    /// faster convergence, then Rayleigh–Ritz on the subspace. Deterministic: the start is a fixed random basis.
    static func leading(_ count: Int, of matrix: [Double], dimension d: Int) -> (values: [Double], vectors: [Double]) {
        let p = min(d, count + 8)
        let c = matrix.map(Float.init)
        var random = RandomSource(seed: 0x5CA1AB1E)
        var q = (0 ..< d * p).map { _ in random.nextGaussian() }  // d × p, row-major
        orthonormaliseColumns(&q, rows: d, columns: p)
        var z = [Float](repeating: 0, count: d * p)
        for _ in 0 ..< 40 {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(p), Int32(d), 1, c, Int32(d), q, Int32(p), 0, &z, Int32(p))
            q = z
            orthonormaliseColumns(&q, rows: d, columns: p)
        }
        // Rayleigh–Ritz: T = Qᵀ C Q (p × p), diagonalised exactly; the Ritz vectors are Q times T's eigenvectors.
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(p), Int32(d), 1, c, Int32(d), q, Int32(p), 0, &z, Int32(p))
        var t = [Double](repeating: 0, count: p * p)
        for i in 0 ..< p { for j in 0 ..< p { var s = 0.0; for r in 0 ..< d { s += Double(q[r * p + i]) * Double(z[r * p + j]) }; t[i * p + j] = s } }
        for i in 0 ..< p { for j in i + 1 ..< p { let m = (t[i * p + j] + t[j * p + i]) / 2; t[i * p + j] = m; t[j * p + i] = m } }
        let (values, small) = decompose(t, dimension: p)
        var vectors = [Double](repeating: 0, count: count * d)
        for k in 0 ..< count { for r in 0 ..< d { var s = 0.0; for i in 0 ..< p { s += Double(q[r * p + i]) * small[k * p + i] }; vectors[k * d + r] = s } }
        return (Array(values.prefix(count)), vectors)
    }

    /// Modified Gram–Schmidt on the columns of a row-major rows × columns matrix (in Double for stability).
    private static func orthonormaliseColumns(_ m: inout [Float], rows: Int, columns: Int) {
        var column = [Double](repeating: 0, count: rows)
        var done: [[Double]] = []
        for j in 0 ..< columns {
            for r in 0 ..< rows { column[r] = Double(m[r * columns + j]) }
            for previous in done {
                let dot = zip(previous, column).reduce(0) { $0 + $1.0 * $1.1 }
                for r in 0 ..< rows { column[r] -= dot * previous[r] }
            }
            let norm = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for r in 0 ..< rows { column[r] = norm > 1e-30 ? column[r] / norm : (r == j ? 1 : 0) }
            done.append(column)
            for r in 0 ..< rows { m[r * columns + j] = Float(column[r]) }
        }
    }
}
