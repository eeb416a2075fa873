import Foundation
import Analogies
import Imaging

/// Peak signal-to-noise ratio in dB for values in [0, 1].
func psnr(_ a: Image, _ b: Image) -> Double {
    let mse = zip(a.samples, b.samples).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(a.samples.count)
    return mse == 0 ? 99 : 10 * log10(1 / mse)
}

/// Image Analogies: the blur analogy (A′ = blur(A), B′ scored against blur(B)) at 256² and 512², with FLANN at
/// two speed/quality points, and exact search as the baseline where it finishes in reasonable time.
func benchmarkAnalogies(_ harness: inout Harness, quick: Bool) throws {
    for side in quick ? [256] : [256, 512] {
        let size = Size(width: side, height: side)
        let a = embeddedImage("astronaut", size: size), b = embeddedImage("coffee", size: size)
        let aPrime = a.gaussianBlurred(sigma: 2), truth = b.gaussianBlurred(sigma: 2)
        var searches: [(String, AnalogyParameters)] = [128, 32].map { ("FLANN, checks \($0)", AnalogyParameters(kappa: 0.5, remapLuminance: false, checks: $0)) }
        if side <= 256 { searches.append(("exact search (baseline)", AnalogyParameters(kappa: 0.5, remapLuminance: false, search: .exact))) }
        var baseline: Double?
        for (name, p) in searches.reversed() {
            var result: AnalogyResult?
            let seconds = harness.time(repetitions: p.search == .exact ? 0 : 3) { result = try? analogy(a: a, aPrime: aPrime, b: b, p) }
            if p.search == .exact { baseline = seconds }
            let ratio = baseline.map { String(format: ", %.0f× faster than exact", $0 / seconds) } ?? ""
            harness.record("analogy", "blur analogy \(side)², \(name)", seconds, "s",
                           note: String(format: "PSNR vs true blur %.2f dB, %.0f%% coherent", result.map { psnr($0.image, truth) } ?? .nan,
                                        (result?.coherentFraction ?? 0) * 100) + (p.search == .exact ? "" : ratio))
        }
    }
}
