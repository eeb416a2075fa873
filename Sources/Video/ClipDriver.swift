import Foundation
import Imaging
import Motion

/// A stylised clip and what it cost.
public struct VideoResult: Sendable {
    public var frames: [Image]
    /// Seconds per frame: the method's own work, and the flows and warps that fed it.
    public var methodSeconds: [Double]
    public var flowSeconds: [Double]
    /// Per frame, the optimiser's evaluations (Gatys) or nil.
    public var iterations: [Int?]
    public var temporal: Bool
}

/// Drives a method through a clip in `order`, frame by frame: for each frame, the earlier outputs it is tied to
/// (`earlier(t)`, nearest first) are warped to it and handed to `stylise` with their reliabilities; without
/// `temporal` every frame is made on its own.
func driveClip(_ clip: FrameSequence, order: [Int], earlier: (Int) -> [Int], temporal: Bool, preset: FlowPreset,
               progress: ProgressSink?,
               stylise: (_ t: Int, _ history: [WarpedFrame]) throws -> (Image, Int?)) throws -> VideoResult {
    var outputs: [Int: Image] = [:]
    let n = clip.frames.count
    var method = [Double](repeating: 0, count: n), flow = method
    var iterations = [Int?](repeating: nil, count: n)
    for (done, t) in order.enumerated() {
        let flowStart = Date()
        let history = temporal
            ? try warpedHistory(frame: t, earlier: earlier(t), inputs: clip.frames, outputs: outputs, preset: preset)
            : []
        flow[t] = history.isEmpty ? 0 : Date().timeIntervalSince(flowStart)
        let start = Date()
        let (image, count) = try stylise(t, history)
        method[t] = Date().timeIntervalSince(start)
        outputs[t] = image
        iterations[t] = count
        progress?("video", done + 1, of: order.count, detail: String(format: "frame %d: %.1f s", t + 1, method[t]))
    }
    let frames = (0 ..< n).map { outputs[$0] ?? clip.frames[$0] }
    return VideoResult(frames: frames, methodSeconds: method, flowSeconds: flow, iterations: iterations,
                       temporal: temporal)
}

/// The frames before t that `offsets` name (1: the previous one), nearest first.
func framesBefore(_ t: Int, offsets: [Int]) -> [Int] {
    offsets.sorted().filter { $0 >= 1 && t - $0 >= 0 }.map { t - $0 }
}
