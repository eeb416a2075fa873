import Testing
import Imaging
@testable import Neural

/// Central finite differences of `loss` at a few coordinates of x, against the analytic gradient: relative error
/// |numeric − analytic| / max(|numeric|, |analytic|, floor) ≤ 1e-2, with the loss accumulated in Double.
func checkGradient(_ x: Tensor, coordinates: [Int], step: Float = 1e-2, floor: Double = 1e-3,
                   _ loss: (Tensor) -> (Double, Tensor)) {
    let analytic = loss(x).1
    for i in coordinates {
        var plus = x, minus = x
        plus.values[i] += step
        minus.values[i] -= step
        let numeric = (loss(plus).0 - loss(minus).0) / Double(2 * step)
        let a = Double(analytic.values[i])
        let error = abs(numeric - a) / max(abs(numeric), abs(a), floor)
        #expect(error <= 1e-2, "coordinate \(i): numeric \(numeric), analytic \(a)")
    }
}

func randomTensor(_ c: Int, _ h: Int, _ w: Int, seed: UInt64, scale: Float = 1) -> Tensor {
    var random = RandomSource(seed: seed)
    return Tensor(channels: c, height: h, width: w, values: (0 ..< c * h * w).map { _ in random.nextGaussian() * scale })
}

/// A loss of a layer's output with a fixed random gradient: L = Σ r · y, so ∂L/∂y = r.
func linearProbe(_ y: Tensor, seed: UInt64) -> (Double, Tensor) {
    let r = randomTensor(y.channels, y.height, y.width, seed: seed)
    return (zip(y.values, r.values).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }, r)
}

@Suite struct GradientTests {
    let coordinates = [0, 7, 19, 33, 58, 71]

    /// conv's input gradient against finite differences of a linear probe of its output at x.
    func checkConvolutionGradient(_ conv: Convolution, at x: Tensor, probeSeed: UInt64) {
        var columns: [Float] = []
        checkGradient(x, coordinates: coordinates) { input in
            var cols: [Float] = []
            let (value, r) = linearProbe(conv.forward(input, columns: &cols), seed: probeSeed)
            return (value, conv.backward(r, inputShape: (x.channels, x.height, x.width), columns: &columns))
        }
    }

    @Test func convolution() {
        let weights = VGG19Weights.random(seed: 1, convolutions: 2).layers[1]  // conv1_2: 64 → 64
        checkConvolutionGradient(Convolution(weights: weights), at: randomTensor(64, 5, 6, seed: 2), probeSeed: 3)
    }

    @Test func largerKernelConvolution() {
        var random = RandomSource(seed: 30)
        let weights = ConvolutionWeights(name: "conv5x5", outputs: 4, inputs: 3, kernel: 5,
                                         weights: (0 ..< 4 * 3 * 25).map { _ in random.nextGaussian() }, bias: [0.1, -0.2, 0, 0.3])
        // A map narrower than the kernel reaches: every edge case of the shifts.
        checkConvolutionGradient(Convolution(weights: weights), at: randomTensor(3, 6, 4, seed: 31), probeSeed: 32)
    }

    @Test func reluAndPooling() {
        let x = randomTensor(3, 6, 8, seed: 4)
        checkGradient(x, coordinates: coordinates) { input in
            let y = Activation.relu(input)
            let (value, r) = linearProbe(y, seed: 5)
            return (value, Activation.reluBackward(r, output: y))
        }
        for kind in Pooling.allCases {
            checkGradient(x, coordinates: coordinates) { input in
                let (value, r) = linearProbe(Activation.pool(input, kind), seed: 6)
                return (value, Activation.poolBackward(r, input: input, kind))
            }
        }
    }

    @Test func contentStyleAndTotalVariation() {
        let x = randomTensor(8, 5, 5, seed: 7), target = randomTensor(8, 5, 5, seed: 8)
        checkGradient(x, coordinates: coordinates) { Losses.content($0, target: target, weight: 5) }
        let gram = Losses.gram(randomTensor(8, 6, 4, seed: 9))
        checkGradient(x, coordinates: coordinates) { Losses.style($0, targetGram: gram, weight: 100) }
        checkGradient(x, coordinates: coordinates, step: 1e-3) { Losses.totalVariation($0, weight: 0.5) }
    }

