import Dispatch

/// Time spent in one stage of a run.
public struct StageTiming: Codable, Sendable, Equatable {
    public var stage: String
    public var seconds: Double
    public init(stage: String, seconds: Double) { self.stage = stage; self.seconds = seconds }
}

/// Measures stages of a run.
package struct Stopwatch {
    package private(set) var timings: [StageTiming] = []
    private var start = DispatchTime.now().uptimeNanoseconds

    package init() {}

    /// Adds the time since the last lap (or since creation) to `stage`.
    package mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        let seconds = Double(now - start) / 1e9
        if let i = timings.firstIndex(where: { $0.stage == stage }) { timings[i].seconds += seconds }
        else { timings.append(StageTiming(stage: stage, seconds: seconds)) }
        start = now
    }
}

