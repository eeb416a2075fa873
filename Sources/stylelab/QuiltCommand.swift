import ArgumentParser
import Foundation
import Imaging
import Quilting

struct QuiltCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quilt",
        abstract: "Image Quilting (Efros & Freeman 2001): texture synthesis and texture transfer.",
        subcommands: [QuiltSynthesize.self, QuiltTransfer.self])
}

/// Options shared by both quilting commands; defaults come from `QuiltingParameters`.
struct QuiltingOptions: ParsableArguments {
    @Option(name: .customLong("texture"), help: "The exemplar texture.") var texturePath: String
    @Option(name: .shortAndLong, help: "Output image.") var output: String
    @Option(help: "Block size B in pixels (default: 36 for synthesis; fitted to the target for transfer).") var block: Int?
    @Option(help: "Overlap O in pixels (default B/6).") var overlap: Int?
    @Option(help: "Pick among blocks within (1 + t) of the least error.") var tolerance: Float = QuiltingParameters().tolerance
    @Option(help: "Block search: exhaustive, flann (approximate, PCA + kd-trees) or naive (the slow reference).")
    var search: String = "exhaustive"
    @Flag(help: "Let blocks wrap around the texture's edges.") var wrap = false
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Threads (default: all cores); the output does not depend on it.") var threads: Int?
    @Option(help: "Write the colour-coded source map (exemplar x in red, y in green) here.") var sourceMap: String?
    @Option(help: "Write the output with its boundary cuts drawn in red here.") var seams: String?
    @Option(help: "Write a JSON summary (parameters, timings, errors) here.") var summary: String?
    @Flag(help: "Print nothing but errors.") var quiet = false
    @OptionGroup var input: InputOptions

    func validate() throws {
        guard BlockSearch(rawValue: search) != nil else { throw ValidationError("--search must be exhaustive, flann or naive; got \(search)") }
    }

    var parameters: QuiltingParameters {
        QuiltingParameters(blockSize: block ?? QuiltingParameters().blockSize, overlap: overlap, tolerance: tolerance,
                           search: BlockSearch(rawValue: search) ?? .exhaustive, wrap: wrap, seed: seed, threads: threads)
    }

    func readTexture() throws -> Image { try Image(contentsOf: texturePath, limits: input.limits) }

    /// Writes the image and every requested companion file.
    func write(_ result: QuiltingResult, summary summaryValue: QuiltingSummary, estimatedMb: Double,
               inputs: [String]) throws {
        try refuseOverwritingInputs(inputs, with: [output, sourceMap, seams, summary])
        try result.image.write(to: output)
        if let sourceMap { try result.sourceMap.colourCoded().write(to: sourceMap) }
        if let seams { try result.seamOverlay().write(to: seams) }
        if let summary {
            var value = summaryValue
            value.estimatedMemoryMb = estimatedMb
            value.peakRssMb = peakResidentMegabytes()
            try value.summaryJSON().writeAtomically(to: summary)
        }
        if !quiet {
            print(String(format: "wrote %@ (%dx%d, %d blocks, %.2f s)", output, result.image.width, result.image.height,
                         result.blockCount, result.secondsTotal))
        }
    }
}

struct QuiltSynthesize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize", abstract: "Grow a larger texture from an exemplar.")

    @OptionGroup var options: QuiltingOptions
    @Option(help: "Output size WxH.") var size: String

    func validate() throws {
        guard Size(parsing: size) != nil else {
            throw ValidationError("--size takes WxH with sides of 1 to \(Size.maximumSide), got \(size)")
        }
    }

    func run() throws {
        try reportingErrors {
            let texture = try options.readTexture()
            let parameters = options.parameters, output = Size(parsing: size) ?? Size(width: 1, height: 1)
            try parameters.validate(exemplarSize: texture.size)
            let driver = "a \(output) output from a \(texture.size) texture"
            let estimate = try options.input.checkMemory(QuiltingMemory.synthesis(texture: texture.size,
                                                                                  channels: texture.channels,
                                                                                  output: output, parameters),
                                                         task: "quilt synthesize", driver: driver,
                                                         hint: "use a smaller --size or texture")
            let result = try synthesize(texture, size: output, parameters,
                                        progress: ProgressBar(quiet: options.quiet).sink)
            try options.write(result, summary: QuiltingSummary(result, synthesis: parameters), estimatedMb: estimate,
                              inputs: [options.texturePath])
        }
    }
}

