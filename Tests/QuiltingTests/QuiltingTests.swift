import CKernels
import Testing
import Imaging
@testable import Quilting

/// A small synthetic texture (seed fixed so that every run tests the same pixels).
let smallTexture = SyntheticImage.naturalLooking(Size(width: 48, height: 40), seed: 21)

@Suite struct SynthesisTests {
    @Test func quiltingCopiesExemplarPixels() throws {
        let result = try synthesize(smallTexture, size: Size(width: 70, height: 57), QuiltingParameters(blockSize: 12, seed: 1))
        #expect(result.image.size == Size(width: 70, height: 57))
        for y in 0 ..< 57 {
            for x in 0 ..< 70 {
                let s = result.sourceMap[x, y]
                #expect(s.x >= 0 && s.y >= 0)
                for c in 0 ..< 3 where result.image[x, y, c] != smallTexture[s.x, s.y, c] {
                    Issue.record("pixel (\(x), \(y)) is not the exemplar pixel \(s) its source map names")
                }
            }
        }
    }

    @Test func outputIsNotACopyOfTheExemplar() throws {
        // Excluding verbatim continuations keeps the tolerance meaningful: the output mixes many source regions.
        let result = try synthesize(smallTexture, size: Size(width: 96, height: 96), QuiltingParameters(blockSize: 12, seed: 2))
        var jumps = 0
        for y in 0 ..< 96 {
            for x in 1 ..< 96 where result.sourceMap[x, y].x != result.sourceMap[x - 1, y].x + 1 { jumps += 1 }
        }
        #expect(jumps > 96 * 4, "only \(jumps) discontinuities in the source map")
        #expect(result.seams.contains(true))
    }

    @Test func sameSeedGivesSameBytesAtAnyThreadCount() throws {
        func run(seed: UInt64, threads: Int) throws -> [UInt8] {
            let p = QuiltingParameters(blockSize: 12, seed: seed, threads: threads)
            return Array(try synthesize(smallTexture, size: Size(width: 60, height: 50), p).image.encoded(as: .png))
        }
        let one = try run(seed: 7, threads: 1)
        #expect(one == (try run(seed: 7, threads: 2)))
        #expect(one != (try run(seed: 8, threads: 2)))
    }

