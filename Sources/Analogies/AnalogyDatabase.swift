import Imaging
import NearestNeighbors
import StyleLabSupport

/// The neighbourhood layout of Image Analogies (§3.1): at pixel q of level ℓ, the 5 × 5 neighbourhood of the
/// unfiltered image (A or B), the causal 5 × 5 neighbourhood of the filtered one (A′ or B′, only pixels already
/// synthesised in scan-line order), and the 3 × 3 neighbourhoods of both at level ℓ + 1 around q/2. Gaussian
/// weights are folded in as √w; the unfiltered parts are further scaled by √(source weight).
struct NeighbourhoodLayout {
    static let fine = NeighbourhoodShape.full(side: 5)
    static let causal = NeighbourhoodShape.causal(side: 5)
    static let coarse = NeighbourhoodShape.full(side: 3)

    /// Channels of the filtered images (A′, B′) and of the unfiltered ones (A, B: their features, then any guides).
    let channels: Int, plainChannels: Int
    let hasCoarser: Bool
    let sourceScale: Float
    /// Pixels outside an image read as this value in every image, so that a neighbourhood clipped by the edge
    /// means the same thing in A and in B, and the causal part never reads a pixel not yet synthesised.
    let boundary: BoundaryMode

    var dimension: Int {
        let coarse = hasCoarser ? NeighbourhoodLayout.coarse.count : 0
        return plainChannels * (NeighbourhoodLayout.fine.count + coarse)
            + channels * (NeighbourhoodLayout.causal.count + coarse)
    }
    /// Where the causal (filtered, fine) part starts in a vector.
    var causalOffset: Int { plainChannels * NeighbourhoodLayout.fine.count }

    /// Writes the feature vector of pixel (x, y).
    func write(x: Int, y: Int, plain: Image, filtered: PlanarView, coarsePlain: Image?, coarseFiltered: Image?,
               into out: UnsafeMutablePointer<Float>) {
        plain.writeNeighbourhood(x: x, y: y, shape: NeighbourhoodLayout.fine, boundary: boundary, into: out)
        var k = causalOffset
        if sourceScale != 1 { for i in 0 ..< k { out[i] *= sourceScale } }
        filtered.writeNeighbourhood(x: x, y: y, shape: NeighbourhoodLayout.causal, boundary: boundary, into: out + k)
        k += channels * NeighbourhoodLayout.causal.count
        if hasCoarser, let coarsePlain, let coarseFiltered {
            let cx = min(x / 2, coarsePlain.width - 1), cy = min(y / 2, coarsePlain.height - 1)
            let start = k
            coarsePlain.writeNeighbourhood(x: cx, y: cy, shape: NeighbourhoodLayout.coarse, boundary: boundary, into: out + k)
            k += plainChannels * NeighbourhoodLayout.coarse.count
            if sourceScale != 1 { for i in start ..< k { out[i] *= sourceScale } }
            coarseFiltered.writeNeighbourhood(x: cx, y: cy, shape: NeighbourhoodLayout.coarse, boundary: boundary, into: out + k)
        }
    }
}

/// Everything searched at one pyramid level: A's and A′'s feature images, every A pixel's vector, and the index.
final class AnalogyDatabase: @unchecked Sendable {
    // @unchecked Sendable: all fields are set in init and only read afterwards.
    let a: Image, aPrime: Image
    let coarseA: Image?, coarseAPrime: Image?
    let layout: NeighbourhoodLayout
    let vectors: FeatureMatrix
    let pca: PCA?
    let index: FLANNIndex?
    let exact: ExactSearch?

    init(a: Image, aPrime: Image, coarseA: Image?, coarseAPrime: Image?, layout: NeighbourhoodLayout,
         parameters p: AnalogyParameters) throws {
        self.a = a
        self.aPrime = aPrime
        self.coarseA = coarseA
        self.coarseAPrime = coarseAPrime
        self.layout = layout
        var vectors = FeatureMatrix(rows: a.pixelCount, dimension: layout.dimension)
        let d = layout.dimension, width = a.width
        aPrime.withView { filtered in
            vectors.values.withUnsafeMutableBufferPointer { out in
                let out = SharedBuffer(out)  // Sound: each row y writes only its own vectors.
                Parallel.forEach(a.height, threads: p.threads ?? Parallel.defaultThreads) { y in
                    for x in 0 ..< width {
                        layout.write(x: x, y: y, plain: a, filtered: filtered, coarsePlain: coarseA, coarseFiltered: coarseAPrime,
                                     into: out.base + (y * width + x) * d)
                    }
                }
            }
        }
        self.vectors = vectors
        switch p.search {
        case .exact:
            pca = nil
            index = nil
            exact = try ExactSearch(vectors)
        case .flann:
            let kept: PCA.Kept = p.pcaDimensions.map { .dimensions(min($0, d)) } ?? .varianceFraction(0.999)
            let pca = try PCA(fitting: vectors, keeping: kept)
            self.pca = pca
            index = try FLANNIndex(pca.project(vectors), configuration: FLANNConfiguration(
                algorithm: .kdForest(trees: 4), checks: p.checks, seed: p.seed))
            exact = nil
        }
    }

    /// Squared distance between a query and the vector of A pixel `p`.
    @inline(__always)
    func distance(_ query: UnsafePointer<Float>, to p: Int) -> Float {
        vectors.values.withUnsafeBufferPointer { v in
            var sum: Float = 0
            let row = v.baseAddress! + p * layout.dimension
            for i in 0 ..< layout.dimension { let t = query[i] - row[i]; sum += t * t }
            return sum
        }
    }
}
