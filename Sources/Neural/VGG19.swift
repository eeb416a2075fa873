/// VGG-19's feature stack with the literature's layer names (conv1_1, relu1_1, pool1, …, relu5_4), run as deep as
/// a job needs. The weights are frozen: backward computes only the gradient with respect to the input image.
public final class VGG19: FeatureNetwork {
    public enum Kind: Sendable {
        case convolution(Int), relu, pool
        var isReLU: Bool { if case .relu = self { true } else { false } }
    }

    /// Every layer in order: (name, kind).
    public static let layers: [(name: String, kind: Kind)] = {
        var out: [(String, Kind)] = []
        var conv = 0
        for (block, count) in [(1, 2), (2, 2), (3, 4), (4, 4), (5, 4)] {
            for i in 1 ... count {
                out.append(("conv\(block)_\(i)", .convolution(conv)))
                out.append(("relu\(block)_\(i)", .relu))
                conv += 1
            }
            out.append(("pool\(block)", .pool))
        }
        return out
    }()

    public static func index(of name: String) -> Int? { layers.firstIndex { $0.name == name } }
    public var layerNames: [String] { VGG19.layers.map(\.name) }
    public let normalisation: InputNormalisation
    public let source: String
    /// neural-style's σ = 0.001 (of a 0–1 image): VGG's biases keep even a flat start away from a zero gradient.
    public var initialNoise: Float { 0.001 * normalisation.scale }
    public func minimumSide(forLayer index: Int) -> Int { VGG19.minimumSide(forLayer: index) }

    /// The smallest image side that still has at least one pixel at layer `index`: 2^(poolings before it).
    public static func minimumSide(forLayer index: Int) -> Int {
        1 << layers.prefix(index).filter { if case .pool = $0.kind { return true } else { return false } }.count
    }

    /// How the 3 × 3 convolutions are computed: Winograd F(4 × 4, 3 × 3) on sgemm (the default: 4× fewer
    /// multiplications), or im2col + sgemm, the reference it is tested and benchmarked against.
    public enum ConvolutionAlgorithm: String, Sendable { case winograd, im2col }

    public let pooling: Pooling
    public let algorithm: ConvolutionAlgorithm
    private let convolutions: [Convolution]
    private let winograd: [WinogradConvolution]
    private var columns: [Float] = []
    private var workspace = WinogradWorkspace()

    public init(_ weights: consuming VGG19Weights, pooling: Pooling = .max, algorithm: ConvolutionAlgorithm = .winograd) {
        normalisation = weights.normalisation
        source = weights.source
        convolutionCount = weights.layers.count
        self.pooling = pooling
        self.algorithm = algorithm
        convolutions = algorithm == .im2col ? weights.layers.map(Convolution.init) : []
        var transformed: [WinogradConvolution] = []
        if algorithm == .winograd {
            // Layer by layer, each layer's plain filters are let go once transformed: the two never all coexist.
            for i in weights.layers.indices {
                transformed.append(WinogradConvolution(weights.layers[i]))
                weights.layers[i].weights = []
            }
        }
        winograd = transformed
    }

    /// The number of convolutions the weights hold. (The weights themselves are not kept: each convolution holds
    /// what it needs, Winograd's transformed filters or im2col's matrix.)
    private let convolutionCount: Int

    /// How many layers these weights reach (an exclusive bound on layer indices): every layer whose convolutions
    /// the file holds, with the ReLU and pooling that follow the last of them.
    public var deepestLayer: Int { VGG19.deepestLayer(convolutions: convolutionCount) }

    /// The layers that `convolutions` convolutions reach (an exclusive bound on layer indices).
    static func deepestLayer(convolutions: Int) -> Int {
        var reachable = 0
        for (l, layer) in VGG19.layers.enumerated() {
            if case .convolution(let i) = layer.kind, i >= convolutions { break }
            reachable = l + 1
        }
        return reachable
    }

