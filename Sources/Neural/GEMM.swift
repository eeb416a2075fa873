import CBLAS
import Imaging
import StyleLabSupport

/// The network's matrix products, with the same bits at any thread count.
///
/// OpenBLAS cuts one product among its threads in a way that depends on how many it has, so the same job given
/// one CPU or two wrote different pictures. Here OpenBLAS runs on one thread, and StyleLab cuts each product into
/// pieces of a fixed size, which the cores share: a piece's bits depend only on the piece, never on who ran it.
enum GEMM {
    /// Columns of C per piece.
    static let columnsPerPiece = 1024
    /// Inner length per piece of a long, narrow product (a Gram matrix); the pieces' products are added in order.
    static let depthPerPiece = 16384

    /// Set once, before the first product: OpenBLAS on the calling thread only.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// C = α op(A) op(B) + β C, all row-major: op(A) is m × k, op(B) is k × n, C is m × n with row stride ldc.
    static func multiply(transposingA: Bool = false, transposingB: Bool = false, m: Int, n: Int, k: Int, alpha: Float,
                         _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, beta: Float,
                         _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        let pieces = (n + columnsPerPiece - 1) / columnsPerPiece
        let a = SharedReadBuffer(a), b = SharedReadBuffer(b), c = SharedBuffer(c)
        Parallel.forEach(pieces) { piece in
            let j = piece * columnsPerPiece, width = min(columnsPerPiece, n - j)
            single(transposingA, transposingB, m: m, n: width, k: k, alpha: alpha, a.base, lda: lda,
                   b.base + (transposingB ? j * ldb : j), ldb: ldb, beta: beta, c.base + j, ldc: ldc)
        }
    }

    /// C += A Bᵀ for A m × k and B n × k (row-major, rows of length lda and ldb), with k long and m, n small: a
    /// convolution's weight gradient, whose inner length is the pixels.
    static func accumulateLongProduct(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int,
                                      _ b: UnsafePointer<Float>, ldb: Int, into c: UnsafeMutablePointer<Float>,
                                      ldc: Int) {
        longProduct(m: m, n: n, k: k, alpha: 1, a, lda: lda, b, ldb: ldb, piece: 2048, into: c, ldc: ldc,
                    accumulating: true)
    }

    /// G = α F Fᵀ for F of `rows` × `length` (row-major), G rows × rows.
    static func gram(_ f: UnsafePointer<Float>, rows: Int, length: Int, alpha: Float,
                     into g: UnsafeMutablePointer<Float>) {
        longProduct(m: rows, n: rows, k: length, alpha: alpha, f, lda: length, f, ldb: length, piece: depthPerPiece,
                    into: g, ldc: rows, accumulating: false)
    }

    /// C = α A Bᵀ (+ C when accumulating) with the inner length k cut into fixed pieces: each piece's product is
    /// made on its own, and the products are added in piece order, so the bits do not depend on who ran which.
    private static func longProduct(m: Int, n: Int, k: Int, alpha: Float, _ a: UnsafePointer<Float>, lda: Int,
                                    _ b: UnsafePointer<Float>, ldb: Int, piece: Int,
                                    into c: UnsafeMutablePointer<Float>, ldc: Int, accumulating: Bool) {
        let pieces = max(1, (k + piece - 1) / piece), size = m * n
        var partial = [Float](repeating: 0, count: pieces * size)
        let a = SharedReadBuffer(a), b = SharedReadBuffer(b)
        partial.withUnsafeMutableBufferPointer { out in
            let out = SharedBuffer(out.baseAddress!)
            Parallel.forEach(pieces) { p in
                let start = p * piece, depth = min(piece, k - start)
                single(false, true, m: m, n: n, k: depth, alpha: alpha, a.base + start, lda: lda, b.base + start,
                       ldb: ldb, beta: 0, out.base + p * size, ldc: n)
            }
        }
        for i in 0 ..< m {
            for j in 0 ..< n {
                var sum: Float = accumulating ? c[i * ldc + j] : 0
                for p in 0 ..< pieces { sum += partial[p * size + i * n + j] }
                c[i * ldc + j] = sum
            }
        }
    }

    /// OpenBLAS on one thread before any other of its routines (LAPACK's too) runs.
    static func prepare() { _ = singleThreaded }

    /// One OpenBLAS call on the calling thread.
    static func single(_ transposingA: Bool, _ transposingB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                       _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, beta: Float,
                       _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, transposingA ? CblasTrans : CblasNoTrans, transposingB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
