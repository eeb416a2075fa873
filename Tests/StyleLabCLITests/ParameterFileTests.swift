import Foundation
import Testing
import Imaging

/// `--params`, `--dump-params` and `--dry-run`: every parameter flag of every algorithm command changes the
/// effective parameters, and what `--dump-params` prints, given back as `--params`, gives the same parameters.
/// Every flag a command's help lists is either such a parameter or named here as something else (an input, an
/// output, a run option), so a new flag cannot be added without deciding which it is.
@Suite struct ParameterFileTests {
    struct Command {
        let name: [String]
        /// Inputs and output: everything the command needs to get as far as --dry-run.
        let required: [String]
        /// Each parameter flag with a value other than its default (an empty value list for a Bool flag).
        let parameters: [(String, [String])]
        /// Flags that are not parameters: inputs, outputs, reports, limits and engine choices.
        let others: Set<String>
    }

    static let common: Set<String> = ["--output", "--summary", "--quiet", "--params", "--dump-params", "--dry-run",
                                      "--max-pixels", "--max-memory", "--version", "--help"]

    static func commands(_ folder: String) throws -> [Command] {
        let texture = folder + "/texture.png", photo = folder + "/photo.png"
        try SyntheticImage.naturalLooking(Size(width: 48, height: 48), seed: 1).write(to: texture)
        try SyntheticImage.naturalLooking(Size(width: 64, height: 48), seed: 2).write(to: photo)
        let output = ["-o", folder + "/out.png"]
        let quilting: [(String, [String])] = [("--block", ["20"]), ("--overlap", ["5"]), ("--tolerance", ["0.3"]),
                                              ("--search", ["flann"]), ("--wrap", []), ("--seed", ["7"]),
                                              ("--threads", ["1"])]
        let analogy: [(String, [String])] = [
            ("--preset", ["learned-filter"]), ("--kappa", ["2"]), ("--levels", ["2"]), ("--features", ["rgb"]),
            ("--no-remap", []), ("--search", ["exact"]), ("--pca-dims", ["4"]), ("--checks", ["8"]),
            ("--source-weight", ["2"]), ("--chroma", ["following-luminance"]), ("--seed", ["3"]), ("--threads", ["1"])]
        let analogyOthers: Set<String> = ["--source-map", "--coherence-map", "--levels-out"]
        return [
            Command(name: ["quilt", "synthesize"], required: ["--texture", texture, "--size", "64x64"] + output,
                    parameters: quilting, others: ["--texture", "--size", "--source-map", "--seams"]),
            Command(name: ["quilt", "transfer"], required: ["--texture", texture, "--target", photo] + output,
                    parameters: quilting.map { $0.0 == "--block" ? ("--block", ["12"]) : $0 } + [
                        ("--passes", ["2"]), ("--block-shrink", ["0.5"]), ("--alpha-schedule", ["0.2,0.5,0.7"]),
                        ("--correspondence", ["luminance"]), ("--blur-sigma", ["3"]), ("--no-remap", [])],
                    others: ["--texture", "--target", "--source-map", "--seams"]),
            Command(name: ["analogy", "run"], required: ["--a", photo, "--a-prime", photo, "--b", photo] + output,
                    parameters: analogy, others: analogyOthers.union(["--a", "--a-prime", "--b"])),
            Command(name: ["analogy", "texture"], required: ["--texture", texture, "--size", "40x40"] + output,
                    parameters: analogy, others: analogyOthers.union(["--texture", "--size"])),
            Command(name: ["neural", "transfer"],
                    required: ["--content", photo, "--style", texture + "," + texture, "--network", "random"] + output,
                    parameters: [
                        ("--style-blend", ["1,2"]), ("--size", ["64"]), ("--sizes", ["32,64"]), ("--iterations", ["3"]),
                        ("--optimizer", ["adam"]), ("--init", ["noise"]), ("--content-weight", ["2"]),
                        ("--style-weight", ["3"]), ("--tv-weight", ["0.5"]), ("--style-scale", ["0.5"]),
                        ("--preserve-colors", ["luminance"]), ("--pooling", ["average"]), ("--learning-rate", ["2"]),
                        ("--preset", ["neural-style"]), ("--content-layers", ["relu3_1"]),
                        ("--style-layers", ["relu1_1,relu2_1"]), ("--seed", ["4"]), ("--no-coarse-to-fine", []),
                        ("--style-layer-weights", ["1,2,3,4,5"])],
                    others: ["--content", "--style", "--network", "--weights", "--convolution", "--save-every",
                             "--loss-log"]),
        ]
    }

