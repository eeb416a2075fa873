import Testing
@testable import Imaging

@Suite struct ColourTests {
    @Test func yiqRoundTripIsExactToFloatRounding() {
        let image = SyntheticImage.naturalLooking(Size(width: 48, height: 40), seed: 11)
        #expect(maxDifference(image.yiq().rgbFromYIQ(), image) < 1e-5)
    }

    @Test func luminanceOfGreyIsTheGrey() {
        let grey = Image(width: 3, height: 2, channels: 3, value: 0.25)
        #expect(grey.luminance().samples.allSatisfy { abs($0 - 0.25) < 1e-6 })
        #expect(grey.yiq().channel(1).samples.allSatisfy { abs($0) < 1e-6 })  // no chroma in grey
    }

    @Test func remappingMatchesMeanAndDeviation() {
        let a = SyntheticImage.naturalLooking(Size(width: 32, height: 32), seed: 1).luminance()
        let b = SyntheticImage.naturalLooking(Size(width: 20, height: 24), seed: 2).luminance()
        let target = b.channelStatistics()[0]
        let remapped = a.remapped(toMatch: target).channelStatistics()[0]
        #expect(abs(remapped.mean - target.mean) < 1e-4)
        #expect(abs(remapped.standardDeviation - target.standardDeviation) < 1e-4)
    }

    @Test func histogramMatchingCopiesTheDistribution() {
        let a = SyntheticImage.naturalLooking(Size(width: 16, height: 16), seed: 3)
        let b = SyntheticImage.naturalLooking(Size(width: 16, height: 16), seed: 4)
        let matched = a.histogramMatched(to: b)
        for c in 0 ..< 3 {
            #expect(matched.channel(c).samples.sorted() == b.channel(c).samples.sorted())
        }
        // The order of pixels is kept: the brightest pixel of a stays the brightest.
        let brightest = a.channel(0).samples.indices.max { a.samples[$0] < a.samples[$1] }!
        #expect(matched.samples[brightest] == b.channel(0).samples.max())
    }
}

@Suite struct FilterTests {
    @Test(arguments: ResamplingMethod.allCases)
    func resamplingKeepsAConstantImageConstant(method: ResamplingMethod) {
        let flat = Image(width: 13, height: 7, channels: 2, value: 0.375)
        for size in [Size(width: 5, height: 3), Size(width: 29, height: 17), Size(width: 13, height: 20)] {
            #expect(flat.resized(to: size, method: method).samples.allSatisfy { abs($0 - 0.375) < 1e-6 })
        }
    }

    @Test func areaHalvingAveragesTwoByTwoBlocks() {
        let image = gridImage(width: 8, height: 6, channels: 1)
        let half = image.resized(to: Size(width: 4, height: 3), method: .area)
        for y in 0 ..< 3 {
            for x in 0 ..< 4 {
                let mean = (image[2 * x, 2 * y, 0] + image[2 * x + 1, 2 * y, 0] + image[2 * x, 2 * y + 1, 0]
                    + image[2 * x + 1, 2 * y + 1, 0]) / 4
                #expect(abs(half[x, y, 0] - mean) < 1e-6)
            }
        }
    }

