import Foundation
import Imaging
import NearestNeighbors

/// Measures that compare the distributions of small patches, so that an output can be scored against an exemplar
/// of another size and layout: what a texture or style result should share with its source.
public enum PatchMetrics {
    /// Square patches of `side` pixels (all channels, RGB on 0–1) at every `stride`-th position where the patch
    /// fits, at most `limit` of them (a seeded, even subsample beyond that).
    package static func patches(_ image: Image, side: Int = 7, stride: Int = 2, limit: Int = 4096, seed: UInt64 = 0) -> FeatureMatrix {
        let image = image.rgb().opaque
        guard image.width >= side, image.height >= side else { return FeatureMatrix(rows: 0, dimension: 3 * side * side) }
        var positions: [(Int, Int)] = []
        for y in Swift.stride(from: 0, through: image.height - side, by: stride) {
            for x in Swift.stride(from: 0, through: image.width - side, by: stride) { positions.append((x, y)) }
        }
        if positions.count > limit {
            // A partial Fisher–Yates shuffle, then scan-line order again: a fixed, even subsample.
            var random = RandomSource(seed: seed, stream: [image.width, image.height])
            for i in 0 ..< limit { positions.swapAt(i, i + Int(random.next() % UInt64(positions.count - i))) }
            positions = positions.prefix(limit).sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        }
        let dimension = 3 * side * side
        var matrix = FeatureMatrix(rows: positions.count, dimension: dimension)
        for (r, (x0, y0)) in positions.enumerated() {
            var k = r * dimension
            for c in 0 ..< 3 {
                for dy in 0 ..< side {
                    for dx in 0 ..< side { matrix.values[k] = image[x0 + dx, y0 + dy, c]; k += 1 }
                }
            }
        }
        return matrix
    }

    /// Sliced Wasserstein distance between the multi-scale patch distributions of `a` and `b` (after Rabin et al.
    /// 2011 and Karras et al. 2018): at each of `levels` Gaussian-pyramid levels, the 7 × 7 patches of both images are
    /// projected on `directions` random unit vectors (seeded, so the value is reproducible); the 1-D Wasserstein-1
    /// distance of each pair of projected sets is the mean gap between their sorted values (taken at equal
    /// quantiles when the sets differ in size). The result averages over directions and levels; equal patch
    /// distributions give 0.
    public static func slicedWasserstein(_ a: Image, _ b: Image, levels: Int = 3, directions: Int = 64, seed: UInt64 = 0) -> Double {
        let pa = GaussianPyramid(a.rgb().opaque, levelCount: min(levels, GaussianPyramid.maximumLevels(for: a.size)))
        let pb = GaussianPyramid(b.rgb().opaque, levelCount: min(levels, GaussianPyramid.maximumLevels(for: b.size)))
        var total = 0.0, counted = 0
        for level in 0 ..< min(pa.count, pb.count) {
            let x = patches(pa[level], seed: seed), y = patches(pb[level], seed: seed)
            guard x.rows > 0, y.rows > 0 else { continue }
            var random = RandomSource(seed: seed, stream: [level])
            for _ in 0 ..< directions {
                var v = (0 ..< x.dimension).map { _ in random.nextGaussian() }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                v = v.map { $0 / norm }
                total += wasserstein1(project(x, v), project(y, v))
                counted += 1
            }
        }
        return counted == 0 ? 0 : total / Double(counted)
    }

    package static func project(_ m: FeatureMatrix, _ v: [Float]) -> [Float] {
        (0 ..< m.rows).map { r in
            var s: Float = 0
            for d in 0 ..< m.dimension { s += m.values[r * m.dimension + d] * v[d] }
            return s
        }.sorted()
    }

    /// W₁ of two sorted samples: the mean |Fₐ⁻¹(q) − Fᵦ⁻¹(q)| over the quantiles of the larger sample.
    package static func wasserstein1(_ a: [Float], _ b: [Float]) -> Double {
        let n = max(a.count, b.count)
        var sum = 0.0
        for i in 0 ..< n {
            let q = (Double(i) + 0.5) / Double(n)
            sum += abs(Double(a[min(a.count - 1, Int(q * Double(a.count)))]) - Double(b[min(b.count - 1, Int(q * Double(b.count)))]))
        }
        return sum / Double(n)
    }

    /// Bidirectional similarity (Simakov, Caspi, Shechtman & Irani 2008) between an output T and its source S,
    /// with 7 × 7 patches and the mean squared difference per sample as the patch distance:
    /// completeness = mean over S's patches of the distance to the nearest patch of T (is all of the source there?),
    /// coherence = mean over T's patches of the distance to the nearest patch of S (is everything in T from S?).
    /// Exact search (NearestNeighbors) on up to 4096 patches of each. An image against itself scores 0 and 0.
    public static func bidirectionalSimilarity(output: Image, source: Image, seed: UInt64 = 0) throws -> (completeness: Double, coherence: Double) {
        let t = patches(output, seed: seed), s = patches(source, seed: seed)
        guard t.rows > 0, s.rows > 0 else { return (.nan, .nan) }
        func meanNearest(_ queries: FeatureMatrix, in database: FeatureMatrix) throws -> Double {
            let found = try ExactSearch(database).search(queries, k: 1)
            return found.squaredDistances.reduce(0.0) { $0 + Double($1) } / Double(queries.rows * queries.dimension)
        }
        return (try meanNearest(s, in: t), try meanNearest(t, in: s))
    }
}