    /// The long flags a command's help lists, one per option line (both halves of `--wrap/--no-wrap`).
    func helpFlags(_ name: [String]) throws -> Set<String> {
        let help = try CLIRun(name + ["--help"]).standardOutput
        var flags = Set<String>()
        for line in help.split(separator: "\n") where line.hasPrefix("  -") {
            let names = line.split(separator: " ").first { $0.contains("--") } ?? ""
            for flag in names.split(separator: "/") {
                flags.insert(String(flag.drop { $0 != "-" }.split(separator: ",").last ?? flag))
            }
        }
        return flags
    }

    func dump(_ command: Command, _ extra: [String]) throws -> String {
        let run = try CLIRun(command.name + command.required + extra + ["--dry-run"])
        #expect(run.status == 0, "\(command.name) \(extra): \(run.standardError)")
        return run.standardOutput
    }

    @Test func everyFlagRoundTripsThroughDumpAndParams() throws {
        let folder = scratchFolder()
        for command in try Self.commands(folder) {
            let listed = try helpFlags(command.name)
            let classified = Set(command.parameters.map(\.0)).union(command.others).union(Self.common)
            let unclassified = listed.filter { flag in
                !classified.contains(flag) && !classified.contains(flag.replacingOccurrences(of: "--no-", with: "--"))
                    && !classified.contains("--no-" + flag.dropFirst(2))
            }
            #expect(unclassified.isEmpty, "\(command.name): flags neither parameters nor listed as others: \(unclassified)")
            let defaults = try dump(command, [])
            for (flag, value) in command.parameters {
                let given = try dump(command, [flag] + value)
                #expect(given != defaults, "\(command.name) \(flag) changed no parameter")
                let file = folder + "/params.json"
                try Data(given.utf8).write(to: URL(fileURLWithPath: file))
                #expect(try dump(command, ["--params", file]) == given, "\(command.name) \(flag) did not round-trip")
            }
        }
    }

    @Test func aPartialFileSetsOnlyItsKeysAndAMisspeltKeyIsNamed() throws {
        let folder = scratchFolder()
        let texture = folder + "/texture.png", file = folder + "/p.json"
        try SyntheticImage.naturalLooking(Size(width: 48, height: 48), seed: 1).write(to: texture)
        let base = ["quilt", "synthesize", "--texture", texture, "--size", "64x64", "-o", folder + "/out.png", "--quiet"]
        try Data(#"{"blockSize": 24}"#.utf8).write(to: URL(fileURLWithPath: file))
        let run = try CLIRun(base + ["--params", file, "--dump-params"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains(#""blockSize" : 24"#))
        #expect(run.standardOutput.contains(#""tolerance" : 0.1"#))
        #expect((try? Image(contentsOf: folder + "/out.png")) != nil, "--dump-params without --dry-run still runs")
        // A flag given beats the file.
        #expect(try CLIRun(base + ["--params", file, "--block", "16", "--dry-run"]).standardOutput
            .contains(#""blockSize" : 16"#))

        try Data(#"{"blokSize": 24}"#.utf8).write(to: URL(fileURLWithPath: file))
        let misspelt = try CLIRun(base + ["--params", file])
        #expect(misspelt.status == 1)
        #expect(misspelt.standardError.contains(#"no parameter "blokSize""#))
        #expect(misspelt.standardError.contains("blockSize, overlap"))
        try Data(#"{"quilting": {"tolerance": "high"}}"#.utf8).write(to: URL(fileURLWithPath: file))
        let transfer = try CLIRun(["quilt", "transfer", "--texture", texture, "--target", texture, "-o",
                                   folder + "/t.png", "--params", file])
        #expect(transfer.status == 1)
        #expect(transfer.standardError.contains(#""quilting.tolerance" must be a number"#))

        // Hostile values are refused in one line naming the key: negative, too large, deeply nested, not JSON.
        let hostile: [(String, String)] = [
            (#"{"seed": -1}"#, #""seed" is out of range"#),
            (#"{"quilting": {"seed": -3}, "passes": 2}"#, #""quilting.seed" is out of range"#),
            (#"{"blockSize": 100000000000000000000}"#, #""blockSize" is out of range"#),
            (#"{"blockSize": -5}"#, "--block -5 is invalid"),
            ("{\"blockSize\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}",
             "not JSON"),
            ("[1, 2]", "must be a JSON object"),
        ]
        for (text, message) in hostile {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            let command = text.contains("quilting") ? ["quilt", "transfer", "--texture", texture, "--target", texture,
                                                       "-o", folder + "/t.png"] : base
            let refused = try CLIRun(command + ["--params", file])
            #expect(refused.status == 1 && refused.standardError.contains(message),
                    "\(text.prefix(60)): \(refused.standardError)")
            #expect(refused.standardError.split(separator: "\n").count == 1)
        }
    }
}
