import CBLAS
import Foundation
import Imaging
import StyleLabSupport

/// The second-order statistics of a feature map F (C × N): the channel means m and the covariance
/// Σ = (F − m)(F − m)ᵀ / (N − 1), kept as its eigendecomposition Σ = E D Eᵀ (LAPACK's dsyevd, in Double).
/// Eigenvalues below `cutoff` × the largest are dropped (Li et al. drop those under 1e-5 of normalised VGG
/// features; a relative cut-off means the same under any feature scale).
struct FeatureStatistics {
    static let cutoff = 1e-5
    let channels: Int
    let mean: [Double]
    /// Kept eigenvalues and their eigenvectors (each `channels` long).
    let eigenvalues: [Double]
    let eigenvectors: [[Double]]

    /// The statistics of f, centred in a copy.
    init(_ f: Tensor) throws {
        var centred = [Float](unsafeUninitializedCapacity: f.count) { _, count in count = f.count }  // all written
        let mean = f.values.withUnsafeBufferPointer { values in
            centred.withUnsafeMutableBufferPointer { out in
                FeatureStatistics.centre(values, into: out, channels: f.channels, plane: f.plane)
            }
        }
        try self.init(centred: centred, mean: mean, channels: f.channels, plane: f.plane)
    }

    /// The same, centring f in place: a style's feature maps are not needed afterwards, and a copy of the largest
    /// (64 × 512², 64 MB) would be memory touched for the first time.
    init(centring f: inout Tensor) throws {
        let (c, n) = (f.channels, f.plane)
        let mean = f.values.withUnsafeMutableBufferPointer { values in
            FeatureStatistics.centre(UnsafeBufferPointer(values), into: values, channels: c, plane: n)
        }
        try self.init(centred: f.values, mean: mean, channels: c, plane: n)
    }

    /// out ← f − m, channel by channel, shared out among threads (each sums in the same order whatever their
    /// number); out may be f itself. Returns m.
    private static func centre(_ f: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>,
                               channels c: Int, plane n: Int) -> [Double] {
        var mean = [Double](repeating: 0, count: c)
        mean.withUnsafeMutableBufferPointer { mean in
            guard let v = f.baseAddress, let o = out.baseAddress, let m = mean.baseAddress else { return }
            let values = SharedReadBuffer(v), centred = SharedBuffer(o), mean = SharedBuffer(m)
            Parallel.forEach(c) { k in
                var sum = 0.0
                for i in k * n ..< (k + 1) * n { sum += Double(values[i]) }
                mean[k] = sum / Double(max(n, 1))
                let m = Float(mean[k])
                for i in k * n ..< (k + 1) * n { centred[i] = values[i] - m }
            }
        }
        return mean
    }

    /// Σ = F̄ F̄ᵀ / (N − 1) of the centred features F̄, and its eigendecomposition.
    private init(centred: [Float], mean: [Double], channels c: Int, plane n: Int) throws {
        var covariance = [Float](repeating: 0, count: c * c)
        centred.withUnsafeBufferPointer { values in
            covariance.withUnsafeMutableBufferPointer { out in
                guard let values = values.baseAddress, let out = out.baseAddress else { return }
                GEMM.gram(values, rows: c, length: n, alpha: 1 / Float(max(n - 1, 1)), into: out)
            }
        }
        let (values, vectors) = try symmetricEigen(covariance.map(Double.init), size: c)
        let largest = values.max() ?? 0
        let kept = values.indices.filter { values[$0] > FeatureStatistics.cutoff * largest && values[$0] > 0 }
        (channels, self.mean) = (c, mean)
        eigenvalues = kept.map { values[$0] }
        eigenvectors = kept.map { vectors[$0] }
    }

    /// The statistics of several feature maps (nil for nil), computed side by side (each eigendecomposition runs
    /// on one core, and a style's five levels need five), each map centred in place and let go once measured.
    static func ofEach(_ maps: inout [Tensor?]) throws -> [FeatureStatistics?] {
        var results = [Result<FeatureStatistics, any Error>?](repeating: nil, count: maps.count)
        results.withUnsafeMutableBufferPointer { buffer in
            maps.withUnsafeMutableBufferPointer { maps in
                guard let base = buffer.baseAddress, let slots = maps.baseAddress else { return }
                // Sound: item k touches only results[k] and maps[k].
                let out = SharedBuffer(base), inputs = SharedBuffer(slots)
                Parallel.forEach(maps.count) { k in
                    guard var f = inputs[k] else { return }
                    inputs[k] = nil  // f is now the only reference: centred in place, not copied
                    out[k] = Result { try FeatureStatistics(centring: &f) }
                }
            }
        }
        return try results.map { try $0?.get() }
    }

