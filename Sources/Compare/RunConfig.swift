import Foundation
import Imaging
import StyleLabSupport

/// A comparison run: a set, the methods with their parameters, and limits. Stored as JSON (`datasets/runs/*.json`).
///
/// A method's parameters are the `stylelab` flags it runs with, so a case page can show the exact command and a
/// user can rerun any cell by hand. Each case is one task — texture synthesis, transfer, or a learned filter — and
/// each method runs the task its algorithm has for it. A `command` method runs any program instead (another
/// implementation, or a test that crashes on purpose), with `{content}`, `{style}`, `{texture}`, `{a}`, `{a_prime}`, `{b}`, `{output}` and
/// `{folder}` replaced by paths.
public struct RunConfig: Codable, Sendable {
    public struct Method: Codable, Sendable {
        public var id: String
        public var kind: Kind
        /// Extra `stylelab` flags for every task (or, for `command`, the whole argument vector).
        public var args: [String]?
        /// Extra flags for one task only.
        public var synthesisArgs: [String]?
        public var transferArgs: [String]?
        public var filterArgs: [String]?
        /// Extra flags for single cases, by case id (texture-by-numbers wants `--features rgb`, a blur does not).
        public var caseArgs: [String: [String]]?
        /// A label for grids (default: the id).
        public var label: String?
    }

    /// The algorithm; the case's roles choose the task (see `Task`).
    public enum Kind: String, Codable, Sendable, CaseIterable { case quilting, analogies, neural, command }

    /// What a case asks for: texture synthesis (a texture alone), transfer (content and a style or texture), or a
    /// learned filter (A, A′ and B).
    public enum Task: String, Sendable {
        case synthesis, transfer, filter
        init?(roles: [String: String]) {
            if roles["a"] != nil && roles["a_prime"] != nil && roles["b"] != nil { self = .filter }
            else if roles["content"] != nil && (roles["style"] ?? roles["texture"]) != nil { self = .transfer }
            else if (roles["texture"] ?? roles["style"]) != nil { self = .synthesis }
            else { return nil }
        }
    }

    public var name: String
    /// The dataset manifest, relative to this file.
    public var set: String
    public var methods: [Method]
    /// Inputs are fitted to this longest side before any method sees them (nil: used as they are).
    public var maxSide: Int?
    /// Output size of texture synthesis (default 256x256).
    public var synthesisSize: String?
    /// A cell still running after this long is stopped and recorded as a timeout.
    public var timeoutSeconds: Double?
    public var seed: UInt64?

    public static func load(_ path: String) throws -> RunConfig {
        try decode(try readConfigFile(path), path: path)
    }

    /// Decodes and checks a run configuration; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws -> RunConfig {
        let run: RunConfig
        do { run = try snakeCaseDecoder.decode(RunConfig.self, from: data) } catch {
            let kinds = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            let detail = "not a run configuration (\(describe(error))); kinds are \(kinds)"
            throw CompareError.unreadable(path: path, detail: detail)
        }
        try run.validate(path)
        return run
    }

    /// Every id is a safe, unique name and every number is in its range, before anything is read or written.
    func validate(_ path: String) throws {
        func bad(_ detail: String) -> CompareError { .unreadable(path: path, detail: detail) }
        guard !methods.isEmpty else { throw bad("the run has no methods") }
        for method in methods {
            try SafeNames.checkID(method.id, "method", in: path)
            if method.kind == .command && (method.args ?? []).isEmpty {
                throw bad("method \(method.id) is a command but has no args (the program and its arguments)")
            }
            for caseId in (method.caseArgs ?? [:]).keys { try SafeNames.checkID(caseId, "case_args case", in: path) }
            if let label = method.label, label.count > 100 {
                throw bad("method \(method.id)'s label is over 100 characters")
            }
        }
        try SafeNames.checkUnique(methods.map(\.id), "method", in: path)
        if let maxSide, !(1 ... 16384).contains(maxSide) { throw bad("max_side \(maxSide) is not 1 to 16384") }
        if let synthesisSize {
            guard let size = Size(parsing: synthesisSize), size.width <= 16384, size.height <= 16384 else {
                throw bad("synthesis_size \(synthesisSize) is not WxH with sides of 1 to 16384")
            }
        }
        if let timeoutSeconds, !(timeoutSeconds > 0 && timeoutSeconds <= 30 * 86400) {
            throw bad("timeout_seconds \(timeoutSeconds) is not more than 0 and at most 30 days")
        }
        guard !set.isEmpty, !set.contains("\0") else { throw bad("set must name the dataset manifest") }
    }
}

