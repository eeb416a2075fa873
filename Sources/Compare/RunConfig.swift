import Foundation

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
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw CompareError.unreadable(path: path, detail: "no such file or not readable") }
        let run: RunConfig
        do { run = try snakeCaseDecoder.decode(RunConfig.self, from: data) } catch {
            throw CompareError.unreadable(path: path, detail: "not a run configuration (\(describe(error))); kinds are \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let duplicate = Dictionary(grouping: run.methods, by: \.id).first(where: { $0.value.count > 1 })?.key {
            throw CompareError.unreadable(path: path, detail: "method id \(duplicate) appears twice")
        }
        if let bad = run.methods.first(where: { $0.kind == .command && ($0.args ?? []).isEmpty }) {
            throw CompareError.unreadable(path: path, detail: "method \(bad.id) is a command but has no args (the program and its arguments)")
        }
        return run
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
        let common = ["--summary", folder + "/summary.json", "-o", output, "--quiet"] + (extra.contains("--seed") ? [] : ["--seed", "\(seed)"])
        let size = extra.contains("--size") ? [] : ["--size", synthesisSize]
        let sourceMap = ["--source-map", folder + "/source-map.png"], seams = ["--seams", folder + "/seams.png"]
        switch (kind, task) {
        case (.quilting, .synthesis):
            return [executable, "quilt", "synthesize", "--texture", exemplar] + size + sourceMap + seams + common + extra
        case (.quilting, .transfer):
            return [executable, "quilt", "transfer", "--texture", exemplar, "--target", inputs["content"]!] + sourceMap + seams + common + extra
        case (.analogies, .synthesis):
            return [executable, "analogy", "texture", "--texture", exemplar] + size + sourceMap + common + extra
        case (.analogies, .transfer):
            // Texture transfer by analogy: A = A′ = the style, B = the content.
            return [executable, "analogy", "--a", exemplar, "--a-prime", exemplar, "--b", inputs["content"]!] + sourceMap + common + extra
        case (.analogies, .filter):
            return [executable, "analogy", "--a", inputs["a"]!, "--a-prime", inputs["a_prime"]!, "--b", inputs["b"]!] + sourceMap + common + extra
        case (.neural, .transfer):
            return [executable, "neural", "--content", inputs["content"]!, "--style", exemplar, "--loss-log", folder + "/loss.csv"] + common + extra
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