    /// E D^power Eᵀ (C × C, row-major): power −½ whitens, +½ colours.
    func matrixPower(_ power: Double) -> [Double] {
        let k = eigenvalues.count, c = channels
        var vectors = [Double](), scaled = [Double]()
        vectors.reserveCapacity(k * c); scaled.reserveCapacity(k * c)
        for (lambda, e) in zip(eigenvalues, eigenvectors) {
            vectors += e
            scaled += e.map { pow(lambda, power) * $0 }
        }
        var out = [Double](repeating: 0, count: c * c)
        guard k > 0 else { return out }
        // Σ_i d_i e_i e_iᵀ = Vᵀ (D V), V the k × C matrix of eigenvectors as rows.
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(c), Int32(c), Int32(k), 1, vectors, Int32(c),
                    scaled, Int32(c), 0, &out, Int32(c))
        return out
    }
}

/// The whitening and colouring transform of Li et al. (2017): whiten the content features,
/// f̂ = E_c D_c^{−½} E_cᵀ (f_c − m_c), which removes their correlations but keeps their spatial layout, then colour
/// them with the style's, f_cs = E_s D_s^{½} E_sᵀ f̂ + m_s, so that their covariance becomes the style's.
/// Several styles give the weighted sum of their transforms.
func whiteningColouring(_ content: Tensor, styles: [(statistics: FeatureStatistics, weight: Float)]) throws -> Tensor {
    let c = content.channels, n = content.plane
    let contentStatistics = try FeatureStatistics(content)
    let whitening = contentStatistics.matrixPower(-0.5)
    var transform = [Float](repeating: 0, count: c * c), offset = [Float](repeating: 0, count: c)
    for (style, weight) in styles {
        let colouring = style.matrixPower(0.5)
        // T = Σ_s w_s C_s W; the constant term Σ_s w_s (m_s − C_s W m_c) folds the centring in.
        var product = [Double](repeating: 0, count: c * c)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(c), Int32(c), Int32(c), 1, colouring, Int32(c),
                    whitening, Int32(c), 0, &product, Int32(c))
        for i in 0 ..< c {
            var shift = style.mean[i]
            for j in 0 ..< c { shift -= product[i * c + j] * contentStatistics.mean[j] }
            for j in 0 ..< c { transform[i * c + j] += weight * Float(product[i * c + j]) }
            offset[i] += weight * Float(shift)
        }
    }
    var out = Tensor.unfilled(channels: c, height: content.height, width: content.width)  // the offsets fill it
    transform.withUnsafeBufferPointer { t in
        content.values.withUnsafeBufferPointer { f in
            out.values.withUnsafeMutableBufferPointer { o in
                guard let t = t.baseAddress, let f = f.baseAddress, let o = o.baseAddress else { return }
                let planes = SharedBuffer(o), offset = offset
                Parallel.forEach(c) { i in (planes.base + i * n).update(repeating: offset[i], count: n) }
                GEMM.multiply(m: c, n: n, k: c, alpha: 1, t, lda: c, f, ldb: n, beta: 1, o, ldc: n)
            }
        }
    }
    return out
}

/// Eigenvalues (ascending) and eigenvectors of a symmetric size × size matrix, by LAPACK's dsyevd.
func symmetricEigen(_ matrix: [Double], size n: Int) throws -> (values: [Double], vectors: [[Double]]) {
    GEMM.prepare()
    var a = matrix, w = [Double](repeating: 0, count: n)
    var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
    var order = Int32(n), lda = Int32(n), info: Int32 = 0
    var lwork = Int32(1 + 6 * n + 2 * n * n), liwork = Int32(3 + 5 * n)
    var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
    dsyevd_(&jobz, &uplo, &order, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
    guard info == 0 else {
        throw ParameterError(name: "features", value: "a \(n)×\(n) covariance",
                             expected: "a matrix LAPACK's eigensolver converges on (dsyevd info \(info))")
    }
    // Column j of the column-major result is eigenvector j.
    return (w, (0 ..< n).map { j in Array(a[j * n ..< (j + 1) * n]) })
}
