import Foundation
import Imaging

/// A flow as colours, the Middlebury coding (Baker et al. 2011, "A Database and Evaluation Methodology for
/// Optical Flow", IJCV, Fig. 4 and their `flowToColor`/`colorcode.cpp`): direction is hue on a 55-colour
/// wheel, magnitude is saturation, from white at zero motion to the full colour at `maxMagnitude`.
///
/// (1, 0) — motion to the right — is red; (−1, 0) cyan-blue; down and up, image coordinates, orange-yellow and
/// violet-blue. Flow beyond `maxMagnitude` keeps its hue at 75 % brightness. Unknown flow — not finite, or a
/// component over 1e9 as the Middlebury files mark it — is black.
///
/// - Parameter maxMagnitude: the magnitude drawn fully saturated; by default (nil, or a value that is not a
///   positive finite number) the largest known magnitude in the flow, as Middlebury's tools do.
/// - Returns: an RGB image of the flow's size.
public func flowColourImage(_ flow: FlowField, maxMagnitude: Float? = nil) -> Image {
    precondition(flow.hasConsistentPlanes, "flowColourImage: a \(flow.size) flow with inconsistent planes")
    let n = flow.pixelCount
    func isKnown(_ u: Float, _ v: Float) -> Bool {
        u.isFinite && v.isFinite && abs(u) <= unknownFlowThreshold && abs(v) <= unknownFlowThreshold
    }
    var largest: Float = 0
    for i in 0 ..< n where isKnown(flow.u[i], flow.v[i]) {
        largest = max(largest, (flow.u[i] * flow.u[i] + flow.v[i] * flow.v[i]).squareRoot())
    }
    let chosen = maxMagnitude.flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? largest
    // Middlebury divides by maxrad + eps, so that a zero flow is white rather than NaN.
    let scale = 1 / (chosen + Float.ulpOfOne)
    var image = Image(width: flow.width, height: flow.height, channels: 3)
    for i in 0 ..< n where isKnown(flow.u[i], flow.v[i]) {
        let colour = wheelColour(fx: flow.u[i] * scale, fy: flow.v[i] * scale)
        for c in 0 ..< 3 { image.samples[c * n + i] = colour[c] }
    }
    return image
}

/// Middlebury's UNKNOWN_FLOW_THRESH: a component above it marks the pixel's flow unknown.
let unknownFlowThreshold: Float = 1e9

/// The colour wheel, 55 RGB colours in [0, 255] around the hue circle: red → yellow in 15 steps (RY), yellow →
/// green 6 (YG), green → cyan 4 (GC), cyan → blue 11 (CB), blue → magenta 13 (BM), magenta → red 6 (MR). The
/// steps are chosen so that perceptually similar hues get similar arc lengths.
let colourWheel: [[Float]] = {
    let ry = 15, yg = 6, gc = 4, cb = 11, bm = 13, mr = 6
    // Integer division, as in colorcode.cpp: 255 * i / RY.
    func ramp(_ i: Int, _ count: Int) -> Float { Float(255 * i / count) }
    var wheel: [[Float]] = []
    for i in 0 ..< ry { wheel.append([255, ramp(i, ry), 0]) }
    for i in 0 ..< yg { wheel.append([255 - ramp(i, yg), 255, 0]) }
    for i in 0 ..< gc { wheel.append([0, 255, ramp(i, gc)]) }
    for i in 0 ..< cb { wheel.append([0, 255 - ramp(i, cb), 255]) }
    for i in 0 ..< bm { wheel.append([ramp(i, bm), 0, 255]) }
    for i in 0 ..< mr { wheel.append([255, 0, 255 - ramp(i, mr)]) }
    return wheel
}()

/// computeColor: the colour of a flow already divided by the maximum magnitude (so |f| ≤ 1 inside the range).
func wheelColour(fx: Float, fy: Float) -> [Float] {
    let count = colourWheel.count
    let radius = (fx * fx + fy * fy).squareRoot()
    // The angle from −1 to 1 (atan2 of the negated flow, so that rightward motion lands on red at index 0).
    let a = atan2(-fy, -fx) / Float.pi
    let fk = (a + 1) / 2 * Float(count - 1)
    let k0 = min(max(Int(fk), 0), count - 1), k1 = (k0 + 1) % count
    let f = fk - Float(k0)
    return (0 ..< 3).map { b in
        let col0 = colourWheel[k0][b] / 255, col1 = colourWheel[k1][b] / 255
        let col = (1 - f) * col0 + f * col1
        // Inside the range, saturation grows with the radius from white; outside, the colour is darkened.
        // (Clamped: at the wheel's seam, rounding can leave a weight a hair below zero.)
        return min(max(radius <= 1 ? 1 - radius * (1 - col) : col * 0.75, 0), 1)
    }
}
