import CKernels
import Imaging
import StyleLabSupport

/// The input and output transforms of Winograd F(4 × 4, 3 × 3). Tile (i, j) covers outputs (4i … 4i + 3, 4j …
/// 4j + 3) and reads inputs (4i − 1 … 4i + 4, 4j − 1 … 4j + 4). Outside the image the one-pixel border is the
/// padding's (zero or reflected); inputs further out are zero, and only reach outputs past the edge, which are dropped.
///
/// Both are separable, so each is done a whole row of tiles at a time: first along y, combining six input rows
/// (or six rows of products) into six (or four) rows, then along x within them. Every step is an element-wise
/// loop over contiguous rows, in `CKernels` (vectorised for the CPU's widest vectors; Bᵀ and Aᵀ are there).
enum WinogradTransforms {
    /// V[ξ][c][t] = (Bᵀ d_{c,t} B)_ξ for the tiles of `tileRows`, ξ = 6q + p, t = (i − first row) · across + j.
    static func input(_ x: Tensor, tileRows: Range<Int>, padding: Padding, into v: inout [Float]) {
        let h = x.height, w = x.width, hw = h * w, across = (w + 3) / 4, t = tileRows.count * across
        let padded = 4 * across + 2, channels = x.channels  // x = −1 … 4·across: every column a tile reads
        x.values.withUnsafeBufferPointer { src in
            v.withUnsafeMutableBufferPointer { dst in
                // Sound: channel c writes only V[·][c][·]; x is read-only.
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(channels) { c in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: 12 * padded) { scratch in
                        guard let base = scratch.baseAddress else { return }
                        let combined = base + 6 * padded
                        for (r, i) in tileRows.enumerated() {
                            // The six input rows 4i − 1 … 4i + 4, shifted by one column and padded.
                            for dy in 0 ..< 6 {
                                let row = base + dy * padded, yy = 4 * i - 1 + dy
                                row.update(repeating: 0, count: padded)
                                guard yy <= h, let sy = padding.source(yy, h) else { continue }
                                let line = src.base + c * hw + sy * w
                                (row + 1).update(from: line, count: w)
                                if let left = padding.source(-1, w) { row[0] = line[left] }
                                if let right = padding.source(w, w) { row[w + 1] = line[right] }
                            }
                            // Along y: Bᵀ's six row combinations.
                            sl_winograd_input_rows(base, padded, padded, combined, padded)
                            // Along x, for every tile j (columns 4j … 4j + 5 of the padded rows): ξ = 6q + column.
                            for q in 0 ..< 6 {
                                let out = dst.base + ((6 * q) * channels + c) * t + r * across
                                sl_winograd_input_columns(combined + q * padded, across, out, channels * t)
                            }
                        }
                    }
                }
            }
        }
    }

    /// y[k][4i + a][4j + b] = (Aᵀ m_{k,t} A)_{a,b} + bias[k] for the tiles of `tileRows` (outputs past the edge
    /// dropped), through a ReLU as it is written when `rectify`.
    static func output(_ m: [Float], channels k: Int, tileRows: Range<Int>, bias: [Float]?, rectify: Bool,
                       into y: inout Tensor) {
        let h = y.height, w = y.width, hw = h * w, across = (w + 3) / 4, t = tileRows.count * across
        m.withUnsafeBufferPointer { src in
            y.values.withUnsafeMutableBufferPointer { dst in
                // Sound: output channel o writes only its own plane of y; M is read-only.
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(k) { o in
                    let plane = dst.base + o * hw, b = bias?[o] ?? 0
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: 24 * across) { scratch in
                        guard let base = scratch.baseAddress else { return }
                        // s[a][p]: Aᵀ m along y, row a of the outputs, product column p.
                        func s(_ a: Int, _ p: Int) -> UnsafeMutablePointer<Float> { base + (6 * a + p) * across }
                        for (r, i) in tileRows.enumerated() {
                            // Along y, for each column p of the products: four rows from six.
                            for p in 0 ..< 6 {
                                let products = src.base + (p * k + o) * t + r * across  // q = 0; q + 1 is 6kt on
                                sl_winograd_output_rows(products, 6 * k * t, across, s(0, p), 6 * across)
                            }
                            // Along x: outputs 4j … 4j + 3 of rows 4i … 4i + 3.
                            for a in 0 ..< 4 where 4 * i + a < h {
                                sl_winograd_output_columns(s(a, 0), across, w, b, rectify ? 1 : 0,
                                                           plane + (4 * i + a) * w)
                            }
                        }
                    }
                }
            }
        }
    }
}
