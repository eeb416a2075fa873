import CKernels
import Imaging

/// The input and output transforms of Winograd F(2 × 2, 3 × 3). Tile (i, j) covers outputs (2i … 2i + 1, 2j …
/// 2j + 1) and reads inputs (2i − 1 … 2i + 2, 2j − 1 … 2j + 2), zero outside the image (the padding).
///
/// Both are separable, so each is done a whole row of tiles at a time: first along y, combining four input rows
/// (or four rows of products) into four (or two) rows, then along x within them. Every step is an element-wise
/// loop over contiguous rows, in `CKernels` (vectorised for the CPU's widest vectors; the formulas are there).
enum WinogradTransforms {
    /// V[ξ][c][t] = (Bᵀ d_{c,t} B)_ξ for the tiles of `tileRows`, t = (i − first row) · tiles across + j, with
    /// Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
    static func input(_ x: Tensor, tileRows: Range<Int>, into v: inout [Float]) {
        let h = x.height, w = x.width, hw = h * w, across = (w + 1) / 2, t = tileRows.count * across
        let padded = 2 * across + 2, channels = x.channels  // x = −1 … 2·across: every column a tile reads
        x.values.withUnsafeBufferPointer { src in
            v.withUnsafeMutableBufferPointer { dst in
                // Sound: channel c writes only V[·][c][·]; x is read-only.
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(channels) { c in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: 8 * padded) { scratch in
                        guard let rows = scratch.baseAddress else { return }
                        let combined = rows + 4 * padded
                        for (r, i) in tileRows.enumerated() {
                            // The four input rows 2i − 1 … 2i + 2, shifted by one column and zero-padded.
                            for dy in 0 ..< 4 {
                                let row = rows + dy * padded, yy = 2 * i - 1 + dy
                                row.update(repeating: 0, count: padded)
                                if yy >= 0 && yy < h { (row + 1).update(from: src.base + c * hw + yy * w, count: w) }
                            }
                            // Along y: Bᵀ's four row combinations.
                            sl_winograd_input_rows(rows, rows + padded, rows + 2 * padded, rows + 3 * padded, padded,
                                                   combined, combined + padded, combined + 2 * padded, combined + 3 * padded)
                            // Along x, for every tile j (columns 2j … 2j + 3 of the padded rows): ξ = 4q + column.
                            for q in 0 ..< 4 {
                                let out0 = dst.base + ((4 * q) * channels + c) * t + r * across, step = channels * t
                                sl_winograd_input_columns(combined + q * padded, across, out0, out0 + step,
                                                          out0 + 2 * step, out0 + 3 * step)
                            }
                        }
                    }
                }
            }
        }
    }

    /// y[k][2i + a][2j + b] = (Aᵀ m_{k,t} A)_{a,b} + bias[k] for the tiles of `tileRows` (outputs past the edge
    /// dropped), with Aᵀ = [1 1 1 0; 0 1 −1 −1].
    static func output(_ m: [Float], channels k: Int, tileRows: Range<Int>, bias: [Float]?, into y: inout Tensor) {
        let h = y.height, w = y.width, hw = h * w, across = (w + 1) / 2, t = tileRows.count * across
        m.withUnsafeBufferPointer { src in
            y.values.withUnsafeMutableBufferPointer { dst in
                // Sound: output channel o writes only its own plane of y; M is read-only.
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(k) { o in
                    let plane = dst.base + o * hw, b = bias?[o] ?? 0
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: 8 * across) { scratch in
                        guard let s = scratch.baseAddress else { return }  // s[4a + p][j]: Aᵀ m along y
                        for (r, i) in tileRows.enumerated() {
                            // Along y, for each column p of the products: rows m0 + m1 + m2 and m1 − m2 − m3.
                            for p in 0 ..< 4 {
                                func products(_ q: Int) -> UnsafePointer<Float> {
                                    src.base + ((4 * q + p) * k + o) * t + r * across
                                }
                                sl_winograd_output_rows(products(0), products(1), products(2), products(3), across,
                                                        s + p * across, s + (4 + p) * across)
                            }
                            // Along x: outputs 2j and 2j + 1 of rows 2i and 2i + 1.
                            for a in 0 ..< 2 where 2 * i + a < h {
                                let s0 = s + 4 * a * across
                                sl_winograd_output_columns(s0, s0 + across, s0 + 2 * across, s0 + 3 * across, w, b,
                                                           plane + (2 * i + a) * w)
                            }
                        }
                    }
                }
            }
        }
    }
}
