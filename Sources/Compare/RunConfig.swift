import Foundation
import Imaging
import StyleLabSupport

/// A comparison run: a set, the methods with their parameters, and limits. Stored as JSON (`datasets/runs/*.json`).
///
/// Each case is one task — texture synthesis, transfer, or a learned filter — and each method runs the task its
/// algorithm has for it. An algorithm's method carries, per task, that algorithm's own parameters (the keys of
/// `QuiltingParameters`, `TransferParameters`, `AnalogyParameters` or `StyleTransferParameters`, any subset, over a
/// preset's or the paper's defaults), so a renamed parameter is a clear error naming the keys there are:
///
///     {"id": "quilting", "kind": "quilting", "synthesis": {"parameters": {"blockSize": 32}},
///      "transfer": {"parameters": {"quilting": {"blockSize": 16}, "passes": 3}}}
///     {"id": "analogies", "kind": "analogies", "filter": {"preset": "learned-filter"}}
///
/// Each cell runs in a child process (`stylelab cell CELL.json`), which calls the library. A `command` method
/// runs any program instead (another implementation, or a test that crashes on purpose), with `{content}`,
/// `{style}`, `{texture}`, `{a}`, `{a_prime}`, `{b}`, `{output}` and `{folder}` in its `args` replaced by paths.
public struct RunConfig: Codable, Sendable {
    public struct Method: Codable, Sendable {
        public var id: String
        public var kind: Kind
        /// For `command` only: the program and its arguments.
        public var args: [String]?
        /// The algorithm's settings for each task (absent: the defaults).
        public var synthesis: TaskSetting?
        public var transfer: TaskSetting?
        public var filter: TaskSetting?
        /// Through a clip (a case with the role `frames` and a style or texture).
        public var video: TaskSetting?
        /// Settings for single cases, by case id, written over the task's (texture-by-numbers wants RGB features).
        public var cases: [String: TaskSetting]?
        /// A label for grids (default: the id).
        public var label: String?

        public init(id: String, kind: Kind, args: [String]? = nil, synthesis: TaskSetting? = nil,
                    transfer: TaskSetting? = nil, filter: TaskSetting? = nil, video: TaskSetting? = nil,
                    cases: [String: TaskSetting]? = nil, label: String? = nil) {
            self.id = id; self.kind = kind; self.args = args; self.synthesis = synthesis; self.transfer = transfer
            self.filter = filter; self.video = video; self.cases = cases; self.label = label
        }
    }

    /// How an algorithm runs one task: a preset (analogies: the paper's applications; neural: stylelab,
    /// neural-style, gatys2016), the network (neural: vgg or random), the trained model (wct: the folder of
    /// decoders; fast-style: the network file; default: the shipped models/) and parameters over them.
    public struct TaskSetting: Codable, Sendable, Equatable {
        public var preset: String?
        public var network: String?
        public var model: String?
        public var parameters: JSONValue?

        public init(preset: String? = nil, network: String? = nil, model: String? = nil,
                    parameters: JSONValue? = nil) {
            self.preset = preset; self.network = network; self.model = model; self.parameters = parameters
        }

        /// `other` written over this setting; parameters merge key by key.
        func overlaid(with other: TaskSetting?) -> TaskSetting {
            guard let other else { return self }
            let merged = other.parameters.map { parameters?.overlaid(with: $0) ?? $0 } ?? parameters
            return TaskSetting(preset: other.preset ?? preset, network: other.network ?? network,
                               model: other.model ?? model, parameters: merged)
        }
    }

