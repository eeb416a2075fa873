import Foundation
import Testing
import Imaging
@testable import Neural

/// Training end to end on images the tests draw themselves, against VGG-19 weights made from a seed: a tiny set is
/// overfitted, a resumed run matches an uninterrupted one, and model files round-trip and refuse hostile content.
@Suite struct TrainingRunTests {
    /// A folder with one 40 × 40 picture of stripes and a disc (enough structure for a decoder to learn).
    func tinyImageFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("training-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var image = Image(width: 40, height: 40, channels: 3)
        for y in 0 ..< 40 {
            for x in 0 ..< 40 {
                let disc: Float = (x - 20) * (x - 20) + (y - 18) * (y - 18) < 120 ? 1 : 0
                image.samples[y * 40 + x] = x % 8 < 4 ? 0.9 : 0.2
                image.samples[1600 + y * 40 + x] = disc * 0.8 + 0.1
                image.samples[3200 + y * 40 + x] = Float(y) / 40
            }
        }
        try image.write(to: folder + "/stripes.png")
        return folder
    }

    func decoderSettings() -> DecoderTrainingSettings {
        var settings = DecoderTrainingSettings(layer: "relu1_1")
        (settings.crop, settings.shorterSide) = (32, 32)
        return settings
    }

    @Test func decoderOverfitsATinySet() throws {
        let folder = try tinyImageFolder()
        let weights = VGG19Weights.random(seed: 3, convolutions: 2)
        let log = folder + "/loss.csv"
        let schedule = TrainingSchedule(steps: 300, batch: 2, learningRate: 3e-3, log: log)
        _ = try trainFeatureDecoder(decoderSettings(), images: [folder], weights: weights, schedule: schedule,
                                    output: folder + "/decoder.safetensors", command: "test")
        let losses = try readLossLog(log).map(\.total)
        #expect(losses.count == 300)
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        #expect(last * 10 <= first, "the loss fell from \(first) to \(last), less than 10×")
        // The file reads back as a decoder of that layer.
        let decoder = try FeatureDecoder(contentsOf: folder + "/decoder.safetensors")
        #expect(decoder.layer == "relu1_1")
    }

