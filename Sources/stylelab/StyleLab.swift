import ArgumentParser
import Foundation
import Imaging
import NearestNeighbors
import StyleLabSupport

/// `stylelab`: the command-line face of the toolkit. It parses arguments and shows progress; every algorithm
/// lives in the library, so anything this program does is one function call away for a library user.
@main
struct StyleLab: ParsableCommand {
    /// Parses and runs; any user error (a bad option as much as a bad file) ends as one line on stderr and exit
    /// status 1. Help and version requests print as usual.
    static func main() {
        // Only commands that spend their time in OpenBLAS restart themselves to tune it: the restart costs a whole
        // process start-up, more than a quilting run or a conversion takes.
        let arguments = CommandLine.arguments.dropFirst()
        let blasHeavy = ["neural", "analogy", "metrics", "compare", "cell", "video", "train", "wct", "fast-style"]
        if blasHeavy.contains(arguments.first ?? "") || arguments.contains("flann") {
            BLASLibrary.relaunchWithDetectedKernelsIfNeeded()
        }
        // The trained networks run pass after pass over large tensors: freed memory is better kept for reuse.
        if ["wct", "fast-style", "train"].contains(arguments.first ?? "") { keepFreedMemoryForReuse() }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)  // already reported by `reportingErrors`
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            let line = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("stylelab: \(line)\n".utf8))
            Foundation.exit(1)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "stylelab",
        abstract: "Example-based image stylisation: Image Analogies, Image Quilting and Gatys neural style.",
        discussion: "Run `make demo` (a comparison on the embedded set) for a first look, `stylelab info` to see the linked libraries.",
        version: StyleLabVersion.string,
        subcommands: [Info.self, Convert.self, PyramidCommand.self, QuiltCommand.self, AnalogyCommand.self, NeuralCommand.self, WeightsCommand.self,
                      CompareCommand.self, MetricsCommand.self, DatasetsCommand.self, CellCommand.self,
                      NotebooksCommand.self, ExerciseCommand.self, FlowCommand.self, VideoCommand.self,
                      TrainCommand.self, WCTCommand.self, FastStyleCommand.self])
}

enum StyleLabVersion {
    static let string = "0.1.0"
}

/// Options every command that reads images shares: limits on what a file or a run may cost.
struct InputOptions: ParsableArguments {
    @Option(help: "Refuse images with more pixels than this (checked from the header, before decoding).")
    var maxPixels: Int = 64_000_000
    @Option(help: ArgumentHelp("Refuse a run whose memory estimate exceeds this, e.g. 8G or 512M "
                               + "(default: 80 % of physical memory)."))
    var maxMemory: String?

    func validate() throws {
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be positive, got \(maxPixels)") }
        if let maxMemory, MemoryBudget(parsing: maxMemory) == nil {
            throw ValidationError("--max-memory takes a size such as 8G, 512M or 1.5G, got \(maxMemory)")
        }
    }

    var limits: ReadLimits { ReadLimits(maxPixels: maxPixels) }

    /// Refuses a run whose estimated memory exceeds --max-memory, before anything large is allocated; returns the
    /// estimate in MB for the run's summary.
    @discardableResult
    func checkMemory(_ estimate: Int, task: String, driver: String, hint: String) throws -> Double {
        let budget = maxMemory.flatMap(MemoryBudget.init(parsing:)) ?? .systemDefault
        try budget.check(estimate, task: task, driver: driver, reduce: hint)
        return Double(estimate) / 1_048_576
    }
}

/// Runs a command body; a user error becomes one line on stderr and exit status 1 (no stack trace, no crash).
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        FileHandle.standardError.write(Data("stylelab: \(error)\n".utf8))
        throw ExitCode(1)
    }
}
