import Foundation
import Testing
import Imaging
@testable import Analogies

/// The paper's applications (§4), each as a small analogy the test makes itself.
@Suite struct ApplicationTests {
    /// A label image: 0 on the left third, 1 elsewhere, with a bump so the boundary is not straight.
    func labels(_ size: Size, split: Int) -> Image {
        var image = Image(width: size.width, height: size.height, channels: 3)
        for y in 0 ..< size.height {
            for x in 0 ..< size.width where x >= split + Int(4 * sin(Double(y) / 5)) { for c in 0 ..< 3 { image[x, y, c] = 1 } }
        }
        return image
    }

    @Test func textureByNumbersPaintsEachLabelWithItsTexture() throws {
        // A′: two textures side by side, A: their labels. B: a different label layout. Each B′ pixel should copy
        // from the part of A′ that carries its label.
        let size = Size(width: 64, height: 48)
        let a = labels(size, split: 20)
        let dark = SyntheticImage.naturalLooking(size, seed: 41).adding(Image(width: 64, height: 48, channels: 3, value: -0.3))
        let light = SyntheticImage.naturalLooking(size, seed: 42).adding(Image(width: 64, height: 48, channels: 3, value: 0.3))
        var aPrime = dark.clamped()
        let lightClamped = light.clamped()
        for y in 0 ..< 48 { for x in 0 ..< 64 where a[x, y, 0] > 0.5 { for c in 0 ..< 3 { aPrime[x, y, c] = lightClamped[x, y, c] } } }
        let b = labels(size, split: 40)
        let result = try analogy(a: a, aPrime: aPrime, b: b, AnalogyParameters(kappa: 2, features: .rgb, remapLuminance: false))
        var agree = 0
        for y in 0 ..< 48 { for x in 0 ..< 64 { let s = result.sourceMap[x, y]; if (a[s.x, s.y, 0] > 0.5) == (b[x, y, 0] > 0.5) { agree += 1 } } }
        #expect(Double(agree) / Double(64 * 48) > 0.9, "\(agree) of \(64 * 48) pixels copied from their own label")
    }

    @Test func colourisationTakesChromaFromAPrime() throws {
        // A′ is a colour photo, A its grey version; B is grey: B′ should recover colour close to B's own.
        let colourA = SyntheticImage.naturalLooking(Size(width: 64, height: 64), seed: 43)
        let colourB = SyntheticImage.naturalLooking(Size(width: 64, height: 64), seed: 43).cropped(x: 8, y: 8, width: 48, height: 48)
        let greyB = colourB.luminance().rgb()
        let result = try analogy(a: colourA.luminance().rgb(), aPrime: colourA, b: greyB,
                                 AnalogyParameters(kappa: 1, remapLuminance: false, chroma: .fromAPrime))
        #expect(psnr(result.image, colourB) > psnr(greyB, colourB) + 3,
                "colourised \(psnr(result.image, colourB)) dB vs grey \(psnr(greyB, colourB)) dB")
    }

    @Test func sourceWeightTradesSimilarityToB() throws {
        let texture = SyntheticImage.naturalLooking(Size(width: 64, height: 64), seed: 44)
        var target = Image(width: 48, height: 48, channels: 3)
        for y in 0 ..< 48 { for x in 0 ..< 48 { for c in 0 ..< 3 { target[x, y, c] = Float(x) / 48 } } }
        func similarity(_ weight: Float) throws -> Double {
            let p = AnalogyParameters(kappa: 2, sourceWeight: weight)
            return psnr(try analogy(a: texture, aPrime: texture, b: target, p).image.luminance(), target.luminance())
        }
        #expect(try similarity(4) > similarity(0.25))
    }

    @Test func superResolutionRestoresDetail() throws {
        // A: a photo's low-pass version (down, then up); A′: the photo. B: another low-pass photo.
        let sharp = SyntheticImage.naturalLooking(Size(width: 80, height: 80), seed: 45)
        func lowPass(_ image: Image) -> Image {
            image.resized(to: Size(width: image.width / 2, height: image.height / 2), method: .area).resized(to: image.size, method: .bicubic)
        }
        let truth = SyntheticImage.naturalLooking(Size(width: 80, height: 80), seed: 45).cropped(x: 16, y: 16, width: 48, height: 48)
        let result = try analogy(a: lowPass(sharp), aPrime: sharp, b: lowPass(truth), AnalogyParameters(kappa: 1, remapLuminance: false))
        // Analogies invent plausible detail rather than the true one, so PSNR is no judge (it favours the smooth
        // bicubic guess); the property is that B′ has the fine-scale energy of a sharp image, which B lacks.
        func detail(_ image: Image) -> Float {
            let y = image.luminance()
            return y.adding(y.gaussianBlurred(sigma: 1), scale: -1).channelStatistics()[0].standardDeviation
        }
        let b = lowPass(truth)
        #expect(abs(detail(result.image) - detail(truth)) < abs(detail(b) - detail(truth)) / 2,
                "detail: B′ \(detail(result.image)), truth \(detail(truth)), B \(detail(b))")
    }
}

@Suite struct FeatureTests {
    @Test(arguments: AnalogyFeatures.allCases)
    func everyFeatureKindLearnsTheBlur(features: AnalogyFeatures) throws {
        // B has A's colours in another arrangement, so that RGB features (which copy A′'s colours) can succeed too.
        let b = exampleA.transposed().cropped(x: 10, y: 0, width: 80, height: 96)
        let p = AnalogyParameters(kappa: 0.5, levels: 2, features: features, remapLuminance: false)
        let result = try analogy(a: exampleA, aPrime: exampleA.gaussianBlurred(sigma: 2), b: b, p)
        #expect(psnr(result.image, b.gaussianBlurred(sigma: 2)) > 26, "\(features): \(psnr(result.image, b.gaussianBlurred(sigma: 2))) dB")
    }
}
