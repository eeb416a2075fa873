import Foundation
import Imaging

/// How the optimised image starts.
public enum Initialisation: Codable, Sendable, Equatable {
    case content
    case noise
    case image(String)
}

/// Colour preservation (Gatys et al. 2016, "Preserving color in neural artistic style transfer").
public enum ColourPreservation: String, Codable, Sendable, CaseIterable {
    case none
    /// Transfer luminance only: the result's Y with the content's I and Q.
    case luminance
    /// Match each style image's colour histogram to the content's before transfer.
    case histogram
}

public enum Optimiser: String, Codable, Sendable, CaseIterable { case lbfgs, adam }

/// Parameters of Gatys et al. style transfer. Defaults are neural-style's (jcjohnson, and the neural-style-pt
/// reference run): content relu4_2 × 5, style relu1_1 … relu5_1 × 100 each, TV 1e-3, L-BFGS, max pooling.
public struct StyleTransferParameters: Codable, Sendable, Equatable {
    /// Longest side of the output (the content is resized to it; neural-style's -image_size).
    public var size: Int
    /// Coarse-to-fine: sizes to run in turn, each initialised from the previous result (overrides `size`).
    public var sizes: [Int]?
    public var iterations: Int
    public var contentLayers: [String]
    public var styleLayers: [String]
    public var contentWeight: Float
    public var styleWeight: Float
    /// Per-style-layer factors (1 each by default).
    public var styleLayerWeights: [Float]?
    public var tvWeight: Float
    /// Style images are resized to styleScale × size.
    public var styleScale: Float
    /// Blend weights of several style images (normalised to sum 1; equal by default).
    public var styleBlend: [Float]?
    public var initialisation: Initialisation
    public var optimiser: Optimiser
    public var learningRate: Float
    public var pooling: Pooling
    public var preserveColours: ColourPreservation
    public var seed: UInt64
    /// Without `sizes`: run at size / 2 first (twice the iterations, each a quarter of the cost), then at size —
    /// when size / 2 is at least 64.
    public var coarseToFine: Bool = false

    public init(size: Int = 512, sizes: [Int]? = nil, iterations: Int = 1000,
                contentLayers: [String] = ["relu4_2"], styleLayers: [String] = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"],
                contentWeight: Float = 5, styleWeight: Float = 100, styleLayerWeights: [Float]? = nil, tvWeight: Float = 1e-3,
                styleScale: Float = 1, styleBlend: [Float]? = nil, initialisation: Initialisation = .content,
                optimiser: Optimiser = .lbfgs, learningRate: Float = 1, pooling: Pooling = .max,
                preserveColours: ColourPreservation = .none, seed: UInt64 = 0) {
        self.size = size; self.sizes = sizes; self.iterations = iterations
        self.contentLayers = contentLayers; self.styleLayers = styleLayers
        self.contentWeight = contentWeight; self.styleWeight = styleWeight; self.styleLayerWeights = styleLayerWeights
        self.tvWeight = tvWeight; self.styleScale = styleScale; self.styleBlend = styleBlend
        self.initialisation = initialisation; self.optimiser = optimiser; self.learningRate = learningRate
        self.pooling = pooling; self.preserveColours = preserveColours; self.seed = seed
    }

    /// Gatys, Ecker & Bethge 2016: conv4_2 content, conv1_1…conv5_1 style, content/style ratio 1e-3, no TV.
    public static var gatys2016: StyleTransferParameters {
        StyleTransferParameters(contentLayers: ["relu4_2"], contentWeight: 1, styleWeight: 1000, tvWeight: 0, initialisation: .noise)
    }

    /// jcjohnson's neural-style defaults: 1000 iterations at one size.
    public static var neuralStyle: StyleTransferParameters { StyleTransferParameters() }

    /// StyleLab's default: neural-style's losses, coarse to fine (300 iterations at 256², then 150 at 512²).
    /// Measured on Mona Lisa × The Starry Night at 512 (365 × 512): it ends at a total loss of 1.69e6, which one
    /// size reaches only after 224 iterations at 512², in the same wall time (6 min here), and its strokes are
    /// larger, as the painting's are.
    public static var stylelab: StyleTransferParameters {
        var p = StyleTransferParameters(iterations: 150)
        p.coarseToFine = true
        return p
    }

