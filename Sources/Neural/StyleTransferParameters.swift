import Foundation
import Imaging
import StyleLabSupport

/// How the optimised image starts.
public enum Initialisation: Codable, Sendable, Equatable {
    case content
    case noise
    case image(String)

    /// `--init content`, `noise`, or an image file.
    static var field: ParameterField<StyleTransferParameters> {
        ParameterField(key: "initialisation", flag: "--init", valueHelp: "content|noise|FILE",
                       help: "Where the optimisation starts: the content, noise, or an image",
                       assign: { p, text, _ in
                           p.initialisation = text == "content" ? .content : text == "noise" ? .noise : .image(text)
                       },
                       show: { p in
                           switch p.initialisation {
                           case .content: return "content"
                           case .noise: return "noise"
                           case .image(let path): return path
                           }
                       })
    }
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

    /// Every parameter as the CLI, the parameter files and `validate()` see it, with its flag and range.
    package static var table: ParameterTable<Self> {
        ParameterTable([
            .integer(\.size, "size", in: 16 ... 4096, "Longest side of the output"),
            .integers(\.sizes, "sizes", in: 16 ... 4096, automatic: "--size, or its coarse-to-fine pair",
                      "Sizes to run in turn, each starting from the previous result"),
            .integer(\.iterations, "iterations", in: 1 ... 100_000, "Iterations (function evaluations) per size"),
            .toggle(\.coarseToFine, "coarseToFine", "Without --sizes: size/2 first (twice the iterations), then size"),
            .names(\.contentLayers, "contentLayers", "Content layers"),
            .names(\.styleLayers, "styleLayers", "Style layers"),
            .real(\.contentWeight, "contentWeight", in: 0 ... 1e12, "Content weight α"),
            .real(\.styleWeight, "styleWeight", in: 0 ... 1e12, "Style weight β"),
            .reals(\.styleLayerWeights, "styleLayerWeights", in: 0 ... 1e6, automatic: "1 each",
                   "A factor per style layer, one per layer"),
            .real(\.tvWeight, "tvWeight", in: 0 ... 1e12, "Total-variation weight γ"),
            .real(\.styleScale, "styleScale", in: 0 ... 4, excludingLow: true,
                  "Style images' size as a multiple of the output's"),
            .reals(\.styleBlend, "styleBlend", in: 0 ... 1e6, automatic: "equal",
                   "Blend weights of the style images, one per image"),
            Initialisation.field,
            .choice(\.optimiser, "optimiser", flag: "--optimizer", "The optimiser (its own learning rate unless given)"),
            .real(\.learningRate, "learningRate", in: 0 ... 1e6, excludingLow: true,
                  "Adam's learning rate, L-BFGS's first step"),
            .choice(\.pooling, "pooling", "VGG-19's pooling"),
            .choice(\.preserveColours, "preserveColours", flag: "--preserve-colors",
                    "Keep the content's colours: by luminance-only transfer, or by matching the style's histogram"),
            .seed(\.seed),
        ])
    }

    /// After a caller (a file, a flag, a run) set `keys`: an optimiser given without a learning rate starts from
    /// its own (`Optimiser.defaultLearningRate`), not from the one the previous optimiser had.
    package mutating func settleLearningRate(given keys: Set<String>) {
        if keys.contains("optimiser") && !keys.contains("learningRate") { learningRate = optimiser.defaultLearningRate }
    }

    /// Checks every field against its range in `table`, naming the CLI flag of any bad value; one factor per
    /// style layer, blend weights not all zero, and one to 64 layers with at least one of each kind. Layer names
    /// are checked against the network when it runs.
    public func validate() throws {
        try Self.table.check(self)
        if let weights = styleLayerWeights, weights.count != styleLayers.count {
            throw ParameterError(name: "--style-layer-weights", value: "\(weights.count) values",
                                 expected: "\(styleLayers.count), one per style layer")
        }
        if let blend = styleBlend, !blend.contains(where: { $0 > 0 }) {
            throw ParameterError(name: "--style-blend", value: "all zero", expected: "some weight above 0")
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
