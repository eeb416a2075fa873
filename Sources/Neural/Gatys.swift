import Foundation
import Imaging

/// Gatys, Ecker & Bethge (2016) style transfer: find the image x whose VGG-19 features match the content image's
/// at the content layers and whose Gram matrices match the style images' at the style layers,
/// min_x  α Σ L_content + β Σ L_style + γ TV(x), by L-BFGS (or Adam) on the pixels.
public func styleTransfer(content: Image, styles: [Image], weights: VGG19Weights,
                          _ p: StyleTransferParameters = StyleTransferParameters(), temporal: TemporalTerm? = nil,
                          progress: ProgressSink? = nil, snapshot: ((Int, Image) -> Void)? = nil,
                          snapshotEvery: Int = 0) throws -> StyleTransferResult {
    let network = VGG19(weights.reaching(p.contentLayers + p.styleLayers), pooling: p.pooling)
    return try styleTransfer(content: content, styles: styles, network: network, p, temporal: temporal,
                             progress: progress, snapshot: snapshot, snapshotEvery: snapshotEvery)
}

/// The same on any feature network. At each size of `p.stages` (one, or coarse to fine), the paper's steps:
/// the targets (content features, blended style Gram matrices), the starting image, the objective, the
/// optimisation, and the colour. With a `temporal` term (video), its targets join the objective at every stage and
/// its start replaces the first stage's starting image.
public func styleTransfer(content: Image, styles: [Image], network: any FeatureNetwork, _ p: StyleTransferParameters,
                          temporal: TemporalTerm? = nil, progress: ProgressSink? = nil,
                          snapshot: ((Int, Image) -> Void)? = nil,
                          snapshotEvery: Int = 0) throws -> StyleTransferResult {
    guard !styles.isEmpty else { throw ParameterError(name: "--style", value: "none", expected: "at least one style image") }
    try p.validate(styleCount: styles.count)
    let layers = try LossLayers(network, p)
    let start = Date()
    var loopSeconds = 0.0, evaluations = 0, trace: [LossRecord] = [], current: Image? = nil
    for (stage, side) in p.stages.enumerated() {
        let targets = try StageTargets(content: content, styles: styles, side: side, network: network,
                                       layers: layers, p)
        let x = try initialPoint(previous: current ?? temporal?.start, targets.contentImage, network: network,
                                 stage: stage, p)
        let temporalTargets = temporal?.prepared(like: x, normalisation: network.normalisation) ?? []
        let objective = gatysObjective(network, layers, targets, p, shape: x,
                                       temporal: (temporalTargets, temporal?.weight ?? 0)) { record in
            var numbered = record
            numbered.iteration = trace.count
            trace.append(numbered)
        }
        let iterations = p.iterations(atStage: stage), loopStart = Date()
        let observe: (Int, Double, [Float]) -> Void = { i, loss, point in
            progress?("neural \(side)px", i + 1, of: iterations, detail: String(format: "loss %.4g", loss))
            if let snapshot, snapshotEvery > 0, (i + 1) % snapshotEvery == 0 {
                snapshot(i + 1, x.reshaped(point).image(normalisation: network.normalisation))
            }
        }
        var values = x.values
        let stop = temporal?.stopTolerance.map { EarlyStop(tolerance: $0) }
        switch p.optimiser {
        case .lbfgs:
            var lbfgs = LBFGS(history: 100, learningRate: p.learningRate)
            lbfgs.earlyStop = stop
            evaluations += lbfgs.minimise(&values, iterations: iterations, objective, observe: observe)
        case .adam:
            var adam = Adam(learningRate: p.learningRate)
            adam.earlyStop = stop
            evaluations += adam.minimise(&values, iterations: iterations, objective, observe: observe)
        }
        loopSeconds += Date().timeIntervalSince(loopStart)
        let result = x.reshaped(values).image(normalisation: network.normalisation)
        current = preservingColours(result, of: targets.contentImage, p.preserveColours)
    }
    return StyleTransferResult(image: current ?? content, lossTrace: trace,
                               secondsTotal: Date().timeIntervalSince(start),
                               secondsPerIteration: loopSeconds / Double(max(evaluations, 1)), iterations: evaluations,
                               weightsSource: network.source)
}

