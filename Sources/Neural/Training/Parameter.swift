import Imaging

/// One trainable array of a network (a convolution's weights, an instance norm's γ …): its values, the gradient
/// that backward passes add into, and its shape as it is stored in a checkpoint.
public final class Parameter {
    public let name: String
    public let shape: [Int]
    public var values: [Float]
    /// ∂loss/∂values, summed over the samples of a mini-batch until the optimiser takes its step.
    var gradient: [Float]

    init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
        gradient = [Float](repeating: 0, count: values.count)
    }

    /// He et al.'s (2015) initialisation for a layer followed by a ReLU: N(0, 2 / fan-in).
    static func he(name: String, shape: [Int], fanIn: Int, random: inout RandomSource) -> Parameter {
        let count = shape.reduce(1, *), std = (2 / Float(max(fanIn, 1))).squareRoot()
        return Parameter(name: name, shape: shape, values: (0 ..< count).map { _ in std * random.nextGaussian() })
    }

    static func constant(name: String, shape: [Int], _ value: Float) -> Parameter {
        Parameter(name: name, shape: shape, values: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    func zeroGradient() { gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
}
