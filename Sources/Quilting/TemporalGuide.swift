import Imaging

/// A picture texture transfer should agree with, and where: in video, the previous output warped to this frame by
/// the flow, with `reliability` (one channel in [0, 1], the target's size) 0 where the flow is not to be trusted.
/// The algorithm knows nothing of flow; the Video module makes both images.
public struct TemporalGuide: Sendable {
    public var image: Image
    public var reliability: Image
    /// Weight of the agreement's mean squared error beside the block error (whose terms weigh 1 in all).
    public var weight: Float

    public init(image: Image, reliability: Image, weight: Float = 2) {
        self.image = image
        self.reliability = reliability
        self.weight = weight
    }

    /// The block is so reliable that its best agreement is taken instead of a random pick within the tolerance:
    /// the block the previous frame had here, carried along the flow.
    static let carryThreshold: Float = 0.98

    /// The agreement term of the block at (px, py) as template regions of `cell`-sized squares, each weighted by
    /// its mean reliability (the error map compares whole rectangles, not single pixels), and the block's mean
    /// reliability. `image` and `mask` are padded to the canvas.
    static func regions(image: Image, mask: Image, px: Int, py: Int, blockSize b: Int, weight: Float)
        -> (regions: [TemplateRegion], reliability: Float) {
        let cell = max(2, b / 4), samples = Float(b * b * image.channels)
        var regions: [TemplateRegion] = [], total: Float = 0
        for y in stride(from: 0, to: b, by: cell) {
            for x in stride(from: 0, to: b, by: cell) {
                let w = min(cell, b - x), h = min(cell, b - y)
                var sum: Float = 0
                for j in 0 ..< h { for i in 0 ..< w { sum += mask[px + x + i, py + y + j, 0] } }
                total += sum
                let mean = sum / Float(w * h)
                guard mean > 0 else { continue }
                regions.append(TemplateRegion(x: x, y: y,
                                              pixels: image.cropped(x: px + x, y: py + y, width: w, height: h),
                                              weight: weight * mean / samples))
            }
        }
        return (regions, total / Float(b * b))
    }
}
