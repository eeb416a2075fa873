/// The one engine under resampling, blurring and pyramids: a separable linear map, rows then columns.
///
/// Along each axis every output sample is a weighted sum of a fixed number of input samples (its taps). The
/// boundary mode is resolved when the taps are built, so the pixel loops below never branch on it.
struct AxisTaps {
    let outputCount: Int
    let tapsPerOutput: Int
    /// Input index of every tap, or −1 where a constant boundary supplies the value.
    var indices: [Int32]
    var weights: [Float]
    var outsideValue: Float = 0

    /// Taps from a closure that lists (input position, weight) pairs for each output index; positions may fall
    /// outside [0, inputCount) and are resolved by `boundary`.
    init(outputCount: Int, inputCount: Int, tapsPerOutput: Int, boundary: BoundaryMode,
         taps: (Int) -> [(position: Int, weight: Float)]) {
        self.outputCount = outputCount
        self.tapsPerOutput = tapsPerOutput
        indices = [Int32](repeating: 0, count: outputCount * tapsPerOutput)
        weights = [Float](repeating: 0, count: outputCount * tapsPerOutput)
        outsideValue = boundary.outsideValue
        for o in 0 ..< outputCount {
            let list = taps(o)
            precondition(list.count <= tapsPerOutput, "\(list.count) taps exceed \(tapsPerOutput)")
            for (t, tap) in list.enumerated() {
                indices[o * tapsPerOutput + t] = Int32(boundary.index(tap.position, count: inputCount) ?? -1)
                weights[o * tapsPerOutput + t] = tap.weight
            }
        }
    }

    /// Taps of a centred convolution kernel (odd length) at every position: same size in and out.
    init(kernel: [Float], count: Int, boundary: BoundaryMode) {
        let radius = kernel.count / 2
        self.init(outputCount: count, inputCount: count, tapsPerOutput: kernel.count, boundary: boundary) { o in
            kernel.indices.map { (o + $0 - radius, kernel[$0]) }
        }
    }
}

extension Image {
    /// Applies `horizontal` along rows, then `vertical` along columns, to every plane (colour and alpha).
    func filtered(horizontal: AxisTaps, vertical: AxisTaps) -> Image {
        mapPlanes { plane in
            let intermediate = plane.applyingAlongRows(horizontal)
            return intermediate.applyingAlongColumns(vertical)
        }
    }

    private func applyingAlongRows(_ taps: AxisTaps) -> Image {
        var out = Image(width: taps.outputCount, height: height, channels: 1)
        let k = taps.tapsPerOutput, w = width, outW = taps.outputCount
        samples.withUnsafeBufferPointer { src in
            out.samples.withUnsafeMutableBufferPointer { dst in
                taps.indices.withUnsafeBufferPointer { idx in
                    taps.weights.withUnsafeBufferPointer { wt in
                        for y in 0 ..< height {
                            let row = y * w
                            for x in 0 ..< outW {
                                var sum: Float = 0
                                for t in 0 ..< k {
                                    let i = Int(idx[x * k + t])
                                    sum += wt[x * k + t] * (i >= 0 ? src[row + i] : taps.outsideValue)
                                }
                                dst[y * outW + x] = sum
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Column pass: each output row is a weighted sum of whole input rows, a loop the compiler vectorises.
    private func applyingAlongColumns(_ taps: AxisTaps) -> Image {
        var out = Image(width: width, height: taps.outputCount, channels: 1)
        let k = taps.tapsPerOutput, w = width
        samples.withUnsafeBufferPointer { src in
            out.samples.withUnsafeMutableBufferPointer { dst in
                for y in 0 ..< taps.outputCount {
                    let target = dst.baseAddress! + y * w
                    for t in 0 ..< k {
                        let weight = taps.weights[y * k + t]
                        if weight == 0 { continue }
                        let i = Int(taps.indices[y * k + t])
                        if i < 0 {
                            for x in 0 ..< w { target[x] += weight * taps.outsideValue }
                        } else {
                            let source = src.baseAddress! + i * w
                            for x in 0 ..< w { target[x] += weight * source[x] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Convolution with a separable kernel (the same odd-length kernel along both axes).
    public func convolved(separableKernel kernel: [Float], boundary: BoundaryMode = .reflect) -> Image {
        precondition(kernel.count % 2 == 1, "a centred kernel has odd length, got \(kernel.count)")
        return filtered(horizontal: AxisTaps(kernel: kernel, count: width, boundary: boundary),
                        vertical: AxisTaps(kernel: kernel, count: height, boundary: boundary))
    }
}
