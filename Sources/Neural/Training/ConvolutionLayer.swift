import Imaging
import StyleLabSupport

/// A k × k convolution that learns: stride 1 or 2, padding k / 2 of either kind, by im2col and GEMM in bands of
/// output rows (so that the column buffer stays small at any image size).
///
/// Forward: columns = im2col(pad(x)), (C·k²) × (H′·W′); y = W · columns + b, W the O × (C·k²) weight matrix.
/// Backward: ∂W += ∂y · columnsᵀ, ∂b += Σ ∂y over pixels, ∂columns = Wᵀ · ∂y, and col2im then unpad carry
/// ∂columns back to the input. The columns are recomputed band by band rather than kept from the forward pass.
final class ConvolutionLayer: TrainableLayer {
    let inputs: Int, outputs: Int, kernel: Int, stride: Int, padding: Padding
    let weight: Parameter, bias: Parameter
    var parameters: [Parameter] { [weight, bias] }
    /// The padded input of the last training forward pass.
    private var padded = Tensor(channels: 1, height: 1, width: 1)
    private var inputShape = (height: 0, width: 0)
    private var columns: [Float] = []

    /// He-initialised weights from `random`, or zeros without it (for a layer whose weights are read from a file).
    init(name: String, inputs: Int, outputs: Int, kernel: Int, stride: Int = 1, padding: Padding = .reflection,
         random: inout RandomSource?) {
        (self.inputs, self.outputs, self.kernel, self.stride, self.padding) = (inputs, outputs, kernel, stride, padding)
        let fanIn = inputs * kernel * kernel, shape = [outputs, inputs, kernel, kernel]
        if var source = random {
            weight = .he(name: name + ".weight", shape: shape, fanIn: fanIn, random: &source)
            random = source
        } else {
            weight = .constant(name: name + ".weight", shape: shape, 0)
        }
        bias = .constant(name: name + ".bias", shape: [outputs], 0)
    }

    func outputSide(_ side: Int) -> Int { (side + 2 * (kernel / 2) - kernel) / stride + 1 }

    func forward(_ x: consuming Tensor, training: Bool) -> Tensor {
        if !training && kernel == 3 && stride == 1 { return winogradForward(x) }
        if !training && stride == 1 && min(inputs, outputs) <= 4 { return directForward(x) }
        let xp = padding.pad(x, kernel / 2)
        let oh = outputSide(x.height), ow = outputSide(x.width), plane = oh * ow, depth = inputs * kernel * kernel
        var y = Tensor(channels: outputs, height: oh, width: ow)
        for o in 0 ..< outputs { for i in 0 ..< plane { y.values[o * plane + i] = bias.values[o] } }
        for band in bands(height: oh, width: ow) {
            im2col(xp, rows: band, outputWidth: ow)
            weight.values.withUnsafeBufferPointer { w in
                columns.withUnsafeBufferPointer { c in
                    y.values.withUnsafeMutableBufferPointer { out in
                        guard let w = w.baseAddress, let c = c.baseAddress, let out = out.baseAddress else { return }
                        GEMM.multiply(m: outputs, n: band.count * ow, k: depth, alpha: 1, w, lda: depth, c,
                                      ldb: band.count * ow, beta: 1, out + band.lowerBound * ow, ldc: plane)
                    }
                }
            }
        }
        if training { padded = xp; inputShape = (x.height, x.width) }
        return y
    }

    func backward(_ gradient: Tensor) -> Tensor {
        let oh = gradient.height, ow = gradient.width, plane = oh * ow, depth = inputs * kernel * kernel
        for o in 0 ..< outputs {
            var sum: Float = 0
            for i in 0 ..< plane { sum += gradient.values[o * plane + i] }
            bias.gradient[o] += sum
        }
        var dPadded = Tensor(channels: inputs, height: padded.height, width: padded.width)
        var dColumns: [Float] = []
        for band in bands(height: oh, width: ow) {
            let n = band.count * ow
            im2col(padded, rows: band, outputWidth: ow)
            if dColumns.count < depth * n { dColumns = [Float](repeating: 0, count: depth * n) }
            gradient.values.withUnsafeBufferPointer { g in
                guard let g = g.baseAddress.map({ $0 + band.lowerBound * ow }) else { return }
                columns.withUnsafeBufferPointer { c in
                    weight.gradient.withUnsafeMutableBufferPointer { dw in
                        guard let c = c.baseAddress, let dw = dw.baseAddress else { return }
                        GEMM.accumulateLongProduct(m: outputs, n: depth, k: n, g, lda: plane, c, ldb: n, into: dw,
                                                   ldc: depth)
                    }
                }
                weight.values.withUnsafeBufferPointer { w in
                    dColumns.withUnsafeMutableBufferPointer { dc in
                        guard let w = w.baseAddress, let dc = dc.baseAddress else { return }
                        GEMM.multiply(transposingA: true, m: depth, n: n, k: outputs, alpha: 1, w, lda: depth, g,
                                      ldb: plane, beta: 0, dc, ldc: n)
                    }
                }
            }
            col2im(dColumns, rows: band, outputWidth: ow, into: &dPadded)
        }
        return padding.unpad(dPadded, kernel / 2, height: inputShape.height, width: inputShape.width)
    }

