import Imaging

/// The input and output transforms of Winograd F(2 × 2, 3 × 3), written out: Bᵀ d B for every 4 × 4 input tile,
/// Aᵀ m A for every 4 × 4 product tile. Tile (i, j) covers outputs (2i … 2i + 1, 2j … 2j + 1) and reads inputs
/// (2i − 1 … 2i + 2, 2j − 1 … 2j + 2), zero outside the image (the convolution's padding).
enum WinogradTransforms {
    /// V[ξ][c][t] = (Bᵀ d_{c,t} B)_ξ for the tiles of `tileRows`, t = (i − first row) · tiles across + j.
    static func input(_ x: Tensor, tileRows: Range<Int>, into v: inout [Float]) {
        let h = x.height, w = x.width, hw = h * w, across = (w + 1) / 2, t = tileRows.count * across
        x.values.withUnsafeBufferPointer { src in
            v.withUnsafeMutableBufferPointer { dst in
                // Sound: channel c writes only V[·][c][·]; x is read-only.
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(x.channels) { c in
                    let plane = src.base + c * hw
                    var d = [Float](repeating: 0, count: 16), e = [Float](repeating: 0, count: 16)
                    for (r, i) in tileRows.enumerated() {
                        for j in 0 ..< across {
                            // The 4 × 4 tile, zero beyond the edges.
                            for dy in 0 ..< 4 {
                                let yy = 2 * i - 1 + dy
                                for dx in 0 ..< 4 {
                                    let xx = 2 * j - 1 + dx
                                    d[dy * 4 + dx] = yy >= 0 && yy < h && xx >= 0 && xx < w ? plane[yy * w + xx] : 0
                                }
                            }
                            // Bᵀ d (rows), then (Bᵀ d) B (columns); Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
                            for col in 0 ..< 4 {
                                let d0 = d[col], d1 = d[4 + col], d2 = d[8 + col], d3 = d[12 + col]
                                e[col] = d0 - d2; e[4 + col] = d1 + d2; e[8 + col] = d2 - d1; e[12 + col] = d1 - d3
                            }
                            let tile = r * across + j
                            for row in 0 ..< 4 {
                                let e0 = e[row * 4], e1 = e[row * 4 + 1], e2 = e[row * 4 + 2], e3 = e[row * 4 + 3]
                                let base = (row * 4 * x.channels + c) * t + tile, step = x.channels * t
                                dst[base] = e0 - e2
                                dst[base + step] = e1 + e2
                                dst[base + 2 * step] = e2 - e1
                                dst[base + 3 * step] = e1 - e3
                            }
                        }
                    }
                }
            }
        }
    }

    /// y[k][2i + a][2j + b] = (Aᵀ m_{k,t} A)_{a,b} + bias[k] for the tiles of `tileRows` (outputs past the edge
    /// dropped); Aᵀ = [1 1 1 0; 0 1 −1 −1].
    static func output(_ m: [Float], channels k: Int, tileRows: Range<Int>, bias: [Float]?, into y: inout Tensor) {
        let h = y.height, w = y.width, hw = h * w, across = (w + 1) / 2, t = tileRows.count * across
        m.withUnsafeBufferPointer { src in
            y.values.withUnsafeMutableBufferPointer { dst in
                // Sound: output channel o writes only its own plane of y; M is read-only.
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(k) { o in
                    let plane = dst.base + o * hw, b = bias?[o] ?? 0
                    var s = [Float](repeating: 0, count: 8)
                    for (r, i) in tileRows.enumerated() {
                        for j in 0 ..< across {
                            let tile = r * across + j
                            func at(_ xi: Int) -> Float { src[(xi * k + o) * t + tile] }
                            // Aᵀ m (2 × 4), then (Aᵀ m) A (2 × 2).
                            for col in 0 ..< 4 {
                                let m0 = at(col), m1 = at(4 + col), m2 = at(8 + col), m3 = at(12 + col)
                                s[col] = m0 + m1 + m2
                                s[4 + col] = m1 - m2 - m3
                            }
                            for a in 0 ..< 2 {
                                let yy = 2 * i + a
                                guard yy < h else { continue }
                                let s0 = s[a * 4], s1 = s[a * 4 + 1], s2 = s[a * 4 + 2], s3 = s[a * 4 + 3]
                                plane[yy * w + 2 * j] = s0 + s1 + s2 + b
                                if 2 * j + 1 < w { plane[yy * w + 2 * j + 1] = s1 - s2 - s3 + b }
                            }
                        }
                    }
                }
            }
        }
    }
}
