import Foundation
import Imaging
import Neural
import StyleLabSupport

/// Runs one cell in a child process, scores its output, and writes `result.json` — last and atomically, so that a
/// cell without it counts as unfinished. Whatever the child does (crash, time out, write garbage), the outcome is
/// recorded in the result and the run goes on; nil when the runner was asked to stop (nothing is recorded then).
func runCell(_ cell: Cell, out: String, run: RunConfig, weights: VGG19Weights?) throws -> CellResult? {
    let fm = FileManager.default
    try? fm.removeItem(atPath: cell.folder)
    try fm.createDirectory(atPath: cell.folder, withIntermediateDirectories: true)
    var result = CellResult(caseId: cell.caseEntry.id, method: cell.method.id,
                            label: cell.method.label ?? cell.method.id,
                            kind: cell.method.kind.rawValue, status: .failed, exitCode: nil, signal: nil,
                            wallSeconds: 0, methodSeconds: nil, peakRssMb: 0, measurements: Measurements(),
                            commandLine: cell.argv, errorTail: nil, extras: [], key: cell.key)
    do {
        if let spec = cell.spec { try cellFileBytes(spec).writeAtomically(to: cell.folder + "/cell.json") }
        let outcome = try runChild(cell.argv, stdout: cell.folder + "/stdout.txt", stderr: cell.folder + "/stderr.txt",
                                   timeout: run.timeoutSeconds ?? 3600)
        if case .interrupted = outcome.ending { return nil }
        result.wallSeconds = outcome.wallSeconds
        result.peakRssMb = outcome.peakRssMb
        switch outcome.ending {
        case .exited(let code): result.exitCode = code; result.status = code == 0 ? .ok : .failed
        case .signalled(let signal): result.signal = signal; result.status = .crashed
        case .timedOut, .interrupted: result.status = .timeout
        }
        result.extras = CellResult.knownExtras.filter { fm.fileExists(atPath: cell.folder + "/" + $0) }
        if result.status == .ok { try score(&result, cell: cell, out: out, run: run, weights: weights) }
    } catch let error as CompareError {
        result.status = .failed
        result.errorTail = "\(error)"
    }
    if result.status != .ok && result.errorTail == nil {
        let text = (try? String(contentsOfFile: cell.folder + "/stderr.txt", encoding: .utf8)) ?? ""
        result.errorTail = text.split(separator: "\n").suffix(6).joined(separator: "\n")
    }
    try result.summaryJSON().writeAtomically(to: cell.folder + "/result.json")
    return result
}

/// Scores a cell whose child succeeded; an output that is missing or not a readable image makes the cell failed.
private func score(_ result: inout CellResult, cell: Cell, out: String, run: RunConfig, weights: VGG19Weights?) throws {
    let output: Image
    do { output = try Image(contentsOf: cell.folder + "/output.png") } catch {
        result.status = .failed
        result.errorTail = "the method exited 0 but its output is not a readable image: \(error)"
        return
    }
    let summary = (try? Data(contentsOf: URL(fileURLWithPath: cell.folder + "/summary.json")))
        .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
    result.methodSeconds = (summary["seconds_total"] as? Double).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
    let roles = cell.method.scoringRoles(cell.caseEntry.roles)
    func input(_ role: String?) throws -> Image? {
        try role.map { try Image(contentsOf: inputPath(out: out, caseId: cell.caseEntry.id, role: $0)) }
    }
    do {
        result.measurements = try measure(output: output, content: try input(roles.content),
                                          style: try input(roles.style), reference: try input(roles.reference),
                                          features: weights.map(FeatureMetrics.init), seed: run.seed ?? 0)
    } catch {
        result.status = .failed
        result.errorTail = "the output could not be scored: \(error)"
        return
    }
    result.measurements.sourceCoverage = (summary["source_coverage"] as? Double)
        .flatMap { (0 ... 1).contains($0) ? $0 : nil }
    result.measurements.warpingError = (summary["warping_error"] as? Double)
        .flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
}
