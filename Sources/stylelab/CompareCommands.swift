import ArgumentParser
import Compare
import Foundation
import Imaging
import Neural
import StyleLabSupport
import Video

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Run every method of a run on every case of its set; write grid.png, index.html and metrics.",
        subcommands: [CompareRun.self, CompareMerge.self], defaultSubcommand: CompareRun.self)
}

struct CompareRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a comparison (each case × method in its own process; finished cells are kept, so a rerun resumes).",
        discussion: """
        Shards split the cells of one run between machines: run `stylelab compare RUN.json --out DIR-$i --shard $i/N` \
        for i = 1 … N (a Slurm job array: --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT), then \
        `stylelab compare merge DIR-1 … DIR-N --out DIR`.
        """)
    @Argument(help: "The run configuration (e.g. datasets/runs/demo.json).") var runFile: String
    @Option(help: "Output folder.") var out: String
    @Option(help: "Folder holding the set's files (for sets that are not shipped).") var dataDir: String?
    @Option(help: "Run only shard i of N, as i/N.") var shard: String?
    @Option(help: "Cells to run at once.") var jobs: Int = 1
    @Flag(help: "Redo cells that have already finished.") var force = false
    @Option(help: "VGG-19 weights for the Gram and feature metrics (default: the fetched weights, when present).") var weights: String?
    @Flag(help: "Print nothing but errors.") var quiet = false

    func run() throws {
        try reportingErrors {
            var shardValue: (Int, Int)? = nil
            if let shard {
                let parts = shard.split(separator: "/").compactMap { Int($0) }
                guard parts.count == 2 else { throw CompareError.invalid(flag: "--shard", detail: "expected i/N such as 2/4, got \(shard)") }
                shardValue = (parts[0], parts[1])
            }
            let vgg = try weightsForMetrics(weights)
            let options = ComparisonOptions(runPath: runFile, out: out, dataDir: dataDir, shard: shardValue, jobs: jobs, force: force,
                                            executable: currentExecutable(), weights: vgg, weightsPath: weights)
            let quiet = quiet
            let results: [CellResult]
            do {
                results = try runComparison(options) { if !quiet { print($0) } }
            } catch CompareError.interrupted(let signal, let done, let total) {
                // Stopped by the user or the scheduler: say so, and exit as a process killed by that signal would.
                let message = "stylelab: \(CompareError.interrupted(signal: signal, finished: done, of: total))\n"
                FileHandle.standardError.write(Data(message.utf8))
                throw ExitCode(128 + signal)
            }
            if !quiet {
                let failed = results.filter { $0.status != .ok }
                print("\(results.count) cells finished\(failed.isEmpty ? "" : ", \(failed.count) did not succeed (see their pages)")")
                print("grid:   \(out)/grid.png")
                print("report: \(out)/index.html")
            }
        }
    }
}

struct CompareMerge: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Join the folders of a run's shards and write one report.")
    @Argument(help: "Shard folders.") var folders: [String]
    @Option(help: "Output folder (may be one of the shards).") var out: String

    func run() throws {
        try reportingErrors {
            let results = try mergeComparisons(folders, into: out)
            print("\(results.count) cells merged; report: \(out)/index.html")
        }
    }
}

/// The weights the VGG metrics use: the file given, else the fetched default when it is there, else none (those
/// metrics are then left out rather than failing the run).
func weightsForMetrics(_ path: String?) throws -> VGG19Weights? {
    if let path { return try VGG19Weights.load(path) }
    return try? VGG19Weights.load(nil)
}

