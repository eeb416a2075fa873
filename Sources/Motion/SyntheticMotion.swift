import Foundation
import Imaging

/// A camera motion with an exactly known flow, for tests and benchmarks: how the content of each frame moves to
/// the next, the same map M every frame, about the frame's centre c = ((width − 1) / 2, (height − 1) / 2).
package enum SyntheticMotion: Sendable, Equatable {
    /// The content moves by (dx, dy) pixels per frame: M(x) = x + d.
    case pan(dx: Float, dy: Float)
    /// The content grows by `factor` per frame (over 1 zooms in): M(x) = c + factor (x − c).
    case zoom(factor: Float)
    /// The content turns by `degrees` per frame, clockwise on screen (y points down): M(x) = c + R(θ)(x − c).
    case rotation(degrees: Float)

    /// M^k as a 2 × 2 matrix A and an offset b about the centre: M^k(x) = c + A (x − c) + b; k may be negative.
    func power(_ k: Int) -> (a: [Float], b: (Float, Float)) {
        switch self {
        case .pan(let dx, let dy):
            return ([1, 0, 0, 1], (Float(k) * dx, Float(k) * dy))
        case .zoom(let factor):
            let s = Float(pow(Double(factor), Double(k)))
            return ([s, 0, 0, s], (0, 0))
        case .rotation(let degrees):
            let theta = Double(k) * Double(degrees) * Double.pi / 180
            let cosine = Float(cos(theta)), sine = Float(sin(theta))
            return ([cosine, -sine, sine, cosine], (0, 0))
        }
    }

    /// M^k(x) for a frame of `size`.
    func map(_ k: Int, x: Float, y: Float, size: Size) -> (Float, Float) {
        let (a, b) = power(k)
        let cx = Float(size.width - 1) / 2, cy = Float(size.height - 1) / 2
        let dx = x - cx, dy = y - cy
        return (cx + a[0] * dx + a[1] * dy + b.0, cy + a[2] * dx + a[3] * dy + b.1)
    }

    /// The true flow from one frame to the next, w(x) = M(x) − x (the same for every pair).
    package func forwardFlow(_ size: Size) -> FlowField { flow(power: 1, size) }

    /// The true flow from one frame to the previous, M⁻¹(x) − x.
    package func backwardFlow(_ size: Size) -> FlowField { flow(power: -1, size) }

    private func flow(power k: Int, _ size: Size) -> FlowField {
        var w = FlowField(width: size.width, height: size.height)
        for y in 0 ..< size.height {
            for x in 0 ..< size.width {
                let (mx, my) = map(k, x: Float(x), y: Float(y), size: size)
                w[x, y] = (mx - Float(x), my - Float(y))
            }
        }
        return w
    }
}

