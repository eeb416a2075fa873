import Testing
import Imaging
@testable import Neural

/// Every trainable layer's input and parameter gradients against central finite differences of a linear probe of
/// its output (L = Σ r · y), with `checkGradient`'s tolerance.
@Suite struct TrainingLayerTests {
    /// ∂L/∂input and ∂L/∂(each parameter) of `layer` at x, each at a few coordinates.
    /// `floor` is the smallest gradient compared relatively; below it the difference is compared absolutely.
    func checkLayer(_ layer: TrainableLayer, at x: Tensor, probeSeed: UInt64 = 9, floor: Double = 1e-3) {
        func loss(_ input: Tensor) -> (Double, Tensor) {
            layer.parameters.forEach { $0.zeroGradient() }
            let (value, r) = linearProbe(layer.forward(input, training: true), seed: probeSeed)
            return (value, layer.backward(r))
        }
        let spread = { (n: Int) in [0, n / 5, n / 3, n / 2, (2 * n) / 3, n - 1] }
        checkGradient(x, coordinates: spread(x.count), loss)
        for p in layer.parameters {
            _ = loss(x)
            let analytic = p.gradient
            for i in Set(spread(p.values.count)).sorted() {
                let saved = p.values[i], step: Float = 1e-2
                p.values[i] = saved + step
                let plus = linearProbe(layer.forward(x, training: true), seed: probeSeed).0
                p.values[i] = saved - step
                let minus = linearProbe(layer.forward(x, training: true), seed: probeSeed).0
                p.values[i] = saved
                let numeric = (plus - minus) / Double(2 * step), a = Double(analytic[i])
                let error = abs(numeric - a) / max(abs(numeric), abs(a), floor)
                #expect(error <= 1e-2, "\(p.name)[\(i)]: numeric \(numeric), analytic \(a)")
            }
        }
    }

    @Test(arguments: [(3, 1, Padding.reflection), (3, 2, .reflection), (3, 1, .zero), (5, 2, .zero),
                      (9, 1, .reflection)])
    func convolution(kernel: Int, stride: Int, padding: Padding) {
        var random: RandomSource? = RandomSource(seed: 4)
        let layer = ConvolutionLayer(name: "c", inputs: 3, outputs: 4, kernel: kernel, stride: stride,
                                     padding: padding, random: &random)
        layer.bias.values = [0.1, -0.2, 0.3, 0.05]
        checkLayer(layer, at: randomTensor(3, 11, 10, seed: 5))
    }

    @Test func stridedOutputIsHalfTheSideRoundedUp() {
        var random: RandomSource? = RandomSource(seed: 1)
        let layer = ConvolutionLayer(name: "c", inputs: 1, outputs: 1, kernel: 3, stride: 2, random: &random)
        let y = layer.forward(randomTensor(1, 9, 8, seed: 2), training: false)
        #expect((y.height, y.width) == (5, 4))
    }

    @Test func instanceNormalisation() {
        let layer = InstanceNormalization(name: "n", channels: 3)
        layer.scale.values = [0.5, 1.5, -0.7]
        layer.shift.values = [0.1, 0, -0.3]
        checkLayer(layer, at: randomTensor(3, 6, 5, seed: 6, scale: 2))
    }

    /// With a mix of two styles the parameters' gradients are split by the mix weights.
    @Test func conditionalInstanceNormalisation() {
        let layer = InstanceNormalization(name: "n", channels: 2, styles: 3)
        layer.scale.values = [0.5, 1.5, -0.7, 0.9, 1.1, 0.3]
        layer.shift.values = [0.1, 0, -0.3, 0.2, 0.4, -0.1]
        layer.mix = [0.3, 0, 0.7]
        checkLayer(layer, at: randomTensor(2, 5, 7, seed: 7))
        // Style 1 has weight 0: its parameters get no gradient.
        _ = layer.backward(linearProbe(layer.forward(randomTensor(2, 5, 7, seed: 7), training: true), seed: 9).1)
        #expect(layer.scale.gradient[2] == 0 && layer.shift.gradient[3] == 0)
    }

