/// What a filter or patch extractor reads outside the image. One enum for the whole toolkit.
public enum BoundaryMode: Equatable, Sendable, Codable {
    /// The nearest edge pixel: … a a | a b c d | d d …
    case clamp
    /// Mirrored about the edge pixel, which is not repeated: … c b | a b c d | c b …
    case reflect
    /// Periodic: … c d | a b c d | a b …
    case wrap
    /// A fixed value outside.
    case constant(Float)

    /// The in-image index read for position `i` on an axis of length `n`, or nil where `constant` applies.
    @inlinable public func index(_ i: Int, count n: Int) -> Int? {
        if i >= 0 && i < n { return i }
        switch self {
        case .clamp: return min(max(i, 0), n - 1)
        case .wrap: return ((i % n) + n) % n
        case .constant: return nil
        case .reflect:
            guard n > 1 else { return 0 }
            let period = 2 * (n - 1)
            let j = ((i % period) + period) % period
            return j < n ? j : period - j
        }
    }

    /// The value read where `index` is nil.
    @inlinable public var outsideValue: Float {
        if case .constant(let v) = self { return v }
        return 0
    }
}

extension Image {
    /// The image enlarged by `right` columns and `bottom` rows, read through `boundary` (the one padding helper:
    /// quilting extends a target by its edge pixels, `.clamp`, and a periodic exemplar by itself, `.wrap`).
    public func padded(right: Int, bottom: Int, boundary: BoundaryMode) -> Image {
        let size = Size(width: width + max(0, right), height: height + max(0, bottom))
        if size == self.size { return self }
        var out = Image(width: size.width, height: size.height, channels: channels)
        let n = pixelCount, m = out.pixelCount
        for c in 0 ..< channels {
            for y in 0 ..< size.height {
                let sy = boundary.index(y, count: height)
                for x in 0 ..< size.width {
                    guard let sy, let sx = boundary.index(x, count: width) else {
                        out.samples[c * m + y * size.width + x] = boundary.outsideValue
                        continue
                    }
                    out.samples[c * m + y * size.width + x] = samples[c * n + sy * width + sx]
                }
            }
        }
        return out
    }
}
