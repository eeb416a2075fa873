import Foundation

/// Joins the folders of shards of one run (`stylelab compare merge DIR… --out M`): every finished cell and the
/// inputs are copied into `out`, and the report is written over all of them.
@discardableResult
public func mergeComparisons(_ sources: [String], into out: String) throws -> [CellResult] {
    guard let first = sources.first else { throw CompareError.invalid(flag: "merge", detail: "name at least one folder to merge") }
    let fm = FileManager.default
    func runAndSet(_ folder: String) throws -> (RunConfig, DatasetManifest) {
        guard fm.fileExists(atPath: folder + "/run.json") else {
            throw CompareError.unreadable(path: folder, detail: "not a comparison folder (no run.json); pass folders written by `stylelab compare`")
        }
        return (try RunConfig.decode(try readConfigFile(folder + "/run.json"), path: folder + "/run.json"),
                try DatasetManifest.decode(try readConfigFile(folder + "/set.json"), path: folder + "/set.json"))
    }
    let (run, set) = try runAndSet(first)
    for folder in sources.dropFirst() where try runAndSet(folder).0.name != run.name {
        let detail = "\(folder) holds another run than \(first) (\(run.name)); merge shards of one run only"
        throw CompareError.invalid(flag: "merge", detail: detail)
    }
    try fm.createDirectory(atPath: out + "/cells", withIntermediateDirectories: true)
    let target = URL(fileURLWithPath: out).standardizedFileURL.path
    for folder in sources where URL(fileURLWithPath: folder).standardizedFileURL.path != target {
        for file in ["run.json", "set.json"] {
            try? fm.removeItem(atPath: "\(out)/\(file)")
            try fm.copyItem(atPath: "\(folder)/\(file)", toPath: "\(out)/\(file)")
        }
        // Finished cells only (a cell without result.json was interrupted and belongs to nobody yet), found by the
        // run's own (checked) ids rather than by whatever names the folder holds.
        for entry in set.cases {
            for method in run.methods
                where fm.fileExists(atPath: "\(folder)/cells/\(entry.id)/\(method.id)/result.json") {
                try copyReplacing("\(folder)/cells/\(entry.id)/\(method.id)", "\(out)/cells/\(entry.id)/\(method.id)")
            }
            if fm.fileExists(atPath: "\(folder)/inputs/\(entry.id)") {
                try copyReplacing("\(folder)/inputs/\(entry.id)", "\(out)/inputs/\(entry.id)")
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