/// The network's indices of the content and style layers, and the deepest one a forward pass must reach.
struct LossLayers {
    let content: [Int], style: [Int], deepest: Int

    init(_ network: any FeatureNetwork, _ p: StyleTransferParameters) throws {
        func indices(_ names: [String], _ flag: String) throws -> [Int] {
            try names.map { name in
                guard let i = network.index(of: name) else {
                    let known = network.layerNames.filter { $0.hasPrefix("relu") }.joined(separator: ", ")
                    throw ParameterError(name: flag, value: name,
                                                       expected: "a layer of this network (\(known))")
                }
                return i
            }
        }
        content = try indices(p.contentLayers, "--content-layers")
        style = try indices(p.styleLayers, "--style-layers")
        deepest = (content + style).max() ?? 0
        guard deepest < network.deepestLayer else {
            throw NeuralError.tooDeep(layer: network.layerNames[deepest], weights: network.source)
        }
    }

    var all: Set<Int> { Set(content + style) }
}

/// Step 1, at one size: the content image's features at the content layers, and the blend of the style images'
/// Gram matrices at the style layers. Only the content layers' features are kept: the whole forward pass would
/// hold a second copy of every activation for the length of the optimisation.
struct StageTargets {
    let contentImage: Image
    let contentFeatures: [Tensor]
    let styleGrams: [Int: [Float]]

    init(content: Image, styles: [Image], side: Int, network: any FeatureNetwork, layers: LossLayers,
         _ p: StyleTransferParameters) throws {
        // Shrinking uses PIL's tent filter, as neural-style's loaders do: with area averaging instead the targets are
        // sharper and the same run ends 15 % higher in loss; with it, loss traces match neural-style-pt's within
        // 0.1 %. Enlarging is bicubic.
        func fitted(_ image: Image, _ longest: Int) -> Image {
            let size = image.sizeFitting(longestSide: longest)
            return image.rgb().opaque.resized(to: size, method: size.width < image.width ? .triangle : .bicubic)
        }
        let contentImage = fitted(content, side)
        self.contentImage = contentImage
        var styleImages = styles.map { fitted($0, max(16, Int(Float(side) * p.styleScale))) }
        if p.preserveColours == .histogram { styleImages = styleImages.map { $0.histogramMatched(to: contentImage) } }
        let minimum = network.minimumSide(forLayer: layers.deepest)
        for (role, image) in [("content image", contentImage)] + styleImages.map({ ("style image", $0) })
            where min(image.width, image.height) < minimum {
            throw NeuralError.tooSmall(role: role, size: image.size, layer: network.layerNames[layers.deepest],
                                       minimum: minimum)
        }
        let norm = network.normalisation
        let all = network.forward(Tensor(networkInput: contentImage, normalisation: norm), through: layers.deepest)
        contentFeatures = layers.content.map { all[$0] }
        let blendWeights = p.styleBlend ?? Array(repeating: 1, count: styles.count), total = blendWeights.reduce(0, +)
        var grams: [Int: [Float]] = [:]
        for (s, style) in styleImages.enumerated() {
            let features = network.forward(Tensor(networkInput: style, normalisation: norm),
                                           through: layers.style.max() ?? 0)
            for l in layers.style {
                let g = Losses.gram(features[l]), sum = grams[l] ?? [Float](repeating: 0, count: g.count)
                grams[l] = zip(sum, g).map { $0 + blendWeights[s] / total * $1 }
            }
        }
        styleGrams = grams
    }
}

