import Imaging

/// The random multi-scale network of Ustyuzhaninov, Brendel, Gatys & Bethge ("What does it take to generate natural
/// textures?", ICLR 2017): one layer of random, untrained filters of many sizes, each followed by a ReLU. Its Gram
/// matrices alone synthesise convincing textures, so style transfer runs without any pretrained weights.
///
/// The paper's filters span 3 to 55 pixels at full resolution. A 55 × 55 filter costs 336 times a 3 × 3 one, so
/// here the large receptive fields come from 7 × 7 filters on 2×, 4× and 8× average-pooled copies of the image:
/// branches of 3, 7, 14, 28 and 56 pixels, 128 filters each, for about a twentieth of the arithmetic.
public final class RandomMultiScaleNetwork: FeatureNetwork {
    /// One branch: a kernel size applied at a pyramid level (0 = full resolution).
    struct Branch { let kernel: Int, level: Int; var receptiveField: Int { kernel << level } }
    static let branches = [Branch(kernel: 3, level: 0), Branch(kernel: 7, level: 0), Branch(kernel: 7, level: 1),
                           Branch(kernel: 7, level: 2), Branch(kernel: 7, level: 3)]
    static let filtersPerBranch = 128
    static let levels = 3

    /// Layers in forward order: the pooled copies, then each branch's convolution and ReLU.
    public let layerNames: [String] = (1 ... levels).map { "down\(1 << $0)" }
        + branches.flatMap { ["conv_\($0.receptiveField)px", "relu_\($0.receptiveField)px"] }
    public static let defaultStyleLayers = branches.map { "relu_\($0.receptiveField)px" }
    /// Content at the 14-pixel branch: fine enough to keep the content's shapes, coarse enough to let the style
    /// redraw its edges.
    public static let defaultContentLayers = ["relu_14px"]

    /// A preset's parameters moved onto this network: its layers, and a style weight 100× the VGG one, because its
    /// Gram matrices are about that much smaller next to the TV term (measured on the embedded textures: at VGG's
    /// weights TV wins and the style never appears).
    public static func adapted(_ p: StyleTransferParameters) -> StyleTransferParameters {
        var p = p
        p.contentLayers = defaultContentLayers
        p.styleLayers = defaultStyleLayers
        p.styleWeight *= 100
        return p
    }

    // The Caffe convention (0–255, mean removed) puts losses on the scale neural-style's weights were tuned for.
    public let normalisation = InputNormalisation.caffe
    public let source: String
    /// Without biases, a near-flat start has a near-zero gradient (the Gram loss is quartic in x): start from
    /// noise of a fifth of the pixel range instead.
    public let initialNoise: Float = 0.2 * 255
    public var deepestLayer: Int { layerNames.count }
    private let convolutions: [Convolution]
    // Workspaces reused by every evaluation.
    private var columns: [Float] = []
    private var levelGradients: [Tensor] = []
    private var scratch = Tensor(channels: 1, height: 1, width: 1)
    private var branchGradient = Tensor(channels: 1, height: 1, width: 1)

    /// Gaussian filters scaled to unit norm and zero biases, seeded. (Not zero-mean: a filter that sums to zero
    /// would be blind to the style's colours.)
    public init(seed: UInt64) {
        convolutions = RandomMultiScaleNetwork.branches.enumerated().map { b, branch in
            var random = RandomSource(seed: seed, stream: [0x55, b])
            let taps = 3 * branch.kernel * branch.kernel
            var weights: [Float] = []
            for _ in 0 ..< RandomMultiScaleNetwork.filtersPerBranch {
                let filter = (0 ..< taps).map { _ in random.nextGaussian() }
                let norm = filter.reduce(0) { $0 + $1 * $1 }.squareRoot()
                weights += filter.map { $0 / max(norm, 1e-12) }
            }
            return Convolution(weights: ConvolutionWeights(
                name: "conv_\(branch.receptiveField)px", outputs: RandomMultiScaleNetwork.filtersPerBranch, inputs: 3,
                kernel: branch.kernel, weights: weights, bias: [Float](repeating: 0, count: RandomMultiScaleNetwork.filtersPerBranch)))
        }
        source = "random multi-scale network after Ustyuzhaninov et al. 2017 (seed \(seed), no pretrained weights)"
    }

