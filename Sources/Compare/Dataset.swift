import Foundation
import Imaging
import StyleLabSupport

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

    /// One comparison case: role → file path. Roles: content, style, texture, a, a_prime, b, b_prime, frames (a clip).
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

    public static let roles = ["content", "style", "texture", "a", "a_prime", "b", "b_prime", "frames"]

    public static func load(_ path: String) throws -> DatasetManifest {
        try decode(try readConfigFile(path), path: path)
    }

    /// Decodes and checks a manifest; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws -> DatasetManifest {
        let manifest: DatasetManifest
        do { manifest = try snakeCaseDecoder.decode(DatasetManifest.self, from: data) } catch {
            throw CompareError.unreadable(path: path, detail: "not a dataset manifest (\(describe(error)))")
        }
        try manifest.validate(path)
        return manifest
    }

    /// Files are safe relative paths with a SHA-256 each, cases have safe unique ids and known roles naming listed
    /// files, and URLs use http(s) or file.
    func validate(_ path: String) throws {
        func bad(_ detail: String) -> CompareError { .unreadable(path: path, detail: detail) }
        for file in files {
            try SafeNames.checkRelativePath(file.path, in: path)
            guard file.sha256.count == 64, file.sha256.allSatisfy({ "0123456789abcdef".contains($0) }) else {
                throw bad("file \(file.path) has sha256 \"\(file.sha256.prefix(70))\", not 64 lower-case hex digits")
            }
            if let url = file.url, !(["https", "http", "file"].contains(URL(string: url)?.scheme ?? "")) {
                throw bad("file \(file.path) has url \(url.prefix(80)), which is not http, https or file")
            }
        }
        try SafeNames.checkUnique(files.map(\.path), "file", in: path)
        let known = Set(files.map(\.path))
        for c in cases {
            try SafeNames.checkID(c.id, "case", in: path)
            for (role, file) in c.roles {
                guard DatasetManifest.roles.contains(role) else {
                    throw bad("case \(c.id) has unknown role \(role); "
                        + "roles are \(DatasetManifest.roles.joined(separator: ", "))")
                }
                guard known.contains(file) else { throw bad("case \(c.id) names \(file), which is not in files") }
            }
        }
        try SafeNames.checkUnique(cases.map(\.id), "case", in: path)
        if let dataDir, dataDir.isEmpty || dataDir.contains("\0") { throw bad("data_dir must name a folder") }
    }

    /// The folder the files are read from: `--data-dir`, else the manifest's own `dataDir`.
    public func dataFolder(manifestPath: String, override: String?) throws -> String {
        if let override { return override }
        guard let dataDir else {
            throw CompareError.missingDataDir(set: name, hint: "this set's files are not shipped; pass --data-dir with the folder that holds them (e.g. ../shared/datasets)")
        }
        return ((manifestPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent(dataDir)
    }

    public enum FileState: String, Sendable {
        case ok, missing, mismatch = "checksum mismatch", outside = "resolves outside the data folder"
    }

    /// Every file's state in `folder`.
    public func check(folder: String) -> [(file: File, state: FileState)] {
        files.map { file in
            guard let path = try? SafeNames.resolve(file.path, inside: folder) else { return (file, .outside) }
            guard FileManager.default.fileExists(atPath: path) else { return (file, .missing) }
            return (file, (try? SHA256.hex(ofFile: path)) == file.sha256 ? .ok : .mismatch)
        }
    }

    /// Downloads every missing or mismatched file that has a URL into `folder`, keeping it only when its checksum
    /// matches. Returns the paths fetched.
    public func fetch(into folder: String, log: (String) -> Void = { _ in }) throws -> [String] {
        var fetched: [String] = []
        for (file, state) in check(folder: folder) where state == .missing || state == .mismatch {
            guard let url = file.url.flatMap(URL.init(string:)) else { log("\(file.path): \(state.rawValue), and the manifest gives no URL"); continue }
            let data = try download(url, for: file.path)
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
    /// The runner was stopped by SIGINT or SIGTERM; `finished` of `of` cells of this shard are done.
    case interrupted(signal: Int32, finished: Int, of: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let detail): return "\(path): \(detail)"
        case .missingDataDir(let set, let hint): return "set \(set): \(hint)"
        case .badInputs(let set, let detail): return "set \(set): \(detail); run `stylelab datasets check` with the same --data-dir to see every file"
        case .fetchFailed(let file, let detail): return "\(file): \(detail)"
        case .invalid(let flag, let detail): return "\(flag): \(detail)"
        case .interrupted(let signal, let finished, let total):
            let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
            return "interrupted by \(name) with \(finished) of \(total) cells finished; "
                + "run the same command again to resume"
        }
    }
}
