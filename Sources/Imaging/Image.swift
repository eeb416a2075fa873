/// Axis convention for the whole toolkit: x grows to the right, y grows downward, (0, 0) is the top-left pixel.
public struct PixelCoordinate: Hashable, Codable, Sendable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) { self.x = x; self.y = y }
}

/// A width × height extent in pixels.
public struct Size: Hashable, Codable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) { self.width = width; self.height = height }
    public var pixelCount: Int { width * height }
    public var description: String { "\(width)x\(height)" }

    /// The longest side any output may have (so that width × height, and every buffer size derived from it, stays
    /// far from overflow); memory is the real limit, checked against `--max-memory`.
    public static let maximumSide = 1_000_000

    /// Whether both sides are 1 to `maximumSide`.
    public var isValidOutputSize: Bool {
        (1 ... Size.maximumSide).contains(width) && (1 ... Size.maximumSide).contains(height)
    }

    /// Parses `WxH` (as the CLI's `--size` and `--resize` take it); nil unless both are integers from 1 to
    /// `maximumSide`.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else { return nil }
        self.init(width: w, height: h)
        guard isValidOutputSize else { return nil }
    }
}

/// An image as planar `Float` channels with value semantics; values are nominally in [0, 1].
///
/// Sample (x, y) of channel c lives at `samples[c * width * height + y * width + x]`. Colour channels are grey
/// (1) or RGB (3) for images read from files; algorithms may hold any number (YIQ, features, label maps).
/// Alpha is kept apart from the colour channels so that no algorithm mistakes it for colour, and no writer drops it.
public struct Image: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    /// Planar samples, channel after channel, each in row-major order.
    public var samples: [Float]
    /// Opacity per pixel (row-major), nil for an opaque image.
    public var alpha: [Float]?

    /// An image filled with one value. Sizes must be non-negative; an empty image has a zero width or height.
    public init(width: Int, height: Int, channels: Int, value: Float = 0) {
        precondition(width >= 0 && height >= 0 && channels > 0, "Image(\(width)x\(height), \(channels) channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = Array(repeating: value, count: width * height * channels)
    }

    /// An image over existing planar samples (`width * height * channels` of them).
    public init(width: Int, height: Int, channels: Int, samples: [Float], alpha: [Float]? = nil) {
        precondition(samples.count == width * height * channels,
                     "Image(\(width)x\(height)x\(channels)) needs \(width * height * channels) samples, got \(samples.count)")
        precondition(alpha == nil || alpha?.count == width * height, "alpha needs one value per pixel")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
        self.alpha = alpha
    }

    public var size: Size { Size(width: width, height: height) }
    public var pixelCount: Int { width * height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// Sample of channel `c` at (x, y); no bounds beyond the array's own check.
    @inlinable public subscript(x: Int, y: Int, c: Int) -> Float {
        get { samples[c * width * height + y * width + x] }
        set { samples[c * width * height + y * width + x] = newValue }
    }

    /// Channel `c` as a one-channel image (alpha is not carried).
    public func channel(_ c: Int) -> Image {
        precondition(c >= 0 && c < channels, "channel \(c) of an image with \(channels)")
        let n = pixelCount
        return Image(width: width, height: height, channels: 1, samples: Array(samples[c * n ..< (c + 1) * n]))
    }

    /// Stacks one-channel (or more) images of one size into one image, channels in order.
    public static func stacking(_ parts: [Image]) -> Image {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.size == parts[0].size }, "stacking images of one size")
        return Image(width: parts[0].width, height: parts[0].height, channels: parts.reduce(0) { $0 + $1.channels },
                     samples: parts.flatMap(\.samples))
    }

    /// The same pixels without alpha.
    public var opaque: Image { var copy = self; copy.alpha = nil; return copy }

    /// Composites over a constant background and drops alpha (what writing a JPEG of a transparent image needs).
    public func flattened(over background: Float = 1) -> Image {
        guard let alpha else { return self }
        var result = opaque
        let n = pixelCount
        result.samples.withUnsafeMutableBufferPointer { out in
            for c in 0 ..< channels {
                for i in 0 ..< n { out[c * n + i] = out[c * n + i] * alpha[i] + background * (1 - alpha[i]) }
            }
        }
        return result
    }

    /// Applies `transform` to every colour plane and to alpha, as one-channel images; they must keep one size.
    public func mapPlanes(_ transform: (Image) -> Image) -> Image {
        let planes = (0 ..< channels).map { transform(channel($0)) }
        var result = Image.stacking(planes)
        if let alpha {
            result.alpha = transform(Image(width: width, height: height, channels: 1, samples: alpha)).samples
        }
        return result
    }

    /// Values clamped to [0, 1].
    public func clamped() -> Image {
        var result = self
        for i in result.samples.indices { result.samples[i] = min(max(result.samples[i], 0), 1) }
        return result
    }
}