    /// The algorithm; the case's roles choose the task (see `Task`). `wct` and `fast-style` are the feed-forward
    /// stylisers (transfer only).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case quilting, analogies, neural, wct, fastStyle = "fast-style", command
    }

    /// What a case asks for: texture synthesis (a texture alone), transfer (content and a style or texture), or a
    /// learned filter (A, A′ and B).
    public enum Task: String, Codable, Sendable {
        case synthesis, transfer, filter, video
        init?(roles: [String: String]) {
            if roles["frames"] != nil {
                guard (roles["style"] ?? roles["texture"]) != nil else { return nil }
                self = .video
            } else if roles["a"] != nil && roles["a_prime"] != nil && roles["b"] != nil { self = .filter }
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
    /// Frames of each clip a video case uses (default 8), from its start.
    public var videoFrames: Int?

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
        try refuseUnknownMethodKeys(data, path: path)
        try run.validate(path)
        return run
    }

    /// A method or task key the runner does not know (an old `transfer_args`, a misspelt `parameter`) is an error
    /// naming the keys there are, not something silently left out.
    static func refuseUnknownMethodKeys(_ data: Data, path: String) throws {
        func keys(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }
        let methodKeys = keys(Method(id: "", kind: .command)), settingKeys = keys(TaskSetting())
        let methods = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["methods"] as? [Any] ?? []
        for case let method as [String: Any] in methods {
            let id = method["id"] as? String ?? "?"
            if let unknown = method.keys.sorted().first(where: { !methodKeys.contains($0) }) {
                let detail = "method \(id) has no key \"\(unknown)\"; the keys are "
                throw CompareError.unreadable(path: path, detail: detail + methodKeys.joined(separator: ", "))
            }
            var settings = ["synthesis", "transfer", "filter", "video"].compactMap { method[$0] }
            settings += (method["cases"] as? [String: Any])?.values.map { $0 } ?? []
            for case let setting as [String: Any] in settings {
                if let unknown = setting.keys.sorted().first(where: { !settingKeys.contains($0) }) {
                    let detail = "method \(id): a task setting has no key \"\(unknown)\"; the keys are "
                    throw CompareError.unreadable(path: path, detail: detail + settingKeys.joined(separator: ", "))
                }
            }
        }
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
            for caseId in (method.cases ?? [:]).keys { try SafeNames.checkID(caseId, "cases", in: path) }
            if let label = method.label, label.count > 100 {
                throw bad("method \(method.id)'s label is over 100 characters")
            }
            if method.kind != .command && method.args != nil {
                throw bad("method \(method.id) is \(method.kind.rawValue): args are for command methods; give its "
                          + "parameters per task, e.g. \"transfer\": {\"parameters\": {…}}")
            }
            for task in [Task.synthesis, .transfer, .filter, .video] where method.kind != .command {
                let source = "\(path): method \(method.id), \(task.rawValue)"
                try checkSetting(method.setting(for: task, caseId: ""), kind: method.kind, task: task, source: source)
                for (caseId, _) in method.cases ?? [:] {
                    try checkSetting(method.setting(for: task, caseId: caseId), kind: method.kind, task: task,
                                     source: source + ", case \(caseId)")
                }
            }
        }
        try SafeNames.checkUnique(methods.map(\.id), "method", in: path)
        if let maxSide, !(1 ... 16384).contains(maxSide) { throw bad("max_side \(maxSide) is not 1 to 16384") }
        if let videoFrames, !(2 ... 1000).contains(videoFrames) {
            throw bad("video_frames \(videoFrames) is not 2 to 1000")
        }
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
    /// Whether this method has something to do for a task (Gatys has no learned filter, quilting neither).
    func runs(_ task: RunConfig.Task?) -> Bool {
        switch (kind, task) {
        case (.command, _), (.quilting, .synthesis), (.quilting, .transfer), (.analogies, .synthesis),
             (.analogies, .transfer), (.analogies, .filter), (.neural, .transfer), (.quilting, .video),
             (.analogies, .video), (.neural, .video), (.wct, .transfer), (.fastStyle, .transfer): return true
        default: return false
        }
    }

    /// The typed setting of this method for one case: the task's, with the case's written over it.
    func setting(for task: RunConfig.Task, caseId: String) -> RunConfig.TaskSetting {
        let base: RunConfig.TaskSetting?
        switch task {
        case .synthesis: base = synthesis
        case .transfer: base = transfer
        case .filter: base = filter
        case .video: base = video
        }
        return (base ?? RunConfig.TaskSetting()).overlaid(with: cases?[caseId])
    }

    /// A `command` method's argument vector on a case whose prepared inputs are `inputs`, writing into `folder`;
    /// nil when it names a role the case does not have.
    func commandArguments(inputs: [String: String], folder: String) -> [String]? {
        var applicable = true
        let argv = (args ?? []).map { argument -> String in
            var text = argument.replacingOccurrences(of: "{output}", with: folder + "/output.png")
                .replacingOccurrences(of: "{folder}", with: folder)
            for role in DatasetManifest.roles where text.contains("{\(role)}") {
                guard let path = inputs[role] else { applicable = false; continue }
                text = text.replacingOccurrences(of: "{\(role)}", with: path)
            }
            return text
        }
        return applicable ? argv : nil
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
