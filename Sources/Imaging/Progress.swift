/// One report of long work: which stage, how far along, and optionally a number worth showing (a loss, an error).
public struct ProgressUpdate: Sendable, Equatable {
    public var stage: String
    public var completed: Int
    public var total: Int
    public var detail: String?

    public init(stage: String, completed: Int, total: Int, detail: String? = nil) {
        self.stage = stage
        self.completed = completed
        self.total = total
        self.detail = detail
    }

    public var fraction: Double { total > 0 ? Double(completed) / Double(total) : 0 }
}

/// Where algorithms send progress. The CLI draws a bar on a terminal and plain lines elsewhere; a library user can
/// pass any closure, or nothing.
public struct ProgressSink: Sendable {
    public let report: @Sendable (ProgressUpdate) -> Void
    public init(_ report: @escaping @Sendable (ProgressUpdate) -> Void) { self.report = report }

    public func callAsFunction(_ stage: String, _ completed: Int, of total: Int, detail: String? = nil) {
        report(ProgressUpdate(stage: stage, completed: completed, total: total, detail: detail))
    }
}
