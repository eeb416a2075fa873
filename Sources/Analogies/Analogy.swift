import Foundation
import Imaging
import NearestNeighbors
import Synchronization
import StyleLabSupport

/// Image Analogies (Hertzmann et al. 2001, §3): given A, A′ (registered) and B, synthesise B′ so that
/// A : A′ :: B : B′.
///
/// CreateImageAnalogy: build Gaussian pyramids of A, A′ and B; for each level from the coarsest, for each pixel q of
/// B′ in scan-line order, find the best match p in A (BestMatch), then B′(q) ← A′(p) and s(q) ← p.
/// BestMatch compares BestApproximateMatch (FLANN, or exact search) with BestCoherenceMatch (Ashikhmin: the
/// continuation s(r) + (q − r) of each synthesised neighbour r) and keeps the coherent one when
/// d_coh ≤ d_app · (1 + 2^(ℓ − L) κ), ℓ the level and L the finest.
///
/// `guides` add channels to the unfiltered neighbourhoods (guided synthesis, for video).
public func analogy(a: Image, aPrime: Image, b: Image, _ p: AnalogyParameters = AnalogyParameters(),
                    guides: [AnalogyGuide] = [], progress: ProgressSink? = nil) throws -> AnalogyResult {
    try p.validate()
    for (i, guide) in guides.enumerated() { try guide.validate(aSize: a.size, bSize: b.size, index: i) }
    guard a.size == aPrime.size else { throw AnalogyError.sizeMismatch(first: "A", firstSize: a.size, second: "A′", secondSize: aPrime.size) }
    for (role, image) in [("A", a), ("B", b)] where image.width < 5 || image.height < 5 {
        throw AnalogyError.tooSmall(role: role, size: image.size)
    }
    var clock = Stopwatch()

    let prepared = PreparedAnalogy(a: a.opaque.rgb(), aPrime: aPrime.opaque.rgb(), b: b.opaque.rgb(),
                                   guides: guides, parameters: p)
    let levels = prepared.levelCount
    // The databases of all levels are independent: build them concurrently.
    let built = Mutex<[Result<AnalogyDatabase, any Error>?]>(Array(repeating: nil, count: levels))
    DispatchQueue.concurrentPerform(iterations: levels) { level in
        let database = Result { try prepared.database(level: level) }
        built.withLock { $0[level] = database }
    }
    let databases = try built.withLock { results in try results.map { try $0?.get() } }
    clock.lap("build databases")

    var bPrime: [Image] = Array(repeating: Image(width: 1, height: 1, channels: 1), count: levels)
    var result = AnalogyResult(levelCount: levels)
    let pixelsTotal = (0 ..< levels).reduce(0) { $0 + prepared.b[$1].pixelCount }
    var pixelsDone = 0
    for level in stride(from: levels - 1, through: 0, by: -1) {
        guard let database = databases[level] else { continue }
        let synthesis = LevelSynthesis(database: database, b: prepared.b[level], coarseB: level + 1 < levels ? prepared.b[level + 1] : nil,
                                       coarseBPrime: level + 1 < levels ? bPrime[level + 1] : nil,
                                       coherenceFactor: p.kappa * pow(2, -Float(level)), parameters: p)
        let output = synthesis.run()
        bPrime[level] = output.bPrime
        result.record(level: level, output, colour: prepared.colour(level: level, bPrime: output.bPrime, source: output.source))
        pixelsDone += prepared.b[level].pixelCount
        progress?("analogy level \(level)", pixelsDone, of: pixelsTotal)
        clock.lap("level \(level)")
    }
    result.timings = clock.timings
    return result
}

/// One level's synthesis: the scan-line loop, run as a skewed wavefront over rows so that several threads can
/// work while every pixel still sees exactly the pixels a single scan-line pass would have written.
struct LevelSynthesis: @unchecked Sendable {
    // @unchecked Sendable: the images are read-only here; output goes through SharedBuffers with row ordering.
    let database: AnalogyDatabase
    let b: Image, coarseB: Image?, coarseBPrime: Image?
    let coherenceFactor: Float
    let parameters: AnalogyParameters

    struct Output {
        var bPrime: Image
        var source: SourceMap
        var coherent: [Bool]
        var distanceSum: Double
        var appDistance: [Float]
        var cohDistance: [Float]
    }

