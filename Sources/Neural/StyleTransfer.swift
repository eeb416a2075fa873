import Foundation
import Imaging
import StyleLabSupport

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

public enum Optimiser: String, Codable, Sendable, CaseIterable {
    case lbfgs, adam

    /// The step each starts from: L-BFGS's 1 (neural-style's), Adam's 10 (neural-style's `-learning_rate` for Adam,
    /// in pixel values of 0–255).
    public var defaultLearningRate: Float { self == .adam ? 10 : 1 }
}

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

    /// The presets by the names the CLI and the run files use: stylelab (the default), neural-style, gatys2016.
    public static let presets: [String: StyleTransferParameters] = ["stylelab": stylelab, "neural-style": neuralStyle,
                                                                    "gatys2016": gatys2016]

    /// The sizes the optimisation runs at, in order.
    public var stages: [Int] { sizes ?? (coarseToFine && size / 2 >= 64 ? [size / 2, size] : [size]) }

    /// Iterations at stage `index` of `stages`.
    func iterations(atStage index: Int) -> Int { coarseToFine && sizes == nil && index < stages.count - 1 ? 2 * iterations : iterations }

    /// Checks every field against its range, naming the CLI flag of any bad value: size and sizes 16–4096 (at
    /// most 8 sizes), iterations 1–100000, weights 0–1e12 (finite), per-layer weights 0–1e6 (one per style
    /// layer), style scale in (0, 4], learning rate in (0, 1e6], blend weights 0–1e6 (not all zero), and at
    /// least one layer of each kind. Layer names are checked against the network when it runs.
    public func validate() throws {
        let check = RangeCheck(ParameterError.init)
        try check.int("--size", size, 16 ... 4096)
        if let sizes {
            try check.int("--sizes (count)", sizes.count, 1 ... 8)
            for s in sizes { try check.int("--sizes", s, 16 ... 4096) }
        }
        try check.int("--iterations", iterations, 1 ... 100_000)
        try check.real("--content-weight", contentWeight, 0 ... 1e12)
        try check.real("--style-weight", styleWeight, 0 ... 1e12)
        try check.real("--tv-weight", tvWeight, 0 ... 1e12)
        if let w = styleLayerWeights {
            try check.int("--style-layer-weights (count)", w.count, styleLayers.count ... styleLayers.count)
            for v in w { try check.real("--style-layer-weights", v, 0 ... 1e6) }
        }
        try check.real("--style-scale", styleScale, 0 ... 4, excludingLow: true)
        try check.real("--learning-rate", learningRate, 0 ... 1e6, excludingLow: true)
        if let blend = styleBlend {
            for v in blend { try check.real("--style-blend", v, 0 ... 1e6) }
            guard blend.contains(where: { $0 > 0 }) else {
                throw ParameterError(name: "--style-blend", value: "all zero",
                                                   expected: "some weight above 0")
            }
        }
        guard !contentLayers.isEmpty, !styleLayers.isEmpty, contentLayers.count + styleLayers.count <= 64 else {
            throw ParameterError(name: "--content-layers/--style-layers",
                                               value: "\(contentLayers.count + styleLayers.count) layers",
                                               expected: "at least one of each, at most 64 in all")
        }
    }

    /// `validate()`, and one blend weight per style image when blend weights are given.
    func validate(styleCount: Int) throws {
        try validate()
        if let blend = styleBlend, blend.count != styleCount {
            throw ParameterError(name: "--style-blend", value: "\(blend.count) weights",
                                               expected: "\(styleCount), one per style image")
        }
    }
}

public enum NeuralError: Error, Equatable, CustomStringConvertible, Sendable {
    case tooDeep(layer: String, weights: String)
    case tooSmall(role: String, size: Size, layer: String, minimum: Int)

    public var description: String {
        switch self {
        case .tooSmall(let role, let size, let layer, let minimum):
            return "the \(role) (\(size)) is too small for \(layer): both sides need at least \(minimum) pixels; use a larger image or --size"
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

    /// The loss trace as CSV, a row per evaluation: iteration, total, content, style, tv.
    public var lossCSV: String {
        let rows = ["iteration,total,content,style,tv"]
            + lossTrace.map { "\($0.iteration),\($0.total),\($0.content),\($0.style),\($0.tv)" }
        return rows.joined(separator: "\n") + "\n"
    }
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
    /// What `StyleTransferMemory` estimated beforehand (set by the caller).
    public var estimatedMemoryMb: Double?
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
