import Imaging
import Motion
import Neural

/// Settings of Ruder, Dosovitskiy & Brox 2016 ("Artistic style transfer for videos") beside the Gatys parameters.
public struct GatysVideoSettings: Codable, Sendable, Equatable {
    /// Off: every frame stylised on its own from its content (the flickering baseline).
    public var temporal: Bool
    /// λ of the temporal loss (the paper's 1000, beside content 5 and style 100).
    public var temporalWeight: Float
    /// Iterations for every frame after the first, which starts from the previous result warped (the paper: 1000
    /// after 2000, i.e. half); nil means half of the first frame's.
    public var laterIterations: Int?
    /// Early stop: relative loss change over 50 iterations (the paper's 1e-4); nil never stops early.
    public var stopTolerance: Double?
    /// The earlier frames each frame is tied to (the paper's long-term consistency: 1, 2 and 4 frames back).
    public var offsets: [Int]
    /// DIS's preset for every flow.
    public var flowPreset: FlowPreset

    public init(temporal: Bool = true, temporalWeight: Float = 1000, laterIterations: Int? = nil,
                stopTolerance: Double? = 1e-4, offsets: [Int] = [1, 2, 4], flowPreset: FlowPreset = .medium) {
        self.temporal = temporal
        self.temporalWeight = temporalWeight
        self.laterIterations = laterIterations
        self.stopTolerance = stopTolerance
        self.offsets = offsets
        self.flowPreset = flowPreset
    }
}

/// Gatys style transfer through a clip. The first frame runs as a still image; each later one adds the temporal
/// loss against the earlier outputs warped to it (weighted by their reliabilities, closest first), starts from the
/// previous output warped, runs fewer iterations at the final size only, and stops once the loss settles.
public func stylizeVideo(_ clip: FrameSequence, styles: [Image], network: any FeatureNetwork,
                         _ p: StyleTransferParameters, _ v: GatysVideoSettings = GatysVideoSettings(),
                         progress: ProgressSink? = nil) throws -> VideoResult {
    var first = p
    first.size = clip.frames.first.map { max($0.width, $0.height) } ?? p.size
    first.sizes = first.sizes.map { sizes in sizes.map { min($0, first.size) } }
    var later = first
    later.sizes = [first.size]
    later.coarseToFine = false
    later.iterations = v.laterIterations ?? max(1, first.iterations / 2)
    let earlier = { (t: Int) in framesBefore(t, offsets: v.offsets) }
    return try driveClip(clip, order: Array(clip.frames.indices), earlier: earlier, temporal: v.temporal,
                         preset: v.flowPreset, progress: progress) { t, history in
        guard !history.isEmpty else {
            let result = try styleTransfer(content: clip.frames[t], styles: styles, network: network, first)
            return (result.image, result.iterations)
        }
        let term = TemporalTerm(targets: history.map { TemporalTarget(image: $0.image, reliability: $0.reliability) },
                                weight: v.temporalWeight, start: history[0].image, stopTolerance: v.stopTolerance)
        let result = try styleTransfer(content: clip.frames[t], styles: styles, network: network, later,
                                       temporal: term)
        return (result.image, result.iterations)
    }
}
