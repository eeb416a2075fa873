import Imaging

/// An image the result should agree with, and where: `reliability` is one channel in [0, 1], the same size as
/// `image` (1 where the agreement is wanted, 0 where it is not).
public struct TemporalTarget: Sendable {
    public var image: Image
    public var reliability: Image

    public init(image: Image, reliability: Image) {
        self.image = image
        self.reliability = reliability
    }
}

/// The temporal term of Ruder, Dosovitskiy & Brox 2016 ("Artistic style transfer for videos", eq. 3), added to
/// the Gatys objective: L_temporal = λ / D · Σ_j Σ_k c_jk (x_k − ω_jk)², D = W·H·C, summed over the targets ω_j
/// (earlier stylised frames warped to this one) with their reliabilities c_j. The algorithm knows nothing of flow:
/// the caller warps the frames and makes the masks.
public struct TemporalTerm: Sendable {
    public var targets: [TemporalTarget]
    /// λ: Ruder et al.'s default is 1000 beside content 5 and style 100 (the neural-style scale used here).
    public var weight: Float
    /// Where the optimisation starts instead of the content (Ruder et al.: the previous frame warped, "prevWarped").
    public var start: Image?
    /// Stop early when the loss changed by less than this fraction over the last 50 evaluations (Ruder et al.:
    /// 1e-4); nil runs every iteration.
    public var stopTolerance: Double?

    public init(targets: [TemporalTarget], weight: Float = 1000, start: Image? = nil, stopTolerance: Double? = 1e-4) {
        self.targets = targets
        self.weight = weight
        self.start = start
        self.stopTolerance = stopTolerance
    }

    /// The targets in the network's input space at the size of `shape`, each reliability spread over the channels.
    func prepared(like shape: Tensor, normalisation: InputNormalisation) -> [(omega: Tensor, mask: [Float])] {
        let size = Size(width: shape.width, height: shape.height)
        return targets.map { target in
            let image = target.image.size == size ? target.image : target.image.resized(to: size, method: .bilinear)
            let c = target.reliability.size == size ? target.reliability
                : target.reliability.resized(to: size, method: .bilinear)
            let plane = Array(c.channel(0).samples.map { min(max($0, 0), 1) })
            return (Tensor(networkInput: image, normalisation: normalisation),
                    Array([[Float]](repeating: plane, count: shape.channels).joined()))
        }
    }

    /// λ / D Σ_j Σ c (x − ω)², with its gradient added into `gradient`.
    static func loss(_ x: Tensor, _ targets: [(omega: Tensor, mask: [Float])], weight: Float,
                     addingTo gradient: inout [Float]) -> Double {
        guard !targets.isEmpty else { return 0 }
        let scale = weight / Float(x.count)
        var sum = 0.0
        for target in targets {
            for i in gradient.indices {
                let d = x.values[i] - target.omega.values[i], c = target.mask[i]
                sum += Double(c * d * d)
                gradient[i] += 2 * scale * c * d
            }
        }
        return Double(scale) * sum
    }
}

/// Stops a minimiser once the objective has settled: its relative change over the last `window` evaluations
/// fell below `tolerance`.
struct EarlyStop {
    let tolerance: Double
    let window: Int
    private var recent: [Double] = []

    init(tolerance: Double, window: Int = 50) {
        self.tolerance = tolerance
        self.window = window
    }

    /// Whether to stop after an evaluation of `value`: compared with the value `window` evaluations before.
    mutating func shouldStop(after value: Double) -> Bool {
        recent.append(value)
        if recent.count > window + 1 { recent.removeFirst() }
        guard recent.count == window + 1, let oldest = recent.first, oldest.isFinite, value.isFinite, oldest != 0 else {
            return false
        }
        return abs(oldest - value) / abs(oldest) < tolerance
    }
}