/// Step 2: where the optimisation starts — the previous size's result enlarged, else the content, noise, or a
/// given image.
func initialPoint(previous: Image?, _ contentImage: Image, network: any FeatureNetwork, stage: Int,
                  _ p: StyleTransferParameters) throws -> Tensor {
    let norm = network.normalisation
    if let previous {
        return Tensor(networkInput: previous.resized(to: contentImage.size, method: .bicubic), normalisation: norm)
    }
    switch p.initialisation {
    case .content: return Tensor(networkInput: contentImage, normalisation: norm)
    case .noise:
        var random = RandomSource(seed: p.seed, stream: [stage])
        var x = Tensor(channels: 3, height: contentImage.height, width: contentImage.width)
        for i in x.values.indices { x.values[i] = random.nextGaussian() * network.initialNoise }
        return x
    case .image(let path):
        let image = try Image(contentsOf: path).resized(to: contentImage.size, method: .bilinear)
        return Tensor(networkInput: image, normalisation: norm)
    }
}

/// Step 3: the loss α Σ L_content + β Σ w_l L_style + γ TV and its gradient with respect to the pixels — one
/// forward pass, the losses at their layers, one backward pass. Every buffer lives in the closure and is reused by
/// the next evaluation; each evaluation's losses go to `record` (its caller numbers them).
func gatysObjective(_ network: any FeatureNetwork, _ layers: LossLayers, _ targets: StageTargets,
                    _ p: StyleTransferParameters, shape x: Tensor,
                    temporal: (targets: [(omega: Tensor, mask: [Float])], weight: Float) = ([], 0),
                    record: @escaping (LossRecord) -> Void) -> Objective {
    let layerWeights = p.styleLayerWeights ?? Array(repeating: 1, count: layers.style.count)
    var input = x, activations: [Tensor] = [], inputGradient = x, spare = x, tvGradient = x, gramScratch: [Float] = []
    var contentGradients = layers.content.map { _ in x }, styleGradients = layers.style.map { _ in x }
    return { values, gradient in
        input.values = values
        network.forward(input, through: layers.deepest, keeping: layers.all, into: &activations)
        var contentLoss = 0.0, styleLoss = 0.0
        for (k, l) in layers.content.enumerated() {
            contentLoss += Losses.content(activations[l], target: targets.contentFeatures[k], weight: p.contentWeight,
                                          gradient: &contentGradients[k])
        }
        for (k, l) in layers.style.enumerated() {
            styleLoss += Losses.style(activations[l], targetGram: targets.styleGrams[l] ?? [],
                                      weight: p.styleWeight * layerWeights[k], gradient: &styleGradients[k],
                                      scratch: &gramScratch)
        }
        // A layer that carries both a content and a style loss gets the sum of their gradients.
        var gradients = Dictionary(zip(layers.content, contentGradients), uniquingKeysWith: { a, _ in a })
        for (l, g) in zip(layers.style, styleGradients) {
            if var both = gradients[l] { both.add(g); gradients[l] = both } else { gradients[l] = g }
        }
        network.backward(input: input, activations: activations, gradients: gradients, into: &inputGradient,
                         spare: &spare)
        let tvLoss = Losses.totalVariation(input, weight: p.tvWeight, gradient: &tvGradient)
        for i in gradient.indices { gradient[i] = inputGradient.values[i] + tvGradient.values[i] }
        let temporalLoss = TemporalTerm.loss(input, temporal.targets, weight: temporal.weight, addingTo: &gradient)
        let total = contentLoss + styleLoss + tvLoss + temporalLoss
        record(LossRecord(iteration: 0, total: total, content: contentLoss, style: styleLoss, tv: tvLoss,
                          temporal: temporal.targets.isEmpty ? nil : temporalLoss))
        return total
    }
}

/// Step 5: the colour. With `.luminance`, the result's luminance on the content's chroma (Gatys et al. 2016b);
/// `.histogram` acted on the style images before the targets were made.
func preservingColours(_ result: Image, of contentImage: Image, _ mode: ColourPreservation) -> Image {
    guard mode == .luminance else { return result }
    var yiq = contentImage.yiq()
    let y = result.luminance()
    for i in 0 ..< y.pixelCount { yiq.samples[i] = y.samples[i] }
    return yiq.rgbFromYIQ().clamped()
}

extension Tensor {
    /// A tensor of this one's shape holding `values`.
    func reshaped(_ values: [Float]) -> Tensor {
        Tensor(channels: channels, height: height, width: width, values: values)
    }
}
