import Imaging
import NearestNeighbors

/// Finds the candidate block to place: exhaustively through `BlockErrorMap`, or approximately through FLANN.
final class BlockSearcher {
    let exemplar: PreparedExemplar
    let errorMap: BlockErrorMap
    let parameters: QuiltingParameters
    private var indices: [String: OverlapIndex] = [:]

    init(exemplar: PreparedExemplar, parameters: QuiltingParameters, threads: Int) {
        self.exemplar = exemplar
        self.parameters = parameters
        errorMap = BlockErrorMap(exemplar: exemplar.image, blockSize: parameters.blockSize, candidates: exemplar.candidates,
                                 threads: threads)
    }

    /// A block for these overlap regions: random when there are none (the first block), otherwise one of the
    /// candidates within (1 + tolerance) of the least error.
    /// `excluded` holds candidates (v · exemplar width + u, in original exemplar coordinates) not to pick.
    /// `errorsSeen`, when given, hears the exhaustive search's error surface (after exclusion).
    func choose(regions: [TemplateRegion], excluding excluded: Set<Int>, tolerance: Float,
                random: inout RandomSource, errorsSeen: (([Float]) -> Void)? = nil) throws -> (Int, Int) {
        let width = exemplar.candidates.width, count = width * exemplar.candidates.height
        if regions.isEmpty {
            let pick = Int(random.next() % UInt64(count))
            return (pick % width, pick / width)
        }
        // A tiny exemplar has too few candidates for an index to pay: search it exhaustively.
        switch count < 4 * OverlapIndex.shortlist ? .exhaustive : parameters.search {
        case .exhaustive, .naive:
            var errors = parameters.search == .naive ? errorMap.naiveErrors(for: regions) : errorMap.errors(for: regions)
            exclude(excluded, from: &errors)
            errorsSeen?(errors)
            let pick = chooseWithinTolerance(errors, tolerance: tolerance, random: &random)
            return (pick % width, pick / width)
        case .flann:
            let key = regions.map { "\($0.x),\($0.y),\($0.pixels.width),\($0.pixels.height)" }.joined(separator: ";")
            let index = try indices[key] ?? OverlapIndex(exemplar: exemplar, regions: regions, seed: parameters.seed)
            indices[key] = index
            var (candidates, errors) = index.nearest(to: regions)
            for i in candidates.indices where excluded.contains(candidates[i].1 * exemplar.originalSize.width + candidates[i].0) {
                errors[i] = .infinity
            }
            return candidates[chooseWithinTolerance(errors, tolerance: tolerance, random: &random)]
        }
    }
}

extension BlockSearcher {
    /// Marks excluded candidates as unusable (unless that would exclude every candidate).
    func exclude(_ excluded: Set<Int>, from errors: inout [Float]) {
        let width = exemplar.candidates.width, original = exemplar.originalSize.width
        let positions = excluded.map { (u: $0 % original, v: $0 / original) }
            .filter { $0.u < width && $0.v < exemplar.candidates.height }
        guard positions.count < errors.count else { return }
        for p in positions { errors[p.v * width + p.u] = .infinity }
    }
}

/// Index of an error list chosen uniformly among those within (1 + tolerance) of the least (scan order, then the
/// random draw: deterministic for a given generator). Three passes, no allocation.
func chooseWithinTolerance(_ errors: [Float], tolerance: Float, random: inout RandomSource) -> Int {
    let limit = (errors.min() ?? 0) * (1 + tolerance)
    let eligible = errors.reduce(0) { $1 <= limit ? $0 + 1 : $0 }
    var remaining = Int(random.next() % UInt64(max(eligible, 1)))
    for (i, e) in errors.enumerated() where e <= limit {
        if remaining == 0 { return i }
        remaining -= 1
    }
    return 0
}

/// FLANN over the overlap vectors of every candidate block, reduced by PCA: the fast, approximate path.
/// The returned candidates are re-scored with their exact overlap error, so only the shortlist is approximate.
final class OverlapIndex {
    static let shortlist = 32
    let exemplar: PreparedExemplar
    let pca: PCA
    let index: FLANNIndex

    init(exemplar: PreparedExemplar, regions: [TemplateRegion], seed: UInt64) throws {
        self.exemplar = exemplar
        let width = exemplar.candidates.width, count = width * exemplar.candidates.height
        let dimension = OverlapIndex.dimension(of: regions, channels: exemplar.image.channels)
        func vectors(_ candidates: [Int]) -> FeatureMatrix {
            FeatureMatrix(rows: candidates.count, dimension: dimension, values: candidates.flatMap {
                OverlapIndex.vector(exemplar.image, u: $0 % width, v: $0 / width, regions: regions)
            })
        }
        // 24 components keep most of an overlap's structure (natural textures are smooth at this scale); the
        // exact re-scoring of the shortlist repairs the rest. The projection is fitted on 4,000 evenly spaced
        // candidates, and all candidates are projected in chunks, so the full vectors (1,188 floats each for a
        // 36-pixel block) never have to exist all at once.
        let sample = Array(stride(from: 0, to: count, by: max(1, count / 4_000)))
        pca = try PCA(fitting: vectors(sample), keeping: .dimensions(min(24, dimension)))
        var projected: [Float] = []
        projected.reserveCapacity(count * pca.outputDimension)
        for start in stride(from: 0, to: count, by: 4096) {
            projected += pca.project(vectors(Array(start ..< min(start + 4096, count)))).values
        }
        index = try FLANNIndex(FeatureMatrix(rows: count, dimension: pca.outputDimension, values: projected),
                               configuration: FLANNConfiguration(algorithm: .kdForest(trees: 4), checks: 256, seed: seed))
    }

    /// The shortlist of candidates nearest to the regions' pixels, with their exact squared errors.
    func nearest(to regions: [TemplateRegion]) -> (candidates: [(Int, Int)], errors: [Float]) {
        let query = regions.flatMap { region in OverlapIndex.vector(region.pixels, u: -region.x, v: -region.y, regions: [region]) }
        let found = index.search(pca.project(FeatureMatrix(rows: 1, dimension: query.count, values: query)), k: OverlapIndex.shortlist)
        let width = exemplar.candidates.width
        var candidates: [(Int, Int)] = [], errors: [Float] = []
        for rank in 0 ..< found.k where found.indices[rank] >= 0 {
            let c = Int(found.indices[rank]), (u, v) = (c % width, c / width)
            let row = OverlapIndex.vector(exemplar.image, u: u, v: v, regions: regions)
            candidates.append((u, v))
            errors.append(zip(row, query).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) })
        }
        return (candidates, errors)
    }

    static func dimension(of regions: [TemplateRegion], channels: Int) -> Int {
        regions.reduce(0) { $0 + $1.pixels.pixelCount } * channels
    }

    /// The pixels of `image` under each region for a block at (u, v), region after region, channels interleaved.
    static func vector(_ image: Image, u: Int, v: Int, regions: [TemplateRegion]) -> [Float] {
        var out: [Float] = []
        let n = image.pixelCount
        for r in regions {
            for y in 0 ..< r.pixels.height {
                for x in 0 ..< r.pixels.width {
                    let q = (v + r.y + y) * image.width + u + r.x + x
                    for c in 0 ..< image.channels { out.append(image.samples[c * n + q]) }
                }
            }
        }
        return out
    }
}
