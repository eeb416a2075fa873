import CBLAS

/// The losses of Gatys et al., with neural-style's normalisations (so that weights and loss traces compare):
/// content = w · mean((F − F_c)²); style = w · mean((G − G_s)²) with G = F Fᵀ / (C·H·W); total variation =
/// w · Σ|x(i+1, j) − x(i, j)| + |x(i, j+1) − x(i, j)|. Each returns the loss and its gradient.
public enum Losses {
    /// Content loss at one layer and ∂loss/∂F.
    package static func content(_ f: Tensor, target: Tensor, weight: Float) -> (Double, Tensor) {
        var gradient = Tensor(channels: 1, height: 1, width: 1)
        return (content(f, target: target, weight: weight, gradient: &gradient), gradient)
    }

    /// Content loss, its gradient written into `gradient` (reshaped).
    static func content(_ f: Tensor, target: Tensor, weight: Float, gradient: inout Tensor) -> Double {
        gradient.reshape(channels: f.channels, height: f.height, width: f.width)
        var sum = 0.0
        let scale = 2 * weight / Float(f.count)
        gradient.values.withUnsafeMutableBufferPointer { g in
            f.values.withUnsafeBufferPointer { x in
                target.values.withUnsafeBufferPointer { t in
                    for i in g.indices { let d = x[i] - t[i]; sum += Double(d * d); g[i] = scale * d }
                }
            }
        }
        return Double(weight) * sum / Double(f.count)
    }

    /// G = F Fᵀ / (C·H·W), C × C, by one GEMM.
    public static func gram(_ f: Tensor) -> [Float] {
        var g: [Float] = []
        gram(f, into: &g)
        return g
    }

    static func gram(_ f: Tensor, into g: inout [Float]) {
        if g.count != f.channels * f.channels { g = [Float](repeating: 0, count: f.channels * f.channels) }
        f.values.withUnsafeBufferPointer { values in
            g.withUnsafeMutableBufferPointer { out in
                GEMM.gram(values.baseAddress!, rows: f.channels, length: f.plane, alpha: 1 / Float(f.count),
                          into: out.baseAddress!)
            }
        }
    }

    /// Style loss at one layer and ∂loss/∂F = w · 2/C² · 2 (G − G_s) F / (C·H·W) (G is symmetric).
    package static func style(_ f: Tensor, targetGram: [Float], weight: Float) -> (Double, Tensor) {
        var gradient = Tensor(channels: 1, height: 1, width: 1), difference: [Float] = []
        return (style(f, targetGram: targetGram, weight: weight, gradient: &gradient, scratch: &difference), gradient)
    }

    /// Style loss, its gradient written into `gradient`; `scratch` holds the Gram difference (both reused).
    static func style(_ f: Tensor, targetGram: [Float], weight: Float, gradient: inout Tensor, scratch difference: inout [Float]) -> Double {
        let c = f.channels
        gram(f, into: &difference)
        var sum = 0.0
        difference.withUnsafeMutableBufferPointer { d in
            targetGram.withUnsafeBufferPointer { t in for i in d.indices { d[i] -= t[i]; sum += Double(d[i] * d[i]) } }
        }
        gradient.reshape(channels: c, height: f.height, width: f.width)
        let scale = weight * 4 / (Float(c * c) * Float(f.count))
        difference.withUnsafeBufferPointer { d in
            f.values.withUnsafeBufferPointer { values in
                gradient.values.withUnsafeMutableBufferPointer { out in
                    GEMM.multiply(m: c, n: f.plane, k: c, alpha: scale, d.baseAddress!, lda: c, values.baseAddress!,
                                  ldb: f.plane, beta: 0, out.baseAddress!, ldc: f.plane)
                }
            }
        }
        return Double(weight) * sum / Double(c * c)
    }

    /// Total variation (L1, as neural-style) of the image being optimised and its subgradient.
    package static func totalVariation(_ x: Tensor, weight: Float) -> (Double, Tensor) {
        var gradient = Tensor(channels: 1, height: 1, width: 1)
        return (totalVariation(x, weight: weight, gradient: &gradient), gradient)
    }

    /// Total variation, its subgradient written into `gradient` (reshaped, zeroed first).
    static func totalVariation(_ x: Tensor, weight: Float, gradient: inout Tensor) -> Double {
        gradient.reshape(channels: x.channels, height: x.height, width: x.width)
        gradient.zero()
        var sum = 0.0
        for c in 0 ..< x.channels {
            for i in 0 ..< x.height {
                for j in 0 ..< x.width {
                    let p = c * x.plane + i * x.width + j
                    if i + 1 < x.height {
                        let d = x.values[p + x.width] - x.values[p]
                        sum += Double(abs(d))
                        let s: Float = d > 0 ? 1 : (d < 0 ? -1 : 0)
                        gradient.values[p + x.width] += weight * s
                        gradient.values[p] -= weight * s
                    }
                    if j + 1 < x.width {
                        let d = x.values[p + 1] - x.values[p]
                        sum += Double(abs(d))
                        let s: Float = d > 0 ? 1 : (d < 0 ? -1 : 0)
                        gradient.values[p + 1] += weight * s
                        gradient.values[p] -= weight * s
                    }
                }
            }
        }
        return Double(weight) * sum
    }
}