/// The path of this program, for the runner's child processes.
func currentExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Score an output against its content, style and ground truth.",
        discussion: "With --frames and --input-frames, score a stylised clip's steadiness instead: the warping "
            + "error (Lai et al. 2018) with flow and occlusions from the input clip, its long-term variant, and "
            + "frame-difference consistency (Xu et al. 2021).")
    @Option(help: "The image to score.") var output: String?
    @Option(help: "A stylised clip (folder of frames or video file) to score against --input-frames.")
    var frames: String?
    @Option(help: "The clip --frames was made from.") var inputFrames: String?
    @Option(help: "Frames apart for the long-term warping error.") var longTerm: Int = 5
    @Option(help: "Content image (content SSIM; VGG feature distance).") var content: String?
    @Option(help: "Style or texture image (histogram, SWD, BDS; VGG Gram distance).") var style: String?
    @Option(help: "Ground truth (PSNR, SSIM).") var reference: String?
    @Option(help: "VGG-19 weights for the Gram and feature distances (default: the fetched weights, when present).") var weights: String?
    @Option(help: "Seed of the sliced Wasserstein directions and patch subsamples.") var seed: UInt64 = 0
    @Flag(help: "Print JSON: {\"psnr\": …, \"ssim\": …, …}; psnr is null for identical images.") var json = false
    @OptionGroup var input: InputOptions

    func run() throws {
        try reportingErrors {
            let limits = ReadLimits(maxPixels: input.maxPixels)
            if frames != nil || inputFrames != nil { return try scoreClip(limits) }
            guard let output else { throw ValidationError("give --output (an image), or --frames and --input-frames") }
            func load(_ path: String?) throws -> Image? { try path.map { try Image(contentsOf: $0, limits: limits) } }
            guard content != nil || style != nil || reference != nil else {
                throw ValidationError("give at least one of --content, --style, --reference to score --output against")
            }
            let vgg = try weightsForMetrics(weights)
            let m = try measure(output: try Image(contentsOf: output, limits: limits), content: try load(content), style: try load(style),
                                reference: try load(reference), features: vgg.map(FeatureMetrics.init), seed: seed)
            if json {
                print(String(decoding: try m.summaryJSON(), as: UTF8.self))
            } else {
                for (name, value) in m.columns {
                    guard let value else { continue }
                    print(String(format: "%-20@ %@", name as NSString, value.isInfinite ? "inf (identical)" : String(format: "%.6g", value)))
                }
            }
        }
    }

    /// The temporal metrics of --frames against --input-frames, both read at the input clip's size.
    func scoreClip(_ limits: ReadLimits) throws {
        guard let frames, let inputFrames else {
            throw ValidationError("--frames and --input-frames go together: the stylised clip and its input")
        }
        guard (1 ... 1000).contains(longTerm) else {
            throw ValidationError("--long-term must be 1 to 1000, got \(longTerm)")
        }
        let whole = FrameSequence.Selection(longestSide: nil, maxFrames: 10_000)
        let inputs = try FrameSequence(contentsOf: inputFrames, whole, limits: limits).frames
        let outputs = try FrameSequence(contentsOf: frames, whole, limits: limits).frames
        let m = try temporalMetrics(outputs: outputs, inputs: inputs, longTermOffset: longTerm)
        if json {
            print(String(decoding: try m.summaryJSON(), as: UTF8.self))
        } else {
            print(String(format: "warping_error            %.6g", m.warpingError))
            if let longTermError = m.longTermWarpingError {
                print(String(format: "long_term_warping_error  %.6g (frames %d apart)", longTermError, longTerm))
            }
            print(String(format: "frame_difference         %.6g", m.frameDifference))
        }
    }
}

struct DatasetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets", abstract: "Check a benchmark set's files against its manifest, or fetch those with a URL.",
        subcommands: [DatasetsCheck.self, DatasetsFetch.self])
}

/// The set a `datasets` command works on, and where its files are.
struct SetLocation: ParsableArguments {
    @Argument(help: "The set's manifest (e.g. datasets/paintings.json).") var set: String
    @Option(help: "Folder holding the set's files (default: the manifest's own data_dir).") var dataDir: String?

    func load() throws -> (manifest: DatasetManifest, folder: String) {
        let manifest = try DatasetManifest.load(set)
        return (manifest, try manifest.dataFolder(manifestPath: set, override: dataDir))
    }
}

struct DatasetsCheck: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Verify every file of a set (SHA-256); exit 1 if any is missing or wrong.")
    @OptionGroup var location: SetLocation

    func run() throws {
        try reportingErrors {
            let (manifest, folder) = try location.load()
            let states = manifest.check(folder: folder)
            for (file, state) in states { print("\(state == .ok ? "ok      " : "PROBLEM ") \(file.path)\(state == .ok ? "" : " (\(state.rawValue))")") }
            let bad = states.filter { $0.state != .ok }.count
            print("\(manifest.name): \(states.count - bad) of \(states.count) files ok in \(folder)")
            if bad > 0 { throw CompareError.badInputs(set: manifest.name, detail: "\(bad) files missing or not matching") }
        }
    }
}

struct DatasetsFetch: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fetch", abstract: "Download the set's files that have a URL, keeping only those whose SHA-256 matches.")
    @OptionGroup var location: SetLocation

    func run() throws {
        try reportingErrors {
            let (manifest, folder) = try location.load()
            let fetched = try manifest.fetch(into: folder) { print($0) }
            print("\(manifest.name): fetched \(fetched.count) files into \(folder)")
        }
    }
}

/// The child's side of a comparison cell: decodes the cell file the runner wrote and calls the library
/// (`runCellSpec`). Hidden: users run `stylelab compare`, or the algorithm commands themselves.
struct CellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cell", abstract: "Run one comparison cell from its cell file.", shouldDisplay: false)
    @Argument(help: "The cell file (FOLDER/cell.json), written by `stylelab compare`.") var cellFile: String

    func run() throws {
        try reportingErrors {
            let data: Data
            switch readRegularFile(cellFile, maxBytes: 1 << 20) {
            case .success(let bytes): data = bytes
            case .failure(let failure): throw ParameterFileError.unreadable(path: cellFile, detail: "\(failure)")
            }
            let cell: CellSpec
            do { cell = try JSONDecoder().decode(CellSpec.self, from: data) } catch {
                throw ParameterFileError.unreadable(path: cellFile, detail: "not a cell file (\(error))")
            }
            try runCellSpec(cell)
        }
    }
}
