import Foundation
import Imaging
import Neural

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
    /// The `stylelab` binary the cells run.
    public var executable: String
    /// VGG-19 weights for the Gram and feature distances (nil: those metrics are left out).
    public var weights: VGG19Weights?

    public init(runPath: String, out: String, dataDir: String? = nil, shard: (index: Int, count: Int)? = nil, jobs: Int = 1,
                force: Bool = false, executable: String, weights: VGG19Weights? = nil) {
        self.runPath = runPath; self.out = out; self.dataDir = dataDir; self.shard = shard; self.jobs = jobs
        self.force = force; self.executable = executable; self.weights = weights
    }
}

/// One (case, method) pair to run.
struct Cell: Sendable {
    var caseEntry: DatasetManifest.Case
    var method: RunConfig.Method
    var argv: [String]
    var folder: String
}

/// Runs every (case, method) cell of a run that this shard owns, each in a child process, skipping finished ones,
/// then writes the report of every finished cell in `out`. Returns the cells' results (run now or earlier).
@discardableResult
public func runComparison(_ options: ComparisonOptions, log: @escaping @Sendable (String) -> Void = { _ in }) throws -> [CellResult] {
    let run = try RunConfig.load(options.runPath)
    let manifestPath = ((options.runPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(run.set)
    let set = try DatasetManifest.load(manifestPath)
    let folder = try set.dataFolder(manifestPath: manifestPath, override: options.dataDir)
    if let shard = options.shard, shard.count < 1 || shard.index < 1 || shard.index > shard.count {
        throw CompareError.invalid(flag: "--shard", detail: "\(shard.index)/\(shard.count) is not i/N with 1 ≤ i ≤ N")
    }
    guard options.jobs >= 1 else { throw CompareError.invalid(flag: "--jobs", detail: "must be at least 1") }

    // The files the cases use must be there and be the right bytes.
    let used = Set(set.cases.flatMap { $0.roles.values })
    let problems = set.check(folder: folder).filter { used.contains($0.file.path) && $0.state != .ok }
    if !problems.isEmpty {
        let list = problems.prefix(3).map { "\($0.file.path) \($0.state.rawValue)" }.joined(separator: ", ")
        throw CompareError.badInputs(set: set.name, detail: "in \(folder): \(list)\(problems.count > 3 ? " and \(problems.count - 3) more" : "")")
    }
    let fm = FileManager.default
    try fm.createDirectory(atPath: options.out + "/cells", withIntermediateDirectories: true)
    try run.summaryJSON().writeAtomically(to: options.out + "/run.json")
    try set.summaryJSON().writeAtomically(to: options.out + "/set.json")

    // Inputs, fitted to the run's size, as PNG beside the results: the children read them, the pages show them.
    var cells: [Cell] = []
    for entry in set.cases {
        var inputs: [String: String] = [:]
        for (role, file) in entry.roles.sorted(by: { $0.key < $1.key }) {
            let path = inputPath(out: options.out, caseId: entry.id, role: role)
            if options.force || !fm.fileExists(atPath: path) {
                var image = try Image(contentsOf: (folder as NSString).appendingPathComponent(file))
                if let side = run.maxSide, max(image.width, image.height) > side {
                    // The tent filter, as PIL and so the reference implementations shrink their inputs.
                    image = image.resized(to: image.sizeFitting(longestSide: side), method: .triangle)
                }
                try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try image.write(to: path)
            }
            inputs[role] = path
        }
        for method in run.methods {
            let cellFolder = "\(options.out)/cells/\(entry.id)/\(method.id)"
            if let argv = method.commandLine(executable: options.executable, caseId: entry.id, inputs: inputs, folder: cellFolder,
                                             synthesisSize: run.synthesisSize ?? "256x256", seed: run.seed ?? 0) {
                cells.append(Cell(caseEntry: entry, method: method, argv: argv, folder: cellFolder))
            }
        }
    }
    let mine = cells.enumerated().filter { k, _ in options.shard.map { k % $0.count == $0.index - 1 } ?? true }.map(\.element)
    let pending = mine.filter { options.force || !fm.fileExists(atPath: $0.folder + "/result.json") }
    log("\(run.name): \(cells.count) cells, \(mine.count) in this shard, \(mine.count - pending.count) already finished")

    // Workers take the next pending cell until none is left.
    let queue = CellQueue(pending)
    let outcome = ErrorBox()
    Parallel.concurrently(workers: min(options.jobs, max(pending.count, 1))) { _ in
        while let (n, cell) = queue.next() {
            do {
                let result = try runCell(cell, out: options.out, run: run, weights: options.weights)
                let time = String(format: "%.1f s", result.seconds)
                log("[\(n + 1)/\(pending.count)] \(cell.caseEntry.id) × \(cell.method.id): \(result.status.rawValue), \(time)")
            } catch {
                outcome.record(error)
            }
        }
    }
    if let error = outcome.first { throw error }
    let results = try writeReport(out: options.out)
    return results
}

func inputPath(out: String, caseId: String, role: String) -> String { "\(out)/inputs/\(caseId)/\(role).png" }

/// Runs one cell in a child process, scores its output, and writes `result.json` (last, so that a cell without it
/// counts as unfinished).
func runCell(_ cell: Cell, out: String, run: RunConfig, weights: VGG19Weights?) throws -> CellResult {
    let fm = FileManager.default
    try? fm.removeItem(atPath: cell.folder)
    try fm.createDirectory(atPath: cell.folder, withIntermediateDirectories: true)
    let outcome = try runChild(cell.argv, stdout: cell.folder + "/stdout.txt", stderr: cell.folder + "/stderr.txt",
                               timeout: run.timeoutSeconds ?? 3600)
    let output = cell.folder + "/output.png"
    var status: CellResult.Status
    switch outcome.ending {
    case .exited(0): status = fm.fileExists(atPath: output) ? .ok : .failed
    case .exited: status = .failed
    case .signalled: status = .crashed
    case .timedOut: status = .timeout
    }
    var result = CellResult(caseId: cell.caseEntry.id, method: cell.method.id, label: cell.method.label ?? cell.method.id,
                            kind: cell.method.kind.rawValue, status: status, exitCode: nil, signal: nil,
                            wallSeconds: outcome.wallSeconds, methodSeconds: nil, peakRssMb: outcome.peakRssMb,
                            measurements: Measurements(), commandLine: cell.argv, errorTail: nil,
                            extras: ["source-map.png", "seams.png", "loss.csv"].filter { fm.fileExists(atPath: cell.folder + "/" + $0) })
    if case .exited(let code) = outcome.ending { result.exitCode = code }
    if case .signalled(let signal) = outcome.ending { result.signal = signal }
    if status == .ok {
        let summary = (try? Data(contentsOf: URL(fileURLWithPath: cell.folder + "/summary.json")))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
        result.methodSeconds = summary["seconds_total"] as? Double
        let roles = cell.method.scoringRoles(cell.caseEntry.roles)
        func input(_ role: String?) throws -> Image? { try role.map { try Image(contentsOf: inputPath(out: out, caseId: cell.caseEntry.id, role: $0)) } }
        result.measurements = try measure(output: try Image(contentsOf: output), content: try input(roles.content),
                                          style: try input(roles.style), reference: try input(roles.reference),
                                          features: weights.map(FeatureMetrics.init), seed: run.seed ?? 0)
        result.measurements.sourceCoverage = summary["source_coverage"] as? Double
    } else {
        let text = (try? String(contentsOfFile: cell.folder + "/stderr.txt", encoding: .utf8)) ?? ""
        result.errorTail = text.split(separator: "\n").suffix(6).joined(separator: "\n")
    }
    try result.summaryJSON().writeAtomically(to: cell.folder + "/result.json")
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
