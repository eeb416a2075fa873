import Foundation
import Imaging
import Testing
import StyleLabSupport
@testable import Compare

private func flat(_ value: Float, width: Int = 8, height: Int = 8) -> Image { Image(width: width, height: height, channels: 3, value: value) }

@Suite struct PixelMetricTests {
    @Test func psnrOfOneChangedPixel() throws {
        // 2 × 2 grey; one pixel 0.1 brighter in every channel: MSE = 0.01 / 4, PSNR = 10 log₁₀ 400.
        let a = flat(0.5, width: 2, height: 2)
        var b = a
        for c in 0 ..< 3 { b[1, 1, c] = 0.6 }
        let psnr = try #require(PixelMetrics.psnr(b, reference: a))
        #expect(abs(psnr - 10 * log10(400)) < 1e-3, "\(psnr)")
        #expect(PixelMetrics.psnr(a, reference: a) == nil, "identical images have an infinite PSNR")
    }

    @Test func ssimOfFlatImagesIsTheLuminanceTerm() {
        // No variance anywhere: SSIM = (2μₐμᵦ + C₁) / (μₐ² + μᵦ² + C₁) = (0.24 + 1e-4) / (0.40 + 1e-4).
        let ssim = PixelMetrics.ssim(flat(0.2), reference: flat(0.6))
        #expect(abs(ssim - 0.2401 / 0.4001) < 1e-4, "\(ssim)")
        let photo = SyntheticImage.naturalLooking(Size(width: 32, height: 24), seed: 3)
        #expect(abs(PixelMetrics.ssim(photo, reference: photo) - 1) < 1e-6)
        #expect(PixelMetrics.ssim(photo.gaussianBlurred(sigma: 2), reference: photo) < 0.99)
    }

    @Test func histogramDistanceCountsTheMovedMass() {
        #expect(PixelMetrics.histogramDistance(flat(0), flat(1)) == 1)
        #expect(PixelMetrics.histogramDistance(flat(0.3), flat(0.3)) == 0)
        var half = flat(0)
        for y in 0 ..< 4 { for x in 0 ..< 8 { for c in 0 ..< 3 { half[x, y, c] = 1 } } }
        #expect(abs(PixelMetrics.histogramDistance(half, flat(0)) - 0.5) < 1e-12)
    }
}

@Suite struct PatchMetricTests {
    let texture = SyntheticImage.naturalLooking(Size(width: 48, height: 40), seed: 5)

    @Test func slicedWassersteinOfIdenticalDistributionsIsZero() {
        #expect(PatchMetrics.slicedWasserstein(texture, texture) == 0)
        let other = SyntheticImage.naturalLooking(Size(width: 48, height: 40), seed: 6)
        #expect(PatchMetrics.slicedWasserstein(texture, other) > 0.01)
        // The same seed gives the same value: the directions and subsamples are fixed.
        #expect(PatchMetrics.slicedWasserstein(texture, other) == PatchMetrics.slicedWasserstein(texture, other))
    }

    @Test func oneDimensionalWassersteinByHand() {
        // Shifting every sample by 0.25 moves the distribution by 0.25.
        #expect(abs(PatchMetrics.wasserstein1([0, 1, 2, 3], [0.25, 1.25, 2.25, 3.25]) - 0.25) < 1e-7)
    }

    @Test func bidirectionalSimilarityOfAnImageWithItselfIsZero() throws {
        let bds = try PatchMetrics.bidirectionalSimilarity(output: texture, source: texture)
        #expect(bds.completeness == 0 && bds.coherence == 0)
        // Half the source (its left side) is coherent with it (every patch comes from it) but incomplete.
        let left = texture.cropped(x: 0, y: 0, width: 24, height: 40)
        let partial = try PatchMetrics.bidirectionalSimilarity(output: left, source: texture)
        #expect(partial.coherence == 0 && partial.completeness > 0)
    }
}

@Suite struct MeasurementJSONTests {
    @Test func infinitePSNRIsNullAndAbsentMeansNotMeasured() throws {
        var m = Measurements()
        m.psnr = .infinity
        m.ssim = 1
        let json = try JSONSerialization.jsonObject(with: m.summaryJSON()) as? [String: Any]
        #expect(json?["psnr"] is NSNull)
        #expect(json?["swd"] == nil)
        let decoded = try snakeCaseDecoder.decode(Measurements.self, from: m.summaryJSON())
        #expect(decoded == m)
    }
}

@Suite struct BitmapFontTests {
    @Test func everyPrintableCharacterHasAGlyph() {
        for scalar in 32 ... 126 {
            let glyph = BitmapFont.glyphs[Character(UnicodeScalar(UInt8(scalar)))]
            #expect(glyph?.count == BitmapFont.glyphHeight, "\(scalar)")
            #expect(glyph?.allSatisfy { $0 < 32 } == true)
        }
    }

    @Test func textIsDrawnWhereAsked() {
        var image = Image(width: 40, height: 20, channels: 3, value: 1)
        BitmapFont.draw("Hi", into: &image, x: 2, y: 3, scale: 2)
        // 'H' has ink in its top-left cell: pixels (2…3, 3…4) are black; nothing is drawn left of x = 2.
        #expect(image[2, 3, 0] == 0 && image[3, 4, 0] == 0)
        #expect((0 ..< 20).allSatisfy { image[0, $0, 0] == 1 && image[1, $0, 0] == 1 })
        #expect(BitmapFont.width(of: "Hi", scale: 2) == 22)
    }
}
