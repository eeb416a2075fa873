import Foundation
import Imaging
import Quilting

/// An embedded image resized to `size`, or a synthetic one when run outside the repository.
func embeddedImage(_ name: String, size: Size) -> Image {
    let image = (try? Image(contentsOf: "datasets/embedded/\(name).png")) ?? SyntheticImage.naturalLooking(size, seed: 5)
    return image.resized(to: size, method: .area)
}

/// Image Quilting: synthesis 512² from a 192² exemplar with B = 36 (the figure), the naive per-candidate
/// loop against the fast path on a smaller run, the FLANN path's speed and quality, and transfer onto 256².
func benchmarkQuilting(_ harness: inout Harness) throws {
    let exemplar = embeddedImage("gravel", size: Size(width: 192, height: 192))
    var fast = QuiltingParameters(blockSize: 36, seed: 1)
    var result: QuiltingResult?
    let seconds = harness.time(repetitions: 5) { result = try? synthesize(exemplar, size: Size(width: 512, height: 512), fast) }
    harness.record("quilting", "synthesis 512² from 192², B 36, exhaustive", seconds, "s",
                   note: String(format: "mean overlap error %.5f", result?.meanOverlapError ?? .nan))

    fast.search = .flann
    let flannSeconds = harness.time(repetitions: 3) { result = try? synthesize(exemplar, size: Size(width: 512, height: 512), fast) }
    harness.record("quilting", "synthesis 512² from 192², B 36, FLANN (PCA 24 + kd-trees)", flannSeconds, "s",
                   note: String(format: "mean overlap error %.5f", result?.meanOverlapError ?? .nan))

    // A large exemplar, where the exhaustive search has 9× the candidates.
    let large = embeddedImage("gravel", size: Size(width: 512, height: 512))
    for search in [BlockSearch.exhaustive, .flann] {
        fast.search = search
        let t = harness.time(repetitions: 1) { result = try? synthesize(large, size: Size(width: 512, height: 512), fast) }
        harness.record("quilting", "synthesis 512² from 512², B 36, \(search)", t, "s",
                       note: String(format: "mean overlap error %.5f", result?.meanOverlapError ?? .nan))
    }

    // The naive loop is too slow for 512²: compare both on 192² (36 blocks).
    let small = Size(width: 192, height: 192)
    fast.search = .exhaustive
    let fastSmall = harness.time(repetitions: 3) { _ = try? synthesize(exemplar, size: small, fast) }
    var naive = fast
    naive.search = .naive
    let naiveSmall = harness.time(repetitions: 1) { _ = try? synthesize(exemplar, size: small, naive) }
    harness.record("quilting", "synthesis 192² from 192², naive per-candidate loop (baseline)", naiveSmall, "s",
                   note: String(format: "fast path %.3f s: %.0f× faster", fastSmall, naiveSmall / fastSmall))

    let texture = embeddedImage("grass", size: Size(width: 192, height: 192))
    let target = embeddedImage("astronaut", size: Size(width: 256, height: 256))
    let transferSeconds = harness.time(repetitions: 5) {
        result = try? transfer(texture, onto: target, TransferParameters(quilting: QuiltingParameters(blockSize: 36, seed: 1)))
    }
    harness.record("quilting", "transfer onto 256² from 192², 3 passes (B 36, 24, 16)", transferSeconds, "s")
}