struct QuiltTransfer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer", abstract: "Render a target image with blocks of a texture.")

    @OptionGroup var options: QuiltingOptions
    @Option(help: "The image to render.") var target: String
    @Option(help: "Number of passes N.") var passes: Int = TransferParameters().passes
    @Option(help: "Each pass's block as a fraction of the previous one.") var blockShrink: Float = TransferParameters().blockShrink
    @Option(help: "α per pass, comma-separated (default 0.8·(i−1)/(N−1) + 0.1).") var alphaSchedule: String?
    @Option(help: "luminance, blurred, or MAP_TEXTURE,MAP_TARGET (two map images).") var correspondence: String = "blurred"
    @Option(help: "σ in pixels of the blur for --correspondence blurred.") var blurSigma: Float = 2
    @Flag(help: "Do not match the target's luminance mean and σ to the texture's.") var noRemap = false

    func validate() throws {
        if let alphaSchedule, alphaSchedule.split(separator: ",").contains(where: { Float($0) == nil }) {
            throw ValidationError("--alpha-schedule takes comma-separated numbers, got \(alphaSchedule)")
        }
        if !["luminance", "blurred"].contains(correspondence) && correspondence.split(separator: ",").count != 2 {
            throw ValidationError("--correspondence must be luminance, blurred or MAP_TEXTURE,MAP_TARGET; got \(correspondence)")
        }
    }

    func run() throws {
        try reportingErrors {
            let limits = ReadLimits(maxPixels: options.input.maxPixels)
            let texture = try options.readTexture(), targetImage = try Image(contentsOf: target, limits: limits)
            var p = TransferParameters(quilting: options.parameters, passes: passes, blockShrink: blockShrink,
                                       alphaSchedule: alphaSchedule.map { $0.split(separator: ",").compactMap { Float($0) } },
                                       remapLuminance: !noRemap)
            var maps: (Image, Image)? = nil
            var inputs = [options.texturePath, target]
            switch correspondence {
            case "luminance": p.correspondence = .luminance
            case "blurred": p.correspondence = .blurredLuminance(sigma: blurSigma)
            default:
                let paths = correspondence.split(separator: ",").map(String.init)
                p.correspondence = .maps(texture: paths[0], target: paths[1])
                maps = (try Image(contentsOf: paths[0], limits: limits), try Image(contentsOf: paths[1], limits: limits))
                inputs += paths
            }
            var blockChoice: String? = nil
            if options.block == nil {
                p.quilting.blockSize = TransferParameters.blockSize(forTarget: targetImage.size)
                blockChoice = "block \(p.quilting.blockSize) for the \(targetImage.size) target: a sixteenth of its shorter "
                    + "side, within 8–36 (--block sets it)"
            }
            try p.validate(textureSize: texture.size)
            let driver = "a \(targetImage.size) target, a \(texture.size) texture"
            let estimate = try options.input.checkMemory(QuiltingMemory.transfer(texture: texture.size,
                                                                                 channels: texture.channels,
                                                                                 target: targetImage.size, p),
                                                         task: "quilt transfer", driver: driver,
                                                         hint: "use a smaller target or texture")
            let result = try transfer(texture, onto: targetImage, p, textureMap: maps?.0, targetMap: maps?.1,
                                      progress: ProgressBar(quiet: options.quiet).sink)
            var summary = QuiltingSummary(result, transfer: p)
            summary.blockChoice = blockChoice
            try options.write(result, summary: summary, estimatedMb: estimate, inputs: inputs)
        }
    }
}
