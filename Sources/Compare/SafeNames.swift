import Foundation

/// Ids and paths from run and set files decide which files the runner reads, writes and deletes, and run files are
/// shared between colleagues: each is checked before anything is touched, and none is ever used as a path raw.
enum SafeNames {
    /// Characters of an id or of one path component.
    private static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+")

    /// Whether `text` can be one component of a path: 1–100 allowed characters, starting with a letter or a digit
    /// (so never `.`, `..`, a hidden name or something that reads as a flag).
    static func isSafeComponent(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter || first.isNumber, text.count <= 100 else {
            return false
        }
        return text.allSatisfy(allowed.contains)
    }

    /// Throws unless `id` is a safe path component, naming the file and what the id is of.
    static func checkID(_ id: String, _ what: String, in path: String) throws {
        guard isSafeComponent(id) else {
            throw CompareError.unreadable(path: path, detail: "\(what) id \"\(id.prefix(60))\" is not a safe name: "
                + "use 1–100 letters, digits, '.', '_', '-' or '+', starting with a letter or digit")
        }
    }

    /// Throws unless `file` is a relative path of safe components (no `.`, `..`, empty or absolute parts).
    static func checkRelativePath(_ file: String, in path: String) throws {
        let parts = file.split(separator: "/", omittingEmptySubsequences: false)
        guard !file.isEmpty, parts.count <= 16, parts.allSatisfy({ isSafeComponent(String($0)) }) else {
            throw CompareError.unreadable(path: path, detail: "file path \"\(file.prefix(80))\" must be relative, "
                + "inside the data folder, made of safe names (letters, digits, '.', '_', '-', '+'), with no '..'")
        }
    }

    /// Throws unless every id is distinct, naming the first repeated one.
    static func checkUnique(_ ids: [String], _ what: String, in path: String) throws {
        var seen = Set<String>()
        for id in ids where !seen.insert(id).inserted {
            throw CompareError.unreadable(path: path, detail: "\(what) id \(id) appears twice")
        }
    }

    /// `file` inside `folder`, refused when it resolves (through symbolic links) to anywhere outside the folder.
    static func resolve(_ file: String, inside folder: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent(file)
        let root = URL(fileURLWithPath: folder).resolvingSymlinksInPath().standardizedFileURL.path
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        guard resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            throw CompareError.unreadable(path: path,
                                          detail: "resolves to \(resolved), outside the data folder \(root)")
        }
        return path
    }
}