    /// The sizes the optimisation runs at, in order.
    var stages: [Int] { sizes ?? (coarseToFine && size / 2 >= 64 ? [size / 2, size] : [size]) }

    /// Iterations at stage `index` of `stages`.
    func iterations(atStage index: Int) -> Int { coarseToFine && sizes == nil && index < stages.count - 1 ? 2 * iterations : iterations }

    func validate(styleCount: Int) throws {
        func bad(_ flag: String, _ value: Any, _ expected: String) -> NeuralError { .invalidParameter(flag: flag, value: "\(value)", expected: expected) }
        guard size >= 16 && size <= 4096 else { throw bad("--size", size, "16 to 4096") }
        if let sizes, sizes.isEmpty || sizes.contains(where: { $0 < 16 || $0 > 4096 }) { throw bad("--sizes", sizes, "sizes from 16 to 4096") }
        guard iterations >= 1 else { throw bad("--iterations", iterations, "≥ 1") }
        if let w = styleLayerWeights, w.count != styleLayers.count { throw bad("--style-layer-weights", w, "\(styleLayers.count) values") }
        if let b = styleBlend, b.count != styleCount || b.contains(where: { $0 < 0 }) || b.reduce(0, +) <= 0 {
            throw bad("--style-blend", b, "\(styleCount) non-negative weights, one per style image")
        }
        guard styleScale > 0 && styleScale <= 4 else { throw bad("--style-scale", styleScale, "in (0, 4]") }
        guard contentWeight >= 0, styleWeight >= 0, tvWeight >= 0 else { throw bad("--content/style/tv-weight", "negative", "≥ 0") }
    }
}

public enum NeuralError: Error, Equatable, CustomStringConvertible, Sendable {
    case invalidParameter(flag: String, value: String, expected: String)
    case tooDeep(layer: String, weights: String)
    case tooSmall(role: String, size: Size, layer: String, minimum: Int)

    public var description: String {
        switch self {
        case .tooSmall(let role, let size, let layer, let minimum):
            return "the \(role) (\(size)) is too small for \(layer): both sides need at least \(minimum) pixels; use a larger image or --size"
        case .invalidParameter(let flag, let value, let expected): return "\(flag) \(value) is invalid: expected \(expected)"
        case .tooDeep(let layer, let weights): return "\(layer) is deeper than the weights (\(weights)) reach"
        }
    }
}

/// What a style-transfer run returns.
public struct StyleTransferResult: Sendable {
    public var image: Image
    /// Total loss after every evaluation, with its content / style / TV parts.
    public var lossTrace: [LossRecord]
    public var secondsTotal: Double
    /// Optimisation loop only, divided by evaluations.
    public var secondsPerIteration: Double
    public var iterations: Int
    public var weightsSource: String
}

public struct LossRecord: Codable, Sendable, Equatable {
    public var iteration: Int
    public var total: Double
    public var content: Double
    public var style: Double
    public var tv: Double
}

/// The JSON summary of a style-transfer run (`--summary`).
public struct StyleTransferSummary: Codable, Sendable {
    public var method = "gatys"
    public var weights: String
    public var iterations: Int
    public var secondsTotal: Double
    /// Optimisation loop only.
    public var secondsPerIteration: Double
    public var initialLoss: Double
    public var finalLoss: Double
    public var peakRssMb: Double
    public var parameters: StyleTransferParameters

    public init(_ result: StyleTransferResult, parameters: StyleTransferParameters, peakRssMb: Double) {
        weights = result.weightsSource
        iterations = result.iterations
        secondsTotal = result.secondsTotal
        secondsPerIteration = result.secondsPerIteration
        initialLoss = result.lossTrace.first?.total ?? 0
        finalLoss = result.lossTrace.last?.total ?? 0
        self.peakRssMb = peakRssMb
        self.parameters = parameters
    }
}
