import CKernels
import Imaging
import StyleLabSupport

/// A rectangle of a block (in block coordinates) and the pixels a candidate block should match there.
struct TemplateRegion {
    /// Offset of the rectangle inside the block.
    var x: Int, y: Int
    /// The pixels to match: same channel count as the exemplar.
    var pixels: Image
    /// Weight of this region's squared error in the total.
    var weight: Float

    /// Σ_r w_r K_r laid over the rectangle (x, y, width, height), weight 1: the kernel of the folded cross term.
    static func folding(_ regions: [TemplateRegion], x: Int, y: Int, width: Int, height: Int) -> TemplateRegion {
        let channels = regions[0].pixels.channels
        var kernel = Image(width: width, height: height, channels: channels)
        for r in regions {
            let k = r.pixels
            for c in 0 ..< channels {
                for j in 0 ..< k.height { for i in 0 ..< k.width { kernel[r.x - x + i, r.y - y + j, c] += r.weight * k[i, j, c] } }
            }
        }
        return TemplateRegion(x: x, y: y, pixels: kernel, weight: 1)
    }
}

/// Sum of squared differences between template regions and the exemplar at *every* candidate position at once.
///
/// SSD(u, v) = Σ T(u+p)² − 2 Σ T(u+p)·K(p) + Σ K(p)², over the pixels p of the template K. The first term comes
/// from an integral image of Σ_c T², the last is a constant, and the cross term — the only costly one — is a
/// correlation of the exemplar with the template, computed for a whole row of candidates at a time: for each
/// template pixel, one multiply-add of a template value with a contiguous run of exemplar pixels (in the C
/// kernels of `CKernels`, as wide as the CPU's vectors, fused where the CPU has FMA, so every such machine gets the
/// same bytes). Rows of candidates run in parallel; each row's sums run in a fixed order, so the result does
/// not depend on the thread count.
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
    /// Candidate rows padded to whole pairs of 16-lane vectors.
    private var paddedWidth: Int { (candidateWidth + 31) & ~31 }

    /// `exemplar` must already contain every pixel a block at any candidate may read (padded when wrapping).
    init(exemplar: Image, blockSize: Int, candidates: Size, threads: Int) {
        self.exemplar = exemplar
        self.candidateWidth = candidates.width
        self.candidateHeight = candidates.height
        self.threads = threads
        paddedSamples = exemplar.samples + [Float](repeating: 0, count: blockSize + 96)
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
    ///
    /// Regions that overlap each other (transfer's overlap strips inside its previous-pass block) are folded into
    /// one template first: Σ_r w_r Σ (T − K_r)² = Σ_r w_r ΣT² − 2 Σ T·(Σ_r w_r K_r) + Σ_r w_r ΣK_r², so their
    /// cross terms cost one correlation over the union instead of one per region.
    func errors(for regions: [TemplateRegion]) -> [Float] {
        let regions = regions.filter { $0.pixels.width > 0 && $0.pixels.height > 0 }
        var total = [Float](repeating: 0, count: candidateWidth * candidateHeight)
        guard !regions.isEmpty else { return total }
        let x0 = regions.map(\.x).min()!, y0 = regions.map(\.y).min()!
        let x1 = regions.map { $0.x + $0.pixels.width }.max()!, y1 = regions.map { $0.y + $0.pixels.height }.max()!
        let folds = regions.count > 1 && (x1 - x0) * (y1 - y0) <= regions.reduce(0) { $0 + $1.pixels.pixelCount }
        let templates = folds ? [TemplateRegion.folding(regions, x: x0, y: y0, width: x1 - x0, height: y1 - y0)] : regions
        var squares = [Float](repeating: 0, count: total.count)  // Σ_r w_r Σ T² over each region
        for region in regions {
            let boxes = boxSums(x: region.x, y: region.y, width: region.pixels.width, height: region.pixels.height)
            for i in squares.indices { squares[i] += region.weight * boxes[i] }
        }
        let constant = regions.reduce(Float(0)) { $0 + $1.weight * $1.pixels.samples.reduce(0) { $0 + $1 * $1 } }
        var cross = crossTerm(templates[0])
        if templates[0].weight != 1 { for i in cross.indices { cross[i] *= templates[0].weight } }
        for template in templates.dropFirst() {
            let c = crossTerm(template)
            for i in cross.indices { cross[i] += template.weight * c[i] }
        }
        for v in 0 ..< candidateHeight {
            for u in 0 ..< candidateWidth {
                let i = v * candidateWidth + u
                total[i] = max(squares[i] - 2 * cross[v * paddedWidth + u] + constant, 0)
            }
        }
        return total
    }

    /// The same errors by the definition: for each candidate, Σ weight · (T − K)² pixel by pixel. The reference
    /// that `errors(for:)` is tested and benchmarked against.
    func naiveErrors(for regions: [TemplateRegion]) -> [Float] {
        var total = [Float](repeating: 0, count: candidateWidth * candidateHeight)
        let n = exemplar.pixelCount
        for v in 0 ..< candidateHeight {
            for u in 0 ..< candidateWidth {
                var error: Float = 0
                for region in regions {
                    let k = region.pixels, kn = k.pixelCount
                    var ssd: Float = 0
                    for c in 0 ..< exemplar.channels {
                        for y in 0 ..< k.height {
                            for x in 0 ..< k.width {
                                let d = exemplar.samples[c * n + (v + region.y + y) * exemplar.width + u + region.x + x]
                                    - k.samples[c * kn + y * k.width + x]
                                ssd += d * d
                            }
                        }
                    }
                    error += region.weight * ssd
                }
                total[v * candidateWidth + u] = error
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

    /// Σ_p T(u + x + p)·K(p) for every candidate (u, v), rows padded to a multiple of 32 candidates.
    private func crossTerm(_ region: TemplateRegion) -> [Float] {
        let k = region.pixels
        // Three spare rows at the end: the last group of four candidate rows may run past the real ones.
        var cross = [Float](repeating: 0, count: paddedWidth * (candidateHeight + 3))
        paddedSamples.withUnsafeBufferPointer { t in
            cross.withUnsafeMutableBufferPointer { out in
                // Sound: each group of candidate rows writes only its own rows of `out`; the rest is read-only.
                let t = SharedReadBuffer(t), out = SharedBuffer(out)
                if k.height >= 8 {
                    crossTermFourRowsAtATime(t, k, region.x, region.y, into: out)
                } else {
                    crossTermRowByRow(t, k, region.x, region.y, into: out)
                }
            }
        }
        return cross
    }

    /// One candidate row at a time: for every template pixel, a weight times a run of exemplar pixels.
    private func crossTermRowByRow(_ t: SharedReadBuffer<Float>, _ k: Image, _ rx: Int, _ ry: Int, into out: SharedBuffer<Float>) {
        let w = k.width, h = k.height, kn = k.pixelCount, columns = paddedWidth
        let width = exemplar.width, n = exemplar.pixelCount, channels = exemplar.channels
        k.samples.withUnsafeBufferPointer { kernel in
            let kernel = SharedReadBuffer(kernel)
            Parallel.forEach(candidateHeight, threads: threads) { v in
                for c in 0 ..< channels {
                    for dy in 0 ..< h {
                        sl_multiply_add_shifted(t.base + c * n + (v + ry + dy) * width + rx, kernel.base + c * kn + dy * w,
                                                w, out.base + v * columns, columns)
                    }
                }
            }
        }
    }

    /// Four candidate rows at a time: each exemplar row serves the template rows of all four (dy = r − v), so
    /// each vector load feeds four multiply-adds. The template gets three zero rows above and below, so that the
    /// rows a group reaches past its template contribute nothing without a branch; a last group of fewer than four
    /// rows writes its extra rows into the output's spare rows. For tall templates (h ≥ 8).
    private func crossTermFourRowsAtATime(_ t: SharedReadBuffer<Float>, _ k: Image, _ rx: Int, _ ry: Int, into out: SharedBuffer<Float>) {
        let w = k.width, h = k.height, kn = k.pixelCount, columns = paddedWidth
        let width = exemplar.width, n = exemplar.pixelCount, channels = exemplar.channels, rows = candidateHeight
        // padded[c][dy + 3][dx] = K_c(dy, dx), zero for dy outside 0..<h.
        var padded = [Float](repeating: 0, count: channels * (h + 6) * w)
        for c in 0 ..< channels { for dy in 0 ..< h { for dx in 0 ..< w { padded[(c * (h + 6) + dy + 3) * w + dx] = k.samples[c * kn + dy * w + dx] } } }
        padded.withUnsafeBufferPointer { kernel in
            let kernel = SharedReadBuffer(kernel)
            Parallel.forEach((rows + 3) / 4, threads: threads) { group in
                let v0 = group * 4, count = min(4, rows - v0)
                for c in 0 ..< channels {
                    let plane = t.base + c * n, weights = kernel.base + c * (h + 6) * w
                    // Exemplar rows v0 + ry … v0 + ry + count + h − 2; for row r, candidate v0 + i uses template row r − i.
                    for r in 0 ..< count - 1 + h {
                        let row = plane + (v0 + r + ry) * width + rx
                        if r >= 3 && r < h {
                            // All four candidates use this row: template rows r, r − 1, r − 2, r − 3.
                            let w0 = weights + (r + 3) * w, w1 = weights + (r + 2) * w
                            let w2 = weights + (r + 1) * w, w3 = weights + r * w
                            sl_multiply_add_shifted_four(row, w0, w1, w2, w3, w, out.base + v0 * columns, columns)
                        } else {
                            // The group's first and last rows reach only some candidates: one at a time.
                            for i in max(0, r - h + 1) ... min(3, r) {
                                sl_multiply_add_shifted(row, weights + (r - i + 3) * w, w, out.base + (v0 + i) * columns,
                                                        columns)
                            }
                        }
                    }
                }
            }
        }
    }
}
