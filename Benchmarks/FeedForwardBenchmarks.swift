import Foundation
import Imaging
import Neural
import StyleLabSupport

/// The trained stylisers: training throughput of the fast-style network and a WCT decoder as effective GFLOP/s
/// against the sgemm peak measured in the same run, and the time of one stylisation at 512 (fast-style with a
/// freshly initialised network; WCT with the shipped decoders in models/, when they are there).
func benchmarkFeedForward(_ harness: inout Harness) throws {
    let weights = PasticheWeights.cachedIfValid().flatMap { try? VGG19Weights(WeightFile.read($0), path: $0) }
        ?? .random(seed: 0)
    let peak = sgemmPeak(&harness, suite: "feed-forward")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stylelab-bench-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let content = embeddedImage("chelsea", size: Size(width: 384, height: 256))
    let style = embeddedImage("starry-night", size: Size(width: 256, height: 256))
    try content.write(to: folder + "/content.png")
    try style.write(to: folder + "/style.png")
    let schedule = TrainingSchedule(steps: 4, batch: 4, learningRate: 1e-3)

    let fast = try trainStyleTransformer(FastStyleSettings(styles: [folder + "/style.png"]),
                                         images: [folder + "/content.png"], weights: weights, schedule: schedule,
                                         output: folder + "/fast.safetensors", command: "bench")
    harness.record("feed-forward", "fast-style training, 128² crops, batch 4, half width", fast.gigaflopsPerSecond,
                   "GFLOP/s", note: String(format: "%.2f× the sgemm peak; %.2f s/step", fast.gigaflopsPerSecond / peak,
                                           fast.seconds / Double(fast.steps)))
    let decoder = try trainFeatureDecoder(DecoderTrainingSettings(layer: "relu3_1"), images: [folder + "/content.png"],
                                          weights: weights, schedule: schedule,
                                          output: folder + "/decoder.safetensors", command: "bench")
    harness.record("feed-forward", "WCT relu3_1 decoder training, 128² crops, batch 4", decoder.gigaflopsPerSecond,
                   "GFLOP/s", note: String(format: "%.2f× the sgemm peak; %.2f s/step",
                                           decoder.gigaflopsPerSecond / peak, decoder.seconds / Double(decoder.steps)))

    let network = try StyleTransformer(contentsOf: folder + "/fast.safetensors")
    let large = content.resized(to: Size(width: 512, height: 512))
    let stylise = harness.time(repetitions: 3) { _ = try? network.stylise(large) }
    harness.record("feed-forward", "fast-style inference 512², half width", stylise, "s")

    let levels = FeatureDecoder.layers
    if let decoders = try? FeatureDecoder.load(folder: "models", layers: levels) {
        let styleLarge = style.resized(to: Size(width: 512, height: 512))
        // As `stylelab wct` does: glibc keeps freed blocks for reuse instead of returning them and faulting them in
        // again (later suites time both sides of their ratios under the same setting).
        keepFreedMemoryForReuse()
        var five = WCTParameters()
        five.levels = levels.reversed()  // the paper's cascade, relu5_1 first (the default leaves it out)
        let seconds = harness.time(repetitions: 2) {
            _ = try? universalStyleTransfer(content: large, styles: [styleLarge], weights: weights,
                                            decoders: decoders, five)
        }
        harness.record("feed-forward", "WCT 512², style 512², five levels (library call, decoders loaded)",
                       seconds, "s")
        // The same as a ratio that the machine's speed cancels from: one VGG-19 pass to relu5_1 at 512², timed in
        // this process. The cascade makes five such encodings (four of them shallower), and as many decodings.
        let encoder = VGG19(weights.reaching(["relu5_1"]))
        let input = Tensor(networkInput: large, normalisation: encoder.normalisation)
        if let relu51 = VGG19.index(of: "relu5_1") {
            let pass = harness.time(repetitions: 3) { _ = encoder.features(input, at: [relu51]) }
            harness.record("feed-forward", "WCT five levels in VGG-19 passes to relu5_1 (both 512²)", seconds / pass,
                           "×", note: String(format: "one pass %.2f s", pass))
        }
    }
}
