import Foundation
import Imaging

/// `stylelab notebooks --check`: the chapters remade in a temporary folder and compared with the committed ones.
/// Text must match exactly (but for the index's timings); a figure may differ by floating-point noise only (at
/// most 1 % of its samples by more than 2/255), so that another CPU's BLAS kernels do not make it stale; the
/// manifest must match but for the figures' own SHA-256, which the pixel comparison stands in for.
extension NotebookExport {
    package func check(_ chapters: [Chapter], all: [Chapter], against committed: String,
                       progress: (String) -> Void = { _ in }) throws {
        let scratch = NSTemporaryDirectory() + "stylelab-notebooks-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let files = ["manifest.json", "README.md"]
        for file in files where FileManager.default.fileExists(atPath: committed + "/" + file) {
            try FileManager.default.copyItem(atPath: committed + "/" + file, toPath: scratch + "/" + file)
        }
        try write(chapters, all: all, to: scratch, progress: progress)
        var problems: [String] = []
        for chapter in chapters {
            problems += compareFolders(committed + "/" + chapter.folder, scratch + "/" + chapter.folder,
                                       name: chapter.folder)
        }
        problems += compareText(committed + "/README.md", scratch + "/README.md", name: "README.md")
        let masked = { (entries: [ManifestEntry], chapter: String) in
            entries.filter { $0.chapter == chapter }.map { entry -> ManifestEntry in
                var copy = entry
                copy.sha256 = ""
                return copy
            }
        }
        let (old, new) = ((try? readManifest(committed)) ?? [], try readManifest(scratch))
        let differing = chapters.map(\.folder).filter { masked(old, $0) != masked(new, $0) }
        if !differing.isEmpty { problems.append("manifest.json differs for \(differing.joined(separator: ", "))") }
        if !problems.isEmpty { throw TeachingError.stale(problems) }
    }

    func compareFolders(_ committed: String, _ fresh: String, name: String) -> [String] {
        let listing = { (folder: String) in
            Set((FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? [])
                .filter { !$0.hasSuffix("figures") })
        }
        let old = listing(committed), new = listing(fresh)
        var problems = new.subtracting(old).sorted().map { "\(name)/\($0) is not committed" }
            + old.subtracting(new).sorted().map { "\(name)/\($0) is committed but no longer made" }
        for file in old.intersection(new).sorted() {
            let a = committed + "/" + file, b = fresh + "/" + file
            if file.hasSuffix(".png") {
                if let problem = comparePictures(a, b) { problems.append("\(name)/\(file): \(problem)") }
            } else {
                problems += compareText(a, b, name: "\(name)/\(file)")
            }
        }
        return problems
    }

    /// nil when the pictures agree within the noise allowed, else what differs.
    func comparePictures(_ a: String, _ b: String) -> String? {
        guard let old = try? Image(contentsOf: a), let new = try? Image(contentsOf: b) else { return "unreadable" }
        guard old.size == new.size, old.channels == new.channels else {
            return "now \(new.size)×\(new.channels), committed \(old.size)×\(old.channels)"
        }
        let far = zip(old.samples, new.samples).filter { abs($0 - $1) > 2.0 / 255 }.count
        return Double(far) > 0.01 * Double(max(old.samples.count, 1))
            ? String(format: "%.1f %% of its samples changed", 100 * Double(far) / Double(old.samples.count)) : nil
    }

    func compareText(_ a: String, _ b: String, name: String) -> [String] {
        let read = { (path: String) in
            (try? String(contentsOfFile: path, encoding: .utf8))?
                .split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.contains(Self.timingMark) }
        }
        guard let old = read(a) else { return ["\(name) is not committed"] }
        guard let new = read(b) else { return ["\(name) is no longer made"] }
        guard let line = zip(old, new).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset
                ?? (old.count == new.count ? nil : min(old.count, new.count)) else { return [] }
        let now = line < new.count ? String(new[line].prefix(80)) : "(end of file)"
        return ["\(name) differs from line \(line + 1): now \"\(now)\""]
    }
}
