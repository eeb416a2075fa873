import CKernels
import Testing
import Imaging
@testable import Neural

/// Winograd F(4 × 4, 3 × 3) against the im2col + GEMM reference: the same outputs and the same input gradients,
/// on maps of odd and even sizes (partial tiles at the right and bottom edges) and across band boundaries.
@Suite struct WinogradTests {
    func maxRelativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
        let scale = max(b.values.map(abs).max() ?? 1, 1e-6)
        return zip(a.values, b.values).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    @Test(arguments: [(3, 8, 7, 5), (64, 64, 9, 12), (16, 32, 33, 2), (8, 8, 1, 1)])
    func forwardAndBackwardMatchTheReference(_ inputs: Int, _ outputs: Int, _ height: Int, _ width: Int) {
        var random = RandomSource(seed: 40)
        let weights = ConvolutionWeights(name: "w", outputs: outputs, inputs: inputs,
                                         weights: (0 ..< outputs * inputs * 9).map { _ in random.nextGaussian() * 0.2 },
                                         bias: (0 ..< outputs).map { _ in random.nextGaussian() })
        let reference = Convolution(weights: weights), winograd = WinogradConvolution(weights)
        let x = randomTensor(inputs, height, width, seed: 41)
        var columns: [Float] = [], workspace = WinogradWorkspace()
        var y = Tensor(channels: 1, height: 1, width: 1)
        winograd.forward(x, into: &y, workspace: &workspace)
        #expect(maxRelativeDifference(y, reference.forward(x, columns: &columns)) < 1e-5)

        let g = randomTensor(outputs, height, width, seed: 42)
        var dx = Tensor(channels: 1, height: 1, width: 1)
        winograd.backward(g, into: &dx, workspace: &workspace)
        let expected = reference.backward(g, inputShape: (inputs, height, width), columns: &columns)
        #expect(maxRelativeDifference(dx, expected) < 1e-5)
    }

    @Test func bandsCoverTallMaps() {
        let weights = VGG19Weights.random(seed: 43, convolutions: 2).layers[1]  // 64 → 64
        let x = randomTensor(64, 23, 18, seed: 44)
        var winograd = WinogradConvolution(weights)
        winograd.bandBudget = 36 * 64 * 5 * 4  // four rows of 5 tiles per band: of 6 rows, two bands, one short
        var columns: [Float] = [], workspace = WinogradWorkspace()
        var y = Tensor(channels: 1, height: 1, width: 1), dx = y
        winograd.forward(x, into: &y, workspace: &workspace)
        #expect(maxRelativeDifference(y, Convolution(weights: weights).forward(x, columns: &columns)) < 1e-5)
        winograd.backward(y, into: &dx, workspace: &workspace)
        let expected = Convolution(weights: weights).backward(y, inputShape: (64, 23, 18), columns: &columns)
        #expect(maxRelativeDifference(dx, expected) < 1e-5)
    }

    /// The transforms' clones (AVX-512, AVX2, baseline) give the same bits, forward and backward, on a map with
    /// partial tiles.
    @Test func everyKernelLevelGivesTheSameBytes() {
        let weights = VGG19Weights.random(seed: 45, convolutions: 2).layers[1]
        let winograd = WinogradConvolution(weights), x = randomTensor(64, 13, 10, seed: 46)
        var outputs: [Int: [Float]] = [:], workspace = WinogradWorkspace()
        defer { _ = sl_kernels_force(0) }
        for level in 1 ... Int(sl_kernels_level()) {
            #expect(sl_kernels_force(Int32(level)) == 1)
            var y = Tensor(channels: 1, height: 1, width: 1), dx = y
            winograd.forward(x, into: &y, workspace: &workspace)
            winograd.backward(y, into: &dx, workspace: &workspace)
            outputs[level] = y.values + dx.values
        }
        for (level, values) in outputs where level > 1 {
            #expect(values == outputs[1], "kernel level \(level) gives other bytes than the baseline")
        }
    }

    /// A convolution told that a ReLU follows applies it as it writes: the bytes of max(conv(x), 0), at every
    /// kernel level, partial tiles included.
    @Test func aRectifiedConvolutionWritesItsReLU() {
        let winograd = WinogradConvolution(VGG19Weights.random(seed: 48, convolutions: 2).layers[1])
        let x = randomTensor(64, 13, 10, seed: 49)
        var workspace = WinogradWorkspace()
        defer { _ = sl_kernels_force(0) }
        for level in 1 ... Int(sl_kernels_level()) {
            #expect(sl_kernels_force(Int32(level)) == 1)
            var plain = Tensor(channels: 1, height: 1, width: 1), rectified = plain
            winograd.forward(x, into: &plain, workspace: &workspace)
            winograd.forward(x, rectified: true, into: &rectified, workspace: &workspace)
            #expect(plain.values.contains { $0 < 0 } && rectified.values.allSatisfy { $0 >= 0 })
            #expect(rectified.values.map(\.bitPattern) == plain.values.map { Swift.max($0, 0).bitPattern },
                    "level \(level)")
        }
    }

    /// A decoder at inference (its convolutions rectifying as they write) gives the bytes of its layers run one
    /// by one, each ReLU a pass of its own.
    @Test func aDecoderAtInferenceIsItsLayersOneByOne() throws {
        let decoder = try FeatureDecoder(layer: "relu2_1", encoder: "test", seed: 50)
        let features = randomTensor(128, 6, 5, seed: 51)
        var oneByOne = features
        for layer in decoder.network.layers { oneByOne = layer.forward(oneByOne, training: false) }
        #expect(decoder.network.forward(features).values == oneByOne.values)
    }

    /// 2 × 2 max pooling by the vectorised kernel: each window's largest value, the odd last row and column
    /// dropped, ties included, the same at every kernel level.
    @Test func maxPoolingTakesEachWindowsLargestValue() {
        var x = randomTensor(3, 9, 37, seed: 47)
        for i in stride(from: 0, to: x.count - 1, by: 5) { x.values[i] = x.values[i + 1] }  // ties
        defer { _ = sl_kernels_force(0) }
        for level in 1 ... Int(sl_kernels_level()) {
            #expect(sl_kernels_force(Int32(level)) == 1)
            let y = Activation.pool(x, .max)
            #expect(y.channels == 3 && y.height == 4 && y.width == 18)
            for c in 0 ..< 3 {
                for i in 0 ..< 4 {
                    for j in 0 ..< 18 {
                        let window = [(0, 0), (0, 1), (1, 0), (1, 1)].map {
                            x.values[(c * 9 + 2 * i + $0.0) * 37 + 2 * j + $0.1]
                        }
                        #expect(y.values[(c * 4 + i) * 18 + j] == window.max(), "level \(level) at \(c), \(i), \(j)")
                    }
                }
            }
        }
    }
}