    /// Inference with a 3 × 3, stride-1 kernel runs by Winograd, as VGG-19's does (4× fewer multiplications),
    /// reading the reflected border in its input transform. The filters are transformed on each call rather than
    /// kept: that is one product at memory speed, and a WCT run uses each decoder layer once, where keeping them
    /// would hold four times the weights (400 MB for the five decoders).
    private func winogradForward(_ x: Tensor, rectified: Bool = false) -> Tensor {
        let weights = ConvolutionWeights(name: weight.name, outputs: outputs, inputs: inputs, kernel: 3,
                                         weights: weight.values, bias: bias.values)
        var y = Tensor.unfilled(channels: outputs, height: x.height, width: x.width), workspace = WinogradWorkspace()
        WinogradConvolution(weights).forward(x, padding: padding, rectified: rectified, into: &y,
                                             workspace: &workspace)
        return y
    }

    /// max(conv(x), 0) at inference, the ReLU applied as the output is written, when this layer runs by Winograd
    /// (3 × 3, stride 1); nil otherwise.
    func rectifiedInference(_ x: Tensor) -> Tensor? {
        kernel == 3 && stride == 1 ? winogradForward(x, rectified: true) : nil
    }

    /// The same output summed directly, row by row: for a wide kernel with few channels on one side (the 9 × 9
    /// layers into and out of RGB), im2col would copy k² times the image for a GEMM only three rows high.
    private func directForward(_ x: Tensor) -> Tensor {
        let xp = padding.pad(x, kernel / 2), k = kernel, oh = x.height, ow = x.width, pw = xp.width, ph = xp.height
        var y = Tensor(channels: outputs, height: oh, width: ow)
        xp.values.withUnsafeBufferPointer { src in
            weight.values.withUnsafeBufferPointer { w in
                y.values.withUnsafeMutableBufferPointer { dst in
                    let (src, w, dst) = (SharedReadBuffer(src), SharedReadBuffer(w), SharedBuffer(dst))
                    let bias = self.bias.values, inputs = self.inputs
                    Parallel.forEach(outputs * oh) { row in
                        let o = row / oh, j = row % oh, out = dst.base + row * ow
                        out.update(repeating: bias[o], count: ow)
                        for c in 0 ..< inputs {
                            for ky in 0 ..< k {
                                let line = src.base + (c * ph + j + ky) * pw
                                for kx in 0 ..< k {
                                    let tap = w[((o * inputs + c) * k + ky) * k + kx], from = line + kx
                                    for i in 0 ..< ow { out[i] += tap * from[i] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Output rows in bands whose columns fit the budget.
    private func bands(height: Int, width: Int) -> [Range<Int>] {
        let rows = max(1, min(height, Convolution.bandBudget / max(inputs * kernel * kernel * width, 1)))
        return Swift.stride(from: 0, to: height, by: rows).map { $0 ..< min($0 + rows, height) }
    }

    /// columns[(c·k² + ky·k + kx), (r·W′ + ox)] = padded[c, (y0 + r)·s + ky, ox·s + kx].
    private func im2col(_ xp: Tensor, rows band: Range<Int>, outputWidth ow: Int) {
        let n = band.count * ow, k = kernel, s = stride, pw = xp.width, ph = xp.height
        if columns.count < inputs * k * k * n { columns = [Float](repeating: 0, count: inputs * k * k * n) }
        xp.values.withUnsafeBufferPointer { src in
            columns.withUnsafeMutableBufferPointer { dst in
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(inputs) { c in
                    for ky in 0 ..< k {
                        for kx in 0 ..< k {
                            let row = dst.base + ((c * k + ky) * k + kx) * n
                            for (r, oy) in band.enumerated() {
                                let input = src.base + (c * ph + oy * s + ky) * pw + kx
                                for ox in 0 ..< ow { row[r * ow + ox] = input[ox * s] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of im2col: each column entry is added to the padded pixel it was copied from.
    private func col2im(_ dColumns: [Float], rows band: Range<Int>, outputWidth ow: Int, into dxp: inout Tensor) {
        let n = band.count * ow, k = kernel, s = stride, pw = dxp.width, ph = dxp.height
        dColumns.withUnsafeBufferPointer { src in
            dxp.values.withUnsafeMutableBufferPointer { dst in
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(inputs) { c in
                    for ky in 0 ..< k {
                        for kx in 0 ..< k {
                            let row = src.base + ((c * k + ky) * k + kx) * n
                            for (r, oy) in band.enumerated() {
                                let out = dst.base + (c * ph + oy * s + ky) * pw + kx
                                for ox in 0 ..< ow { out[ox * s] += row[r * ow + ox] }
                            }
                        }
                    }
                }
            }
        }
    }
}
