import Testing
import Imaging

@Suite struct NeighbourhoodTests {
    @Test func causalShapeHoldsOnlyEarlierPixels() {
        let causal = NeighbourhoodShape.causal(side: 5)
        #expect(causal.count == 12)
        #expect(causal.offsets.allSatisfy { $0.y < 0 || ($0.y == 0 && $0.x < 0) })
        #expect(NeighbourhoodShape.full(side: 3).count == 9)
    }

    @Test func foldedWeightsMakePlainL2TheWeightedDistance() {
        let image = SyntheticImage.naturalLooking(Size(width: 12, height: 12), seed: 10)
        let shape = NeighbourhoodShape.full(side: 5)
        let vectors = image.neighbourhoodVectors(shape: shape)
        let p = 5 * 12 + 6, q = 7 * 12 + 4
        let plain = zip(vectors.row(p), vectors.row(q)).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        var weighted: Float = 0
        for c in 0 ..< 3 {
            for (o, offset) in shape.offsets.enumerated() {
                let w = shape.sqrtWeights[o] * shape.sqrtWeights[o]
                let d = image[6 + offset.x, 5 + offset.y, c] - image[4 + offset.x, 7 + offset.y, c]
                weighted += w * d * d
            }
        }
        #expect(abs(plain - weighted) < 1e-5)
    }

    @Test func parentNeighbourhoodComesFromTheCoarserLevel() {
        let image = SyntheticImage.naturalLooking(Size(width: 10, height: 10), seed: 12).luminance()
        let coarse = GaussianPyramid.reduce(image)
        let vectors = image.neighbourhoodVectors(shape: .full(side: 5), coarser: coarse)
        #expect(vectors.dimension == 25 + 9)
        // The centre of the parent's 3 × 3 block (index 4) is the coarse pixel (x/2, y/2), times its √w.
        let centreWeight = NeighbourhoodShape.full(side: 3).sqrtWeights[4]
        #expect(abs(vectors.row(7 * 10 + 5)[25 + 4] - coarse[2, 3, 0] * centreWeight) < 1e-6)
    }
}
