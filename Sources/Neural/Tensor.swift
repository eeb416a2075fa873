import Foundation
import Imaging

/// A feature map of one image (batch 1): channels × height × width, Float, planar (NCHW without the N).
public struct Tensor: Sendable, Equatable {
    public var channels: Int
    public var height: Int
    public var width: Int
    public var values: [Float]

    public init(channels: Int, height: Int, width: Int, values: [Float]? = nil) {
        self.channels = channels
        self.height = height
        self.width = width
        self.values = values ?? [Float](repeating: 0, count: channels * height * width)
        precondition(self.values.count == channels * height * width, "Tensor(\(channels)×\(height)×\(width)) needs that many values")
    }

    /// A tensor whose values are not set, for an operation that writes every one of them (a convolution's output):
    /// zeroing tens of megabytes only to overwrite them cost more than some of the arithmetic.
    static func unfilled(channels: Int, height: Int, width: Int) -> Tensor {
        let n = channels * height * width
        return Tensor(channels: channels, height: height, width: width,
                      values: [Float](unsafeUninitializedCapacity: n) { _, count in count = n })
    }

    public var count: Int { values.count }
    public var plane: Int { height * width }

    /// Gives the tensor a new shape, reusing its storage: once a buffer has held the largest shape of a loop, no
    /// later reshape allocates. The values are unspecified afterwards.
    mutating func reshape(channels c: Int, height h: Int, width w: Int) {
        let n = c * h * w
        if values.count > n { values.removeLast(values.count - n) }
        else if values.count < n {
            // Growing past the capacity would copy the old values, which nobody wants: start afresh instead.
            if values.capacity < n { values = []; values = Tensor.zeros(n) }
            else { values.append(contentsOf: Tensor.zeros(n - values.count)) }
        }
        (channels, height, width) = (c, h, w)
    }

    /// The same for a tensor whose every element the caller is about to write: storage that must grow starts
    /// uninitialised (zero-filling a 64 MB activation that a convolution then writes over took 1 % of a WCT run).
    mutating func reshapeForOverwrite(channels c: Int, height h: Int, width w: Int) {
        let n = c * h * w
        if values.capacity < n {
            values = []
            values = [Float](unsafeUninitializedCapacity: n) { _, count in count = n }
        }
        reshape(channels: c, height: h, width: w)
    }

    /// n zeros as a contiguous array, which `append(contentsOf:)` copies as one block even in a debug build
    /// (an element-wise `repeatElement` costs a quarter of a debug test's time).
    private static func zeros(_ n: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: n) { buffer, count in
            if let base = buffer.baseAddress { _ = memset(base, 0, n * MemoryLayout<Float>.stride) }
            count = n
        }
    }

    mutating func zero() { values.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }

    /// Becomes a copy of `other` in its own storage (reshaped, so a reused buffer allocates nothing).
    mutating func assign(_ other: Tensor) {
        reshape(channels: other.channels, height: other.height, width: other.width)
        values.withUnsafeMutableBufferPointer { y in other.values.withUnsafeBufferPointer { y.baseAddress!.update(from: $0.baseAddress!, count: $0.count) } }
    }

    /// self += other, elementwise (same shape): how gradients reaching one tensor from several places sum.
    mutating func add(_ other: Tensor) {
        values.withUnsafeMutableBufferPointer { y in other.values.withUnsafeBufferPointer { x in for i in y.indices { y[i] += x[i] } } }
    }
}

extension Tensor {
    /// The network input for `image` (RGB, values 0–1) under a normalisation.
    public init(networkInput image: Image, normalisation: InputNormalisation) {
        self = Tensor(rgb: image).networkInput(normalisation)
    }

    /// The image for a network input (inverse of `init(networkInput:)`), clamped to 0–1.
    public func image(normalisation: InputNormalisation) -> Image {
        var out = Image(width: width, height: height, channels: 3)
        let n = plane
        let (mean, std, scale) = (normalisation.mean, normalisation.std, normalisation.scale)
        for c in 0 ..< 3 {
            let target = normalisation.rgbChannel(c) * n
            for i in 0 ..< n { out.samples[target + i] = (values[c * n + i] * std[c] + mean[c]) / scale }
        }
        return out.clamped()
    }
}
