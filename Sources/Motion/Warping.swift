import Imaging

/// How a warp reads the image between pixel centres.
public enum FlowSampling: String, CaseIterable, Sendable {
    /// The four surrounding pixels, weighted by distance.
    case bilinear
    /// The pixel whose centre is nearest (ties round up).
    case nearest
}

/// Backward warping: out(x) = image(x + w(x)), reading `image` between pixels through `sampling`, with the edge
/// pixels repeated outside it (`BoundaryMode.clamp`).
///
/// With the module's convention — `flow` from frame A to frame B, image = frame B — the result is B seen on A's
/// grid, ≈ A where the flow is right and nothing is occluded. To bring the previous stylised frame to frame t,
/// warp it by the flow t → t − 1 (the backward flow). Alpha, when present, is warped like a colour channel.
/// A displacement that is not a finite number reads the pixel itself (as zero flow would).
///
/// - Precondition: `flow` has the image's size and consistent planes (a programming error otherwise).
/// - Complexity: O(width × height × channels).
public func warp(_ image: Image, by flow: FlowField, sampling: FlowSampling = .bilinear) -> Image {
    precondition(flow.size == image.size && flow.hasConsistentPlanes,
                 "warp: a \(image.size) image by a \(flow.size) flow (\(flow.u.count) u, \(flow.v.count) v values)")
    var result = image
    switch sampling {
    case .bilinear:
        result.samples = warpPlanes(image.samples, planes: image.channels, flow, sample: sampleBilinear)
        result.alpha = image.alpha.map { warpPlanes($0, planes: 1, flow, sample: sampleBilinear) }
    case .nearest:
        result.samples = warpPlanes(image.samples, planes: image.channels, flow, sample: sampleNearest)
        result.alpha = image.alpha.map { warpPlanes($0, planes: 1, flow, sample: sampleNearest) }
    }
    return result
}

/// A reader of one plane (width × height, row-major) at a real position already clamped into the image.
typealias PlaneSampler = (UnsafeBufferPointer<Float>, _ width: Int, _ height: Int, _ x: Float, _ y: Float) -> Float

/// Every plane of `planes` row-major planes read at x + w(x).
@inline(__always)
func warpPlanes(_ samples: [Float], planes: Int, _ flow: FlowField, sample: PlaneSampler) -> [Float] {
    let width = flow.width, height = flow.height, n = flow.pixelCount
    var out = [Float](repeating: 0, count: samples.count)
    samples.withUnsafeBufferPointer { input in
        out.withUnsafeMutableBufferPointer { output in
            for y in 0 ..< height {
                for x in 0 ..< width {
                    let i = y * width + x
                    let (px, py) = clampedPosition(Float(x), flow.u[i], Float(y), flow.v[i], width, height)
                    for c in 0 ..< planes {
                        // Sound: plane c is the n values from c × n, inside `input` (samples.count = planes × n).
                        let plane = UnsafeBufferPointer(rebasing: input[c * n ..< (c + 1) * n])
                        output[c * n + i] = sample(plane, width, height, px, py)
                    }
                }
            }
        }
    }
    return out
}

/// (x + u, y + v) clamped into [0, width − 1] × [0, height − 1]; a non-finite u or v counts as 0.
@inline(__always)
func clampedPosition(_ x: Float, _ u: Float, _ y: Float, _ v: Float, _ width: Int, _ height: Int)
    -> (Float, Float) {
    func clamp(_ p: Float, _ fallback: Float, _ upper: Int) -> Float {
        guard p.isFinite else { return fallback }
        return min(max(p, 0), Float(upper - 1))
    }
    return (clamp(x + u, x, width), clamp(y + v, y, height))
}

/// Bilinear interpolation at (x, y), which lies inside the image.
@inline(__always)
func sampleBilinear(_ plane: UnsafeBufferPointer<Float>, _ width: Int, _ height: Int, _ x: Float, _ y: Float)
    -> Float {
    // x, y ≥ 0, so truncation is the floor; the right and lower neighbours stay inside at the last pixel.
    let x0 = Int(x), y0 = Int(y)
    let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
    let fx = x - Float(x0), fy = y - Float(y0)
    let top = plane[y0 * width + x0] * (1 - fx) + plane[y0 * width + x1] * fx
    let bottom = plane[y1 * width + x0] * (1 - fx) + plane[y1 * width + x1] * fx
    return top * (1 - fy) + bottom * fy
}

/// The pixel nearest (x, y), which lies inside the image.
@inline(__always)
func sampleNearest(_ plane: UnsafeBufferPointer<Float>, _ width: Int, _ height: Int, _ x: Float, _ y: Float)
    -> Float {
    plane[min(Int(y + 0.5), height - 1) * width + min(Int(x + 0.5), width - 1)]
}
