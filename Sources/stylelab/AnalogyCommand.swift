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
    @Option(help: "Coherence κ (0 = always the approximate match).") var kappa: Float?
    @Option(help: "Pyramid levels (default: automatic, coarsest ≥ 16 px).") var levels: Int?
    @Option(help: "Features: luminance, rgb or steerable.") var features: String?
    @Flag(inversion: .prefixedNo, help: "Remap A and A′ to B's luminance statistics (--no-remap: do not).") var remap: Bool?
    @Option(help: "BestApproximateMatch: flann or exact.") var search: String?
    @Option(help: "PCA dimensions for FLANN (default: 99.9 % of the variance).") var pcaDims: Int?
    @Option(help: "FLANN checks per query.") var checks: Int?
    @Option(help: "Weight of A/B against A′/B′ in the distance (texture transfer's trade-off).") var sourceWeight: Float?
    @Option(help: ArgumentHelp("B′'s chroma with luminance features: from-b, from-a-prime (colourisation) or"
        + " following-luminance (B's, changed as its luminance was: learned filters).")) var chroma: String?
    @Option(help: "Random seed (default 0).") var seed: UInt64?
    @Option(help: "Threads (default: all cores); the output does not depend on it.") var threads: Int?
    @Option(help: "Write the colour-coded source map s here.") var sourceMap: String?
    @Option(help: "Write the coherence map (white = coherent pick) here.") var coherenceMap: String?
    @Option(help: "Write B′ at every pyramid level into this folder.") var levelsOut: String?
    @Option(help: "Write a JSON summary here.") var summary: String?
    @Flag(help: "Print nothing but errors.") var quiet = false
    @OptionGroup var parameterFile: ParameterFileOptions
    @OptionGroup var input: InputOptions

    func validate() throws {
        if let preset, AnalogyPreset(rawValue: preset) == nil {
            let names = AnalogyPreset.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--preset must be one of \(names); got \(preset)")
        }
        if let features, AnalogyFeatures(rawValue: features) == nil {
            throw ValidationError("--features must be luminance, rgb or steerable; got \(features)")
        }
        if let chroma, AnalogyChroma(rawValue: chroma) == nil {
            let names = AnalogyChroma.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--chroma must be one of \(names); got \(chroma)")
        }
        if let search, AnalogySearch(rawValue: search) == nil {
            throw ValidationError("--search must be flann or exact; got \(search)")
        }
    }

    /// The preset's parameters (or the defaults), then the --params file's, with every flag given written over them.
    func parameters() throws -> AnalogyParameters {
        var p = try parameterFile.load(over: preset.flatMap(AnalogyPreset.init(rawValue:))?.parameters
                                       ?? AnalogyParameters()).value
        if let kappa { p.kappa = kappa }
        if let levels { p.levels = levels }
        if let features = features.flatMap(AnalogyFeatures.init(rawValue:)) { p.features = features }
        if let remap { p.remapLuminance = remap }
        if let search = search.flatMap(AnalogySearch.init(rawValue:)) { p.search = search }
        if let pcaDims { p.pcaDimensions = pcaDims }
        if let checks { p.checks = checks }
        if let sourceWeight { p.sourceWeight = sourceWeight }
        if let chroma = chroma.flatMap(AnalogyChroma.init(rawValue:)) { p.chroma = chroma }
        if let seed { p.seed = seed }
        if let threads { p.threads = threads }
        return p
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
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Synthesise B′ from A, A′ and B.")
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
    static let configuration = CommandConfiguration(commandName: "texture", abstract: "Synthesise a texture (A and B constant).")
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