    func run() -> Output {
        let width = b.width, height = b.height, channels = database.layout.channels
        let shared = SharedOutput(pixels: width * height, channels: channels)
        defer { shared.deallocate() }
        let threads = min(parameters.threads ?? Parallel.defaultThreads, height)
        let progress = (0 ..< height).map { _ in RowProgress() }
        // Row y goes to thread y mod T; pixel (x, y) waits until row y − 1 has passed x + 2, the rightmost pixel
        // its causal neighbourhood reads.
        Parallel.concurrently(workers: threads) { worker in
            let scratch = Scratch(dimension: database.layout.dimension, projected: database.pca?.outputDimension ?? 0)
            for y in stride(from: worker, to: height, by: threads) {
                for x in 0 ..< width {
                    if y > 0 { progress[y - 1].wait(untilAtLeast: min(x + 3, width)) }
                    synthesise(x: x, y: y, into: shared, scratch: scratch, channels: channels)
                    progress[y].publish(x + 1)
                }
            }
        }
        return shared.output(width: width, height: height, exemplarSize: database.a.size)
    }

    /// BestMatch for pixel q = (x, y), then B′(q) ← A′(p), s(q) ← p.
    private func synthesise(x: Int, y: Int, into out: SharedOutput, scratch: Scratch, channels: Int) {
        let width = b.width, n = b.pixelCount
        // B′ as written so far: rows above are complete up to x + 2 and this row up to x − 1, all the causal
        // window reads (outside the image the layout's constant is read, never an unwritten pixel).
        let bPrimeSoFar = PlanarView(base: UnsafePointer(out.bPrime.base), width: width, height: b.height, channels: channels)
        let query = scratch.query
        database.layout.write(x: x, y: y, plain: b, filtered: bPrimeSoFar, coarsePlain: coarseB, coarseFiltered: coarseBPrime,
                              into: query)
        // BestApproximateMatch.
        let pApp = approximateMatch(query, scratch: scratch)
        let dApp = database.distance(query, to: pApp)
        // BestCoherenceMatch: continue the source of every synthesised neighbour r in the causal window.
        var pCoh = -1, dCoh = Float.infinity
        let aWidth = database.a.width, aHeight = database.a.height
        for offset in NeighbourhoodLayout.causal.offsets {
            let rx = x + offset.x, ry = y + offset.y
            guard rx >= 0, ry >= 0, rx < width else { continue }
            let r = ry * width + rx
            let cx = Int(out.sx[r]) - offset.x, cy = Int(out.sy[r]) - offset.y
            guard cx >= 0, cy >= 0, cx < aWidth, cy < aHeight else { continue }
            let candidate = cy * aWidth + cx
            let d = database.distance(query, to: candidate)
            if d < dCoh || (d == dCoh && candidate < pCoh) { dCoh = d; pCoh = candidate }
        }
        let useCoherent = pCoh >= 0 && dCoh <= dApp * (1 + coherenceFactor)
        let pick = useCoherent ? pCoh : pApp
        let q = y * width + x
        let m = database.aPrime.pixelCount
        for c in 0 ..< channels { out.bPrime[c * n + q] = database.aPrime.samples[c * m + pick] }
        out.sx[q] = Int32(pick % aWidth)
        out.sy[q] = Int32(pick / aWidth)
        out.coherent[q] = useCoherent ? 1 : 0
        out.distance[q] = useCoherent ? dCoh : dApp
        out.appDistance[q] = dApp
        out.cohDistance[q] = dCoh
    }

    private func approximateMatch(_ query: UnsafeMutablePointer<Float>, scratch: Scratch) -> Int {
        if let index = database.index, let pca = database.pca {
            pca.project(query, into: scratch.projected)
            var found: Int32 = 0, distance: Float = 0
            index.searchOne(scratch.projected, k: 1, checks: parameters.checks, indices: &found, squaredDistances: &distance)
            return Int(max(found, 0))
        }
        guard let exact = database.exact else { return 0 }
        let vector = FeatureMatrix(rows: 1, dimension: database.layout.dimension,
                                   values: Array(UnsafeBufferPointer(start: query, count: database.layout.dimension)))
        return exact.search(vector, k: 1).index(query: 0)
    }
}

/// Texture synthesis as an analogy (§4.3): A and B are constant, A′ is the texture, so only the causal
/// neighbourhood of B′ and coherence shape the result. Colour comes from the texture.
public func textureAnalogy(_ texture: Image, size: Size, _ p: AnalogyParameters = AnalogyParameters(),
                           progress: ProgressSink? = nil) throws -> AnalogyResult {
    guard size.width >= 5 && size.height >= 5 else { throw AnalogyError.tooSmall(role: "the output size", size: size) }
    guard size.isValidOutputSize else {
        throw ParameterError(name: "--size", value: "\(size)",
                                            expected: "sides of 5 to \(Size.maximumSide)")
    }
    var q = p
    q.remapLuminance = false
    q.chroma = .fromAPrime
    let flat = Image(width: texture.width, height: texture.height, channels: 3, value: 0.5)
    return try analogy(a: flat, aPrime: texture, b: Image(width: size.width, height: size.height, channels: 3, value: 0.5), q,
                       progress: progress)
}
