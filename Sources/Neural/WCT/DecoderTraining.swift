import Foundation
import Imaging
import StyleLabSupport

/// What a decoder's training minimises, per sample i: ‖D(Φ(i)) − i‖² (pixels, RGB 0–1) plus the feature error
/// ‖Φ(D(Φ(i))) − Φ(i)‖², both as means; the feature term is divided by the mean square of Φ(i), which makes the
/// weights mean the same at every layer and under any VGG normalisation (Li et al.'s λ = 1 is for theirs).
public struct DecoderTrainingSettings: Sendable, Equatable {
    public var layer: String
    public var crop = 128
    /// Images are scaled so that their shorter side is this before cropping (WCT-TF: 512 for 256 crops).
    public var shorterSide = 256
    public var pixelWeight: Float = 1
    public var featureWeight: Float = 1
    /// A trained decoder of a shallower layer to start from: a decoder's tail is the shallower decoder whole
    /// (relu5_1's ends in relu4_1's layers, under the same names), so only the new head starts from scratch.
    public var startFrom: String?
    /// Train only the layers in front of `startFrom`'s (the head), to turn this layer's features into the ones the
    /// shallower decoder reads, which stays as it is. No pass back through VGG-19 and a far easier problem: the
    /// relu5_1 decoder learned nothing end to end in the steps this machine affords, and learns this way in
    /// minutes. The paper's loss can then fine-tune the whole decoder (`startFrom` a decoder of this layer).
    public var headOnly = false

    public init(layer: String) { self.layer = layer }

    var asMetadata: [String: String] {
        var metadata = ["layer": layer, "crop": String(crop), "shorter_side": String(shorterSide),
                        "pixel_weight": String(pixelWeight), "feature_weight": String(featureWeight)]
        metadata["start_from"] = startFrom.map { ($0 as NSString).lastPathComponent }
        if headOnly { metadata["head_only"] = "true" }
        return metadata
    }
}

/// Trains the decoder for `settings.layer` against `weights` and writes it to `output` (half precision), with its
/// training command, data and losses in the metadata.
public func trainFeatureDecoder(_ settings: DecoderTrainingSettings, images paths: [String], weights: VGG19Weights,
                                schedule: TrainingSchedule, output: String, command: String,
                                progress: ProgressSink? = nil) throws -> TrainingReport {
    let check = RangeCheck<ParameterError> { ParameterError(name: $0, value: $1, expected: $2) }
    try check.int("--crop", settings.crop, 16 ... 1024)
    try check.int("--shorter-side", settings.shorterSide, 16 ... 4096)
    try check.real("--pixel-weight", settings.pixelWeight, 0 ... 1e6)
    try check.real("--feature-weight", settings.featureWeight, 0 ... 1e6)
    let decoder = try FeatureDecoder(layer: settings.layer, encoder: weights.source, seed: schedule.seed)
    let initial = try settings.startFrom.map { try decoder.copyLayers(from: $0) }
    guard let last = VGG19.index(of: settings.layer), last < weights.deepestLayer else {
        throw NeuralError.tooDeep(layer: settings.layer, weights: weights.source)
    }
    let tail = settings.headOnly ? initial : nil
    if settings.headOnly && (tail == nil || tail?.layer == settings.layer) {
        throw ParameterError(name: "--head-only", value: "set", expected: "--start-from a shallower decoder")
    }
    let vgg = VGG19(weights.reaching([settings.layer]))
    let data = try TrainingImages(paths: paths, crop: settings.crop, shorterSide: settings.shorterSide,
                                  seed: schedule.seed)
    let normalisation = weights.normalisation
    if initial?.layer != settings.layer {  // a fine-tune keeps the scale its weights were trained with
        decoder.inputScale = inputScale(vgg, data, at: last, normalisation)
    }
    var metadata = settings.asMetadata
    metadata["encoder"] = weights.source
    metadata["input_scale"] = String(decoder.inputScale)
    if let tail {
        return try trainDecoderHead(decoder, tail: tail, vgg: vgg, data: data, layer: last, metadata: metadata,
                                    schedule: schedule, output: output, command: command, progress: progress)
    }
    let start = Date()
    let history = try runTraining(decoder.parameters, schedule, settings: metadata, kind: FeatureDecoder.kind,
                                  progress: progress) { step, index in
        let image = Tensor(rgb: data.sample(step: step, index: index))
        let target = vgg.forward(image.networkInput(normalisation), through: last)[last]
        let output = decoder.network.forward(decoder.scaled(target), training: true)
        let input = output.networkInput(normalisation)
        let activations = vgg.forward(input, through: last)
        let (pixel, dPixel) = meanSquaredError(output, image, weight: settings.pixelWeight)
        let scale = settings.featureWeight / max(meanSquare(target), 1e-12)
        let (feature, dFeature) = meanSquaredError(activations[last], target, weight: scale)
        var gradient = vgg.backward(input: input, activations: activations, gradients: [last: dFeature])
            .rgbGradient(normalisation)
        gradient.add(dPixel)
        decoder.network.backward(gradient)
        return ["total": pixel + feature, "pixel": pixel, "feature": feature]
    }
    let side = settings.crop
    let macs = 3 * (decoderMACs(settings.layer, side: side) + vggMACs(through: last, side: side))
    return try finishTraining(decoder.parameters, metadata: metadata, kind: FeatureDecoder.kind, command: command,
                              schedule: schedule, images: data, history: history,
                              seconds: Date().timeIntervalSince(start), macsPerSample: macs, output: output)
}

