import Foundation
import Imaging
import StyleLabSupport

/// Settings of universal style transfer (Li et al. 2017), with the paper's defaults.
public struct WCTParameters: Codable, Sendable, Equatable {
    /// How much of the transformed features replace the content's at each level: α f_cs + (1 − α) f_c.
    public var alpha: Float = 0.6
    /// The levels the cascade runs, deepest first (coarse to fine, the paper's order). The paper runs all five;
    /// the default leaves out relu5_1, whose shipped decoder is undertrained (11–18 dB on unseen images, see
    /// models/README.md) and would wash the content out; `levels` with relu5_1 first runs the paper's cascade.
    public var levels = ["relu4_1", "relu3_1", "relu2_1", "relu1_1"]
    /// The blend weights of several styles (equal when empty).
    public var styleWeights: [Float] = []

    public init() {}

    public func validate(styleCount: Int) throws {
        try RangeCheck<ParameterError> { ParameterError(name: $0, value: $1, expected: $2) }
            .real("--alpha", alpha, 0 ... 1)
        guard !levels.isEmpty, levels.allSatisfy(FeatureDecoder.layers.contains), Set(levels).count == levels.count
        else {
            throw ParameterError(name: "--levels", value: levels.joined(separator: ","),
                                 expected: "distinct layers among " + FeatureDecoder.layers.joined(separator: ", "))
        }
        guard styleWeights.isEmpty || (styleWeights.count == styleCount && styleWeights.allSatisfy { $0 >= 0 }
                                       && styleWeights.reduce(0, +) > 0) else {
            throw ParameterError(name: "--style-weights", value: styleWeights.map { "\($0)" }.joined(separator: ","),
                                 expected: "\(styleCount) non-negative weights, one per style, not all zero")
        }
    }

    /// The weights, normalised to sum 1.
    func normalisedWeights(_ count: Int) -> [Float] {
        let w = styleWeights.isEmpty ? [Float](repeating: 1, count: count) : styleWeights
        let total = w.reduce(0, +)
        return w.map { $0 / total }
    }
}

public struct WCTResult: Sendable {
    public var image: Image
    public var seconds: Double
    public var levels: [String]
    public var encoder: String
}

/// Universal style transfer: for each level from the deepest, encode the current image with VGG-19, replace its
/// features by their whitening–colouring transform toward the style's (blended with the content's by α), and
/// decode; the result feeds the next, finer level. No training per style: the decoders only invert VGG-19.
public func universalStyleTransfer(content: Image, styles: [Image], weights: consuming VGG19Weights,
                                   decoders: [String: FeatureDecoder], _ p: WCTParameters = WCTParameters(),
                                   progress: ProgressSink? = nil) throws -> WCTResult {
    guard !styles.isEmpty else { throw ParameterError(name: "--style", value: "none", expected: "a style image") }
    try p.validate(styleCount: styles.count)
    let start = Date()
    for level in p.levels {
        guard let decoder = decoders[level] else {
            throw ParameterError(name: "--levels", value: level, expected: "a level with a decoder (--decoders)")
        }
        guard decoder.encoder == weights.source else {
            throw ParameterError(name: "--decoders", value: level,
                                 expected: "a decoder trained on these VGG-19 weights (\(weights.source)), "
                                    + "not on \(decoder.encoder)")
        }
    }
    let indices = p.levels.compactMap(VGG19.index(of:))
    guard let deepest = indices.max() else { throw ParameterError(name: "--levels", value: "", expected: "a level") }
    // The weights go to the network, which lets each layer's plain filters go once it has transformed them: the
    // two copies of VGG-19 never coexist (80 MB less to fault in).
    let vgg = VGG19((consume weights).reaching(p.levels))
    guard deepest < vgg.deepestLayer else { throw NeuralError.tooDeep(layer: p.levels[0], weights: vgg.source) }
    let minimum = VGG19.minimumSide(forLayer: deepest)
    for (role, image) in [("content", content)] + styles.map({ ("style", $0) })
        where min(image.width, image.height) < minimum {
        throw NeuralError.tooSmall(role: role, size: image.size, layer: VGG19.layers[deepest].name, minimum: minimum)
    }
    // The styles' statistics at every level, from one forward pass each.
    let blend = p.normalisedWeights(styles.count)
    var statistics: [Int: [(statistics: FeatureStatistics, weight: Float)]] = [:]
    for (style, weight) in zip(styles, blend) {
        var features = vgg.features(Tensor(networkInput: style, normalisation: vgg.normalisation),
                                    at: Set(indices))
        var maps = indices.map { features.removeValue(forKey: $0) }  // taken out, so that they can be centred in place
        for (i, level) in zip(indices, try FeatureStatistics.ofEach(&maps)) {
            if let level { statistics[i, default: []].append((level, weight)) }
        }
    }
    var current = content.rgb().opaque
    for (step, (level, i)) in zip(p.levels, indices).enumerated() {
        progress?("wct", step, of: p.levels.count, detail: level)
        let input = Tensor(networkInput: current, normalisation: vgg.normalisation)
        guard let features = vgg.features(input, at: [i])[i] else { continue }
        guard let decoder = decoders[level] else { continue }
        var target = try whiteningColouring(features, styles: statistics[i] ?? [])
        blendWithContent(&target, features, alpha: p.alpha)
        let decoded = decoder.decode(consume target)
        current = decoded.width == current.width && decoded.height == current.height
            ? decoded : decoded.resized(to: current.size)
    }
    progress?("wct", p.levels.count, of: p.levels.count)
    return WCTResult(image: current, seconds: Date().timeIntervalSince(start), levels: p.levels,
                     encoder: vgg.source)
}

/// f_cs ← α f_cs + (1 − α) f_c, channel planes shared out among threads.
private func blendWithContent(_ transformed: inout Tensor, _ content: Tensor, alpha: Float) {
    let n = content.plane
    transformed.values.withUnsafeMutableBufferPointer { t in
        content.values.withUnsafeBufferPointer { f in
            guard let t = t.baseAddress, let f = f.baseAddress else { return }
            let target = SharedBuffer(t), features = SharedReadBuffer(f)
            Parallel.forEach(content.channels) { k in
                for i in k * n ..< (k + 1) * n { target[i] = alpha * target[i] + (1 - alpha) * features[i] }
            }
        }
    }
}

extension FeatureDecoder {
    /// The file a level's decoder is kept in: wct-decoder-relu3_1.safetensors.
    public static func fileName(_ layer: String) -> String { "\(kind)-\(layer).safetensors" }

    /// The decoders of `layers` from `folder`.
    public static func load(folder: String, layers: [String]) throws -> [String: FeatureDecoder] {
        var out: [String: FeatureDecoder] = [:]
        for layer in layers {
            let path = (folder as NSString).appendingPathComponent(fileName(layer))
            guard FileManager.default.fileExists(atPath: path) else {
                let train = "stylelab train wct-decoder --layer \(layer) --images DIR -o \(path)"
                throw WeightError.notFound(path: path, hint: "give the folder of decoders (--decoders), or train "
                                           + "this one: " + train)
            }
            out[layer] = try FeatureDecoder(contentsOf: path)
        }
        return out
    }
}