/// A clip of `frames` frames of `size` in which the content moves by `motion`, cut from `image` by bilinear
/// sampling, with the true flows.
///
/// Frame i shows the image through M^−i: frame_i(x) = image(p + M^−i(x)), with p placing the frame's centre on
/// the image's, so that frame_i+1(M(x)) = frame_i(x) exactly. `flows[i]` is the *forward* flow frame i → i + 1
/// (M(x) − x, the same for every i; `motion.backwardFlow` gives the reverse). When the frames would reach past
/// the image, the image is first enlarged (bicubic) until every frame fits inside it.
///
/// - Precondition: frames ≥ 1, a valid size, a non-empty image (tests' and benchmarks' own inputs).
package func syntheticClip(_ image: Image, motion: SyntheticMotion, frames: Int, size: Size)
    -> (frames: [Image], flows: [FlowField]) {
    precondition(frames >= 1 && size.isValidOutputSize && !image.isEmpty,
                 "syntheticClip: \(frames) frames of \(size) from a \(image.size) image")
    // The farthest any frame's corner reaches from the frame centre, in image pixels, along each axis.
    var reachX: Float = 0, reachY: Float = 0
    let cx = Float(size.width - 1) / 2, cy = Float(size.height - 1) / 2
    for i in 0 ..< frames {
        for (x, y) in [(0, 0), (size.width - 1, 0), (0, size.height - 1), (size.width - 1, size.height - 1)] {
            let (mx, my) = motion.map(-i, x: Float(x), y: Float(y), size: size)
            reachX = max(reachX, abs(mx - cx))
            reachY = max(reachY, abs(my - cy))
        }
    }
    // Each frame must stay a pixel inside the image, so that bilinear reads never touch the clamped border.
    let halfX = Float(image.width - 1) / 2 - 1, halfY = Float(image.height - 1) / 2 - 1
    let enlargement = max(1, (reachX + 1) / max(halfX, 0.5), (reachY + 1) / max(halfY, 0.5))
    var source = image.opaque
    if enlargement > 1 {
        let target = Size(width: Int((Float(image.width) * enlargement).rounded(.up)) + 2,
                          height: Int((Float(image.height) * enlargement).rounded(.up)) + 2)
        source = source.resized(to: target, method: .bicubic)
    }
    let offsetX = Float(source.width - 1) / 2 - cx, offsetY = Float(source.height - 1) / 2 - cy
    var clip: [Image] = []
    for i in 0 ..< frames {
        var frame = Image(width: size.width, height: size.height, channels: source.channels)
        let n = size.pixelCount, sourceN = source.pixelCount
        source.samples.withUnsafeBufferPointer { samples in
            for y in 0 ..< size.height {
                for x in 0 ..< size.width {
                    let (mx, my) = motion.map(-i, x: Float(x), y: Float(y), size: size)
                    let px = min(max(mx + offsetX, 0), Float(source.width - 1))
                    let py = min(max(my + offsetY, 0), Float(source.height - 1))
                    for c in 0 ..< source.channels {
                        // Sound: channel c's plane is the sourceN values from c × sourceN.
                        let plane = UnsafeBufferPointer(rebasing: samples[c * sourceN ..< (c + 1) * sourceN])
                        frame.samples[c * n + y * size.width + x] = sampleBilinear(plane, source.width,
                                                                                 source.height, px, py)
                    }
                }
            }
        }
        clip.append(frame)
    }
    let flow = motion.forwardFlow(size)
    return (clip, Array(repeating: flow, count: frames - 1))
}

/// A clip in which a `side` × `side` square cut from `object` slides by `step` pixels per frame over `background`,
/// which stays still: frame i has the square's top-left corner at `start + i × step`. The square uncovers
/// background it hid the frame before (a disocclusion) and covers background ahead of it.
///
/// `forward[i]` is the true flow frame i → i + 1 (`step` on the square, 0 elsewhere); `backward[i]` the true flow
/// frame i + 1 → i (−step on the square, 0 elsewhere — including where background was hidden in frame i).
/// Integer steps keep every pixel exactly in or out of the square.
///
/// - Precondition: frames ≥ 1, side ≥ 1, a background of at least `size` and an object of at least side × side
///   with the background's channels.
package func occludingClip(background: Image, object: Image, frames: Int, size: Size, side: Int,
                           start: PixelCoordinate, step: PixelCoordinate)
    -> (frames: [Image], forward: [FlowField], backward: [FlowField]) {
    precondition(frames >= 1 && side >= 1 && background.width >= size.width && background.height >= size.height
                 && object.width >= side && object.height >= side && object.channels == background.channels,
                 "occludingClip: \(frames) frames of \(size), a \(side)-pixel square")
    func corner(_ i: Int) -> PixelCoordinate { PixelCoordinate(x: start.x + i * step.x, y: start.y + i * step.y) }
    func onSquare(_ x: Int, _ y: Int, frame i: Int) -> Bool {
        let c = corner(i)
        return x >= c.x && x < c.x + side && y >= c.y && y < c.y + side
    }
    var clip: [Image] = []
    for i in 0 ..< frames {
        var frame = background.opaque.cropped(x: 0, y: 0, width: size.width, height: size.height)
        let c = corner(i)
        for y in 0 ..< size.height {
            for x in 0 ..< size.width where onSquare(x, y, frame: i) {
                for ch in 0 ..< frame.channels { frame[x, y, ch] = object[x - c.x, y - c.y, ch] }
            }
        }
        clip.append(frame)
    }
    var forward: [FlowField] = [], backward: [FlowField] = []
    for i in 0 ..< frames - 1 {
        var f = FlowField(width: size.width, height: size.height), b = f
        for y in 0 ..< size.height {
            for x in 0 ..< size.width {
                if onSquare(x, y, frame: i) { f[x, y] = (Float(step.x), Float(step.y)) }
                if onSquare(x, y, frame: i + 1) { b[x, y] = (Float(-step.x), Float(-step.y)) }
            }
        }
        forward.append(f)
        backward.append(b)
    }
    return (clip, forward, backward)
}
