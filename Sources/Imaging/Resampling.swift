import StyleLabSupport
/// Interpolation kernels for resizing.
public enum ResamplingMethod: String, Codable, Sendable, CaseIterable {
    /// The source pixel whose area holds the target pixel's centre.
    case nearest
    /// Linear in x and y (2 × 2 taps).
    case bilinear
    /// Keys' cubic convolution with a = −0.5 (4 × 4 taps), the common "bicubic".
    case bicubic
    /// The mean over the source area each target pixel covers: the right choice for shrinking.
    case area
    /// Bilinear with its tent widened by the shrink factor and clipped at the edges (PIL's BILINEAR filter, which
    /// neural-style's loaders use): every source pixel counts when shrinking, softer than `area`.
    case triangle
}

extension Image {
    /// Resizes to `size`. Pixel centres are aligned (source x = (x + ½)·s − ½ with s = in / out), edges clamp.
    public func resized(to size: Size, method: ResamplingMethod = .bicubic) -> Image {
        precondition(size.width > 0 && size.height > 0, "resize to \(size)")
        if size == self.size { return self }
        return filtered(horizontal: Image.resamplingTaps(from: width, to: size.width, method: method),
                        vertical: Image.resamplingTaps(from: height, to: size.height, method: method))
    }

    static func resamplingTaps(from n: Int, to m: Int, method: ResamplingMethod) -> AxisTaps {
        let scale = Double(n) / Double(m)
        func centre(_ o: Int) -> Double { (Double(o) + 0.5) * scale - 0.5 }
        switch method {
        case .nearest:
            return AxisTaps(outputCount: m, inputCount: n, tapsPerOutput: 1, boundary: .clamp) { o in
                [(Int(((Double(o) + 0.5) * scale).rounded(.down)), Float(1))]
            }
        case .bilinear:
            return AxisTaps(outputCount: m, inputCount: n, tapsPerOutput: 2, boundary: .clamp) { o in
                let x = centre(o), left = Int(x.rounded(.down)), f = Float(x - Double(left))
                return [(left, 1 - f), (left + 1, f)]
            }
        case .bicubic:
            return AxisTaps(outputCount: m, inputCount: n, tapsPerOutput: 4, boundary: .clamp) { o in
                let x = centre(o), left = Int(x.rounded(.down)), f = x - Double(left)
                return (-1 ... 2).map { (left + $0, Float(keysCubic(Double($0) - f))) }
            }
        case .area:
            let span = Int(scale.rounded(.up)) + 2
            return AxisTaps(outputCount: m, inputCount: n, tapsPerOutput: span, boundary: .clamp) { o in
                let start = Double(o) * scale, end = start + scale
                var taps: [(position: Int, weight: Float)] = []
                var i = Int(start.rounded(.down))
                while Double(i) < end && taps.count < span {
                    let overlap = min(end, Double(i + 1)) - max(start, Double(i))
                    if overlap > 0 { taps.append((i, Float(overlap / scale))) }
                    i += 1
                }
                return taps
            }
        case .triangle:
            let support = max(scale, 1), span = 2 * Int(support.rounded(.up)) + 2
            return AxisTaps(outputCount: m, inputCount: n, tapsPerOutput: span, boundary: .clamp) { o in
                // Source pixel i covers [i, i + 1); the tent is centred on the target pixel's centre in source units.
                let c = (Double(o) + 0.5) * scale
                let first = max(0, Int((c - support).rounded(.down))), last = min(n - 1, Int((c + support).rounded(.up)))
                var taps = (first ... max(first, last)).map { i in (position: i, weight: Float(max(0, 1 - abs(Double(i) + 0.5 - c) / support))) }
                taps = taps.filter { $0.weight > 0 }
                let total = taps.reduce(0) { $0 + $1.weight }
                return taps.map { ($0.position, $0.weight / total) }
            }
        }
    }

    /// Keys (1981) cubic convolution kernel with a = −0.5.
    static func keysCubic(_ t: Double) -> Double {
        let a = -0.5, x = abs(t)
        if x < 1 { return (a + 2) * x * x * x - (a + 3) * x * x + 1 }
        if x < 2 { return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a }
        return 0
    }

    /// The size that fits within `longestSide` keeping the aspect ratio (each side at least 1).
    public func sizeFitting(longestSide: Int) -> Size { size.fitting(longestSide: longestSide) }

    /// Bytes a resize to `size` allocates: the intermediate and output planes and the 8-bit copy for writing.
    /// Int.max when that overflows.
    public func memoryToResize(to size: Size) -> Int {
        let planes = channels + (alpha == nil ? 0 : 1)
        let intermediate = Checked.product([size.width, height, planes, 4]) ?? Int.max
        let output = Checked.product([size.width, size.height, planes, 4 + 1]) ?? Int.max
        return Checked.sum([intermediate, output]) ?? Int.max
    }
}

extension Size {
    /// This size scaled so that its longest side is `longestSide`, keeping the aspect ratio (at least 1 pixel
    /// each way; sides are capped at 2^40 so that no flag can make the conversion to Int trap).
    public func fitting(longestSide: Int) -> Size {
        let scale = Double(longestSide) / Double(max(width, height, 1))
        func side(_ s: Int) -> Int { max(1, Int(min(Double(s) * scale, 0x1p40))) }
        return Size(width: side(width), height: side(height))
    }
}