    @Test func wholeLossThroughVGG() {
        let vgg = VGG19(VGG19Weights.random(seed: 10, convolutions: 5))  // through conv3_1
        let x = randomTensor(3, 16, 16, seed: 11)
        let style = Losses.gram(vgg.forward(randomTensor(3, 16, 16, seed: 12), through: VGG19.index(of: "relu3_1")!).last!)
        let content = vgg.forward(randomTensor(3, 16, 16, seed: 13), through: VGG19.index(of: "relu2_2")!).last!
        let (c, s) = (VGG19.index(of: "relu2_2")!, VGG19.index(of: "relu3_1")!)
        // The floor is the finite differences' own noise: float32 passes through five convolutions at this loss's
        // scale round to about 1e-4 in the gradient, and how exactly depends on the sgemm kernel OpenBLAS picks
        // (coordinate 700: 1.09e-4 off with its Prescott kernels, within 1e-4 with SkylakeX's).
        checkGradient(x, coordinates: [0, 100, 257, 511, 700], floor: 2e-2) { input in
            let activations = vgg.forward(input, through: s)
            let (cl, cg) = Losses.content(activations[c], target: content, weight: 1)
            let (sl, sg) = Losses.style(activations[s], targetGram: style, weight: 1000)
            return (cl + sl, vgg.backward(input: input, activations: activations, gradients: [c: cg, s: sg]))
        }
    }
}

extension GradientTests {
    /// Keeping only the loss layers (each ReLU in place over its convolution's output) changes no activation the
    /// losses read and no gradient, and really drops the convolutions' outputs.
    @Test func keepingOnlyTheLossLayersGivesTheSameGradient() {
        let vgg = VGG19(VGG19Weights.random(seed: 10, convolutions: 5))
        let x = randomTensor(3, 16, 16, seed: 11)
        let (c, s) = (VGG19.index(of: "relu2_2")!, VGG19.index(of: "relu3_1")!)
        let all = vgg.forward(x, through: s)
        var some: [Tensor] = []
        vgg.forward(x, through: s, keeping: [c, s], into: &some)
        #expect(some[c] == all[c] && some[s] == all[s])
        #expect(some[VGG19.index(of: "conv2_1")!].values.count == 1)
        let gradients = [c: randomTensor(all[c].channels, all[c].height, all[c].width, seed: 12),
                         s: randomTensor(all[s].channels, all[s].height, all[s].width, seed: 13)]
        #expect(vgg.backward(input: x, activations: some, gradients: gradients)
                == vgg.backward(input: x, activations: all, gradients: gradients))
    }
}

extension GradientTests {
    /// Style at every branch and content at one, through the pooled copies and the k × k convolutions.
    @Test func wholeLossThroughTheRandomMultiScaleNetwork() {
        let network = RandomMultiScaleNetwork(seed: 3)
        let x = randomTensor(3, 16, 16, seed: 40, scale: 50)
        let last = network.deepestLayer - 1
        let styles = RandomMultiScaleNetwork.defaultStyleLayers.map { network.index(of: $0)! }
        let c = network.index(of: RandomMultiScaleNetwork.defaultContentLayers[0])!
        let target = network.forward(randomTensor(3, 16, 16, seed: 41, scale: 50), through: last)
        checkGradient(x, coordinates: [0, 100, 257, 511, 700], step: 0.1, floor: 1e-2) { input in
            let activations = network.forward(input, through: last)
            var loss = 0.0
            var gradients: [Int: Tensor] = [:]
            for l in styles {
                let (value, g) = Losses.style(activations[l], targetGram: Losses.gram(target[l]), weight: 1e-3)
                loss += value
                gradients[l] = g
            }
            let (value, g) = Losses.content(activations[c], target: target[c], weight: 1e-3)
            loss += value
            for i in gradients[c]!.values.indices { gradients[c]!.values[i] += g.values[i] }
            return (loss, network.backward(input: input, activations: activations, gradients: gradients))
        }
    }
}