/// Trains the head of `decoder` (its layers in front of the shallower decoder `tail`, whose layers it holds): the
/// head maps this layer's features, scaled, onto the tail's layer's features, scaled as the tail reads them. The
/// loss is their mean squared error over the target's mean square.
func trainDecoderHead(_ decoder: FeatureDecoder, tail: FeatureDecoder, vgg: VGG19, data: TrainingImages,
                      layer last: Int, metadata: [String: String], schedule: TrainingSchedule, output: String,
                      command: String, progress: ProgressSink?) throws -> TrainingReport {
    guard let shallow = VGG19.index(of: tail.layer) else {
        throw ParameterError(name: "--start-from", value: tail.layer, expected: "a WCT layer")
    }
    let head = SequentialNetwork(Array(decoder.network.layers.dropLast(tail.network.layers.count)))
    let normalisation = vgg.normalisation
    let start = Date()
    let history = try runTraining(head.parameters, schedule, settings: metadata, kind: FeatureDecoder.kind,
                                  progress: progress) { step, index in
        let image = Tensor(rgb: data.sample(step: step, index: index)).networkInput(normalisation)
        let features = vgg.features(image, at: [shallow, last])
        guard let deep = features[last], let shallower = features[shallow] else { return ["total": .nan] }
        let output = head.forward(decoder.scaled(deep), training: true)
        let target = tail.scaled(shallower)
        let (loss, gradient) = meanSquaredError(output, target, weight: 1 / max(meanSquare(target), 1e-12))
        head.backward(gradient)
        return ["total": loss, "feature": loss]
    }
    let side = data.crop
    let macs = vggMACs(through: last, side: side) + 3 * (decoderMACs(decoder.layer, side: side)
                                                         - decoderMACs(tail.layer, side: side))
    return try finishTraining(decoder.parameters, metadata: metadata, kind: FeatureDecoder.kind, command: command,
                              schedule: schedule, images: data, history: history,
                              seconds: Date().timeIntervalSince(start), macsPerSample: macs, output: output)
}

/// Unnormalised VGG features are in the hundreds: a decoder reads them scaled by their inverse RMS on the first
/// training sample (a fixed constant, kept in the file), so that every activation starts near unit size.
func inputScale(_ vgg: VGG19, _ data: TrainingImages, at layer: Int, _ normalisation: InputNormalisation) -> Float {
    let probe = Tensor(rgb: data.sample(step: 0, index: 0)).networkInput(normalisation)
    return 1 / max(meanSquare(vgg.forward(probe, through: layer)[layer]).squareRoot(), 1e-6)
}

/// weight · mean((a − b)²) and its gradient with respect to a.
func meanSquaredError(_ a: Tensor, _ b: Tensor, weight: Float) -> (Double, Tensor) {
    var gradient = a, sum = 0.0
    let scale = 2 * weight / Float(a.count)
    for i in a.values.indices {
        let d = a.values[i] - b.values[i]
        sum += Double(d * d)
        gradient.values[i] = scale * d
    }
    return (Double(weight) * sum / Double(a.count), gradient)
}

func meanSquare(_ x: Tensor) -> Float {
    var sum = 0.0
    for v in x.values { sum += Double(v * v) }
    return Float(sum / Double(max(x.count, 1)))
}

/// Multiply–adds of VGG-19's convolutions up to layer `last` on a side × side input.
func vggMACs(through last: Int, side: Int) -> Int {
    var s = side, total = 0
    for (_, kind) in VGG19.layers[...last] {
        switch kind {
        case .convolution(let i):
            total += (i == 0 ? 3 : VGG19Weights.widths[i - 1]) * VGG19Weights.widths[i] * 9 * s * s
        case .pool: s /= 2
        case .relu: break
        }
    }
    return total
}

/// A decoder mirrors its encoder, so it does the same work.
func decoderMACs(_ layer: String, side: Int) -> Int {
    VGG19.index(of: layer).map { vggMACs(through: $0, side: side) } ?? 0
}
