import Foundation

/// Procedural images with the statistics of photographs, for tests, benchmarks and demos that must not depend on
/// files: smooth 1/f noise (energy falling with frequency, as in natural images) plus soft-edged shapes that give
/// edges and flat regions. Deterministic from the seed.
public enum SyntheticImage {
    /// An RGB image of `size` that looks vaguely like a photo: clouds of colour, discs and bars.
    public static func naturalLooking(_ size: Size, seed: UInt64) -> Image {
        var random = RandomSource(seed: seed)
        var channels: [Image] = []
        for c in 0 ..< 3 {
            // Octaves down to about one pixel per cell, so that there is texture at every scale.
            let octaves = max(1, Int(log2(Double(max(size.width, size.height)))))
            channels.append(fractalNoise(size, seed: seed &+ UInt64(c) &* 7919, octaves: octaves))
        }
        var image = Image.stacking(channels)
        let n = size.pixelCount
        for _ in 0 ..< 12 {
            let cx = Float(size.width) * random.nextUnitFloat(), cy = Float(size.height) * random.nextUnitFloat()
            let radius = Float(min(size.width, size.height)) * (0.05 + 0.2 * random.nextUnitFloat())
            let colour = (0 ..< 3).map { _ in random.nextUnitFloat() }
            let isBar = random.nextUnitFloat() < 0.4
            for y in 0 ..< size.height {
                for x in 0 ..< size.width {
                    let dx = Float(x) - cx, dy = Float(y) - cy
                    let distance = isBar ? abs(dx * 0.8 + dy * 0.6) : (dx * dx + dy * dy).squareRoot()
                    let coverage = min(max(radius - distance, 0), 1.5) / 1.5  // a soft, anti-aliased edge
                    if coverage == 0 { continue }
                    for c in 0 ..< 3 {
                        let i = c * n + y * size.width + x
                        image.samples[i] = image.samples[i] * (1 - 0.8 * coverage) + 0.8 * coverage * colour[c]
                    }
                }
            }
        }
        return image.clamped()
    }

    /// One channel of 1/f noise in [0, 1]: random grids of doubling resolution, bicubically enlarged, amplitude
    /// halving per octave.
    public static func fractalNoise(_ size: Size, seed: UInt64, octaves: Int) -> Image {
        var sum = Image(width: size.width, height: size.height, channels: 1)
        var amplitude: Float = 1, total: Float = 0
        for octave in 0 ..< octaves {
            let cells = 2 << octave
            var random = RandomSource(seed: seed, stream: [octave])
            let grid = Image(width: cells + 1, height: cells + 1, channels: 1,
                             samples: (0 ..< (cells + 1) * (cells + 1)).map { _ in random.nextUnitFloat() })
            sum = sum.adding(grid.resized(to: size, method: .bicubic), scale: amplitude)
            total += amplitude
            amplitude *= 0.75  // slower than 1/f: photographs keep visible detail (texture, grain) at fine scales
        }
        for i in sum.samples.indices { sum.samples[i] /= total }
        return sum.clamped()
    }
}

extension SyntheticImage {
    /// Feature vectors shaped like Image Analogies' luminance features, 55 per pixel: the full 5 × 5 neighbourhood
    /// of Y, the causal 5 × 5 neighbourhood of a blurred Y (standing in for A′), and the 3 × 3 parent
    /// neighbourhoods of both one pyramid level up. For benchmarks and tests of the search layer.
    package static func analogyStyleFeatures(of image: Image) -> FeatureMatrix {
        let y = image.luminance(), yPrime = y.gaussianBlurred(sigma: 1.5)
        let coarse = GaussianPyramid.reduce(y), coarsePrime = GaussianPyramid.reduce(yPrime)
        let parts = [
            y.neighbourhoodVectors(shape: .full(side: 5)),
            yPrime.neighbourhoodVectors(shape: .causal(side: 5)),
            coarse.resized(to: y.size, method: .nearest).neighbourhoodVectors(shape: .full(side: 3)),
            coarsePrime.resized(to: y.size, method: .nearest).neighbourhoodVectors(shape: .full(side: 3)),
        ]
        let dimension = parts.reduce(0) { $0 + $1.dimension }
        var values = [Float]()
        values.reserveCapacity(image.pixelCount * dimension)
        for r in 0 ..< image.pixelCount {
            for part in parts { values.append(contentsOf: part.values[r * part.dimension ..< (r + 1) * part.dimension]) }
        }
        return FeatureMatrix(rows: image.pixelCount, dimension: dimension, values: values)
    }
}