    /// The same into `activations`, whose tensors are reused when it already holds `last + 1` of them: an
    /// optimisation loop that keeps one array allocates nothing after its first evaluation. A convolution whose
    /// own output is not in `kept` writes straight into its ReLU's slot, and the ReLU works in place: ∂ReLU needs
    /// only the ReLU's output and the input gradient of a convolution no activation at all, so a third of the
    /// activations' memory need not be kept.
    public func forward(_ input: Tensor, through last: Int, keeping kept: Set<Int>?, into activations: inout [Tensor]) {
        if activations.count != last + 1 { activations = Array(repeating: Tensor(channels: 1, height: 1, width: 1), count: last + 1) }
        var fused = false  // the convolution before this layer wrote into this layer's slot
        for l in 0 ... last {
            let x = l == 0 ? input : activations[l - 1]
            switch VGG19.layers[l].kind {
            case .convolution(let i):
                fused = l < last && VGG19.layers[l + 1].kind.isReLU && kept.map { !$0.contains(l) } == true
                let slot = fused ? l + 1 : l
                if algorithm == .winograd {
                    // Winograd's output transform applies the ReLU as it writes.
                    winograd[i].forward(x, rectified: fused, into: &activations[slot], workspace: &workspace)
                } else {
                    convolutions[i].forward(x, into: &activations[slot], columns: &columns)
                }
            case .relu where fused:
                if algorithm != .winograd { Activation.reluInPlace(&activations[l]) }
                fused = false
            case .relu: Activation.relu(x, into: &activations[l])
            case .pool: Activation.pool(x, pooling, into: &activations[l])
            }
        }
    }

    /// The activations of `layers` only, computed in two buffers that take turns: what an encoder needs (WCT),
    /// with nothing kept for a backward pass, so that a pass to relu5_1 at 512² holds tens of megabytes, not
    /// hundreds (and memory first touched costs more than the arithmetic here).
    public func features(_ input: Tensor, at layers: Set<Int>) -> [Int: Tensor] {
        guard let last = layers.max() else { return [:] }
        var current = Tensor(channels: 1, height: 1, width: 1), next = current, out: [Int: Tensor] = [:]
        var rectified = false  // the convolution before this layer already applied its ReLU
        for l in 0 ... last {
            switch VGG19.layers[l].kind {
            case .convolution(let i):
                let x = l == 0 ? input : current
                if algorithm == .winograd {
                    // Unless this convolution's own output is asked for, its ReLU is applied as it is written.
                    rectified = !layers.contains(l) && l < last && VGG19.layers[l + 1].kind.isReLU
                    winograd[i].forward(x, rectified: rectified, into: &next, workspace: &workspace)
                } else {
                    convolutions[i].forward(x, into: &next, columns: &columns)
                }
                swap(&current, &next)
            case .relu where rectified: rectified = false
            case .relu: Activation.reluInPlace(&current)
            case .pool:
                Activation.pool(current, pooling, into: &next)
                swap(&current, &next)
            }
            if layers.contains(l) { out[l] = current }
        }
        return out
    }

    /// The same into `result`, using `spare` as the second of two ping-pong buffers (both reused across calls).
    public func backward(input: Tensor, activations: [Tensor], gradients: [Int: Tensor], into result: inout Tensor, spare: inout Tensor) {
        guard let last = gradients.keys.max(), let top = gradients[last] else {
            result.reshape(channels: input.channels, height: input.height, width: input.width)
            result.zero()
            return
        }
        // g holds ∂loss/∂(output of layer l); next receives ∂loss/∂(input of layer l).
        var g = result, next = spare
        result = Tensor(channels: 1, height: 1, width: 1); spare = result  // give up the references: no copy on write below
        g.assign(top)
        for l in stride(from: last, through: 0, by: -1) {
            if l != last, let extra = gradients[l] {
                g.add(extra)
            }
            let below = l == 0 ? input : activations[l - 1]
            switch VGG19.layers[l].kind {
            case .convolution(let i):
                if algorithm == .winograd {
                    winograd[i].backward(g, into: &next, workspace: &workspace)
                } else {
                    convolutions[i].backward(g, inputShape: (below.channels, below.height, below.width), into: &next,
                                             columns: &columns)
                }
                swap(&g, &next)
            case .relu:
                Activation.reluBackward(&g, output: activations[l])
            case .pool:
                Activation.poolBackward(g, input: below, pooling, into: &next)
                swap(&g, &next)
            }
        }
        result = g
        spare = next
    }
}