    /// The kernels' AVX-512 and AVX2 clones, which both fuse their multiply-adds, give the same bytes, so a portable
    /// build, a host-tuned one and any x86-64 with FMA produce the same quilt — synthesis and transfer, tall
    /// templates (the four-rows kernel) and short ones. The baseline (no FMA) rounds each multiply-add twice: its
    /// error maps agree to float precision. Levels this CPU lacks are not run: it says which ran.
    @Test func everyKernelLevelGivesTheSameBytes() throws {
        let best = Int(sl_kernels_level())
        var quilts: [Int: [Float]] = [:], errorMaps: [Int: [Float]] = [:]
        defer { _ = sl_kernels_force(0) }
        for level in 1 ... best {
            #expect(sl_kernels_force(Int32(level)) == 1)
            let quilt = try synthesize(smallTexture, size: Size(width: 80, height: 64), QuiltingParameters(blockSize: 16, seed: 3))
            let transferred = try transfer(smallTexture, onto: SyntheticImage.naturalLooking(Size(width: 60, height: 44), seed: 4),
                                           TransferParameters(quilting: QuiltingParameters(blockSize: 12, seed: 5), passes: 2))
            // The error maps themselves, to the last bit: a tall template (the four-rows kernel) and a short one.
            let map = BlockErrorMap(exemplar: smallTexture, blockSize: 12, candidates: Size(width: 37, height: 29), threads: 2)
            let template = SyntheticImage.naturalLooking(Size(width: 12, height: 12), seed: 6)
            errorMaps[level] = map.errors(for: [TemplateRegion(x: 0, y: 0, pixels: template, weight: 1)])
                + map.errors(for: [TemplateRegion(x: 0, y: 0, pixels: template.cropped(x: 0, y: 0, width: 12, height: 2), weight: 1)])
            quilts[level] = quilt.image.samples + transferred.image.samples
        }
        #expect(best >= 2, "this x86-64 has no AVX2 and FMA: only the baseline clone ran")
        for level in 3 ... max(3, best) where quilts[level] != nil {
            #expect(quilts[level] == quilts[2] && errorMaps[level] == errorMaps[2],
                    "kernel level \(level) gives other bytes than level 2 (AVX2 + FMA)")
        }
        if let fused = errorMaps[2], let base = errorMaps[1] {
            let worst = zip(fused, base).map { abs($0 - $1) / max(abs($0), 1e-3) }.max() ?? 0
            #expect(worst < 1e-4, "baseline error maps differ from the fused ones by \(worst) (relative)")
            #expect(fused != base, "the fused level should round differently from the baseline somewhere")
        }
    }

    @Test func wrappingAllowsBlocksAsLargeAsTheTexture() throws {
        let tiny = smallTexture.cropped(x: 0, y: 0, width: 14, height: 14)
        #expect(throws: QuiltingError.self) { try synthesize(tiny, size: Size(width: 40, height: 40), QuiltingParameters(blockSize: 16)) }
        let result = try synthesize(tiny, size: Size(width: 40, height: 40), QuiltingParameters(blockSize: 16, wrap: true))
        #expect(result.sourceMap.x.allSatisfy { $0 >= 0 && $0 < 14 })
        for y in 0 ..< 40 { for x in 0 ..< 40 { let s = result.sourceMap[x, y]; #expect(result.image[x, y, 1] == tiny[s.x, s.y, 1]) } }
    }

    @Test func naiveReferenceSearchGivesTheSameQuilt() throws {
        let p = QuiltingParameters(blockSize: 12, seed: 9)
        var naive = p
        naive.search = .naive
        let size = Size(width: 40, height: 40)
        #expect(try synthesize(smallTexture, size: size, p).sourceMap == synthesize(smallTexture, size: size, naive).sourceMap)
    }

    @Test func flannSearchAlsoCopiesExemplarPixels() throws {
        let texture = SyntheticImage.naturalLooking(Size(width: 64, height: 64), seed: 22)
        let fast = try synthesize(texture, size: Size(width: 64, height: 64), QuiltingParameters(blockSize: 12, search: .flann, seed: 3))
        let exact = try synthesize(texture, size: Size(width: 64, height: 64), QuiltingParameters(blockSize: 12, search: .exhaustive, seed: 3))
        for y in 0 ..< 64 { for x in 0 ..< 64 { let s = fast.sourceMap[x, y]; #expect(fast.image[x, y, 0] == texture[s.x, s.y, 0]) } }
        // The shortlist is approximate: its blocks fit somewhat worse, but not wildly.
        #expect(fast.meanOverlapError < 3 * exact.meanOverlapError + 1e-4)
    }

    @Test func badParametersAreRefused() {
        #expect(throws: QuiltingError.blockLargerThanExemplar(block: 64, exemplar: smallTexture.size)) {
            try synthesize(smallTexture, size: Size(width: 80, height: 80), QuiltingParameters(blockSize: 64))
        }
        #expect(throws: ParameterError.self) {
            try synthesize(smallTexture, size: Size(width: 80, height: 80), QuiltingParameters(blockSize: 12, overlap: 12))
        }
        #expect(throws: ParameterError.self) { try synthesize(smallTexture, size: Size(width: 0, height: 10)) }
        #expect(throws: ParameterError.self) {
            try synthesize(smallTexture, size: Size(width: 20, height: 20), QuiltingParameters(blockSize: 12, tolerance: -1))
        }
        let message = QuiltingError.blockLargerThanExemplar(block: 64, exemplar: smallTexture.size).description
        #expect(message.contains("--block 64") && message.contains("--wrap"))
    }
}

@Suite struct BoundaryCutTests {
    /// Every path of one column per row, moving at most one column between rows.
    func allPaths(rows: Int, columns: Int) -> [[Int]] {
        var paths = (0 ..< columns).map { [$0] }
        for _ in 1 ..< rows {
            paths = paths.flatMap { path in [-1, 0, 1].compactMap { step in
                let next = path.last! + step
                return next >= 0 && next < columns ? path + [next] : nil
            } }
        }
        return paths
    }

    @Test(arguments: [(5, 3), (6, 4), (4, 6), (7, 2)])
    func boundaryCutIsOptimal(rows: Int, columns: Int) {
        for seed in 0 ..< 20 {
            var random = RandomSource(seed: UInt64(seed), stream: [rows, columns])
            let errors = (0 ..< rows * columns).map { _ in random.nextUnitFloat() }
            let cut = BoundaryCut.vertical(errors: errors, rows: rows, columns: columns)
            #expect(zip(cut, cut.dropFirst()).allSatisfy { abs($0 - $1) <= 1 })
            let best = allPaths(rows: rows, columns: columns).map { BoundaryCut.cost(of: $0, errors: errors, columns: columns) }.min()!
            #expect(abs(BoundaryCut.cost(of: cut, errors: errors, columns: columns) - best) < 1e-5)
        }
    }

    @Test func horizontalCutIsTheTransposedVerticalCut() {
        var random = RandomSource(seed: 5)
        let errors = (0 ..< 4 * 9).map { _ in random.nextUnitFloat() }  // 4 rows × 9 columns
        let cut = BoundaryCut.horizontal(errors: errors, rows: 4, columns: 9)
        #expect(cut.count == 9)
        var transposed = [Float](repeating: 0, count: 36)
        for i in 0 ..< 4 { for j in 0 ..< 9 { transposed[j * 4 + i] = errors[i * 9 + j] } }
        let best = allPaths(rows: 9, columns: 4).map { BoundaryCut.cost(of: $0, errors: transposed, columns: 4) }.min()!
        #expect(abs(BoundaryCut.cost(of: cut, errors: transposed, columns: 4) - best) < 1e-5)
    }
}