    @Test func normalisedChannelsHaveZeroMeanAndUnitVariance() {
        let layer = InstanceNormalization(name: "n", channels: 2)
        let y = layer.forward(randomTensor(2, 8, 8, seed: 3, scale: 5), training: false)
        for c in 0 ..< 2 {
            let values = y.values[c * 64 ..< (c + 1) * 64]
            let mean = values.reduce(0, +) / 64, variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 64
            #expect(abs(mean) < 1e-5 && abs(variance - 1) < 1e-3)
        }
    }

    @Test func upsampling() { checkLayer(UpsampleLayer(), at: randomTensor(2, 3, 4, seed: 8)) }
    @Test func sigmoid() { checkLayer(SigmoidLayer(), at: randomTensor(2, 3, 4, seed: 10, scale: 2)) }

    @Test func residualBlock() {
        var random: RandomSource? = RandomSource(seed: 11)
        let block = ResidualBlock([
            ConvolutionLayer(name: "a", inputs: 3, outputs: 3, kernel: 3, random: &random),
            InstanceNormalization(name: "n", channels: 3), ReLULayer(),
            ConvolutionLayer(name: "b", inputs: 3, outputs: 3, kernel: 3, random: &random),
        ])
        // Instance norm removes a.bias, so its true gradient is 0 and the float finite difference reads ~3e-5.
        checkLayer(block, at: randomTensor(3, 6, 6, seed: 12), floor: 1e-2)
    }

    /// Reflection repeats no edge pixel: row 0 padded by 2 reads …, x2, x1 | x0, x1, x2.
    @Test func reflectionPaddingMirrorsWithoutTheEdge() {
        let x = Tensor(channels: 1, height: 1, width: 4, values: [1, 2, 3, 4])
        let p = Padding.reflection.pad(x, 2)
        #expect(Array(p.values[2 * 8 ..< 3 * 8]) == [3, 2, 1, 2, 3, 4, 3, 2])
        #expect(Padding.zero.pad(x, 1).values[1 * 6 ..< 2 * 6] == [0, 1, 2, 3, 4, 0])
    }

    /// Inference runs 3 × 3 stride-1 layers by Winograd and wide kernels into or out of RGB directly: the same
    /// output as the training path's im2col (to rounding), with either padding, and again after the weights change.
    @Test(arguments: [(3, 5, 7, Padding.reflection), (3, 5, 7, .zero), (9, 3, 6, .reflection), (9, 6, 3, .zero)])
    func inferenceMatchesTraining(kernel: Int, inputs: Int, outputs: Int, padding: Padding) {
        var random: RandomSource? = RandomSource(seed: 12)
        let layer = ConvolutionLayer(name: "c", inputs: inputs, outputs: outputs, kernel: kernel, padding: padding,
                                     random: &random)
        let x = randomTensor(inputs, 12, 11, seed: 13)
        for round in 0 ..< 2 {
            let reference = layer.forward(x, training: true), fast = layer.forward(x, training: false)
            #expect(fast.channels == outputs && fast.height == 12 && fast.width == 11)
            let error = zip(reference.values, fast.values).map { abs($0 - $1) }.max() ?? 1
            #expect(error < 1e-4, "round \(round): largest difference \(error)")
            layer.weight.values[3] += 0.5
        }
    }

    /// Winograd reads the reflected border in its input transform: at the edges of every tile alignment, and on
    /// images one or two pixels across (where reflection folds back onto the pixel itself), it matches im2col.
    @Test(arguments: [(1, 1), (2, 3), (4, 4), (5, 9), (8, 2)])
    func reflectedWinogradMatchesIm2col(height: Int, width: Int) {
        var random: RandomSource? = RandomSource(seed: 21)
        let layer = ConvolutionLayer(name: "c", inputs: 4, outputs: 3, kernel: 3, padding: .reflection,
                                     random: &random)
        let x = randomTensor(4, height, width, seed: 22)
        let reference = layer.forward(x, training: true), fast = layer.forward(x, training: false)
        #expect(fast.height == height && fast.width == width)
        let error = zip(reference.values, fast.values).map { abs($0 - $1) }.max() ?? 1
        #expect(error < 1e-4, "\(height) × \(width): largest difference \(error)")
    }
}
