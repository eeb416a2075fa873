import Foundation
import Imaging

/// Gatys, Ecker & Bethge (2016) style transfer: find the image x whose VGG-19 features match the content image's
/// at the content layers and whose Gram matrices match the style images' at the style layers,
/// min_x  α Σ L_content + β Σ L_style + γ TV(x), by L-BFGS (or Adam) on the pixels.
public func styleTransfer(content: Image, styles: [Image], weights: VGG19Weights, _ p: StyleTransferParameters = StyleTransferParameters(),
                          progress: ProgressSink? = nil, snapshot: ((Int, Image) -> Void)? = nil, snapshotEvery: Int = 0) throws -> StyleTransferResult {
    let network = VGG19(weights.reaching(p.contentLayers + p.styleLayers), pooling: p.pooling)
    return try styleTransfer(content: content, styles: styles, network: network, p,
                      progress: progress, snapshot: snapshot, snapshotEvery: snapshotEvery)
}

/// The same on any feature network: VGG-19, or the random multi-scale network when no weights are at hand.
public func styleTransfer(content: Image, styles: [Image], network: any FeatureNetwork, _ p: StyleTransferParameters,
                          progress: ProgressSink? = nil, snapshot: ((Int, Image) -> Void)? = nil, snapshotEvery: Int = 0) throws -> StyleTransferResult {
    guard !styles.isEmpty else { throw NeuralError.invalidParameter(flag: "--style", value: "none", expected: "at least one style image") }
    try p.validate(styleCount: styles.count)
    func indices(_ names: [String], _ flag: String) throws -> [Int] {
        try names.map { name in
            guard let i = network.index(of: name) else {
                let known = network.layerNames.filter { $0.hasPrefix("relu") }.joined(separator: ", ")
                throw NeuralError.invalidParameter(flag: flag, value: name, expected: "a layer of this network (\(known))")
            }
            return i
        }
    }
    let contentIndices = try indices(p.contentLayers, "--content-layers"), styleIndices = try indices(p.styleLayers, "--style-layers")
    let deepest = (contentIndices + styleIndices).max() ?? 0
    guard deepest < network.deepestLayer else { throw NeuralError.tooDeep(layer: network.layerNames[deepest], weights: network.source) }

    let start = Date()
    var loopSeconds = 0.0, evaluations = 0
    var trace: [LossRecord] = []
    var current: Image? = nil
    let sizes = p.stages
    for (stage, side) in sizes.enumerated() {
        // Shrinking uses PIL's tent filter, as neural-style's loaders do: with area averaging instead the targets are
        // sharper and the same run ends 15 % higher in loss; with it, loss traces match neural-style-pt's within
        // 0.1 %. Enlarging is bicubic.
        func fitted(_ image: Image, _ longest: Int) -> Image {
            let size = image.sizeFitting(longestSide: longest)
            return image.rgb().opaque.resized(to: size, method: size.width < image.width ? .triangle : .bicubic)
        }
        let contentImage = fitted(content, side)
        var styleImages = styles.map { fitted($0, max(16, Int(Float(side) * p.styleScale))) }
        if p.preserveColours == .histogram { styleImages = styleImages.map { $0.histogramMatched(to: contentImage) } }
        let minimum = network.minimumSide(forLayer: deepest)
        for (role, image) in [("content image", contentImage)] + styleImages.map({ ("style image", $0) })
            where min(image.width, image.height) < minimum {
            throw NeuralError.tooSmall(role: role, size: image.size, layer: network.layerNames[deepest], minimum: minimum)
        }
        let norm = network.normalisation
        // Targets: content features; the blend of the style images' Gram matrices.
        // Only the content layers' features are kept: the whole forward pass would hold a second copy of every
        // activation for the length of the optimisation.
        let contentFeatures: [Tensor] = {
            let all = network.forward(Tensor(networkInput: contentImage, normalisation: norm), through: deepest)
            return contentIndices.map { all[$0] }
        }()
        let blendWeights = p.styleBlend ?? Array(repeating: 1, count: styles.count), total = blendWeights.reduce(0, +)
        let blend = blendWeights.map { $0 / total }
        var styleGrams: [Int: [Float]] = [:]
        for (s, style) in styleImages.enumerated() {
            let features = network.forward(Tensor(networkInput: style, normalisation: norm), through: styleIndices.max() ?? 0)
            for l in styleIndices {
                let g = Losses.gram(features[l])
                styleGrams[l] = zip(styleGrams[l] ?? [Float](repeating: 0, count: g.count), g).map { $0 + blend[s] * $1 }
            }
        }
        // The starting image.
        var x: Tensor
        if let current {
            x = Tensor(networkInput: current.resized(to: contentImage.size, method: .bicubic), normalisation: norm)
        } else {
            switch p.initialisation {
            case .content: x = Tensor(networkInput: contentImage, normalisation: norm)
            case .noise:
                var random = RandomSource(seed: p.seed, stream: [stage])
                x = Tensor(channels: 3, height: contentImage.height, width: contentImage.width)
                for i in x.values.indices { x.values[i] = random.nextGaussian() * network.initialNoise }
            case .image(let path):
                x = Tensor(networkInput: try Image(contentsOf: path).resized(to: contentImage.size, method: .bilinear), normalisation: norm)
            }
        }
        let shape = (x.channels, x.height, x.width)
        let layerWeights = p.styleLayerWeights ?? Array(repeating: 1, count: styleIndices.count)
        // Workspaces: every buffer of an evaluation lives here and is reused by the next one.
        var input = x, activations: [Tensor] = [], inputGradient = x, spare = x, tvGradient = x
        let lossLayers = Set(contentIndices + styleIndices)
        var contentGradients = Dictionary(uniqueKeysWithValues: contentIndices.map { ($0, x) })
        var styleGradients = Dictionary(uniqueKeysWithValues: styleIndices.map { ($0, x) })
        var gramScratch: [Float] = []
        let objective: Objective = { values, gradient in
            input.values.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: values, count: values.count) }
            network.forward(input, through: deepest, keeping: lossLayers, into: &activations)
            var contentLoss = 0.0, styleLoss = 0.0
            for (k, l) in contentIndices.enumerated() {
                contentLoss += Losses.content(activations[l], target: contentFeatures[k], weight: p.contentWeight,
                                              gradient: &contentGradients[l]!)
            }
            for (k, l) in styleIndices.enumerated() {
                styleLoss += Losses.style(activations[l], targetGram: styleGrams[l] ?? [], weight: p.styleWeight * layerWeights[k],
                                          gradient: &styleGradients[l]!, scratch: &gramScratch)
            }
            // A layer that carries both a content and a style loss gets the sum of their gradients.
            var gradients = contentGradients
            for (l, g) in styleGradients {
                if var both = gradients[l] {
                    both.add(g)
                    gradients[l] = both
                } else {
                    gradients[l] = g
                }
            }
            network.backward(input: input, activations: activations, gradients: gradients, into: &inputGradient, spare: &spare)
            let tvLoss = Losses.totalVariation(input, weight: p.tvWeight, gradient: &tvGradient)
            gradient.withUnsafeMutableBufferPointer { out in
                inputGradient.values.withUnsafeBufferPointer { r in tvGradient.values.withUnsafeBufferPointer { t in for i in out.indices { out[i] = r[i] + t[i] } } }
            }
            trace.append(LossRecord(iteration: trace.count, total: contentLoss + styleLoss + tvLoss, content: contentLoss, style: styleLoss, tv: tvLoss))
            return contentLoss + styleLoss + tvLoss
        }
        var values = x.values
        let iterations = p.iterations(atStage: stage)
        let loopStart = Date()
        let observe: (Int, Double, [Float]) -> Void = { i, loss, point in
            progress?("neural \(side)px", i + 1, of: iterations, detail: String(format: "loss %.4g", loss))
            if let snapshot, snapshotEvery > 0, (i + 1) % snapshotEvery == 0 {
                snapshot(i + 1, Tensor(channels: shape.0, height: shape.1, width: shape.2, values: point).image(normalisation: norm))
            }
        }
        switch p.optimiser {
        case .lbfgs: LBFGS(history: 100, learningRate: p.learningRate).minimise(&values, iterations: iterations, objective, observe: observe)
        case .adam: Adam(learningRate: p.learningRate).minimise(&values, iterations: iterations, objective, observe: observe)
        }
        loopSeconds += Date().timeIntervalSince(loopStart)
        evaluations += iterations
        var result = Tensor(channels: shape.0, height: shape.1, width: shape.2, values: values).image(normalisation: norm)
        if p.preserveColours == .luminance {
            var yiq = contentImage.yiq()
            let y = result.luminance()
            for i in 0 ..< y.pixelCount { yiq.samples[i] = y.samples[i] }
            result = yiq.rgbFromYIQ().clamped()
        }
        current = result
    }
    return StyleTransferResult(image: current ?? content, lossTrace: trace, secondsTotal: Date().timeIntervalSince(start),
                               secondsPerIteration: loopSeconds / Double(max(evaluations, 1)), iterations: evaluations,
                               weightsSource: network.source)
}
