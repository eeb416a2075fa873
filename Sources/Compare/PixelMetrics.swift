import Foundation
import Imaging

/// Full-reference and histogram measures on pixels. Images are compared in RGB on 0–1; a candidate whose size
/// differs from the reference's is first resized to it (area-averaged), so that rounding of a method's output size
/// does not make a comparison impossible.
public enum PixelMetrics {
    /// Peak signal-to-noise ratio in dB, 10 log₁₀(1 / MSE); nil when the images are identical (infinite).
    public static func psnr(_ candidate: Image, reference: Image) -> Double? {
        let (a, b) = comparable(candidate, reference)
        var sum = 0.0
        for i in a.samples.indices { let d = Double(a.samples[i] - b.samples[i]); sum += d * d }
        let mse = sum / Double(max(a.samples.count, 1))
        return mse == 0 ? nil : 10 * log10(1 / mse)
    }

    /// Structural similarity (Wang, Bovik, Sheikh & Simoncelli 2004) of the luminances: the mean over pixels of
    /// (2μₐμᵦ + C₁)(2σₐᵦ + C₂) / ((μₐ² + μᵦ² + C₁)(σₐ² + σᵦ² + C₂)), local statistics under a Gaussian window of σ = 1.5,
    /// C₁ = (0.01)², C₂ = (0.03)² for a dynamic range of 1.
    public static func ssim(_ candidate: Image, reference: Image) -> Double {
        let map = ssimMap(candidate, reference: reference)
        return map.reduce(0, +) / Double(max(map.count, 1))
    }

    /// SSIM's value at every pixel of the reference, row-major: the map `ssim` averages (the walkthroughs draw it).
    package static func ssimMap(_ candidate: Image, reference: Image) -> [Double] {
        let (a, b) = comparable(candidate, reference)
        let x = a.luminance(), y = b.luminance()
        func local(_ image: Image) -> Image { image.gaussianBlurred(sigma: 1.5) }
        func product(_ p: Image, _ q: Image) -> Image {
            Image(width: p.width, height: p.height, channels: 1, samples: zip(p.samples, q.samples).map { $0 * $1 })
        }
        let mx = local(x), my = local(y)
        let sxx = local(product(x, x)), syy = local(product(y, y)), sxy = local(product(x, y))
        let c1 = 0.0001, c2 = 0.0009
        return (0 ..< x.pixelCount).map { i in
            let ux = Double(mx.samples[i]), uy = Double(my.samples[i])
            let vx = max(Double(sxx.samples[i]) - ux * ux, 0), vy = max(Double(syy.samples[i]) - uy * uy, 0)
            let cxy = Double(sxy.samples[i]) - ux * uy
            return (2 * ux * uy + c1) * (2 * cxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
        }
    }

    /// Colour-histogram distance: per RGB channel, half the L1 distance between the 32-bin normalised histograms
    /// (the total-variation distance, 0 for equal histograms, 1 for disjoint ones), averaged over channels. The
    /// images may differ in size: only their colour distributions are compared.
    public static func histogramDistance(_ a: Image, _ b: Image, bins: Int = 32) -> Double {
        let a = a.rgb(), b = b.rgb()
        func histogram(_ image: Image, _ c: Int) -> [Double] {
            var h = [Double](repeating: 0, count: bins)
            for v in image.samples[c * image.pixelCount ..< (c + 1) * image.pixelCount] { h[min(bins - 1, max(0, Int(v * Float(bins))))] += 1 }
            return h.map { $0 / Double(max(image.pixelCount, 1)) }
        }
        var total = 0.0
        for c in 0 ..< 3 { total += zip(histogram(a, c), histogram(b, c)).reduce(0) { $0 + abs($1.0 - $1.1) } / 2 }
        return total / 3
    }

    /// The two images in RGB at the reference's size.
    static func comparable(_ candidate: Image, _ reference: Image) -> (Image, Image) {
        var a = candidate.rgb().opaque
        let b = reference.rgb().opaque
        if a.size != b.size { a = a.resized(to: b.size, method: .area) }
        return (a, b)
    }
}
