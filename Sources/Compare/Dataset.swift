import Foundation
import Imaging

/// A benchmark set: files named with their SHA-256, source and licence, and cases that give files roles.
/// Stored as JSON (`datasets/*.json`); the files themselves live in a folder (`dataDir`, relative to the manifest,
/// or the user's `--data-dir`), and research sets are never committed — only their manifests.
public struct DatasetManifest: Codable, Sendable {
    public struct File: Codable, Sendable {
        /// Path inside the data folder.
        public var path: String
        public var sha256: String
        public var source: String
        public var licence: String
        /// Where `datasets fetch` can download it, when anywhere.
        public var url: String?
    }

    /// One comparison case: role → file path. Roles: content, style, texture, a, a_prime, b, b_prime.
    public struct Case: Codable, Sendable {
        public var id: String
        public var roles: [String: String]
        public var note: String?
    }

    public var name: String
    public var description: String
    /// Default data folder, relative to the manifest (the embedded set's is beside it); nil: the user supplies one.
    public var dataDir: String?
    public var files: [File]
    public var cases: [Case]

    public static let roles = ["content", "style", "texture", "a", "a_prime", "b", "b_prime"]

    public static func load(_ path: String) throws -> DatasetManifest {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw CompareError.unreadable(path: path, detail: "no such file or not readable") }
        let manifest: DatasetManifest
        do { manifest = try snakeCaseDecoder.decode(DatasetManifest.self, from: data) } catch {
            throw CompareError.unreadable(path: path, detail: "not a dataset manifest (\(describe(error)))")
        }
        try manifest.validate(path)
        return manifest
    }

    func validate(_ path: String) throws {
        let known = Set(files.map(\.path))
        for c in cases {
            for (role, file) in c.roles {
                guard DatasetManifest.roles.contains(role) else {
                    throw CompareError.unreadable(path: path, detail: "case \(c.id) has unknown role \(role); roles are \(DatasetManifest.roles.joined(separator: ", "))")
                }
                guard known.contains(file) else { throw CompareError.unreadable(path: path, detail: "case \(c.id) names \(file), which is not in files") }
            }
        }
        if let duplicate = Dictionary(grouping: cases, by: \.id).first(where: { $0.value.count > 1 })?.key {
            throw CompareError.unreadable(path: path, detail: "case id \(duplicate) appears twice")
        }
    }

    /// The folder the files are read from: `--data-dir`, else the manifest's own `dataDir`.
    public func dataFolder(manifestPath: String, override: String?) throws -> String {
        if let override { return override }
        guard let dataDir else {
            throw CompareError.missingDataDir(set: name, hint: "this set's files are not shipped; pass --data-dir with the folder that holds them (e.g. ../shared/datasets)")
        }
        return ((manifestPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(dataDir)
    }

    public enum FileState: String, Sendable { case ok, missing, mismatch = "checksum mismatch" }

    /// Every file's state in `folder`.
    public func check(folder: String) -> [(file: File, state: FileState)] {
        files.map { file in
            let path = (folder as NSString).appendingPathComponent(file.path)
            guard FileManager.default.fileExists(atPath: path) else { return (file, .missing) }
            return (file, (try? SHA256.hex(ofFile: path)) == file.sha256 ? .ok : .mismatch)
        }
    }

    /// Downloads every missing or mismatched file that has a URL into `folder`, keeping it only when its checksum
    /// matches. Returns the paths fetched.
    public func fetch(into folder: String, log: (String) -> Void = { _ in }) throws -> [String] {
        var fetched: [String] = []
        for (file, state) in check(folder: folder) where state != .ok {
            guard let url = file.url.flatMap(URL.init(string:)) else { log("\(file.path): \(state.rawValue), and the manifest gives no URL"); continue }
            let data: Data
            do { data = try Data(contentsOf: url) } catch { throw CompareError.fetchFailed(file: file.path, detail: "cannot download \(url): \(error.localizedDescription)") }
            guard SHA256.hex(of: data) == file.sha256 else {
                throw CompareError.fetchFailed(file: file.path, detail: "the download from \(url) does not match the manifest's SHA-256; not kept")
            }
            let path = (folder as NSString).appendingPathComponent(file.path)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try data.writeAtomically(to: path)
            log("fetched \(file.path)")
            fetched.append(file.path)
        }
        return fetched
    }
}

let snakeCaseDecoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
}()

/// A decoding error in a sentence: the key path and what was wrong.
func describe(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, let context):
        return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
    case DecodingError.dataCorrupted(let context):
        return context.debugDescription
    default:
        return "\(error)"
    }
}

/// Errors a user can cause in the comparison runner, each naming the file or flag and what to do.
public enum CompareError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(path: String, detail: String)
    case missingDataDir(set: String, hint: String)
    case badInputs(set: String, detail: String)
    case fetchFailed(file: String, detail: String)
    case invalid(flag: String, detail: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let detail): return "\(path): \(detail)"
        case .missingDataDir(let set, let hint): return "set \(set): \(hint)"
        case .badInputs(let set, let detail): return "set \(set): \(detail); run `stylelab datasets check` with the same --data-dir to see every file"
        case .fetchFailed(let file, let detail): return "\(file): \(detail)"
        case .invalid(let flag, let detail): return "\(flag): \(detail)"
        }
    }
}