    @Test func triangleHalvingWeighsFourPixelsByTheTent() {
        // Halving: the tent has half-width 2 source pixels, so target x takes source 2x − 1 … 2x + 2 with weights
        // 1/8, 3/8, 3/8, 1/8; at the edge the clipped tent is renormalised. A step 0 0 0 0 1 1 1 1 becomes:
        var step = Image(width: 8, height: 1, channels: 1)
        for x in 4 ..< 8 { step[x, 0, 0] = 1 }
        let half = step.resized(to: Size(width: 4, height: 1), method: .triangle)
        for (x, expected) in [Float(0), 0.125, 0.875, 1].enumerated() { #expect(abs(half[x, 0, 0] - expected) < 1e-6, "x = \(x)") }
    }

    @Test func nearestDoublingRepeatsPixels() {
        let image = gridImage(width: 5, height: 4, channels: 1)
        let double = image.resized(to: Size(width: 10, height: 8), method: .nearest)
        #expect(double[7, 5, 0] == image[3, 2, 0])
    }

    @Test func bilinearAndBicubicInterpolateARampExactly() {
        var ramp = Image(width: 16, height: 4, channels: 1)
        for y in 0 ..< 4 { for x in 0 ..< 16 { ramp[x, y, 0] = Float(x) / 15 } }
        for method in [ResamplingMethod.bilinear, .bicubic] {
            let big = ramp.resized(to: Size(width: 32, height: 4), method: method)
            // Away from the clamped edges a linear ramp is reproduced by both kernels.
            for x in 4 ..< 28 { #expect(abs(big[x, 1, 0] - ((Float(x) + 0.5) / 2 - 0.5) / 15) < 1e-5) }
        }
    }

    @Test func gaussianBlurKeepsTheMeanAndSmooths() {
        let image = SyntheticImage.naturalLooking(Size(width: 40, height: 40), seed: 8)
        let blurred = image.gaussianBlurred(sigma: 2, boundary: .wrap)
        for c in 0 ..< 3 {
            #expect(abs(blurred.channelStatistics()[c].mean - image.channelStatistics()[c].mean) < 1e-4)
            #expect(blurred.channelStatistics()[c].standardDeviation < image.channelStatistics()[c].standardDeviation)
        }
        #expect(abs(GaussianKernel.weights(sigma: 1.3).reduce(0, +) - 1) < 1e-6)
    }

    @Test func boundaryModesReadTheDocumentedPixels() {
        #expect([-2, -1, 4, 5].map { BoundaryMode.clamp.index($0, count: 4) } == [0, 0, 3, 3])
        #expect([-2, -1, 4, 5].map { BoundaryMode.reflect.index($0, count: 4) } == [2, 1, 2, 1])
        #expect([-2, -1, 4, 5].map { BoundaryMode.wrap.index($0, count: 4) } == [2, 3, 0, 1])
        #expect(BoundaryMode.constant(0.5).index(-1, count: 4) == nil)
    }
}

/// The one padding helper reads outside the image through each boundary mode, as `BoundaryMode.index` says.
@Suite struct PaddingTests {
    @Test func paddingFollowsTheBoundaryMode() {
        let row = Image(width: 3, height: 1, channels: 1, samples: [1, 2, 3])
        #expect(row.padded(right: 4, bottom: 0, boundary: .clamp).samples == [1, 2, 3, 3, 3, 3, 3])
        #expect(row.padded(right: 4, bottom: 0, boundary: .wrap).samples == [1, 2, 3, 1, 2, 3, 1])
        #expect(row.padded(right: 4, bottom: 0, boundary: .reflect).samples == [1, 2, 3, 2, 1, 2, 3])
        #expect(row.padded(right: 2, bottom: 0, boundary: .constant(9)).samples == [1, 2, 3, 9, 9])
        let tall = row.padded(right: 0, bottom: 2, boundary: .wrap)
        #expect(tall.height == 3 && tall.samples == [1, 2, 3, 1, 2, 3, 1, 2, 3])
        #expect(row.padded(right: 0, bottom: 0, boundary: .clamp) == row)
    }
}

@Suite struct PyramidTests {
    @Test func gaussianLevelSizesAreHalvedRoundingUp() {
        let pyramid = GaussianPyramid(Image(width: 37, height: 20, channels: 1), levelCount: 10)
        #expect(pyramid.levels.map(\.width) == [37, 19, 10, 5, 3, 2, 1])
        #expect(pyramid.levels.map(\.height) == [20, 10, 5, 3, 2, 1, 1])
        #expect(GaussianPyramid.maximumLevels(for: Size(width: 37, height: 20)) == 7)
    }

    @Test(arguments: [Size(width: 64, height: 48), Size(width: 37, height: 23)])
    func laplacianReconstructionIsExact(size: Size) {
        let image = SyntheticImage.naturalLooking(size, seed: 9)
        let laplacian = LaplacianPyramid(image, levelCount: 5)
        #expect(laplacian.count == 5)
        #expect(maxDifference(laplacian.reconstruct(), image) < 1e-5)
    }

    @Test func reducingAConstantKeepsIt() {
        let level = GaussianPyramid.reduce(Image(width: 9, height: 7, channels: 1, value: 0.6))
        #expect(level.samples.allSatisfy { abs($0 - 0.6) < 1e-6 })
    }
}

@Suite struct RandomSourceTests {
    @Test func randomSourceDependsOnPositionOnly() {
        var a = RandomSource(seed: 7, stream: [1, 2, 3]), b = RandomSource(seed: 7, stream: [1, 2, 3])
        var c = RandomSource(seed: 7, stream: [1, 2, 4])
        let first = a.next()
        #expect(first == b.next())
        #expect(first != c.next())
    }
}
