import Foundation
import Imaging
import StyleLabSupport

/// What a feed-forward styliser learns to minimise, per content crop x and its style s (Johnson et al.'s perceptual
/// loss, on VGG-19): α · ‖Φ_c(T(x)) − Φ_c(x)‖² / mean Φ_c(x)² + β · Σ_l ‖G_l(T(x)) − G_l(s)‖² / mean G_l(s)².
/// Each term is a mean, divided by its target's mean square so that the weights mean the same under any VGG
/// normalisation (the papers' 1e5 / 1e10 belong to their preprocessing and do not carry over).
public struct FastStyleSettings: Sendable, Equatable {
    /// The style images (one: Johnson et al.; several: Dumoulin et al.'s conditional network).
    public var styles: [String]
    /// First-layer width: 32 is the paper's network, 16 Johnson's half-width one (the default: 4× cheaper).
    public var width = 16
    public var crop = 128
    public var shorterSide = 256
    /// The style images are scaled so that their longest side is this (Johnson's training.md example: 384).
    public var styleSize = 384
    /// Johnson et al.: content at relu2_2, style at relu1_2 … relu4_3 of VGG-16; here the VGG-19 layers Gatys
    /// uses for style, up to relu4_1 (relu5_1 would double the loss network's cost for little texture).
    public var contentLayer = "relu2_2"
    public var styleLayers = ["relu1_1", "relu2_1", "relu3_1", "relu4_1"]
    public var contentWeight: Float = 1
    public var styleWeight: Float = 5

    public init(styles: [String]) { self.styles = styles }

    /// The styles' names: their file names without folder or extension.
    var styleNames: [String] {
        styles.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
    }

    var asMetadata: [String: String] {
        ["styles": styleNames.joined(separator: ","), "width": String(width), "crop": String(crop), "shorter_side": String(shorterSide),
         "style_size": String(styleSize), "content_layer": contentLayer,
         "style_layers": styleLayers.joined(separator: ","),
         "content_weight": String(contentWeight), "style_weight": String(styleWeight)]
    }

    func validate() throws {
        let check = RangeCheck<ParameterError> { ParameterError(name: $0, value: $1, expected: $2) }
        try check.int("--crop", crop, 16 ... 1024)
        try check.int("--shorter-side", shorterSide, 16 ... 4096)
        try check.int("--style-size", styleSize, 16 ... 4096)
        try check.real("--content-weight", contentWeight, 0 ... 1e6)
        try check.real("--style-weight", styleWeight, 0 ... 1e6)
        for name in [contentLayer] + styleLayers where VGG19.index(of: name) == nil {
            throw ParameterError(name: "--style-layers", value: name, expected: "VGG-19 layer names such as relu3_1")
        }
    }
}

/// Trains a styliser for `settings.styles` with VGG-19 `weights` as the loss network and writes it to `output`
/// (half precision; the styles' names, the command, the images and the losses in the metadata).
public func trainStyleTransformer(_ settings: FastStyleSettings, images paths: [String], weights: VGG19Weights,
                                  schedule: TrainingSchedule, output: String, command: String,
                                  progress: ProgressSink? = nil) throws -> TrainingReport {
    try settings.validate()
    let transformer = try StyleTransformer(width: settings.width, styles: settings.styleNames, seed: schedule.seed)
    let content = VGG19.index(of: settings.contentLayer) ?? 0
    let styleIndices = settings.styleLayers.compactMap(VGG19.index(of:))
    let last = max(content, styleIndices.max() ?? 0)
    guard last < weights.deepestLayer else {
        throw NeuralError.tooDeep(layer: VGG19.layers[last].name, weights: weights.source)
    }
    let vgg = VGG19(weights.reaching([settings.contentLayer] + settings.styleLayers))
    let normalisation = weights.normalisation
    // Each style's Gram matrices once, with their mean squares (the loss's scales).
    let targets: [[Int: (gram: [Float], scale: Float)]] = try settings.styles.map { path in
        let image = try Image(contentsOf: path).rgb().opaque
        let style = Tensor(rgb: image.resized(to: image.size.fitting(longestSide: settings.styleSize)))
        let activations = vgg.forward(style.networkInput(normalisation), through: last)
        var grams: [Int: (gram: [Float], scale: Float)] = [:]
        for l in styleIndices {
            let g = Losses.gram(activations[l])
            grams[l] = (g, 1 / max(g.reduce(0) { $0 + $1 * $1 } / Float(max(g.count, 1)), 1e-12))
        }
        return grams
    }
    let data = try TrainingImages(paths: paths, crop: settings.crop, shorterSide: settings.shorterSide,
                                  seed: schedule.seed)
    let metadata = settings.asMetadata.merging(["encoder": weights.source]) { a, _ in a }
    let start = Date()
    let history = try runTraining(transformer.parameters, schedule, settings: metadata, kind: StyleTransformer.kind,
                                  progress: progress) { step, index in
        // The styles take turns sample by sample (Dumoulin et al. draw one at random per batch).
        let s = (step * schedule.batch + index) % settings.styles.count
        var mix = [Float](repeating: 0, count: settings.styles.count)
        mix[s] = 1
        transformer.select(mix)
        let x = Tensor(rgb: data.sample(step: step, index: index))
        let target = vgg.forward(x.networkInput(normalisation), through: content)[content]
        let y = transformer.network.forward(x, training: true)
        let input = y.networkInput(normalisation)
        let activations = vgg.forward(input, through: last)
        var gradients: [Int: Tensor] = [:], styleLoss = 0.0
        let contentScale = settings.contentWeight / max(meanSquare(target), 1e-12)
        let (contentLoss, dContent) = meanSquaredError(activations[content], target, weight: contentScale)
        gradients[content] = dContent
        for l in styleIndices {
            guard let t = targets[s][l] else { continue }
            let (loss, d) = Losses.style(activations[l], targetGram: t.gram, weight: settings.styleWeight * t.scale)
            styleLoss += loss
            if gradients[l] != nil { gradients[l]?.add(d) } else { gradients[l] = d }
        }
        let dImage = vgg.backward(input: input, activations: activations, gradients: gradients)
        transformer.network.backward(dImage.rgbGradient(normalisation))
        return ["total": contentLoss + styleLoss, "content": contentLoss, "style": styleLoss]
    }
    let seconds = Date().timeIntervalSince(start)
    transformer.select([1] + [Float](repeating: 0, count: settings.styles.count - 1))
    var side = settings.crop
    let macs = 3 * convolutionMACs(transformer.network.layers, side: &side)
        + 3 * vggMACs(through: last, side: settings.crop) + vggMACs(through: content, side: settings.crop)
    return try finishTraining(transformer.parameters, metadata: metadata, kind: StyleTransformer.kind,
                              command: command, schedule: schedule, images: data, history: history,
                              seconds: seconds, macsPerSample: macs, output: output)
}
