import Foundation
import Analogies
import Imaging
import Quilting

/// Pearson correlation of two images' luminances (same size), after a Gaussian blur of σ = longest side / 64 (2 px
/// at 128): the target's shading at one scale relative to the picture, whatever its size — what texture transfer
/// should keep — rather than the texture's own grain, which no block size can or should copy from the target.
func luminanceCorrelation(_ a: Image, _ b: Image) -> Double {
    let sigma = Float(max(a.width, a.height)) / 64
    let x = a.rgb().luminance().gaussianBlurred(sigma: sigma).samples
    let y = b.rgb().luminance().gaussianBlurred(sigma: sigma).samples
    let n = Double(x.count), mx = x.reduce(0.0) { $0 + Double($1) } / n, my = y.reduce(0.0) { $0 + Double($1) } / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in x.indices {
        let dx = Double(x[i]) - mx, dy = Double(y[i]) - my
        sxy += dx * dy; sxx += dx * dx; syy += dy * dy
    }
    return sxy / max((sxx * syy).squareRoot(), 1e-12)
}

/// The defaults' quality on the shared datasets (`STYLELAB_DATA`, default ../shared/datasets), not speed: how
/// well texture transfer at its default block keeps the target (luminance r) for targets of 128–512 px, and what
/// each analogy preset scores on photos it has not seen. Skipped, and said so, when the data is not there.
func benchmarkDefaults(_ harness: inout Harness) throws {
    let data = ProcessInfo.processInfo.environment["STYLELAB_DATA"] ?? "../shared/datasets"
    let photos = ["arches_rock_landscape.jpg", "petra_tomb_facade.jpg", "spices.jpg"]  // not in datasets/embedded
    guard FileManager.default.fileExists(atPath: "\(data)/photos/\(photos[0])") else {
        print("defaults: no photos in \(data)/photos (set STYLELAB_DATA); skipped")
        return
    }
    let unseen = try photos.map { try Image(contentsOf: "\(data)/photos/\($0)") }
    let textures = try ["gravel_gray.png", "brick_gray.png"].map { try Image(contentsOf: "\(data)/textures/\($0)") }
    let explore = ProcessInfo.processInfo.environment["STYLELAB_EXPLORE"]
    for side in explore == "analogy" ? [] : [128, 256, 512] {
        var rules: [(String, (Size) -> Int)] = [("fixed 36", { _ in 36 }), ("default (fitted to the target)", TransferParameters.blockSize(forTarget:))]
        if explore != nil {
            for k in [8, 12] { rules.append(("short side / \(k)", { s in min(36, max(8, min(s.width, s.height) / k)) })) }
        }
        for (rule, block) in rules {
            var correlations: [Double] = []
            for target in unseen.map({ $0.resized(to: $0.sizeFitting(longestSide: side), method: .triangle) }) {
                for texture in textures {
                    var p = TransferParameters()
                    p.quilting.blockSize = block(target.size)
                    p.quilting.seed = 1
                    guard let result = try? transfer(texture.resized(to: texture.sizeFitting(longestSide: 192), method: .area),
                                                     onto: target, p) else { continue }
                    correlations.append(luminanceCorrelation(result.image, target))
                }
            }
            harness.record("defaults", "quilting transfer onto \(side)-px photos, block \(rule)",
                           correlations.reduce(0, +) / Double(max(correlations.count, 1)), "mean r",
                           note: String(format: "min r %.3f over %d runs (3 unseen photos × 2 textures)",
                                        correlations.min() ?? .nan, correlations.count))
        }
    }
    try benchmarkAnalogyPresets(&harness, unseen: unseen)
}

/// Learned filter: A = an embedded photo, A′ its blur (σ 2), B an unseen photo at 128²; PSNR of B′ against B's
/// true blur, for the default parameters and the learned-filter preset, beside doing nothing (B itself).
func benchmarkAnalogyPresets(_ harness: inout Harness, unseen: [Image]) throws {
    let size = Size(width: 128, height: 128)
    let a = embeddedImage("astronaut", size: size), aPrime = a.gaussianBlurred(sigma: 2)
    var variants: [(String, AnalogyParameters)] = [("defaults", AnalogyParameters()),
                                                   ("--preset learned-filter", AnalogyPreset.learnedFilter.parameters)]
    var untouchedChroma = AnalogyPreset.learnedFilter.parameters
    untouchedChroma.chroma = .fromB
    variants.append(("--preset learned-filter --chroma from-b", untouchedChroma))
    if ProcessInfo.processInfo.environment["STYLELAB_EXPLORE"] != nil {
        variants += [("κ 0, checks 128", AnalogyParameters(kappa: 0, remapLuminance: false, checks: 128)),
                     ("κ 0, exact", AnalogyParameters(kappa: 0, remapLuminance: false, search: .exact)),
                     ("κ 0.25", AnalogyParameters(kappa: 0.25, remapLuminance: false)),
                     ("κ 0, steerable", AnalogyParameters(kappa: 0, features: .steerable, remapLuminance: false)),
                     ("κ 0, rgb", AnalogyParameters(kappa: 0, features: .rgb, remapLuminance: false)),
                     ("κ 0, 2 levels", AnalogyParameters(kappa: 0, levels: 2, remapLuminance: false))]
    }
    for (name, p) in variants {
        var scores: [Double] = [], nothing: [Double] = []
        for photo in unseen {
            let b = photo.resized(to: size, method: .area), truth = b.gaussianBlurred(sigma: 2)
            guard let result = try? analogy(a: a, aPrime: aPrime, b: b, p) else { continue }
            scores.append(psnr(result.image, truth))
            nothing.append(psnr(b, truth))
        }
        harness.record("defaults", "analogy learned blur on unseen 128² photos, \(name)",
                       scores.reduce(0, +) / Double(max(scores.count, 1)), "dB",
                       note: String(format: "min %.1f dB; doing nothing %.1f dB", scores.min() ?? .nan,
                                    nothing.reduce(0, +) / Double(max(nothing.count, 1))))
    }
}
