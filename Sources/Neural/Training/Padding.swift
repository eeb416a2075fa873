import StyleLabSupport

/// How a convolution sees past the edge of its input. Reflection (…, x2, x1 | x0, x1, x2, …, without repeating
/// the edge pixel, as PyTorch's `ReflectionPad2d`) keeps the borders of a generated image free of the dark frame
/// zero padding paints; the feed-forward networks and the WCT decoders use it throughout.
public enum Padding: String, Codable, Sendable {
    case zero, reflection

    /// The source index of padded position i (−p ≤ i < n + p) in a row of n, or nil for a zero.
    @inline(__always)
    func source(_ i: Int, _ n: Int) -> Int? {
        if i >= 0 && i < n { return i }
        if self == .zero || n == 1 { return self == .zero ? nil : 0 }
        var j = i
        // One reflection suffices while p < n; further ones fold a very small input back and forth.
        while j < 0 || j >= n { j = j < 0 ? -j : 2 * (n - 1) - j }
        return j
    }

    /// x with `p` pixels added on every side.
    func pad(_ x: Tensor, _ p: Int) -> Tensor {
        guard p > 0 else { return x }
        let h = x.height, w = x.width, ph = h + 2 * p, pw = w + 2 * p
        var y = Tensor(channels: x.channels, height: ph, width: pw)
        let rows = (0 ..< ph).map { source($0 - p, h) }, columns = (0 ..< pw).map { source($0 - p, w) }
        x.values.withUnsafeBufferPointer { src in
            y.values.withUnsafeMutableBufferPointer { dst in
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(x.channels) { c in
                    for (i, sy) in rows.enumerated() {
                        guard let sy else { continue }
                        for (j, sx) in columns.enumerated() {
                            if let sx { dst[(c * ph + i) * pw + j] = src[(c * h + sy) * w + sx] }
                        }
                    }
                }
            }
        }
        return y
    }

    /// The adjoint of `pad`: each padded pixel's gradient is added to the pixel it was copied from.
    func unpad(_ g: Tensor, _ p: Int, height h: Int, width w: Int) -> Tensor {
        guard p > 0 else { return g }
        let pw = g.width
        var dx = Tensor(channels: g.channels, height: h, width: w)
        let rows = (0 ..< g.height).map { source($0 - p, h) }, columns = (0 ..< pw).map { source($0 - p, w) }
        g.values.withUnsafeBufferPointer { src in
            dx.values.withUnsafeMutableBufferPointer { dst in
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(g.channels) { c in
                    for (i, sy) in rows.enumerated() {
                        guard let sy else { continue }
                        for (j, sx) in columns.enumerated() {
                            if let sx { dst[(c * h + sy) * w + sx] += src[(c * g.height + i) * pw + j] }
                        }
                    }
                }
            }
        }
        return dx
    }
}
