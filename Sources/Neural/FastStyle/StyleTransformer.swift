import Foundation
import Imaging

/// The feed-forward styliser of Johnson, Alahi & Fei-Fei (2016) with Dumoulin, Shlens & Kudlur's (2017)
/// conditional instance normalisation: one network, one forward pass per image, N styles.
///
///     c9s1-w  →  c3s2-2w  →  c3s2-4w  →  5 × residual(4w)  →  up, c3s1-2w  →  up, c3s1-w  →  c9s1-3  →  sigmoid
///
/// Every convolution has reflection padding and is followed by (conditional) instance normalisation and a ReLU,
/// except that the last has no ReLU but a sigmoid (Dumoulin et al.). Upsampling is nearest-neighbour and a
/// convolution, not a transposed convolution (Odena et al.'s fix for checkerboards). w = 32 is the paper's
/// width; w = 16 the "half-width" networks Johnson released, four times cheaper.
public final class StyleTransformer {
    static let kind = "fast-style"
    /// The styles the network learned, in the order of its γ, β rows.
    public let styles: [String]
    /// The first layer's channel count (32 full, 16 half width).
    public let width: Int
    let network: SequentialNetwork
    private let normalisations: [InstanceNormalization]

    /// A network with He-initialised weights, γ = 1 and β = 0 for every style (what training starts from); without
    /// a seed, zero weights (to be read from a file).
    init(width: Int, styles: [String], seed: UInt64?) throws {
        guard (4 ... 128).contains(width) else {
            throw ParameterError(name: "--width", value: String(width), expected: "4 … 128 (32 full, 16 half width)")
        }
        guard (1 ... 64).contains(styles.count) else {
            throw ParameterError(name: "--style", value: styles.joined(separator: ","), expected: "1 … 64 styles")
        }
        var random = seed.map { RandomSource(seed: $0) }
        var norms: [InstanceNormalization] = []
        func convolution(_ name: String, _ inputs: Int, _ outputs: Int, kernel: Int, stride: Int = 1,
                         relu: Bool = true) -> [TrainableLayer] {
            let norm = InstanceNormalization(name: name + ".norm", channels: outputs, styles: styles.count)
            norms.append(norm)
            let conv = ConvolutionLayer(name: name, inputs: inputs, outputs: outputs, kernel: kernel, stride: stride,
                                        random: &random)
            return relu ? [conv, norm, ReLULayer()] : [conv, norm]
        }
        var layers = convolution("in1", 3, width, kernel: 9)
        layers += convolution("down1", width, 2 * width, kernel: 3, stride: 2)
        layers += convolution("down2", 2 * width, 4 * width, kernel: 3, stride: 2)
        for r in 1 ... 5 {
            layers.append(ResidualBlock(convolution("res\(r).a", 4 * width, 4 * width, kernel: 3)
                                        + convolution("res\(r).b", 4 * width, 4 * width, kernel: 3, relu: false)))
        }
        layers += [UpsampleLayer()] + convolution("up1", 4 * width, 2 * width, kernel: 3)
        layers += [UpsampleLayer()] + convolution("up2", 2 * width, width, kernel: 3)
        layers += convolution("out", width, 3, kernel: 9, relu: false) + [SigmoidLayer()]
        (self.styles, self.width, network, normalisations) = (styles, width, SequentialNetwork(layers), norms)
    }

    /// Reads a network written by `stylelab train fast-style` (or one of its checkpoints).
    public convenience init(contentsOf path: String) throws {
        let (file, prefix) = try ModelFile.readModel(path, kind: StyleTransformer.kind)
        let width = try ModelFile.integer(file, "width", in: 4 ... 128, path: path)
        let styles = (file.metadata["styles"] ?? "").split(separator: ",").map(String.init)
        guard (1 ... 64).contains(styles.count) else {
            throw WeightError.refused(path: path, detail: "metadata styles names \(styles.count) styles, not 1 … 64")
        }
        try self.init(width: width, styles: styles, seed: nil)
        try ModelFile.load(file, into: network.parameters, path: path, prefix: prefix)
    }

    var parameters: [Parameter] { network.parameters }

    /// Every normalisation layer's style weights: one-hot to train a style, any blend at inference (γ and β are
    /// mixed linearly, as Dumoulin et al.; the weights are used as given, not normalised).
    func select(_ mix: [Float]) { normalisations.forEach { $0.mix = mix } }

    /// `content` stylised with the learned styles blended by `mix` (one weight per style; nil: the first style).
    public func stylise(_ content: Image, mix: [Float]? = nil) throws -> Image {
        let weights = mix ?? [1] + [Float](repeating: 0, count: styles.count - 1)
        guard weights.count == styles.count, weights.allSatisfy({ $0.isFinite && $0 >= 0 }),
              weights.reduce(0, +) > 0 else {
            throw ParameterError(name: "--style-mix", value: weights.map { String($0) }.joined(separator: ","),
                                 expected: "\(styles.count) non-negative weights (one per style: "
                                     + styles.joined(separator: ", ") + "), not all zero")
        }
        guard content.width >= 4, content.height >= 4 else {
            throw ParameterError(name: "--content", value: "\(content.width)×\(content.height)",
                                 expected: "an image at least 4 pixels on each side")
        }
        select(weights)
        // Two stride-2 layers round odd sides up, so the output can be a pixel or two larger: crop it back.
        let output = network.forward(Tensor(rgb: content)).rgbImage
        return output.cropped(x: 0, y: 0, width: content.width, height: content.height)
    }
}

/// Multiply–adds of a network's convolutions on a side × side input (for the GFLOP/s a training run reports).
func convolutionMACs(_ layers: [TrainableLayer], side: inout Int) -> Int {
    var total = 0
    for layer in layers {
        switch layer {
        case let conv as ConvolutionLayer:
            let out = conv.outputSide(side)
            total += conv.inputs * conv.outputs * conv.kernel * conv.kernel * out * out
            side = out
        case is UpsampleLayer: side *= 2
        case let block as ResidualBlock: var inner = side; total += convolutionMACs(block.body, side: &inner)
        default: continue
        }
    }
    return total
}
