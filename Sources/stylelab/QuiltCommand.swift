import ArgumentParser
import Foundation
import Imaging
import Quilting
import StyleLabSupport

struct QuiltCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quilt",
        abstract: "Image Quilting (Efros & Freeman 2001): texture synthesis and texture transfer.",
        subcommands: [QuiltSynthesize.self, QuiltTransfer.self])
}

/// Options shared by both quilting commands; defaults come from `QuiltingParameters` (or a --params file), and
/// every flag given overrides them.
struct QuiltingOptions: ParsableArguments {
    @Option(name: .customLong("texture"), help: "The exemplar texture.") var texturePath: String
    @Option(name: .shortAndLong, help: "Output image.") var output: String
    @Option(help: "Block size B in pixels (default: 36 for synthesis; fitted to the target for transfer).") var block: Int?
    @Option(help: "Overlap O in pixels (default B/6).") var overlap: Int?
    @Option(help: "Pick among blocks within (1 + t) of the least error (default 0.1).") var tolerance: Float?
    @Option(help: ArgumentHelp("Block search: exhaustive (the default), flann (approximate, PCA + kd-trees) or naive "
                               + "(the slow reference)."))
    var search: String?
    @Flag(inversion: .prefixedNo, help: "Let blocks wrap around the texture's edges (default: no).") var wrap: Bool?
    @Option(help: "Random seed (default 0).") var seed: UInt64?
    @Option(help: "Threads (default: all cores); the output does not depend on it.") var threads: Int?
    @Option(help: "Write the colour-coded source map (exemplar x in red, y in green) here.") var sourceMap: String?
    @Option(help: "Write the output with its boundary cuts drawn in red here.") var seams: String?
    @Option(help: "Write a JSON summary (parameters, timings, errors) here.") var summary: String?
    @Flag(help: "Print nothing but errors.") var quiet = false
    @OptionGroup var parameterFile: ParameterFileOptions
    @OptionGroup var input: InputOptions

    func validate() throws {
        if let search, BlockSearch(rawValue: search) == nil {
            throw ValidationError("--search must be exhaustive, flann or naive; got \(search)")
        }
    }

    /// `p` with every flag given written over it.
    func overriding(_ p: QuiltingParameters) -> QuiltingParameters {
        var p = p
        if let block { p.blockSize = block }
        if let overlap { p.overlap = overlap }
        if let tolerance { p.tolerance = tolerance }
        if let search = search.flatMap(BlockSearch.init(rawValue:)) { p.search = search }
        if let wrap { p.wrap = wrap }
        if let seed { p.seed = seed }
        if let threads { p.threads = threads }
        return p
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
            let parameters = options.overriding(try options.parameterFile.load(over: QuiltingParameters()).value)
            let output = Size(parsing: size) ?? Size(width: 1, height: 1)
            try parameters.validate(exemplarSize: texture.size)
            let driver = "a \(output) output from a \(texture.size) texture"
            let estimate = try options.input.checkMemory(QuiltingMemory.synthesis(texture: texture.size,
                                                                                  channels: texture.channels,
                                                                                  output: output, parameters),
                                                         task: "quilt synthesize", driver: driver,
                                                         hint: "use a smaller --size or texture")
            if try options.parameterFile.announce(parameters) { return }
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
    @Option(help: "Number of passes N (default 3).") var passes: Int?
    @Option(help: "Each pass's block as a fraction of the previous one (default 2/3).") var blockShrink: Float?
    @Option(help: "α per pass, comma-separated (default 0.8·(i−1)/(N−1) + 0.1).") var alphaSchedule: String?
    @Option(help: "luminance, blurred (the default), or MAP_TEXTURE,MAP_TARGET (two map images).")
    var correspondence: String?
    @Option(help: "σ in pixels of the blur for --correspondence blurred (default 2).") var blurSigma: Float?
    @Flag(inversion: .prefixedNo, help: ArgumentHelp("Match the target's luminance mean and σ to the texture's "
                                                     + "(the default; --no-remap: do not).")) var remap: Bool?

    func validate() throws {
        if let alphaSchedule, alphaSchedule.split(separator: ",").contains(where: { Float($0) == nil }) {
            throw ValidationError("--alpha-schedule takes comma-separated numbers, got \(alphaSchedule)")
        }
        if let correspondence, !["luminance", "blurred"].contains(correspondence)
            && correspondence.split(separator: ",").count != 2 {
            throw ValidationError("--correspondence must be luminance, blurred or MAP_TEXTURE,MAP_TARGET; got "
                                  + correspondence)
        }
    }

    /// `p` (from the defaults or --params) with every flag given written over it.
    func overriding(_ p: TransferParameters) -> TransferParameters {
        var p = p
        p.quilting = options.overriding(p.quilting)
        if let passes { p.passes = passes }
        if let blockShrink { p.blockShrink = blockShrink }
        if let alphaSchedule { p.alphaSchedule = alphaSchedule.split(separator: ",").compactMap { Float($0) } }
        if let remap { p.remapLuminance = remap }
        switch correspondence {
        case "luminance": p.correspondence = .luminance
        case "blurred", nil:
            if correspondence != nil || blurSigma != nil {
                var sigma = TransferParameters.defaultBlurSigma
                if case .blurredLuminance(let current) = p.correspondence { sigma = current }
                p.correspondence = .blurredLuminance(sigma: blurSigma ?? sigma)
            }
        case let maps?:
            let paths = maps.split(separator: ",").map(String.init)
            p.correspondence = .maps(texture: paths[0], target: paths[1])
        }
        return p
    }

    func run() throws {
        try reportingErrors {
            let limits = ReadLimits(maxPixels: options.input.maxPixels)
            let texture = try options.readTexture(), targetImage = try Image(contentsOf: target, limits: limits)
            let (fromFile, keys) = try options.parameterFile.load(over: TransferParameters())
            var p = overriding(fromFile)
            var maps: (Image, Image)? = nil
            var inputs = [options.texturePath, target]
            if case .maps(let texturePath, let targetPath) = p.correspondence {
                maps = (try Image(contentsOf: texturePath, limits: limits), try Image(contentsOf: targetPath, limits: limits))
                inputs += [texturePath, targetPath]
            }
            var blockChoice: String? = nil
            if options.block == nil && !keys.contains("quilting.blockSize") {
                blockChoice = p.fitBlock(toTarget: targetImage.size) + " (--block sets it)"
            }
            try p.validate(textureSize: texture.size)
            let driver = "a \(targetImage.size) target, a \(texture.size) texture"
            let estimate = try options.input.checkMemory(QuiltingMemory.transfer(texture: texture.size,
                                                                                 channels: texture.channels,
                                                                                 target: targetImage.size, p),
                                                         task: "quilt transfer", driver: driver,
                                                         hint: "use a smaller target or texture")
            if try options.parameterFile.announce(p) { return }
            let result = try transfer(texture, onto: targetImage, p, textureMap: maps?.0, targetMap: maps?.1,
                                      progress: ProgressBar(quiet: options.quiet).sink)
            var summary = QuiltingSummary(result, transfer: p)
            summary.blockChoice = blockChoice
            try options.write(result, summary: summary, estimatedMb: estimate, inputs: inputs)
        }
    }
}
