/// VGG-19's feature stack with the literature's layer names (conv1_1, relu1_1, pool1, …, relu5_4), run as deep as
/// a job needs. The weights are frozen: backward computes only the gradient with respect to the input image.
public final class VGG19 {
    public enum Kind: Sendable { case convolution(Int), relu, pool }

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

    public let weights: VGG19Weights
    public let pooling: Pooling
    private let convolutions: [Convolution]
    private var columns: [Float] = []

    public init(_ weights: VGG19Weights, pooling: Pooling = .max) {
        self.weights = weights
        self.pooling = pooling
        convolutions = weights.layers.map(Convolution.init)
    }

    /// How many layers these weights reach (an exclusive bound on layer indices): every layer whose convolutions
    /// the file holds, with the ReLU and pooling that follow the last of them.
    public var deepestLayer: Int {
        var reachable = 0
        for (l, layer) in VGG19.layers.enumerated() {
            if case .convolution(let i) = layer.kind, i >= convolutions.count { break }
            reachable = l + 1
        }
        return reachable
    }

    /// Activations of every layer from the input to layer `last` (inclusive), in order.
    public func forward(_ input: Tensor, through last: Int) -> [Tensor] {
        var outputs: [Tensor] = []
        var x = input
        for l in 0 ... last {
            switch VGG19.layers[l].kind {
            case .convolution(let i): x = convolutions[i].forward(x, columns: &columns)
            case .relu: x = Activation.relu(x)
            case .pool: x = Activation.pool(x, pooling)
            }
            outputs.append(x)
        }
        return outputs
    }

    /// ∂loss/∂input, given ∂loss/∂(activation) at some layers (keyed by layer index) and the forward activations.
    public func backward(input: Tensor, activations: [Tensor], gradients: [Int: Tensor]) -> Tensor {
        guard let last = gradients.keys.max() else { return Tensor(channels: input.channels, height: input.height, width: input.width) }
        var g = gradients[last]!
        for l in stride(from: last, through: 0, by: -1) {
            if l != last, let extra = gradients[l] {
                g.values.withUnsafeMutableBufferPointer { g in extra.values.withUnsafeBufferPointer { e in for i in g.indices { g[i] += e[i] } } }
            }
            let below = l == 0 ? input : activations[l - 1]
            switch VGG19.layers[l].kind {
            case .convolution(let i): g = convolutions[i].backward(g, inputShape: (below.channels, below.height, below.width), columns: &columns)
            case .relu: g = Activation.reluBackward(g, output: activations[l])
            case .pool: g = Activation.poolBackward(g, input: below, pooling)
            }
        }
        return g
    }
}
