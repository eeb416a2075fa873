/// Colour spaces and luminance.
///
/// Image Analogies matches on luminance: it converts RGB to YIQ, synthesises Y, and copies I and Q from B
/// (Hertzmann et al. 2001, §3.4). YIQ here is the NTSC 1953 definition.
public enum ColourSpace {
    /// RGB → YIQ rows (NTSC).
    public static let rgbToYIQ: [[Double]] = [
        [0.299, 0.587, 0.114],
        [0.595716, -0.274453, -0.321263],
        [0.211456, -0.522591, 0.311135],
    ]
    /// YIQ → RGB, the exact inverse of `rgbToYIQ` (computed, so the round trip is exact to Float rounding).
    public static let yiqToRGB: [[Double]] = inverse3x3(rgbToYIQ)

    static func inverse3x3(_ m: [[Double]]) -> [[Double]] {
        let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        var inverse = [[Double]](repeating: [0, 0, 0], count: 3)
        for r in 0 ..< 3 {
            for c in 0 ..< 3 {
                // Cofactor of (c, r), i.e. the adjugate's (r, c) entry.
                let rows = [0, 1, 2].filter { $0 != c }, cols = [0, 1, 2].filter { $0 != r }
                let minor = m[rows[0]][cols[0]] * m[rows[1]][cols[1]] - m[rows[0]][cols[1]] * m[rows[1]][cols[0]]
                inverse[r][c] = ((r + c) % 2 == 0 ? 1 : -1) * minor / det
            }
        }
        return inverse
    }
}

extension Image {
    /// Applies a 3 × 3 matrix to the three channels of every pixel.
    func transformingColour(by matrix: [[Double]]) -> Image {
        precondition(channels == 3, "a colour transform needs 3 channels, got \(channels)")
        let m = matrix.map { $0.map(Float.init) }
        var result = self
        let n = pixelCount
        samples.withUnsafeBufferPointer { input in
            result.samples.withUnsafeMutableBufferPointer { output in
                for i in 0 ..< n {
                    let a = input[i], b = input[n + i], c = input[2 * n + i]
                    for row in 0 ..< 3 { output[row * n + i] = m[row][0] * a + m[row][1] * b + m[row][2] * c }
                }
            }
        }
        return result
    }

    /// RGB → YIQ (Y in [0, 1], I and Q signed). A grey image is returned as it is: its only channel is Y.
    public func yiq() -> Image { channels == 1 ? self : transformingColour(by: ColourSpace.rgbToYIQ) }

    /// YIQ → RGB.
    public func rgbFromYIQ() -> Image { transformingColour(by: ColourSpace.yiqToRGB) }

    /// Luminance Y = 0.299 R + 0.587 G + 0.114 B as a one-channel image (a grey image is its own luminance).
    public func luminance() -> Image { channels == 1 ? opaque : yiq().channel(0) }

    /// Grey as RGB, by repeating the channel; an RGB image is returned as it is.
    public func rgb() -> Image {
        guard channels == 1 else { return self }
        var result = Image.stacking([self, self, self])
        result.alpha = alpha
        return result
    }
}
