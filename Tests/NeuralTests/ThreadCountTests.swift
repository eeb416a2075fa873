import Testing
import Imaging
@testable import Neural

/// The sums and products whose bits OpenBLAS let depend on its thread count.
@Suite struct ThreadCountTests {
    /// A vector several chunks long with a ragged tail, values of mixed sign and size.
    let a: [Float] = (0 ..< 3 * VectorSums.chunk + 1234).map { Float(($0 * 7919) % 1000) / 333 - 1.4 }
    let b: [Float] = (0 ..< 3 * VectorSums.chunk + 1234).map { Float(($0 * 104_729) % 997) / 250 - 2 }

    @Test func dotAndMagnitudeSumsHaveTheSameBitsAtAnyThreadCount() {
        let dots = [1, 2, 3, 8].map { VectorSums.dot(a, b, count: a.count, threads: $0) }
        let magnitudes = [1, 2, 3, 8].map { VectorSums.sumOfMagnitudes(a, count: a.count, threads: $0) }
        #expect(Set(dots.map(\.bitPattern)).count == 1, "\(dots)")
        #expect(Set(magnitudes.map(\.bitPattern)).count == 1, "\(magnitudes)")
        let exact = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(Double(dots[0]) - exact) <= 1e-5 * abs(exact) + 1e-3, "dot \(dots[0]), exact \(exact)")
        let exactMagnitude = a.reduce(0.0) { $0 + Double(abs($1)) }
        #expect(abs(Double(magnitudes[0]) - exactMagnitude) <= 1e-5 * exactMagnitude)
    }

    @Test func gramInFixedSlicesMatchesTheDefinition() {
        let rows = 5, length = GEMM.depthPerPiece + 300
        let f = (0 ..< rows * length).map { Float(($0 * 31) % 17) / 17 - 0.5 }
        var g = [Float](repeating: 0, count: rows * rows)
        f.withUnsafeBufferPointer { f in
            g.withUnsafeMutableBufferPointer { GEMM.gram(f.baseAddress!, rows: rows, length: length, alpha: 0.5,
                                                         into: $0.baseAddress!) }
        }
        for i in 0 ..< rows {
            for j in 0 ..< rows {
                let exact = 0.5 * (0 ..< length).reduce(0.0) { $0 + Double(f[i * length + $1]) * Double(f[j * length + $1]) }
                #expect(abs(Double(g[i * rows + j]) - exact) <= 1e-4 * max(abs(exact), 1), "G[\(i), \(j)]")
            }
        }
    }
}