    /// A deeper decoder can start from a shallower one, whose layers are its tail; not the other way round.
    @Test func aDeeperDecoderStartsFromAShallowerOne() throws {
        let folder = try tinyImageFolder()
        let weights = VGG19Weights.random(seed: 3, convolutions: 3)
        let shallow = folder + "/relu1_1.safetensors"
        _ = try trainFeatureDecoder(decoderSettings(), images: [folder], weights: weights,
                                    schedule: TrainingSchedule(steps: 2, batch: 1, learningRate: 1e-3),
                                    output: shallow, command: "test")
        let trained = try FeatureDecoder(contentsOf: shallow)
        let deeper = try FeatureDecoder(layer: "relu2_1", encoder: weights.source, seed: 7)
        _ = try deeper.copyLayers(from: shallow)
        let tail = deeper.parameters.filter { $0.name.hasPrefix("deconv1_1") }
        #expect(tail.count == 2 && tail.map(\.values) == trained.parameters.map(\.values))
        // Only the head trains: the tail comes out exactly as it went in.
        var head = decoderSettings()
        (head.layer, head.startFrom, head.headOnly) = ("relu2_1", shallow, true)
        let headPath = folder + "/relu2_1.safetensors"
        let report = try trainFeatureDecoder(head, images: [folder], weights: weights,
                                             schedule: TrainingSchedule(steps: 20, batch: 1, learningRate: 1e-3),
                                             output: headPath, command: "test")
        #expect(report.lastLoss < report.firstLoss)
        let headTrained = try FeatureDecoder(contentsOf: headPath)
        #expect(headTrained.parameters.filter { $0.name.hasPrefix("deconv1_1") }.map(\.values)
                == trained.parameters.map(\.values))
        // A decoder takes over one of its own layer whole, with its input scale; a deeper one is refused.
        let again = try FeatureDecoder(layer: "relu1_1", encoder: weights.source, seed: 7)
        _ = try again.copyLayers(from: shallow)
        #expect(again.inputScale == trained.inputScale)
        #expect(again.parameters.map(\.values) == trained.parameters.map(\.values))
        #expect(throws: ParameterError.self) { _ = try again.copyLayers(from: headPath) }
        head.startFrom = nil
        #expect(throws: ParameterError.self) {
            _ = try trainFeatureDecoder(head, images: [folder], weights: weights,
                                        schedule: TrainingSchedule(steps: 1, batch: 1, learningRate: 1e-3),
                                        output: headPath, command: "test")
        }
    }

    /// A sliver of an image would be scaled to gigapixels: refused, naming the file.
    @Test func aLongThinTrainingImageIsRefused() throws {
        let folder = try tinyImageFolder()
        try Image(width: 400, height: 2, channels: 3).write(to: folder + "/sliver.png")
        #expect {
            _ = try TrainingImages(paths: [folder], crop: 32, shorterSide: 64, seed: 1)
        } throws: { "\($0)".contains("sliver.png") && "\($0)".contains("16 times") }
    }

    @Test func resumingGivesTheWeightsOfAnUninterruptedRun() throws {
        let folder = try tinyImageFolder()
        let weights = VGG19Weights.random(seed: 3, convolutions: 2)
        let log = folder + "/loss.csv"
        func train(steps: Int, checkpoint: String? = nil, resume: String? = nil, output: String) throws {
            let logged = checkpoint != nil || resume != nil
            var schedule = TrainingSchedule(steps: steps, batch: 2, learningRate: 1e-3, seed: 5,
                                            checkpoint: checkpoint, resume: resume, log: logged ? log : nil)
            schedule.warmupSteps = 6  // the warm-up spans the resume: the resumed steps must take its rates
            _ = try trainFeatureDecoder(decoderSettings(), images: [folder], weights: weights, schedule: schedule,
                                        output: output, command: "test")
        }
        try train(steps: 8, output: folder + "/whole.safetensors")
        try train(steps: 4, checkpoint: folder + "/half.ckpt", output: folder + "/half.safetensors")
        // A run killed after its checkpoint logged a step it will take again: the resumed log keeps one row a step.
        FileHandle(forWritingAtPath: log).map { $0.seekToEndOfFile(); $0.write(Data("5,9,9,9\n".utf8)) }
        try train(steps: 8, resume: folder + "/half.ckpt", output: folder + "/resumed.safetensors")
        #expect(try readLossLog(log).map(\.step) == Array(1 ... 8))
        let whole = try WeightFile.read(folder + "/whole.safetensors")
        let resumed = try WeightFile.read(folder + "/resumed.safetensors")
        let halfway = try WeightFile.read(folder + "/half.safetensors")
        #expect(!whole.tensors.isEmpty)
        for (name, tensor) in whole.tensors {
            #expect(resumed.tensors[name]?.values == tensor.values, "\(name) differs after resuming")
        }
        #expect(whole.tensors.contains { halfway.tensors[$0.key]?.values != $0.value.values },
                "four more steps should have changed the weights")
        // A resume with another learning rate is refused, naming the setting.
        #expect {
            var schedule = TrainingSchedule(steps: 8, batch: 2, learningRate: 2e-3, seed: 5,
                                            resume: folder + "/half.ckpt")
            schedule.warmupSteps = 6  // only the rate differs, so the rate is what must be named
            _ = try trainFeatureDecoder(decoderSettings(), images: [folder], weights: weights, schedule: schedule,
                                        output: folder + "/other.safetensors", command: "test")
        } throws: { "\($0)".contains("learning_rate") }
        // So is one without the warm-up it was trained with.
        #expect {
            let schedule = TrainingSchedule(steps: 8, batch: 2, learningRate: 1e-3, seed: 5,
                                            resume: folder + "/half.ckpt")
            _ = try trainFeatureDecoder(decoderSettings(), images: [folder], weights: weights, schedule: schedule,
                                        output: folder + "/other.safetensors", command: "test")
        } throws: { "\($0)".contains("warmup_steps") }
    }

    /// The warm-up rises linearly to the full rate and stays there.
    @Test func warmupRampsTheLearningRate() {
        var schedule = TrainingSchedule(steps: 10, batch: 1, learningRate: 1e-3)
        schedule.warmupSteps = 4
        let rates = (0 ..< 6).map { schedule.learningRate(at: $0) }
        #expect(rates == [2.5e-4, 5e-4, 7.5e-4, 1e-3, 1e-3, 1e-3])
        schedule.warmupSteps = 0
        #expect(schedule.learningRate(at: 0) == 1e-3)
    }

    @Test(arguments: [SafetensorsWriter.Precision.float32, .float16])
    func safetensorsRoundTrip(precision: SafetensorsWriter.Precision) throws {
        let values: [Float] = [0, 1, -2.5, 0.333, 1024, -0.0625]
        let data = try SafetensorsWriter.encode([.init(name: "b", shape: [2, 3], values: values),
                                                 .init(name: "a", shape: [1], values: [7])],
                                                precision: precision, metadata: ["kind": "test", "note": "é"])
        let file = try WeightFile.decode([UInt8](data), name: "round-trip")
        #expect(file.metadata == ["kind": "test", "note": "é"])
        #expect(file.tensors["a"]?.values == [7])
        #expect(file.tensors["b"]?.shape == [2, 3])
        let back = file.tensors["b"]?.values ?? []
        let tolerance: Float = precision == .float32 ? 0 : 1e-3
        #expect(back.count == values.count)
        #expect(zip(back, values).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) })
    }

    /// A fast-style model file with one thing wrong is refused with a message naming what.
    @Test func hostileModelFilesAreRefused() throws {
        let folder = try tinyImageFolder()
        let network = try StyleTransformer(width: 4, styles: ["a", "b"], seed: 1)
        let good = ["kind": "fast-style", "width": "4", "styles": "a,b"]
        func refusal(_ metadata: [String: String], change: (inout [Parameter]) -> Void = { _ in }) -> String {
            let path = folder + "/model-\(UUID()).safetensors"
            var parameters = network.parameters.map { Parameter(name: $0.name, shape: $0.shape, values: $0.values) }
            change(&parameters)
            do {
                try ModelFile.write(parameters, metadata: metadata, to: path, precision: .float32)
                _ = try StyleTransformer(contentsOf: path)
                return "accepted"
            } catch { return "\(error)" }
        }
        #expect(refusal(good) == "accepted")
        #expect(refusal(good.merging(["kind": "wct-decoder"]) { $1 }).contains("expected a fast-style model"))
        #expect(refusal(good.merging(["width": "100000000000000000000"]) { $1 }).contains("width"))
        #expect(refusal(good.merging(["width": "8"]) { $1 }).contains("shape"))
        #expect(refusal(good.merging(["styles": ""]) { $1 }).contains("styles"))
        #expect(refusal(good) { $0.removeLast() }.contains("missing"))
        #expect(refusal(good) { $0[0].values[0] = .nan }.contains("not finite"))
        #expect(refusal(good) { $0.append(Parameter(name: "extra", shape: [1], values: [0])) }.contains("extra"))
    }

    @Test func styleMixIsChecked() throws {
        let network = try StyleTransformer(width: 4, styles: ["a", "b"], seed: 1)
        let image = Image(width: 16, height: 12, channels: 3)
        for mix: [Float] in [[1], [0, 0], [-1, 2], [.nan, 1], [1, 1, 1]] {
            #expect(throws: ParameterError.self) { _ = try network.stylise(image, mix: mix) }
        }
        let output = try network.stylise(image, mix: [0.3, 0.7])
        #expect(output.width == 16 && output.height == 12)
    }
}

