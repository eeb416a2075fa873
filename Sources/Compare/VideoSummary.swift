import Foundation
import Imaging
import Video

/// `summary.json` of a video run: what ran, what each frame cost, and how steady the result is.
public struct VideoSummary: Codable, Sendable {
    public var method: String
    public var frames: Int
    public var width: Int, height: Int
    public var framesPerSecond: Double
    public var temporal: Bool
    /// The method's own seconds per frame, and the flows' and warps'.
    public var secondsPerFrame: [Double]
    /// Every frame's method and flow time.
    public var secondsTotal: Double
    public var flowSecondsPerFrame: [Double]
    /// Mean seconds per frame after the first (warm-started frames), and the first frame's.
    public var firstFrameSeconds: Double
    public var laterFrameSeconds: Double?
    public var iterations: [Int]?
    public var warpingError: Double
    public var metrics: TemporalMetrics
    /// The method's settings and parameters, as their own JSON.
    public var settings: JSONValue?
    public var parameters: JSONValue?

    public init(method: String, clip: FrameSequence, result: VideoResult, metrics: TemporalMetrics,
                settings: (some Encodable)?, parameters: (some Encodable)?) throws {
        self.method = method
        frames = result.frames.count
        (width, height) = (result.frames.first?.width ?? 0, result.frames.first?.height ?? 0)
        framesPerSecond = clip.framesPerSecond
        temporal = result.temporal
        secondsPerFrame = result.methodSeconds
        flowSecondsPerFrame = result.flowSeconds
        secondsTotal = (result.methodSeconds + result.flowSeconds).reduce(0, +)
        firstFrameSeconds = result.methodSeconds.first ?? 0
        let later = result.methodSeconds.dropFirst()
        laterFrameSeconds = later.isEmpty ? nil : later.reduce(0, +) / Double(later.count)
        let counts = result.iterations.compactMap { $0 }
        iterations = counts.isEmpty ? nil : counts
        warpingError = metrics.warpingError
        self.metrics = metrics
        self.settings = try settings.map { try JSONValue(encoding: $0) }
        self.parameters = try parameters.map { try JSONValue(encoding: $0) }
    }
}

extension JSONValue {
    /// Any encodable value as JSON, by a round trip through its encoding.
    init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }
}
