import Foundation

/// What one (case, method) cell of a comparison produced: written as `result.json` in the cell's folder once the
/// cell is finished, so that a rerun skips it and `compare merge` can gather it.
public struct CellResult: Codable, Sendable {
    public enum Status: String, Codable, Sendable {
        case ok
        /// The method exited with an error (its stderr says why).
        case failed
        /// Killed by a signal (a crash).
        case crashed
        case timeout
    }

    public var caseId: String
    public var method: String
    public var label: String
    public var kind: String
    public var status: Status
    /// Exit code, or the signal for a crash.
    public var exitCode: Int32?
    public var signal: Int32?
    /// Wall time of the child process, start to exit.
    public var wallSeconds: Double
    /// The method's own timing, from its summary, when it reports one.
    public var methodSeconds: Double?
    public var peakRssMb: Double
    public var measurements: Measurements
    public var commandLine: [String]
    /// The last lines of stderr when the cell did not succeed.
    public var errorTail: String?
    /// Which optional pictures the cell has (source-map.png, seams.png, loss.csv, and a video cell's video.mp4 and
    /// warping.csv).
    public var extras: [String]
    /// SHA-256 of the cell's command and input files when it ran: a rerun redoes the cell when these change.
    public var key: String?

    /// The optional files a cell may leave beside its output.
    public static let knownExtras = ["source-map.png", "seams.png", "loss.csv", "video.mp4", "warping.csv"]

    /// The time a grid shows: the method's own when it has one, else the child's wall time.
    public var seconds: Double { methodSeconds ?? wallSeconds }
}
