import Foundation
import Testing
import Imaging
@testable import Analogies

/// Peak signal-to-noise ratio in dB for values in [0, 1].
func psnr(_ a: Image, _ b: Image) -> Double {
    let mse = zip(a.samples, b.samples).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(a.samples.count)
    return mse == 0 ? .infinity : 10 * log10(1 / mse)
}

// Seeds fixed so that every run tests the same images.
let exampleA = SyntheticImage.naturalLooking(Size(width: 96, height: 96), seed: 31)
let exampleB = SyntheticImage.naturalLooking(Size(width: 96, height: 96), seed: 32)

@Suite struct AnalogyTests {
    @Test func identityFilterReproducesB() throws {
        // A′ = A and B = A: every pixel's own neighbourhood is a perfect match, so B′ must be B, borders included.
        let same = try analogy(a: exampleA, aPrime: exampleA, b: exampleA)
        let quality = psnr(same.image, exampleA)
        #expect(quality >= 35, "PSNR \(quality) dB")
        // Across two different photos the identity can only be as good as A's patches match B's (31 dB measured).
        let across = try analogy(a: exampleA, aPrime: exampleA, b: exampleB, AnalogyParameters(kappa: 0, remapLuminance: false))
        #expect(psnr(across.image, exampleB) >= 30, "PSNR \(psnr(across.image, exampleB)) dB")
    }

    @Test func learnedBlurMatchesTheTrueBlur() throws {
        let p = AnalogyParameters(kappa: 0.5, remapLuminance: false)
        let result = try analogy(a: exampleA, aPrime: exampleA.gaussianBlurred(sigma: 2), b: exampleB, p)
        let quality = psnr(result.image, exampleB.gaussianBlurred(sigma: 2))
        #expect(quality >= 28, "PSNR \(quality) dB")

        var exact = p
        exact.search = .exact
        let reference = try analogy(a: exampleA, aPrime: exampleA.gaussianBlurred(sigma: 2), b: exampleB, exact)
        let referenceQuality = psnr(reference.image, exampleB.gaussianBlurred(sigma: 2))
        #expect(abs(quality - referenceQuality) <= 1, "FLANN \(quality) dB, exact \(referenceQuality) dB")
    }

    @Test func chromaFollowingLuminanceBlursColourEdgesToo() throws {
        // A true blur softens colour edges as well as luminance ones; B's untouched chroma keeps them sharp.
        let truth = exampleB.gaussianBlurred(sigma: 2), aPrime = exampleA.gaussianBlurred(sigma: 2)
        var p = AnalogyPreset.learnedFilter.parameters
        let following = try analogy(a: exampleA, aPrime: aPrime, b: exampleB, p)
        p.chroma = .fromB
        let untouched = try analogy(a: exampleA, aPrime: aPrime, b: exampleB, p)
        #expect(following.sourceMap == untouched.sourceMap, "chroma must not change the matches")
        #expect(psnr(following.image, truth) > psnr(untouched.image, truth) + 0.3,
                "following \(psnr(following.image, truth)) dB, B's chroma \(psnr(untouched.image, truth)) dB")
    }

    @Test func coherenceRisesWithKappa() throws {
        let aPrime = exampleA.gaussianBlurred(sigma: 1)
        let loose = try analogy(a: exampleA, aPrime: aPrime, b: exampleB, AnalogyParameters(kappa: 0))
        let coherent = try analogy(a: exampleA, aPrime: aPrime, b: exampleB, AnalogyParameters(kappa: 25))
        #expect(coherent.coherentFraction > loose.coherentFraction)
        // Piecewise constant source map: most pixels continue their left neighbour's source.
        func continuity(_ map: SourceMap) -> Double {
            var same = 0
            for y in 0 ..< map.height { for x in 1 ..< map.width where map[x, y].x == map[x - 1, y].x + 1 && map[x, y].y == map[x - 1, y].y { same += 1 } }
            return Double(same) / Double(map.height * (map.width - 1))
        }
        #expect(continuity(coherent.sourceMap) > 0.8, "continuity \(continuity(coherent.sourceMap))")
        #expect(continuity(coherent.sourceMap) > continuity(loose.sourceMap))
    }

    @Test func sameBytesAtOneAndTwoThreads() throws {
        var p = AnalogyParameters(kappa: 5, seed: 3)
        p.threads = 1
        let one = try analogy(a: exampleA, aPrime: exampleA.gaussianBlurred(sigma: 1), b: exampleB, p)
        p.threads = 2
        let two = try analogy(a: exampleA, aPrime: exampleA.gaussianBlurred(sigma: 1), b: exampleB, p)
        #expect(try one.image.encoded(as: .png) == two.image.encoded(as: .png))
        #expect(one.sourceMap == two.sourceMap)
    }

    @Test func badInputsAreRefused() {
        let small = exampleA.cropped(x: 0, y: 0, width: 40, height: 40)
        #expect(throws: AnalogyError.sizeMismatch(first: "A", firstSize: exampleA.size, second: "A′", secondSize: small.size)) {
            try analogy(a: exampleA, aPrime: small, b: exampleB)
        }
        #expect(throws: ParameterError.self) { try analogy(a: exampleA, aPrime: exampleA, b: exampleB, AnalogyParameters(kappa: -1)) }
        #expect(throws: AnalogyError.self) { try analogy(a: exampleA, aPrime: exampleA, b: small.cropped(x: 0, y: 0, width: 3, height: 3)) }
        #expect(AnalogyError.sizeMismatch(first: "A", firstSize: exampleA.size, second: "A′", secondSize: small.size).description.contains("96x96"))
    }

    @Test func textureSynthesisCopiesTheExemplar() throws {
        let texture = SyntheticImage.naturalLooking(Size(width: 40, height: 40), seed: 33)
        let result = try textureAnalogy(texture, size: Size(width: 48, height: 40), AnalogyParameters(kappa: 5, features: .rgb))
        #expect(result.image.size == Size(width: 48, height: 40))
        for y in 0 ..< 40 { for x in 0 ..< 48 { let s = result.sourceMap[x, y]; #expect(abs(result.image[x, y, 1] - texture[s.x, s.y, 1]) < 1e-6) } }
    }
}
