/// For every output pixel, the exemplar pixel it came from: the nearest-neighbour field s(q) = p of patch-based
/// synthesis. Quilting and Image Analogies both produce one; teachers show it colour-coded.
public struct SourceMap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Exemplar x of each output pixel (row-major); −1 where nothing was written.
    public var x: [Int32]
    /// Exemplar y of each output pixel (row-major); −1 where nothing was written.
    public var y: [Int32]
    /// Size of the exemplar the coordinates refer to.
    public let exemplarSize: Size

    public init(width: Int, height: Int, exemplarSize: Size) {
        self.width = width
        self.height = height
        self.exemplarSize = exemplarSize
        x = [Int32](repeating: -1, count: width * height)
        y = [Int32](repeating: -1, count: width * height)
    }

    public subscript(px: Int, py: Int) -> PixelCoordinate {
        PixelCoordinate(x: Int(x[py * width + px]), y: Int(y[py * width + px]))
    }

    /// The classic picture: red = x / (W − 1), green = y / (H − 1), blue = 0; unwritten pixels are white. Smooth
    /// gradients are copied regions, colour jumps are seams between them.
    public func colourCoded() -> Image {
        var image = Image(width: width, height: height, channels: 3)
        let n = width * height
        let sx = 1 / Float(max(exemplarSize.width - 1, 1)), sy = 1 / Float(max(exemplarSize.height - 1, 1))
        for i in 0 ..< n {
            if x[i] < 0 {
                image.samples[i] = 1; image.samples[n + i] = 1; image.samples[2 * n + i] = 1
            } else {
                image.samples[i] = Float(x[i]) * sx
                image.samples[n + i] = Float(y[i]) * sy
            }
        }
        return image
    }

    /// The w × h window at (x0, y0).
    public func cropped(x x0: Int, y y0: Int, width w: Int, height h: Int) -> SourceMap {
        var out = SourceMap(width: w, height: h, exemplarSize: exemplarSize)
        for row in 0 ..< h {
            for col in 0 ..< w {
                out.x[row * w + col] = x[(y0 + row) * width + x0 + col]
                out.y[row * w + col] = y[(y0 + row) * width + x0 + col]
            }
        }
        return out
    }

    /// Fraction of exemplar pixels that some output pixel came from (a diversity measure).
    public var coverage: Double {
        var used = Set<Int>()
        for i in x.indices where x[i] >= 0 { used.insert(Int(y[i]) * exemplarSize.width + Int(x[i])) }
        return Double(used.count) / Double(max(exemplarSize.pixelCount, 1))
    }
}
