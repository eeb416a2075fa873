import Foundation
import Imaging

/// A, A′ and B turned into feature pyramids (after luminance remapping), and what is needed to give B′ colour.
struct PreparedAnalogy {
    let parameters: AnalogyParameters
    let levelCount: Int
    /// Feature pyramids (level 0 finest).
    let a: [Image], aPrime: [Image], b: [Image]
    /// YIQ pyramids of B and A′, for B′'s chroma.
    let bYIQ: [Image], aPrimeYIQ: [Image]
    /// The value read outside every image (B's mean feature value).
    let outside: Float

    init(a rgbA: Image, aPrime rgbAPrime: Image, b rgbB: Image, guides: [AnalogyGuide] = [],
         parameters p: AnalogyParameters) {
        parameters = p
        let shortest = min(rgbA.width, rgbA.height, rgbB.width, rgbB.height)
        // Enough levels that the coarsest keeps 16 pixels on its short side, at most 5 (the paper's range).
        let automatic = max(1, min(5, 1 + Int(log2(Double(shortest) / 16).rounded(.down))))
        levelCount = p.levels.map { min($0, 1 + Int(log2(Double(shortest) / 5).rounded(.down))) }.map { max($0, 1) } ?? automatic

        var fa = PreparedAnalogy.features(rgbA, p.features), faPrime = PreparedAnalogy.features(rgbAPrime, p.features)
        let fb = PreparedAnalogy.features(rgbB, p.features)
        if p.remapLuminance {
            // §3.4: A and A′ take B's mean and σ, by the one linear map computed from A (per channel).
            let statsA = fa.channelStatistics(), statsB = fb.channelStatistics()
            fa = PreparedAnalogy.remap(fa, from: statsA, to: statsB)
            faPrime = PreparedAnalogy.remap(faPrime, from: statsA, to: statsB)
        }
        // Guides join the unfiltered sides after remapping: they are compared as given.
        let guided = PreparedAnalogy.guideChannels(guides, aPrimeFeatures: faPrime, p.features)
        let ea = Image.stacking([PreparedAnalogy.extended(fa, p.features)] + guided.a)
        let eaPrime = PreparedAnalogy.extended(faPrime, p.features)
        let eb = Image.stacking([PreparedAnalogy.extended(fb, p.features)] + guided.b)
        a = GaussianPyramid(ea, levelCount: levelCount).levels
        aPrime = GaussianPyramid(eaPrime, levelCount: levelCount).levels
        b = GaussianPyramid(eb, levelCount: levelCount).levels
        bYIQ = GaussianPyramid(rgbB.yiq(), levelCount: levelCount).levels
        aPrimeYIQ = GaussianPyramid(rgbAPrime.yiq(), levelCount: levelCount).levels
        outside = fb.channelStatistics()[0].mean
    }

    /// The channels compared: Y, RGB, or Y (derivatives are added after remapping).
    static func features(_ rgb: Image, _ kind: AnalogyFeatures) -> Image {
        kind == .rgb ? rgb : rgb.luminance()
    }

    /// Adds ∂Y/∂x and ∂Y/∂y of the blurred luminance for steerable features.
    static func extended(_ features: Image, _ kind: AnalogyFeatures) -> Image {
        guard kind == .steerable else { return features }
        let (dx, dy) = features.gaussianBlurred(sigma: 1).derivatives()
        return Image.stacking([features, dx, dy])
    }

    static func remap(_ image: Image, from source: [ChannelStatistics], to target: [ChannelStatistics]) -> Image {
        Image.stacking((0 ..< image.channels).map { c in image.channel(c).remapped(toMatch: target[c], from: source[c]) })
    }

    func layout(level: Int) -> NeighbourhoodLayout {
        NeighbourhoodLayout(channels: aPrime[level].channels, plainChannels: a[level].channels, hasCoarser: level + 1 < levelCount,
                            sourceScale: parameters.sourceWeight.squareRoot(), boundary: .constant(outside))
    }

    func database(level: Int) throws -> AnalogyDatabase {
        let coarser = level + 1 < levelCount
        return try AnalogyDatabase(a: a[level], aPrime: aPrime[level], coarseA: coarser ? a[level + 1] : nil,
                                   coarseAPrime: coarser ? aPrime[level + 1] : nil, layout: layout(level: level),
                                   parameters: parameters)
    }

    /// B′ in colour at a level: RGB features are the colour; otherwise Y from B′ and I, Q as `parameters.chroma`
    /// says: from B, from A′ at the source pixel, or B's changed as its luminance was.
    func colour(level: Int, bPrime: Image, source: SourceMap) -> Image {
        if parameters.features == .rgb { return bPrime.clamped() }
        let luminance = bPrime.channel(0)
        switch parameters.chroma {
        case .fromB:
            return Image.stacking([luminance, bYIQ[level].channel(1), bYIQ[level].channel(2)]).rgbFromYIQ().clamped()
        case .followingLuminance:
            return chromaFollowingLuminance(bYIQ: bYIQ[level], bPrimeY: luminance).rgbFromYIQ().clamped()
        case .fromAPrime:
            var yiq = bYIQ[level]
            let n = yiq.pixelCount, donor = aPrimeYIQ[level], m = donor.pixelCount
            for q in 0 ..< n {
                let p = Int(source.y[q]) * donor.width + Int(source.x[q])
                yiq.samples[q] = luminance.samples[q]
                yiq.samples[n + q] = donor.samples[m + p]
                yiq.samples[2 * n + q] = donor.samples[2 * m + p]
            }
            return yiq.rgbFromYIQ().clamped()
        }
    }
}

/// The feature vectors of a one-level analogy, for the best-match exercise: one row per pixel of A (with A′'s
/// causal part), and one per pixel of `queries` in B (with `bPrime`'s causal part), laid out as the search sees them.
package func analogyFeatureVectors(a: Image, aPrime: Image, b: Image, bPrime: Image, queries: [(x: Int, y: Int)],
                                   _ p: AnalogyParameters) throws -> (database: FeatureMatrix, queries: FeatureMatrix) {
    var oneLevel = p
    oneLevel.levels = 1
    let prepared = PreparedAnalogy(a: a.opaque.rgb(), aPrime: aPrime.opaque.rgb(), b: b.opaque.rgb(),
                                   parameters: oneLevel)
    let database = try prepared.database(level: 0), layout = prepared.layout(level: 0)
    let filtered = PreparedAnalogy.features(bPrime.opaque.rgb(), p.features)
    var vectors = FeatureMatrix(rows: queries.count, dimension: layout.dimension)
    filtered.withView { view in
        vectors.values.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            for (row, q) in queries.enumerated() {
                layout.write(x: q.x, y: q.y, plain: prepared.b[0], filtered: view, coarsePlain: nil,
                             coarseFiltered: nil, into: base + row * layout.dimension)
            }
        }
    }
    return (database.vectors, vectors)
}
