import Imaging

/// A rectangle of a block (in block coordinates) and the pixels a candidate block should match there.
struct TemplateRegion {
    /// Offset of the rectangle inside the block.
    var x: Int, y: Int
    /// The pixels to match: same channel count as the exemplar.
    var pixels: Image
    /// Weight of this region's squared error in the total.
    var weight: Float
}

/// Sum of squared differences between template regions and the exemplar at *every* candidate position at once.
///
/// SSD(u, v) = Σ T(u+p)² − 2 Σ T(u+p)·K(p) + Σ K(p)², over the pixels p of the template K. The first term comes
/// from an integral image of Σ_c T², the last is a constant, and the cross term — the only costly one — is a
/// correlation of the exemplar with the template, computed for a whole row of candidates at a time: for each
/// template pixel, one multiply-add of a template value with a contiguous run of exemplar pixels (16 lanes wide,
/// fused multiply-add). Rows of candidates run in parallel; each row's sums run in a fixed order, so the result
/// does not depend on the thread count.
///
/// (An im2col + GEMM formulation does the same multiply-adds through OpenBLAS; measured here it was 2× slower,
/// because its output is as large as its work and must be written, zeroed and read back.)
final class BlockErrorMap {
    let exemplar: Image
    /// Candidate positions: top-left corners (u, v) with u < candidateWidth, v < candidateHeight.
    let candidateWidth: Int
    let candidateHeight: Int
    let threads: Int
    /// The exemplar's planes with zero padding after the last one, so vector loads may run past a row's end.
    private let paddedSamples: [Float]
    /// (H + 1) × (W + 1) integral image of Σ_c T², in Double so that box sums do not cancel.
    private let squaredIntegral: [Double]
    private var boxSumCache: [[Int]: [Float]] = [:]
    /// Candidate rows padded to whole 16-lane vectors.
    private var paddedWidth: Int { (candidateWidth + 15) & ~15 }

    /// `exemplar` must already contain every pixel a block at any candidate may read (padded when wrapping).
    init(exemplar: Image, blockSize: Int, candidates: Size, threads: Int) {
        self.exemplar = exemplar
        self.candidateWidth = candidates.width
        self.candidateHeight = candidates.height
        self.threads = threads
        paddedSamples = exemplar.samples + [Float](repeating: 0, count: blockSize + 80)
        let w = exemplar.width, h = exemplar.height, n = exemplar.pixelCount
        var integral = [Double](repeating: 0, count: (w + 1) * (h + 1))
        for y in 0 ..< h {
            var rowSum = 0.0
            for x in 0 ..< w {
                var s = 0.0
                for c in 0 ..< exemplar.channels { let t = Double(exemplar.samples[c * n + y * w + x]); s += t * t }
                rowSum += s
                integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + rowSum
            }
        }
        squaredIntegral = integral
    }

    /// The weighted SSD of all regions at every candidate, row-major (candidateHeight × candidateWidth).
    func errors(for regions: [TemplateRegion]) -> [Float] {
        var total = [Float](repeating: 0, count: candidateWidth * candidateHeight)
        for region in regions where region.pixels.width > 0 && region.pixels.height > 0 {
            let cross = crossTerm(region)
            let boxes = boxSums(x: region.x, y: region.y, width: region.pixels.width, height: region.pixels.height)
            let constant = region.pixels.samples.reduce(Float(0)) { $0 + $1 * $1 }
            for v in 0 ..< candidateHeight {
                for u in 0 ..< candidateWidth {
                    let i = v * candidateWidth + u
                    total[i] += region.weight * max(boxes[i] - 2 * cross[v * paddedWidth + u] + constant, 0)
                }
            }
        }
        return total
    }

    /// Σ T² over the w × h rectangle at (u + x, v + y) for every candidate; the same few rectangles recur for
    /// every block, so they are computed once each.
    private func boxSums(x: Int, y: Int, width w: Int, height h: Int) -> [Float] {
        let key = [x, y, w, h]
        if let cached = boxSumCache[key] { return cached }
        let stride = exemplar.width + 1
        var sums = [Float](repeating: 0, count: candidateWidth * candidateHeight)
        for v in 0 ..< candidateHeight {
            for u in 0 ..< candidateWidth {
                let x0 = u + x, y0 = v + y
                sums[v * candidateWidth + u] = Float(squaredIntegral[(y0 + h) * stride + x0 + w] - squaredIntegral[y0 * stride + x0 + w]
                    - squaredIntegral[(y0 + h) * stride + x0] + squaredIntegral[y0 * stride + x0])
            }
        }
        boxSumCache[key] = sums
        return sums
    }

