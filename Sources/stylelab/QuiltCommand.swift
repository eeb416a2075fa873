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

/// Options shared by both quilting commands. The algorithm's parameters are not declared here: they come from
/// the library's defaults, then a --params file, then the parameter flags, all read through its `table`.
struct QuiltingOptions: ParsableArguments {
    @Option(name: .customLong("texture"), help: "The exemplar texture.") var texturePath: String
    @Option(name: .shortAndLong, help: "Output image.") var output: String
    @Option(help: "Write the colour-coded source map (exemplar x in red, y in green) here.") var sourceMap: String?
    @Option(help: "Write the output with its boundary cuts drawn in red here.") var seams: String?
    @Option(help: "Write a JSON summary (parameters, timings, errors) here.") var summary: String?
    @Flag(help: "Print nothing but errors.") var quiet = false
    @OptionGroup var parameterFile: ParameterFileOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var parameterFlags: ParameterFlags

    /// The parameters and the keys the file and the flags set.
    func parameters<P: Codable>(over defaults: P, _ table: ParameterTable<P>) throws -> (value: P, keys: Set<String>) {
        try parameterFile.load(over: defaults, table: table, flags: parameterFlags.arguments)
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
        commandName: "synthesize", abstract: "Grow a larger texture from an exemplar.",
        discussion: parameterHelp("", QuiltingParameters.table, defaults: QuiltingParameters()))

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
            let parameters = try options.parameters(over: QuiltingParameters(), QuiltingParameters.table).value
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
        commandName: "transfer", abstract: "Render a target image with blocks of a texture.",
        discussion: parameterHelp("Without --block, the first block is fitted to the target: a sixteenth of its "
                                  + "shorter side, within 8–36.", TransferParameters.table,
                                  defaults: TransferParameters()))

    @OptionGroup var options: QuiltingOptions
    @Option(help: "The image to render.") var target: String

    func run() throws {
        try reportingErrors {
            let limits = ReadLimits(maxPixels: options.input.maxPixels)
            let texture = try options.readTexture(), targetImage = try Image(contentsOf: target, limits: limits)
            var (p, keys) = try options.parameters(over: TransferParameters(), TransferParameters.table)
            var maps: (Image, Image)? = nil
            var inputs = [options.texturePath, target]
            if case .maps(let texturePath, let targetPath) = p.correspondence {
                maps = (try Image(contentsOf: texturePath, limits: limits), try Image(contentsOf: targetPath, limits: limits))
                inputs += [texturePath, targetPath]
            }
            var blockChoice: String? = nil
            if !keys.contains("quilting.blockSize") {
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