@Suite struct ErrorMapTests {
    @Test func fastErrorMapEqualsTheNaiveLoop() {
        let b = 10, exemplar = smallTexture
        let candidates = Size(width: exemplar.width - b + 1, height: exemplar.height - b + 1)
        let map = BlockErrorMap(exemplar: exemplar, blockSize: b, candidates: candidates, threads: 2)
        let template = SyntheticImage.naturalLooking(Size(width: b, height: b), seed: 23)
        let regions = [TemplateRegion(x: 0, y: 0, pixels: template.cropped(x: 0, y: 0, width: 3, height: b), weight: 1),
                       TemplateRegion(x: 3, y: 0, pixels: template.cropped(x: 3, y: 0, width: b - 3, height: 3), weight: 0.5)]
        let fast = map.errors(for: regions), reference = map.naiveErrors(for: regions)
        #expect(zip(fast, reference).allSatisfy { abs($0 - $1) < 1e-3 * max($1, 1) })
        for (u, v) in [(0, 0), (5, 7), (candidates.width - 1, candidates.height - 1), (17, 2)] {
            var naive: Float = 0
            for region in regions {
                var ssd: Float = 0
                for y in 0 ..< region.pixels.height {
                    for x in 0 ..< region.pixels.width {
                        for c in 0 ..< 3 {
                            let d = exemplar[u + region.x + x, v + region.y + y, c] - region.pixels[x, y, c]
                            ssd += d * d
                        }
                    }
                }
                naive += region.weight * ssd
            }
            #expect(abs(fast[v * candidates.width + u] - naive) < 1e-3 * max(naive, 1))
        }
    }
}

@Suite struct TransferTests {
    /// Pearson correlation of two images' blurred luminance.
    func correlation(_ a: Image, _ b: Image) -> Double {
        let x = a.luminance().gaussianBlurred(sigma: 2).samples, y = b.luminance().gaussianBlurred(sigma: 2).samples
        let mx = x.reduce(0, +) / Float(x.count), my = y.reduce(0, +) / Float(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += Double((x[i] - mx) * (y[i] - my)); sxx += Double((x[i] - mx) * (x[i] - mx)); syy += Double((y[i] - my) * (y[i] - my))
        }
        return sxy / (sxx * syy).squareRoot()
    }

    @Test func transferFollowsTheTargetWithExemplarPixels() throws {
        let texture = SyntheticImage.naturalLooking(Size(width: 64, height: 64), seed: 24)
        // A target with large shapes: a bright disc on a dark ramp.
        var target = Image(width: 72, height: 60, channels: 3)
        for y in 0 ..< 60 {
            for x in 0 ..< 72 {
                let disc: Float = ((x - 40) * (x - 40) + (y - 28) * (y - 28)) < 400 ? 0.6 : 0
                for c in 0 ..< 3 { target[x, y, c] = 0.15 + 0.3 * Float(x) / 72 + disc }
            }
        }
        let p = TransferParameters(quilting: QuiltingParameters(blockSize: 12, seed: 4), passes: 3)
        let result = try transfer(texture, onto: target, p)
        #expect(result.image.size == target.size)
        let r = correlation(result.image, target)
        #expect(r >= 0.8, "Pearson r = \(r)")
        for y in 0 ..< 60 { for x in 0 ..< 72 { let s = result.sourceMap[x, y]; #expect(result.image[x, y, 2] == texture[s.x, s.y, 2]) } }
    }

    @Test func alphaScheduleFollowsThePaper() {
        let p = TransferParameters(passes: 3)
        #expect(zip([0, 1, 2].map { p.alpha(pass: $0) }, [0.1, 0.5, 0.9] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect([0, 1, 2].map { p.blockSize(pass: $0) } == [36, 24, 16])
    }

    @Test func badTransferInputsAreRefused() {
        let texture = SyntheticImage.naturalLooking(Size(width: 32, height: 32), seed: 25)
        #expect(throws: ParameterError.self) {
            try transfer(texture, onto: texture, TransferParameters(quilting: QuiltingParameters(blockSize: 8), alphaSchedule: [0.5]))
        }
        #expect(throws: QuiltingError.self) {
            try transfer(texture, onto: Image(width: 0, height: 4, channels: 3), TransferParameters(quilting: QuiltingParameters(blockSize: 8)))
        }
        #expect(throws: ParameterError.self) {
            try transfer(texture, onto: texture, TransferParameters(quilting: QuiltingParameters(blockSize: 8), correspondence: .maps(texture: "a", target: "b")))
        }
    }
}
