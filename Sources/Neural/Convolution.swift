import CBLAS
import Imaging
import StyleLabSupport

/// k × k convolution (k odd), stride 1, zero padding k / 2 ("same" size; VGG's are all 3 × 3), by im2col and one
/// GEMM each way, in bands of output rows so that the column buffer stays small (a 512² conv1_2 would otherwise
/// need 600 MB of columns).
///
/// Forward: columns = im2col(x), (C·k²) × (rows·W); y = W · columns + b, with W the O × (C·k²) weight matrix.
/// Backward with respect to the input (the weights are frozen): ∂columns = Wᵀ · ∂y, then col2im adds each column
/// entry back to the input pixel it was copied from.
struct Convolution {
    let weights: ConvolutionWeights
    /// Column-buffer budget in floats per band (8 MB).
    static let bandBudget = 2 << 20

    var taps: Int { weights.kernel * weights.kernel }

    func bandRows(channels: Int, width: Int, height: Int) -> Int {
        max(1, min(height, Convolution.bandBudget / max(channels * taps * width, 1)))
    }

    func forward(_ x: Tensor, columns: inout [Float]) -> Tensor {
        var y = Tensor(channels: weights.outputs, height: x.height, width: x.width)
        forward(x, into: &y, columns: &columns)
        return y
    }

    /// y ← conv(x), into y's storage (reshaped).
    func forward(_ x: Tensor, into y: inout Tensor, columns: inout [Float]) {
        let hw = x.plane, k = x.channels * taps, w = x.width
        y.reshape(channels: weights.outputs, height: x.height, width: x.width)
        y.values.withUnsafeMutableBufferPointer { out in
            for o in 0 ..< weights.outputs { (out.baseAddress! + o * hw).update(repeating: weights.bias[o], count: hw) }
        }
        let band = bandRows(channels: x.channels, width: w, height: x.height)
        for y0 in stride(from: 0, to: x.height, by: band) {
            let rows = min(band, x.height - y0), n = rows * w
            im2col(x, rows: y0 ..< y0 + rows, into: &columns)
            weights.weights.withUnsafeBufferPointer { a in
                columns.withUnsafeBufferPointer { b in
                    y.values.withUnsafeMutableBufferPointer { out in
                        GEMM.multiply(m: weights.outputs, n: n, k: k, alpha: 1, a.baseAddress!, lda: k, b.baseAddress!,
                                      ldb: n, beta: 1, out.baseAddress! + y0 * w, ldc: hw)
                    }
                }
            }
        }
    }

    func backward(_ gradient: Tensor, inputShape x: (channels: Int, height: Int, width: Int), columns: inout [Float]) -> Tensor {
        var dx = Tensor(channels: x.channels, height: x.height, width: x.width)
        backward(gradient, inputShape: x, into: &dx, columns: &columns)
        return dx
    }

    /// dx ← ∂/∂x of ⟨gradient, conv(x)⟩, into dx's storage (reshaped, zeroed first).
    func backward(_ gradient: Tensor, inputShape x: (channels: Int, height: Int, width: Int), into dx: inout Tensor,
                  columns: inout [Float]) {
        let hw = x.height * x.width, k = x.channels * taps, w = x.width
        dx.reshape(channels: x.channels, height: x.height, width: x.width)
        dx.zero()
        let band = bandRows(channels: x.channels, width: w, height: x.height)
        for y0 in stride(from: 0, to: x.height, by: band) {
            let rows = min(band, x.height - y0), n = rows * w
            if columns.count < k * n { columns = [Float](repeating: 0, count: k * n) }
            weights.weights.withUnsafeBufferPointer { a in
                gradient.values.withUnsafeBufferPointer { g in
                    columns.withUnsafeMutableBufferPointer { out in
                        GEMM.multiply(transposingA: true, m: k, n: n, k: weights.outputs, alpha: 1, a.baseAddress!,
                                      lda: k, g.baseAddress! + y0 * w, ldb: hw, beta: 0, out.baseAddress!, ldc: n)
                    }
                }
            }
            col2im(columns, rows: y0 ..< y0 + rows, into: &dx)
        }
    }

    /// columns[(c·k² + ky·k + kx), (r·W + x)] = x[c, y0 + r + ky − k/2, x + kx − k/2], zero outside the image.
    private func im2col(_ x: Tensor, rows band: Range<Int>, into columns: inout [Float]) {
        let h = x.height, w = x.width, hw = h * w, n = band.count * w
        if columns.count < x.channels * taps * n { columns = [Float](repeating: 0, count: x.channels * taps * n) }
        x.values.withUnsafeBufferPointer { src in
            columns.withUnsafeMutableBufferPointer { dst in
                // Sound: channel c writes only its own k² rows of `columns`.
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(x.channels) { c in
                    forEachShiftedRow(channel: c, band: band, height: h, width: w) { columnRow, r, sy, shift, first, last in
                        let out = dst.base + columnRow * n + r * w
                        guard let sy else { for xx in 0 ..< w { out[xx] = 0 }; return }
                        // The input row shifted by `shift`: zero where it reads past the edge, a copy elsewhere.
                        let input = src.base + c * hw + sy * w
                        for xx in 0 ..< first { out[xx] = 0 }
                        (out + first).update(from: input + first + shift, count: last - first)
                        for xx in last ..< w { out[xx] = 0 }
                    }
                }
            }
        }
    }

    /// The adjoint of im2col for one band: every column entry is added to the input pixel it came from.
    private func col2im(_ columns: [Float], rows band: Range<Int>, into dx: inout Tensor) {
        let h = dx.height, w = dx.width, hw = h * w, n = band.count * w
        columns.withUnsafeBufferPointer { src in
            dx.values.withUnsafeMutableBufferPointer { dst in
                // Sound: channel c adds only into its own plane of `dx`.
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(dx.channels) { c in
                    forEachShiftedRow(channel: c, band: band, height: h, width: w) { columnRow, r, sy, shift, first, last in
                        guard let sy else { return }
                        let out = dst.base + c * hw + sy * w, column = src.base + columnRow * n + r * w
                        for xx in first ..< last { out[xx + shift] += column[xx] }
                    }
                }
            }
        }
    }

    /// The geometry im2col and col2im share. For channel c, every tap (ky, kx) and every row r of the band: the
    /// column-matrix row of that tap, the input row sy = y0 + r + ky − k/2 it reads (nil above or below the image),
    /// the horizontal shift kx − k/2, and the output range [first, last) where x + shift stays inside the row.
    @inline(__always)
    private func forEachShiftedRow(channel c: Int, band: Range<Int>, height h: Int, width w: Int,
                                   _ body: (_ columnRow: Int, _ r: Int, _ sy: Int?, _ shift: Int, _ first: Int, _ last: Int) -> Void) {
        let size = weights.kernel, half = size / 2
        for ky in 0 ..< size {
            for kx in 0 ..< size {
                let shift = kx - half, first = min(w, max(0, -shift)), last = max(first, min(w, w - shift))
                for (r, yy) in band.enumerated() {
                    let sy = yy + ky - half
                    body(c * taps + ky * size + kx, r, sy >= 0 && sy < h ? sy : nil, shift, first, last)
                }
            }
        }
    }
}