/// The whitening and colouring transform's defining properties on random correlated features.
@Suite struct WhiteningColouringTests {
    /// C channels over N positions, mixed so that the channels correlate.
    func features(channels c: Int, side: Int, seed: UInt64) -> Tensor {
        var random = RandomSource(seed: seed)
        var raw = Tensor(channels: c, height: side, width: side)
        for i in raw.values.indices { raw.values[i] = random.nextUnitFloat() }
        var mixed = raw
        let n = side * side
        for k in 0 ..< c {
            for p in 0 ..< n {
                mixed.values[k * n + p] = raw.values[k * n + p] + 0.8 * raw.values[((k + 1) % c) * n + p] + Float(k)
            }
        }
        return mixed
    }

    func covariance(_ f: Tensor) -> (mean: [Double], covariance: [Double]) {
        let c = f.channels, n = f.plane
        let mean = (0 ..< c).map { k in (0 ..< n).reduce(0.0) { $0 + Double(f.values[k * n + $1]) } / Double(n) }
        var cov = [Double](repeating: 0, count: c * c)
        for i in 0 ..< c {
            for j in 0 ..< c {
                var sum = 0.0
                for p in 0 ..< n {
                    sum += (Double(f.values[i * n + p]) - mean[i]) * (Double(f.values[j * n + p]) - mean[j])
                }
                cov[i * c + j] = sum / Double(n - 1)
            }
        }
        return (mean, cov)
    }

    @Test func outputTakesTheStylesMeanAndCovariance() throws {
        let content = features(channels: 6, side: 12, seed: 1), style = features(channels: 6, side: 10, seed: 2)
        let out = try whiteningColouring(content, styles: [(try FeatureStatistics(style), 1)])
        let (outMean, outCov) = covariance(out), (styleMean, styleCov) = covariance(style)
        for (a, b) in zip(outMean, styleMean) { #expect(abs(a - b) < 1e-3) }
        for (a, b) in zip(outCov, styleCov) { #expect(abs(a - b) < 2e-3, "covariance \(a) against the style's \(b)") }
    }

    /// Whitening and colouring with the content's own statistics gives the content back.
    @Test func contentsOwnStatisticsAreTheIdentity() throws {
        let content = features(channels: 5, side: 9, seed: 3)
        let out = try whiteningColouring(content, styles: [(try FeatureStatistics(content), 1)])
        for (a, b) in zip(out.values, content.values) { #expect(abs(a - b) < 1e-3) }
    }
}
