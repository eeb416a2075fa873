import Foundation

/// Joins the folders of shards of one run (`stylelab compare merge DIR… --out M`): every finished cell and the
/// inputs are copied into `out`, and the report is written over all of them.
@discardableResult
public func mergeComparisons(_ sources: [String], into out: String) throws -> [CellResult] {
    guard let first = sources.first else { throw CompareError.invalid(flag: "merge", detail: "name at least one folder to merge") }
    let fm = FileManager.default
    func runName(_ folder: String) throws -> String {
        guard let data = fm.contents(atPath: folder + "/run.json"),
              let run = try? snakeCaseDecoder.decode(RunConfig.self, from: data) else {
            throw CompareError.unreadable(path: folder, detail: "not a comparison folder (no run.json); pass folders written by `stylelab compare`")
        }
        return run.name
    }
    let name = try runName(first)
    for folder in sources.dropFirst() where try runName(folder) != name {
        throw CompareError.invalid(flag: "merge", detail: "\(folder) holds another run than \(first) (\(name)); merge shards of one run only")
    }
    try fm.createDirectory(atPath: out + "/cells", withIntermediateDirectories: true)
    let target = URL(fileURLWithPath: out).standardizedFileURL.path
    for folder in sources where URL(fileURLWithPath: folder).standardizedFileURL.path != target {
        for file in ["run.json", "set.json"] {
            try? fm.removeItem(atPath: "\(out)/\(file)")
            try fm.copyItem(atPath: "\(folder)/\(file)", toPath: "\(out)/\(file)")
        }
        // Finished cells only: a cell without result.json was interrupted and belongs to nobody yet.
        let finished = (fm.enumerator(atPath: folder + "/cells")?.allObjects as? [String] ?? []).filter { $0.hasSuffix("/result.json") }
        for result in finished {
            let cell = (result as NSString).deletingLastPathComponent
            try copyReplacing("\(folder)/cells/\(cell)", "\(out)/cells/\(cell)")
        }
        if fm.fileExists(atPath: folder + "/inputs") {
            for caseFolder in try fm.contentsOfDirectory(atPath: folder + "/inputs") {
                try copyReplacing("\(folder)/inputs/\(caseFolder)", "\(out)/inputs/\(caseFolder)")
            }
        }
    }
    return try writeReport(out: out)
}

private func copyReplacing(_ source: String, _ destination: String) throws {
    let fm = FileManager.default
    try? fm.removeItem(atPath: destination)
    try fm.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try fm.copyItem(atPath: source, toPath: destination)
}