/// The bytes of a run or set file: a regular file of at most 16 MB (no run or manifest comes near that).
func readConfigFile(_ path: String) throws -> Data {
    switch readRegularFile(path, maxBytes: 16 << 20) {
    case .success(let data): return data
    case .failure(.notFound): throw CompareError.unreadable(path: path, detail: "no such file")
    case .failure(.tooLarge(let size)):
        throw CompareError.unreadable(path: path, detail: "\(size) bytes is too large for a JSON file here")
    case .failure(let other):
        throw CompareError.unreadable(path: path, detail: "not a readable regular file (\(other))")
    }
}

extension RunConfig.Method {
    /// The style-like input of a case: its style image, else its texture.
    private static func exemplar(_ roles: [String: String]) -> String? { roles["style"] ?? roles["texture"] }

    /// The command line of this method on a case whose prepared inputs are `inputs` (role → path), writing into
    /// `folder`; nil when the method has nothing to do for the case (Gatys has no learned filter, quilting neither).
    func commandLine(executable: String, caseId: String, inputs: [String: String], folder: String, synthesisSize: String,
                     seed: UInt64) -> [String]? {
        guard let task = RunConfig.Task(roles: inputs) else { return nil }
        let taskArgs: [String]?
        switch task {
        case .synthesis: taskArgs = synthesisArgs
        case .transfer: taskArgs = transferArgs
        case .filter: taskArgs = filterArgs
        }
        let extra = (args ?? []) + (taskArgs ?? []) + (caseArgs?[caseId] ?? [])
        let output = folder + "/output.png", exemplar = inputs["style"] ?? inputs["texture"] ?? ""
        let content = inputs["content"] ?? "", a = inputs["a"] ?? ""
        let aPrime = inputs["a_prime"] ?? "", b = inputs["b"] ?? ""
        let common = ["--summary", folder + "/summary.json", "-o", output, "--quiet"] + (extra.contains("--seed") ? [] : ["--seed", "\(seed)"])
        let size = extra.contains("--size") ? [] : ["--size", synthesisSize]
        let sourceMap = ["--source-map", folder + "/source-map.png"], seams = ["--seams", folder + "/seams.png"]
        switch (kind, task) {
        case (.quilting, .synthesis):
            return [executable, "quilt", "synthesize", "--texture", exemplar] + size + sourceMap + seams + common + extra
        case (.quilting, .transfer):
            return [executable, "quilt", "transfer", "--texture", exemplar, "--target", content]
                + sourceMap + seams + common + extra
        case (.analogies, .synthesis):
            return [executable, "analogy", "texture", "--texture", exemplar] + size + sourceMap + common + extra
        case (.analogies, .transfer):
            // Texture transfer by analogy: A = A′ = the style, B = the content.
            return [executable, "analogy", "--a", exemplar, "--a-prime", exemplar, "--b", content]
                + sourceMap + common + extra
        case (.analogies, .filter):
            return [executable, "analogy", "--a", a, "--a-prime", aPrime, "--b", b] + sourceMap + common + extra
        case (.neural, .transfer):
            return [executable, "neural", "--content", content, "--style", exemplar, "--loss-log", folder + "/loss.csv"]
                + common + extra
        case (.command, _):
            var applicable = true
            let argv = extra.map { argument -> String in
                var text = argument.replacingOccurrences(of: "{output}", with: output).replacingOccurrences(of: "{folder}", with: folder)
                for role in DatasetManifest.roles where text.contains("{\(role)}") {
                    guard let path = inputs[role] else { applicable = false; continue }
                    text = text.replacingOccurrences(of: "{\(role)}", with: path)
                }
                return text
            }
            return applicable ? argv : nil
        default:
            return nil
        }
    }

    /// The roles an output is scored against: as its style or texture source, as its content, as its ground truth.
    func scoringRoles(_ roles: [String: String]) -> (style: String?, content: String?, reference: String?) {
        func present(_ names: String...) -> String? { names.first { roles[$0] != nil } }
        switch RunConfig.Task(roles: roles) {
        case .filter: return (present("a_prime"), present("b"), present("b_prime"))
        case .synthesis: return (present("texture", "style"), nil, nil)
        default: return (present("style", "texture"), present("content"), present("b_prime"))
        }
    }
}
