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
