import Foundation
import Imaging

/// Draws progress for the CLI: a redrawn bar on a terminal, a line per tenth elsewhere (logs, CI), or nothing.
final class ProgressBar: @unchecked Sendable {
    // @unchecked Sendable: every mutable field is touched only under `lock`.
    private let lock = NSLock()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastStage = ""
    private var lastTenth = -1
    private let quiet: Bool

    init(quiet: Bool) { self.quiet = quiet }

    var sink: ProgressSink? { quiet ? nil : ProgressSink { [self] in draw($0) } }

    private func draw(_ update: ProgressUpdate) {
        lock.lock(); defer { lock.unlock() }
        let percent = Int((update.fraction * 100).rounded(.down))
        let detail = update.detail.map { " \($0)" } ?? ""
        if isTerminal {
            let width = 30, filled = Int(update.fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let end = update.completed >= update.total ? "\n" : ""
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(update.stage) \(bar) \(percent)%\(detail)\(end)".utf8))
        } else {
            let tenth = percent / 10
            if update.stage != lastStage || tenth != lastTenth {
                FileHandle.standardError.write(Data("\(update.stage): \(percent)%\(detail)\n".utf8))
            }
            lastStage = update.stage
            lastTenth = tenth
        }
    }
}
