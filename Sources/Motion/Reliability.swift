import Imaging

/// Where a flow can be trusted: the forward–backward consistency check of Ruder, Dosovitskiy and Brox 2016
/// ("Artistic style transfer for videos", GCPR, §3.2), whose constants come from Sundaram, Brox and Keutzer 2010.
///
/// The mask lives on the frame where `forward` starts — call it frame t, with `forward` = w the flow t → s and
/// `backward` = ŵ the flow s → t. For every pixel x of frame t (the paper's words, its roles renamed):
///
/// - w̃(x) = ŵ(x + w(x)), the backward flow read bilinearly where x lands. Without disocclusion it is ≈ −w(x), so
///   x is *disoccluded* (seen in t, hidden in s) when |w̃ + w|² > 0.01 (|w|² + |w̃|²) + 0.5.
/// - x is on a *motion boundary* when |∇u|² + |∇v|² > 0.01 |w|² + 0.002, the gradients of w's own components
///   (central differences, edge pixels repeated).
/// - x whose w(x) leads outside frame s (past the edge pixels' outer sides) has nothing to come from.
///
/// Those pixels are 0 in the result, every other pixel 1 (no smoothing). Ruder et al. compute the weights
/// c^(i−1,i) on frame i, for the previous output warped to it, with the flow i → i − 1 as the flow that warps:
/// so for video pass `forward:` the flow t → t − 1 (the one given to `warp`) and `backward:` the flow t − 1 → t.
/// Non-finite displacements are unreliable. The 0.002 term also marks the middle of fast rotations and zooms,
/// where |∇w|² is large and |w| small (a rotation of over 1.8° a frame, within about 14 pixels of its centre),
/// as it does in the paper.
///
/// - Precondition: both flows have one size and consistent planes (a programming error otherwise).
/// - Returns: a one-channel image of frame t's size, 1 reliable and 0 not.
/// - Complexity: O(width × height).
public func flowReliability(forward: FlowField, backward: FlowField) -> Image {
    precondition(forward.size == backward.size && forward.hasConsistentPlanes && backward.hasConsistentPlanes,
                 "flowReliability: a \(forward.size) forward and a \(backward.size) backward flow")
    let width = forward.width, height = forward.height
    var c = Image(width: width, height: height, channels: 1)
    guard width > 0 && height > 0 else { return c }
    let gradient = squaredGradient(forward)
    backward.u.withUnsafeBufferPointer { uHat in
        backward.v.withUnsafeBufferPointer { vHat in
            for y in 0 ..< height {
                for x in 0 ..< width {
                    let i = y * width + x
                    let u = forward.u[i], v = forward.v[i]
                    let px = Float(x) + u, py = Float(y) + v
                    // Written as "consistent" tests, so that a NaN anywhere makes them false: unreliable. The image
                    // covers its pixels' whole squares, [−0.5, width − 0.5] × [−0.5, height − 0.5].
                    guard px >= -0.5 && px <= Float(width) - 0.5 && py >= -0.5 && py <= Float(height) - 0.5 else {
                        continue
                    }
                    let sx = min(max(px, 0), Float(width - 1)), sy = min(max(py, 0), Float(height - 1))
                    let uTilde = sampleBilinear(uHat, width, height, sx, sy)
                    let vTilde = sampleBilinear(vHat, width, height, sx, sy)
                    let wSquared = u * u + v * v, wTildeSquared = uTilde * uTilde + vTilde * vTilde
                    let sumU = uTilde + u, sumV = vTilde + v
                    let consistent = sumU * sumU + sumV * sumV <= 0.01 * (wSquared + wTildeSquared) + 0.5
                    let smooth = gradient[i] <= 0.01 * wSquared + 0.002
                    if consistent && smooth { c.samples[i] = 1 }
                }
            }
        }
    }
    return c
}

/// |∇u|² + |∇v|² at every pixel: central differences, (f(x+1) − f(x−1)) / 2, the edge pixel repeated outside.
func squaredGradient(_ w: FlowField) -> [Float] {
    let width = w.width, height = w.height
    var result = [Float](repeating: 0, count: w.pixelCount)
    for plane in [w.u, w.v] {
        for y in 0 ..< height {
            let up = max(y - 1, 0), down = min(y + 1, height - 1)
            for x in 0 ..< width {
                let left = max(x - 1, 0), right = min(x + 1, width - 1)
                let dx = (plane[y * width + right] - plane[y * width + left]) / 2
                let dy = (plane[down * width + x] - plane[up * width + x]) / 2
                result[y * width + x] += dx * dx + dy * dy
            }
        }
    }
    return result
}
