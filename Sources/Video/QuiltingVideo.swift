import Imaging
import Motion
import Quilting

/// The temporal term of video texture transfer, beside the transfer parameters.
public struct QuiltingVideoSettings: Codable, Sendable, Equatable {
    /// Off: every frame made on its own.
    public var temporal: Bool
    /// Weight of the agreement with the previous output warped to the frame, beside the block error (1 in all).
    public var temporalWeight: Float
    /// DIS's preset; the agreement is with the previous frame only.
    public var flowPreset: FlowPreset

    public init(temporal: Bool = true, temporalWeight: Float = 2, flowPreset: FlowPreset = .medium) {
        self.temporal = temporal
        self.temporalWeight = temporalWeight
        self.flowPreset = flowPreset
    }
}

/// Image Quilting texture transfer through a clip, each frame the target. From the second frame on, every block
/// also agrees with the previous output warped to this frame where the flow is reliable, and a block that is
/// reliable throughout takes its best agreement: the previous frame's block carried along the flow.
public func stylizeVideo(_ clip: FrameSequence, texture: Image, _ p: TransferParameters,
                         _ v: QuiltingVideoSettings = QuiltingVideoSettings(),
                         progress: ProgressSink? = nil) throws -> VideoResult {
    try driveClip(clip, order: Array(clip.frames.indices), earlier: { framesBefore($0, offsets: [1]) },
                  temporal: v.temporal, preset: v.flowPreset, progress: progress) { t, history in
        let guide = history.first.map {
            TemporalGuide(image: $0.image, reliability: $0.reliability, weight: v.temporalWeight)
        }
        return (try transfer(texture, onto: clip.frames[t], p, temporal: guide).image, nil)
    }
}