@Suite struct OptimiserTests {
    @Test func lbfgsMinimisesRosenbrock() {
        // f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1).
        var x: [Float] = [-1.2, 1]
        LBFGS(history: 10).minimise(&x, iterations: 200) { v, gradient in
            let (a, b) = (Double(v[0]), Double(v[1]))
            gradient[0] = Float(-2 * (1 - a) - 400 * a * (b - a * a))
            gradient[1] = Float(200 * (b - a * a))
            return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a)
        }
        #expect(abs(x[0] - 1) < 1e-2 && abs(x[1] - 1) < 2e-2, "ended at \(x)")
    }

    @Test func styleTransferLowersTheLossTenfold() throws {
        let content = SyntheticImage.naturalLooking(Size(width: 40, height: 40), seed: 14)
        let style = SyntheticImage.naturalLooking(Size(width: 40, height: 40), seed: 15)
        // Random weights give Gram matrices far smaller than VGG's, so the style weight is raised and TV (tuned for
        // Caffe-scale pixels) is off; from noise, content and style both have far to fall. VGG-19 to conv4_1 only
        // (random weights for all sixteen layers take longer to draw than the run takes).
        let p = StyleTransferParameters(size: 40, iterations: 50, contentLayers: ["relu4_1"],
                                        styleLayers: ["relu1_1", "relu2_1", "relu3_1", "relu4_1"],
                                        styleWeight: 1e4, tvWeight: 0, initialisation: .noise)
        let result = try styleTransfer(content: content, styles: [style], weights: .random(seed: 16, convolutions: 9), p)
        let first = result.lossTrace.first!.total, last = result.lossTrace.last!.total
        #expect(first / last >= 10, "loss \(first) → \(last)")
        #expect(result.image.size == Size(width: 40, height: 40))
    }

    @Test func theRandomMultiScaleNetworkSynthesisesTexture() throws {
        let style = SyntheticImage.naturalLooking(Size(width: 64, height: 64), seed: 17)
        let p = RandomMultiScaleNetwork.adapted(StyleTransferParameters(size: 64, iterations: 50, contentWeight: 0, tvWeight: 0,
                                                                        initialisation: .noise))
        let result = try styleTransfer(content: style, styles: [style], network: RandomMultiScaleNetwork(seed: 1), p)
        let first = result.lossTrace.first!.total, last = result.lossTrace.last!.total
        #expect(first / last >= 10, "loss \(first) → \(last)")
        #expect(result.weightsSource.contains("random multi-scale"))
    }
}

@Suite struct ConvolutionReferenceTests {
    /// The banded im2col + GEMM convolution against the definition, on a map tall enough to need two bands.
    @Test func bandedConvolutionEqualsDirectConvolution() {
        let weights = VGG19Weights.random(seed: 20, convolutions: 2).layers[1]  // 64 → 64
        let conv = Convolution(weights: weights)
        let x = randomTensor(64, 64, 64, seed: 21)
        #expect(conv.bandRows(channels: 64, width: 64, height: 64) < 64)
        var columns: [Float] = []
        let fast = conv.forward(x, columns: &columns)
        for (o, yy, xx) in [(0, 0, 0), (5, 63, 63), (17, 55, 3), (63, 56, 40), (31, 31, 0)] {
            var sum = Double(weights.bias[o])
            for c in 0 ..< 64 {
                for ky in 0 ..< 3 {
                    for kx in 0 ..< 3 {
                        let sy = yy + ky - 1, sx = xx + kx - 1
                        guard sy >= 0, sy < 64, sx >= 0, sx < 64 else { continue }
                        sum += Double(weights.weights[((o * 64 + c) * 3 + ky) * 3 + kx]) * Double(x.values[c * 4096 + sy * 64 + sx])
                    }
                }
            }
            #expect(abs(Double(fast.values[o * 4096 + yy * 64 + xx]) - sum) < 1e-3 * max(1, abs(sum)))
        }
        // Across the band boundary the backward pass is still the adjoint.
        checkGradient(x, coordinates: [55 * 64 + 3, 56 * 64 + 3, 4096 * 7 + 57 * 64]) { input in
            var cols: [Float] = []
            let (value, r) = linearProbe(conv.forward(input, columns: &cols), seed: 22)
            return (value, conv.backward(r, inputShape: (64, 64, 64), columns: &cols))
        }
    }
}

@Suite struct PresetTests {
    @Test func theDefaultRunsCoarseToFine() {
        let p = StyleTransferParameters.stylelab
        #expect(p.stages == [256, 512] && p.iterations(atStage: 0) == 300 && p.iterations(atStage: 1) == 150)
        var small = p
        small.size = 100  // half of it would be under 64 px: one size only
        #expect(small.stages == [100] && small.iterations(atStage: 0) == 150)
        #expect(StyleTransferParameters.neuralStyle.stages == [512] && StyleTransferParameters.neuralStyle.iterations(atStage: 0) == 1000)
    }
}
