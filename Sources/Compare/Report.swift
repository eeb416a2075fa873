import Foundation
import Imaging
import StyleLabSupport

/// Writes the report of every finished cell in `out` — metrics.csv, metrics.json, grid.png, index.html and one
/// page per case — from `run.json`, `set.json` and the cells' `result.json` files, so that a report can be
/// rebuilt from the folder alone (after a resume, or a merge of shards). Returns the results in report order.
@discardableResult
public func writeReport(out: String, log: (String) -> Void = { _ in }) throws -> [CellResult] {
    // The folder may come from someone else (a shard to merge): its run and set are checked like the originals.
    let run = try RunConfig.decode(try readConfigFile(out + "/run.json"), path: out + "/run.json")
    let set = try DatasetManifest.decode(try readConfigFile(out + "/set.json"), path: out + "/set.json")
    var results: [CellResult] = []
    for entry in set.cases {
        for method in run.methods {
            let path = "\(out)/cells/\(entry.id)/\(method.id)/result.json"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            // A result that does not decode, or claims another cell or files that are not a cell's, is left out of
            // the report (and redone by a rerun) rather than stopping it.
            guard let result = try? snakeCaseDecoder.decode(CellResult.self, from: data), result.caseId == entry.id,
                  result.method == method.id, result.extras.allSatisfy(CellResult.knownExtras.contains) else {
                log("\(path): not a result of this cell; left out of the report (a rerun redoes the cell)")
                continue
            }
            results.append(result)
        }
    }
    // The second column of each cell's CSV traces: the total loss per evaluation, the warping error per frame pair.
    var traces: [String: [Double]] = [:]
    for r in results {
        for file in ["loss.csv", "warping.csv"] where r.extras.contains(file) {
            let path = "\(out)/cells/\(r.caseId)/\(r.method)/\(file)"
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            traces["\(r.caseId)/\(r.method)/\(file)"] = text.split(separator: "\n").dropFirst().compactMap {
                $0.split(separator: ",").dropFirst().first.flatMap { Double($0) }
            }
        }
    }
    let layout = ReportLayout(run: run, set: set, results: results, lossTraces: traces)
    try Data(metricsCSV(results).utf8).writeAtomically(to: out + "/metrics.csv")
    try results.summaryJSON().writeAtomically(to: out + "/metrics.json")
    try gridImage(layout, out: out).write(to: out + "/grid.png")
    try FileManager.default.createDirectory(atPath: out + "/cases", withIntermediateDirectories: true)
    try Data(indexPage(layout).utf8).writeAtomically(to: out + "/index.html")
    for entry in set.cases { try Data(casePage(entry, layout).utf8).writeAtomically(to: "\(out)/cases/\(entry.id).html") }
    return results
}

/// Which inputs and methods the report has columns for, and the results by (case, method).
struct ReportLayout {
    let run: RunConfig
    let set: DatasetManifest
    let results: [CellResult]
    /// Per cell CSV traces, keyed "case/method/file": loss.csv's total loss per evaluation, warping.csv's warping
    /// error per frame pair.
    let lossTraces: [String: [Double]]
    /// A case's input roles in the manifest's role order; the grid packs them into the leftmost columns.
    func roles(of entry: DatasetManifest.Case) -> [String] { DatasetManifest.roles.filter { entry.roles[$0] != nil } }
    /// Input columns: as many as the case with the most inputs has.
    var inputColumns: Int { self.set.cases.map { roles(of: $0).count }.max() ?? 0 }
    func result(_ caseId: String, _ method: String) -> CellResult? { results.first { $0.caseId == caseId && $0.method == method } }
}

/// One row per finished cell; times in seconds, memory in MB, metrics as `Measurements` names them.
func metricsCSV(_ results: [CellResult]) -> String {
    var lines = [(["case", "method", "kind", "status", "seconds", "wall_seconds", "peak_rss_mb"] + Measurements.columnNames).joined(separator: ",")]
    func number(_ v: Double?) -> String {
        guard let v else { return "" }
        return v.isInfinite ? "inf" : String(format: "%.6g", v)
    }
    for r in results {
        let fields = [r.caseId, r.method, r.kind, r.status.rawValue, number(r.seconds), number(r.wallSeconds), number(r.peakRssMb)]
            + r.measurements.columns.map { number($0.value) }
        lines.append(fields.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
}

/// The one or two numbers a grid cell shows under a method's output: fidelity to the ground truth where there is
/// one, else closeness to the style's patches and what is left of the content.
func keyMetrics(_ m: Measurements) -> [String] {
    var lines: [String] = []
    if let psnr = m.psnr { lines.append(psnr.isInfinite ? "PSNR inf" : String(format: "PSNR %.1f dB", psnr)) }
    if let ssim = m.ssim { lines.append(String(format: "SSIM %.3f", ssim)) }
    if lines.isEmpty, let swd = m.swd { lines.append(String(format: "SWD %.4f", swd)) }
    if lines.count < 2, let c = m.contentSsim { lines.append(String(format: "SSIM/C %.3f", c)) }
    if lines.count < 2, let coverage = m.sourceCoverage { lines.append(String(format: "cover %.0f%%", 100 * coverage)) }
    return Array(lines.prefix(2))
}