    /// What layer `index` is: a pooled copy (level 1, 2, 3), or a branch's convolution or ReLU.
    private enum Layer { case pool(level: Int), convolution(branch: Int), relu(branch: Int) }
    private func layer(_ index: Int) -> Layer {
        let levels = RandomMultiScaleNetwork.levels
        if index < levels { return .pool(level: index + 1) }
        let branch = (index - levels) / 2
        return (index - levels) % 2 == 0 ? .convolution(branch: branch) : .relu(branch: branch)
    }

    public func minimumSide(forLayer index: Int) -> Int {
        switch layer(index) {
        case .pool(let level): return 1 << level
        case .convolution(let b), .relu(let b): return 1 << RandomMultiScaleNetwork.branches[b].level
        }
    }

    /// The image at pyramid `level`: the input, or one of the pooled copies.
    private func image(level: Int, input: Tensor, activations: [Tensor]) -> Tensor { level == 0 ? input : activations[level - 1] }

    /// Keeps every layer whatever `kept` says (its activations are small next to VGG-19's).
    public func forward(_ input: Tensor, through last: Int, keeping kept: Set<Int>?, into activations: inout [Tensor]) {
        if activations.count != last + 1 { activations = Array(repeating: Tensor(channels: 1, height: 1, width: 1), count: last + 1) }
        for l in 0 ... last {
            switch layer(l) {
            case .pool(let level):
                let finer = image(level: level - 1, input: input, activations: activations)
                Activation.pool(finer, .average, into: &activations[l])
            case .convolution(let b):
                let x = image(level: RandomMultiScaleNetwork.branches[b].level, input: input, activations: activations)
                convolutions[b].forward(x, into: &activations[l], columns: &columns)
            case .relu:
                let x = activations[l - 1]
                Activation.relu(x, into: &activations[l])
            }
        }
    }

    /// Each branch's gradient flows through its ReLU and convolution into the image at its level; the levels then
    /// flow from the coarsest down through the average poolings to the input.
    public func backward(input: Tensor, activations: [Tensor], gradients: [Int: Tensor], into result: inout Tensor, spare: inout Tensor) {
        let levels = RandomMultiScaleNetwork.levels
        if levelGradients.count != levels + 1 { levelGradients = Array(repeating: Tensor(channels: 1, height: 1, width: 1), count: levels + 1) }
        for level in 0 ... levels {
            let x = image(level: level, input: input, activations: activations)
            levelGradients[level].reshape(channels: x.channels, height: x.height, width: x.width)
            levelGradients[level].zero()
        }
        for (b, branch) in RandomMultiScaleNetwork.branches.enumerated() {
            let conv = levels + 2 * b, relu = conv + 1
            guard gradients[conv] != nil || gradients[relu] != nil else { continue }
            let shape = activations[conv]
            branchGradient.reshape(channels: shape.channels, height: shape.height, width: shape.width)
            branchGradient.zero()
            if let fromReLU = gradients[relu] {
                branchGradient.add(fromReLU)
                Activation.reluBackward(&branchGradient, output: activations[relu])
            }
            if let direct = gradients[conv] { branchGradient.add(direct) }
            let x = image(level: branch.level, input: input, activations: activations)
            convolutions[b].backward(branchGradient, inputShape: (x.channels, x.height, x.width), into: &scratch, columns: &columns)
            levelGradients[branch.level].add(scratch)
        }
        for level in stride(from: levels, through: 1, by: -1) {
            if let direct = gradients[level - 1] { levelGradients[level].add(direct) }
            let below = image(level: level - 1, input: input, activations: activations)
            Activation.poolBackward(levelGradients[level], input: below, .average, into: &scratch)
            levelGradients[level - 1].add(scratch)
        }
        result.assign(levelGradients[0])
    }
}
