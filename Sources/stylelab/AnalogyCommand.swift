import ArgumentParser
import Foundation
import Analogies
import Imaging
import StyleLabSupport

struct AnalogyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analogy",
        abstract: "Image Analogies (Hertzmann et al. 2001): A : A′ :: B : B′.",
        discussion: """
        Filters, artistic filters, super-resolution, texture-by-numbers (label maps as A and B), colourisation \
        (--chroma from-a-prime) and texture transfer (--source-weight) are all analogies of this one command; \
        `stylelab analogy texture` synthesises a texture with A and B constant.
        """,
        subcommands: [AnalogyRun.self, AnalogyTexture.self], defaultSubcommand: AnalogyRun.self)
}

/// Options shared by the analogy commands; defaults come from `AnalogyParameters`, or from `--preset`, then from
/// a --params file, and every flag given overrides them.
struct AnalogyOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output B′.") var output: String
    @Option(help: ArgumentHelp("The paper's application: "
        + AnalogyPreset.allCases.map(\.rawValue).joined(separator: ", ") + " (sets κ, remapping, features, colour)."))
    var preset: String?
    @Option(help: "Write the colour-coded source map s here.") var sourceMap: String?
    @Option(help: "Write the coherence map (white = coherent pick) here.") var coherenceMap: String?
    @Option(help: "Write B′ at every pyramid level into this folder.") var levelsOut: String?
    @Option(help: "Write a JSON summary here.") var summary: String?
    @Flag(help: "Print nothing but errors.") var quiet = false
    @OptionGroup var parameterFile: ParameterFileOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var parameterFlags: ParameterFlags

    func validate() throws {
        if let preset, AnalogyPreset(rawValue: preset) == nil {
            let names = AnalogyPreset.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--preset must be one of \(names); got \(preset)")
        }
    }

    /// The preset's parameters (or the defaults), then the --params file's, with every flag given written over them.
    func parameters() throws -> AnalogyParameters {
        let defaults = preset.flatMap(AnalogyPreset.init(rawValue:))?.parameters ?? AnalogyParameters()
        return try parameterFile.load(over: defaults, table: AnalogyParameters.table, flags: parameterFlags.arguments)
            .value
    }

    func read(_ path: String) throws -> Image { try Image(contentsOf: path, limits: input.limits) }

    /// Validates the parameters and refuses a run that would need more than --max-memory; nil for --dry-run.
    func prepare(a: Size, b: Size) throws -> (parameters: AnalogyParameters, estimatedMb: Double)? {
        let parameters = try parameters()
        try parameters.validate()
        let estimate = try input.checkMemory(AnalogyMemory.analogy(a: a, b: b, parameters), task: "analogy",
                                             driver: "A of \(a), B of \(b), \(parameters.features.rawValue) features",
                                             hint: "use smaller images or --features luminance")
        return try parameterFile.announce(parameters) ? nil : (parameters, estimate)
    }

    func write(_ result: AnalogyResult, parameters: AnalogyParameters, estimatedMb: Double, inputs: [String]) throws {
        try refuseOverwritingInputs(inputs, with: [output, sourceMap, coherenceMap, summary])
        try result.image.write(to: output)
        if let sourceMap { try result.sourceMap.colourCoded().write(to: sourceMap) }
        if let coherenceMap { try result.coherenceMap().write(to: coherenceMap) }
        if let levelsOut {
            try FileManager.default.createDirectory(atPath: levelsOut, withIntermediateDirectories: true)
            for (level, image) in result.levels.enumerated() { try image.write(to: "\(levelsOut)/level-\(level).png") }
        }
        if let summary {
            var value = AnalogySummary(result, parameters: parameters)
            value.preset = preset
            value.estimatedMemoryMb = estimatedMb
            value.peakRssMb = peakResidentMegabytes()
            try value.summaryJSON().writeAtomically(to: summary)
        }
        if !quiet {
            print(String(format: "wrote %@ (%dx%d, %.0f%% coherent picks, %.2f s)", output, result.image.width, result.image.height,
                         result.coherentFraction * 100, result.secondsTotal))
        }
    }
}

struct AnalogyRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Synthesise B′ from A, A′ and B.",
        discussion: parameterHelp("--preset sets several at once; a --params file and flags override it.",
                                  AnalogyParameters.table, defaults: AnalogyParameters()))
    @Option(name: .customLong("a"), help: "A, the unfiltered example.") var a: String
    @Option(name: .customLong("a-prime"), help: "A′, the filtered example (registered with A).") var aPrime: String
    @Option(name: .customLong("b"), help: "B, the image to filter.") var b: String
    @OptionGroup var options: AnalogyOptions

    func run() throws {
        try reportingErrors {
            let imageA = try options.read(a), imageAPrime = try options.read(aPrime), imageB = try options.read(b)
            guard let (parameters, estimate) = try options.prepare(a: imageA.size, b: imageB.size) else { return }
            let result = try analogy(a: imageA, aPrime: imageAPrime, b: imageB, parameters,
                                     progress: ProgressBar(quiet: options.quiet).sink)
            try options.write(result, parameters: parameters, estimatedMb: estimate, inputs: [a, aPrime, b])
        }
    }
}

struct AnalogyTexture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "texture", abstract: "Synthesise a texture (A and B constant).",
        discussion: parameterHelp("", AnalogyParameters.table, defaults: AnalogyParameters()))
    @Option(help: "The exemplar texture (becomes A′).") var texture: String
    @Option(help: "Output size WxH.") var size: String
    @OptionGroup var options: AnalogyOptions

    func validate() throws {
        guard Size(parsing: size) != nil else {
            throw ValidationError("--size takes WxH with sides of 1 to \(Size.maximumSide), got \(size)")
        }
    }

    func run() throws {
        try reportingErrors {
            let exemplar = try options.read(texture), output = Size(parsing: size) ?? Size(width: 1, height: 1)
            guard let (parameters, estimate) = try options.prepare(a: exemplar.size, b: output) else { return }
            let result = try textureAnalogy(exemplar, size: output, parameters,
                                            progress: ProgressBar(quiet: options.quiet).sink)
            try options.write(result, parameters: parameters, estimatedMb: estimate, inputs: [texture])
        }
    }
}