    /// Σ_p T(u + x + p)·K(p) for every candidate (u, v), rows padded to a multiple of 8 candidates.
    private func crossTerm(_ region: TemplateRegion) -> [Float] {
        let k = region.pixels, w = k.width, h = k.height, kn = k.pixelCount, rx = region.x, ry = region.y
        let width = exemplar.width, n = exemplar.pixelCount, channels = exemplar.channels, columns = paddedWidth
        var cross = [Float](repeating: 0, count: columns * candidateHeight)
        paddedSamples.withUnsafeBufferPointer { t in
            k.samples.withUnsafeBufferPointer { kernel in
                cross.withUnsafeMutableBufferPointer { out in
                    // Sound: each candidate row v writes only its own row of `out`; the rest is read-only.
                    let t = SharedReadBuffer(t), kernel = SharedReadBuffer(kernel), out = SharedBuffer(out)
                    Parallel.forEach(candidateHeight, threads: threads) { v in
                        let accumulator = out.base + v * columns
                        for c in 0 ..< channels {
                            for dy in 0 ..< h {
                                let row = t.base + c * n + (v + ry + dy) * width + rx
                                let weights = kernel.base + c * kn + dy * w
                                multiplyAddShifted(row, weights: weights, count: w, into: accumulator, length: columns)
                            }
                        }
                    }
                }
            }
        }
        return cross
    }
}

/// accumulator[u] += Σ_{dx < count} weights[dx] · row[u + dx], for u < length (a multiple of 16).
/// Four 16-lane accumulators at a time, so that each broadcast weight feeds four fused multiply-adds (one AVX-512
/// instruction each, or two AVX2 ones).
@inline(__always)
private func multiplyAddShifted(_ row: UnsafePointer<Float>, weights: UnsafePointer<Float>, count: Int,
                                into accumulator: UnsafeMutablePointer<Float>, length: Int) {
    typealias Lanes = SIMD16<Float>
    let raw = UnsafeRawPointer(row), out = UnsafeMutableRawPointer(accumulator), size = MemoryLayout<Float>.stride
    let lane = Lanes.scalarCount * size
    var u = 0
    while u + 4 * Lanes.scalarCount <= length {
        let at = u * size
        var s0 = out.loadUnaligned(fromByteOffset: at, as: Lanes.self)
        var s1 = out.loadUnaligned(fromByteOffset: at + lane, as: Lanes.self)
        var s2 = out.loadUnaligned(fromByteOffset: at + 2 * lane, as: Lanes.self)
        var s3 = out.loadUnaligned(fromByteOffset: at + 3 * lane, as: Lanes.self)
        for dx in 0 ..< count {
            let weight = Lanes(repeating: weights[dx]), base = at + dx * size
            s0.addProduct(weight, raw.loadUnaligned(fromByteOffset: base, as: Lanes.self))
            s1.addProduct(weight, raw.loadUnaligned(fromByteOffset: base + lane, as: Lanes.self))
            s2.addProduct(weight, raw.loadUnaligned(fromByteOffset: base + 2 * lane, as: Lanes.self))
            s3.addProduct(weight, raw.loadUnaligned(fromByteOffset: base + 3 * lane, as: Lanes.self))
        }
        out.storeBytes(of: s0, toByteOffset: at, as: Lanes.self)
        out.storeBytes(of: s1, toByteOffset: at + lane, as: Lanes.self)
        out.storeBytes(of: s2, toByteOffset: at + 2 * lane, as: Lanes.self)
        out.storeBytes(of: s3, toByteOffset: at + 3 * lane, as: Lanes.self)
        u += 4 * Lanes.scalarCount
    }
    while u < length {
        var sum = out.loadUnaligned(fromByteOffset: u * size, as: Lanes.self)
        for dx in 0 ..< count {
            sum.addProduct(Lanes(repeating: weights[dx]), raw.loadUnaligned(fromByteOffset: (u + dx) * size, as: Lanes.self))
        }
        out.storeBytes(of: sum, toByteOffset: u * size, as: Lanes.self)
        u += Lanes.scalarCount
    }
}
