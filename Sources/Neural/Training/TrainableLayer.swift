import Foundation
import StyleLabSupport

/// One layer of a network that learns. `forward` remembers what `backward` needs when `training` is set;
/// `backward` takes ∂loss/∂output, adds ∂loss/∂parameters into its parameters' gradients and returns ∂loss/∂input.
/// Layers see one sample at a time: a mini-batch is its samples' gradients summed before the optimiser's step
/// (instance normalisation, unlike batch normalisation, never mixes samples, so this is exact).
protocol TrainableLayer: AnyObject {
    var parameters: [Parameter] { get }
    /// The input is the layer's to keep or overwrite: element-wise layers work in place on a tensor nobody else
    /// holds, rather than copying a full-resolution activation for every ReLU.
    func forward(_ x: consuming Tensor, training: Bool) -> Tensor
    func backward(_ gradient: Tensor) -> Tensor
}

/// max(x, 0).
final class ReLULayer: TrainableLayer {
    private var output = Tensor(channels: 1, height: 1, width: 1)
    var parameters: [Parameter] { [] }

    func forward(_ x: consuming Tensor, training: Bool) -> Tensor {
        var y = consume x
        Activation.reluInPlace(&y)
        if training { output = y }
        return y
    }

    func backward(_ gradient: Tensor) -> Tensor { Activation.reluBackward(gradient, output: output) }
}

/// 1 / (1 + e^−x): the feed-forward networks' last layer, which makes every output a colour in 0–1
/// (Dumoulin et al.'s choice; Johnson et al. use a scaled tanh to the same end).
final class SigmoidLayer: TrainableLayer {
    private var output = Tensor(channels: 1, height: 1, width: 1)
    var parameters: [Parameter] { [] }

    func forward(_ x: consuming Tensor, training: Bool) -> Tensor {
        var y = consume x
        for i in y.values.indices { y.values[i] = 1 / (1 + exp(-y.values[i])) }
        if training { output = y }
        return y
    }

    func backward(_ gradient: Tensor) -> Tensor {
        var dx = gradient
        for i in dx.values.indices { let s = output.values[i]; dx.values[i] *= s * (1 - s) }
        return dx
    }
}

/// Nearest-neighbour upsampling by 2, then (in the networks) a convolution: "resize-convolution", which Odena et
/// al. (Distill 2016) showed avoids the checkerboards a strided transposed convolution paints.
final class UpsampleLayer: TrainableLayer {
    var parameters: [Parameter] { [] }

    func forward(_ x: consuming Tensor, training: Bool) -> Tensor {
        let w = x.width, h = x.height
        var y = Tensor.unfilled(channels: x.channels, height: 2 * h, width: 2 * w)
        x.values.withUnsafeBufferPointer { src in
            y.values.withUnsafeMutableBufferPointer { dst in
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(x.channels) { c in
                    for i in 0 ..< 2 * h {
                        let from = src.base + (c * h + i / 2) * w, to = dst.base + (c * 2 * h + i) * 2 * w
                        for j in 0 ..< 2 * w { to[j] = from[j / 2] }
                    }
                }
            }
        }
        return y
    }

    /// Each input pixel was copied to a 2 × 2 block: its gradient is the block's sum.
    func backward(_ gradient: Tensor) -> Tensor {
        let h = gradient.height / 2, w = gradient.width / 2
        var dx = Tensor(channels: gradient.channels, height: h, width: w)
        for c in 0 ..< gradient.channels {
            for i in 0 ..< 2 * h {
                for j in 0 ..< 2 * w {
                    dx.values[(c * h + i / 2) * w + j / 2] += gradient.values[(c * 2 * h + i) * 2 * w + j]
                }
            }
        }
        return dx
    }
}

/// x + F(x), F a short stack of layers (He et al. 2016; Johnson et al.'s blocks are conv–IN–ReLU–conv–IN).
final class ResidualBlock: TrainableLayer {
    let body: [TrainableLayer]
    var parameters: [Parameter] { body.flatMap(\.parameters) }

    init(_ body: [TrainableLayer]) { self.body = body }

    func forward(_ x: consuming Tensor, training: Bool) -> Tensor {
        var y = forwardThrough(body, x, training: training)
        y.add(x)
        return y
    }

    func backward(_ gradient: Tensor) -> Tensor {
        var dx = body.reversed().reduce(gradient) { $1.backward($0) }
        dx.add(gradient)
        return dx
    }
}

/// Layers in order: the whole of a decoder or a transformer network.
final class SequentialNetwork {
    let layers: [TrainableLayer]
    var parameters: [Parameter] { layers.flatMap(\.parameters) }

    init(_ layers: [TrainableLayer]) { self.layers = layers }

    func forward(_ x: Tensor, training: Bool = false) -> Tensor { forwardThrough(layers, x, training: training) }

    /// ∂loss/∂input, after adding ∂loss/∂parameters into every parameter's gradient.
    @discardableResult
    func backward(_ gradient: Tensor) -> Tensor { layers.reversed().reduce(gradient) { $1.backward($0) } }
}

/// x through `layers` in order, each layer handed the only reference to its input. At inference a convolution
/// followed by a ReLU applies it as it writes its output, where it can: one pass over the activations less.
func forwardThrough(_ layers: [TrainableLayer], _ x: Tensor, training: Bool) -> Tensor {
    var current = x, l = 0
    while l < layers.count {
        if !training, l + 1 < layers.count, layers[l + 1] is ReLULayer,
           let rectified = (layers[l] as? ConvolutionLayer)?.rectifiedInference(current) {
            current = rectified
            l += 2
        } else {
            current = layers[l].forward(consume current, training: training)
            l += 1
        }
    }
    return current
}
