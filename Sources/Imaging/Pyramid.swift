/// Gaussian and Laplacian pyramids (Burt & Adelson 1983) with the 5-tap binomial kernel.
///
/// Level 0 is the finest (the image itself); level ℓ + 1 is level ℓ blurred and subsampled by two, of size
/// ⌈w/2⌉ × ⌈h/2⌉. The boundary is `reflect`, which keeps the blur unbiased at the edges.
public struct GaussianPyramid: Sendable {
    public private(set) var levels: [Image]

    /// Builds `levelCount` levels, fewer when the image cannot be halved further (a 1 × 1 level is the last).
    public init(_ image: Image, levelCount: Int, boundary: BoundaryMode = .reflect) {
        precondition(levelCount >= 1, "a pyramid needs at least one level, got \(levelCount)")
        levels = [image]
        while levels.count < levelCount, let last = levels.last, last.width > 1 || last.height > 1 {
            levels.append(GaussianPyramid.reduce(last, boundary: boundary))
        }
    }

    public var count: Int { levels.count }
    public subscript(level: Int) -> Image { levels[level] }
    public var finest: Image { levels[0] }
    public var coarsest: Image { levels[levels.count - 1] }

    /// The largest level count that a w × h image allows (halving until 1 × 1).
    public static func maximumLevels(for size: Size) -> Int {
        var levels = 1, w = size.width, h = size.height
        while w > 1 || h > 1 { w = (w + 1) / 2; h = (h + 1) / 2; levels += 1 }
        return levels
    }

    /// REDUCE: blur with the binomial kernel and keep every second sample, in one pass per axis.
    public static func reduce(_ image: Image, boundary: BoundaryMode = .reflect) -> Image {
        func taps(_ n: Int) -> AxisTaps {
            AxisTaps(outputCount: (n + 1) / 2, inputCount: n, tapsPerOutput: 5, boundary: boundary) { o in
                (0 ..< 5).map { (2 * o + $0 - 2, GaussianKernel.binomial5[$0]) }
            }
        }
        return image.filtered(horizontal: taps(image.width), vertical: taps(image.height))
    }

    /// EXPAND: upsample `coarse` to `size` — zeros between samples, then the binomial kernel doubled, which is
    /// the same as interpolating from the coarse samples with the even or odd half of the kernel.
    public static func expand(_ coarse: Image, to size: Size, boundary: BoundaryMode = .reflect) -> Image {
        func taps(_ n: Int, from coarseCount: Int) -> AxisTaps {
            AxisTaps(outputCount: n, inputCount: coarseCount, tapsPerOutput: 3, boundary: boundary) { o in
                (0 ..< 5).compactMap { k in
                    let m = o + k - 2  // position on the upsampled grid
                    return m % 2 == 0 ? (m / 2, 2 * GaussianKernel.binomial5[k]) : nil
                }
            }
        }
        return coarse.filtered(horizontal: taps(size.width, from: coarse.width),
                               vertical: taps(size.height, from: coarse.height))
    }
}

/// A Laplacian pyramid: band-pass levels G_ℓ − EXPAND(G_ℓ₊₁) and, last, the coarsest Gaussian level.
/// `reconstruct()` adds the bands back and returns the original image up to Float rounding.
public struct LaplacianPyramid: Sendable {
    public private(set) var levels: [Image]

    public init(_ image: Image, levelCount: Int, boundary: BoundaryMode = .reflect) {
        self.init(GaussianPyramid(image, levelCount: levelCount, boundary: boundary), boundary: boundary)
    }

    public init(_ gaussian: GaussianPyramid, boundary: BoundaryMode = .reflect) {
        levels = []
        for l in 0 ..< gaussian.count - 1 {
            let fine = gaussian[l]
            let predicted = GaussianPyramid.expand(gaussian[l + 1], to: fine.size, boundary: boundary)
            levels.append(fine.adding(predicted, scale: -1))
        }
        levels.append(gaussian.coarsest)
        self.boundary = boundary
    }

    private let boundary: BoundaryMode
    public var count: Int { levels.count }
    public subscript(level: Int) -> Image { levels[level] }

    /// Level ℓ as a picture: bands are signed, so 0.5 + band (zero is mid-grey); the coarsest level is an image and
    /// is shown as it is.
    public func displayBand(_ level: Int) -> Image {
        let band = levels[level]
        if level == levels.count - 1 { return band }
        return band.adding(Image(width: band.width, height: band.height, channels: band.channels, value: 0.5))
    }

    /// Both pyramids in one picture: the Gaussian levels in a strip above the Laplacian bands (as `displayBand`).
    public static func overview(_ gaussian: GaussianPyramid, _ laplacian: LaplacianPyramid) -> Image {
        let top = Image.pyramidStrip(gaussian.levels)
        let bottom = Image.pyramidStrip((0 ..< laplacian.count).map(laplacian.displayBand))
        var overview = Image(width: top.width, height: top.height + bottom.height + 4, channels: top.channels, value: 1)
        overview.paste(top, x: 0, y: 0)
        overview.paste(bottom, x: 0, y: top.height + 4)
        return overview
    }

    /// Collapses the pyramid: G_L, then G_ℓ = L_ℓ + EXPAND(G_ℓ₊₁) down to level 0.
    public func reconstruct() -> Image {
        var image = levels[levels.count - 1]
        for l in stride(from: levels.count - 2, through: 0, by: -1) {
            image = levels[l].adding(GaussianPyramid.expand(image, to: levels[l].size, boundary: boundary))
        }
        return image
    }
}

extension Image {
    /// self + scale · other, sample by sample (alpha from self).
    public func adding(_ other: Image, scale: Float = 1) -> Image {
        precondition(other.size == size && other.channels == channels, "adding images of different shapes")
        var result = self
        for i in result.samples.indices { result.samples[i] += scale * other.samples[i] }
        return result
    }
}
