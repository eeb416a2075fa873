import Analogies
import Imaging
import Motion

/// Guide weights of a video analogy (guided synthesis after Jamriška et al. 2019), beside the analogy parameters.
public struct AnalogyVideoSettings: Codable, Sendable, Equatable {
    /// Off: every frame made on its own.
    public var temporal: Bool
    /// Weight of the temporal guide: the previous B′ warped to this frame, against A′. Measured on a synthetic pan
    /// and OpenCV's tree.avi (texture transfer by analogy, The Starry Night): 2 cut the warping error 1.9× and 2.0×,
    /// 4 cut it 3.0× on both, with no visible loss of texture.
    public var temporalWeight: Float
    /// Weight of the positional guide (keyframe propagation only): each pixel's keyframe coordinates carried
    /// along the flow, against the keyframe's own coordinates.
    public var positionalWeight: Float
    /// DIS's preset; the guides come from the neighbouring frame only.
    public var flowPreset: FlowPreset

    public init(temporal: Bool = true, temporalWeight: Float = 4, positionalWeight: Float = 1,
                flowPreset: FlowPreset = .medium) {
        self.temporal = temporal
        self.temporalWeight = temporalWeight
        self.positionalWeight = positionalWeight
        self.flowPreset = flowPreset
    }
}

/// An analogy A : A′ :: frame : B′ through a clip. From the second frame on, the previous B′ warped to the frame
/// (the frame itself where the warp is unreliable) is a temporal guide.
public func stylizeVideo(_ clip: FrameSequence, a: Image, aPrime: Image, _ p: AnalogyParameters,
                         _ v: AnalogyVideoSettings = AnalogyVideoSettings(),
                         progress: ProgressSink? = nil) throws -> VideoResult {
    try driveClip(clip, order: Array(clip.frames.indices), earlier: { framesBefore($0, offsets: [1]) },
                  temporal: v.temporal, preset: v.flowPreset, progress: progress) { t, history in
        let guides = history.prefix(1).map {
            AnalogyGuide.temporal(previous: blended($0.image, clip.frames[t], by: $0.reliability),
                                  weight: v.temporalWeight)
        }
        return (try analogy(a: a, aPrime: aPrime, b: clip.frames[t], p, guides: guides).image, nil)
    }
}

/// Keyframe propagation, as EbSynth does: one stylised frame `keyframe` (of frame `index`, from any method or
/// painted by hand) is the exemplar A′ beside its input frame A, and its style is carried forwards and backwards
/// through the clip. Each frame is guided by its pixels' keyframe coordinates, advected along the flow, and (with
/// `temporal`) by the neighbouring output warped to it.
public func propagateKeyframe(_ clip: FrameSequence, keyframe: Image, index: Int, _ p: AnalogyParameters,
                              _ v: AnalogyVideoSettings = AnalogyVideoSettings(),
                              progress: ProgressSink? = nil) throws -> VideoResult {
    guard clip.frames.indices.contains(index) else {
        throw ParameterError(name: "--keyframe-index", value: "\(index + 1)",
                             expected: "a frame of the clip, 1 to \(clip.frames.count)")
    }
    let a = clip.frames[index], size = a.size
    let aPrime = keyframe.size == size ? keyframe.opaque.rgb() : keyframe.opaque.rgb().resized(to: size, method: .area)
    let ramp = coordinateRamp(size)
    var positions: [Int: Image] = [index: ramp]
    // Forwards from the keyframe, then backwards; each frame's neighbour towards the keyframe comes first.
    let order = Array(index ..< clip.frames.count) + Array(stride(from: index - 1, through: 0, by: -1))
    let towardsKey = { (t: Int) -> Int in t > index ? t - 1 : t + 1 }
    return try driveClip(clip, order: order, earlier: { $0 == index ? [] : [towardsKey($0)] },
                         temporal: v.temporal, preset: v.flowPreset, progress: progress) { t, history in
        if v.temporal, t != index, positions[t] == nil, let from = positions[towardsKey(t)] {
            let flow = try opticalFlow(from: clip.frames[t], to: clip.frames[towardsKey(t)], preset: v.flowPreset)
            positions[t] = warp(from, by: flow)
        }
        let position = positions[t] ?? ramp
        // Without temporal coherence every frame is its own analogy of the keyframe pair, unguided.
        var guides = v.temporal ? [AnalogyGuide(a: ramp, b: position, weight: v.positionalWeight)] : []
        if v.temporal, let previous = history.first {
            // Where the warp fails, the keyframe's style at the advected coordinates stands in.
            let predicted = sampled(aPrime, at: position)
            guides.append(.temporal(previous: blended(previous.image, predicted, by: previous.reliability),
                                    weight: v.temporalWeight))
        }
        if t == index { return (aPrime, nil) }
        return (try analogy(a: a, aPrime: aPrime, b: clip.frames[t], p, guides: guides).image, nil)
    }
}

/// Two channels: x / (W − 1) and y / (H − 1), each pixel's own coordinates.
func coordinateRamp(_ size: Size) -> Image {
    var ramp = Image(width: size.width, height: size.height, channels: 2)
    let sx = 1 / Float(max(size.width - 1, 1)), sy = 1 / Float(max(size.height - 1, 1))
    for y in 0 ..< size.height {
        for x in 0 ..< size.width {
            ramp[x, y, 0] = Float(x) * sx
            ramp[x, y, 1] = Float(y) * sy
        }
    }
    return ramp
}

/// `image` read at the coordinates a ramp-like `positions` holds (nearest pixel).
func sampled(_ image: Image, at positions: Image) -> Image {
    var out = Image(width: positions.width, height: positions.height, channels: image.channels)
    let wx = Float(image.width - 1), wy = Float(image.height - 1)
    for y in 0 ..< positions.height {
        for x in 0 ..< positions.width {
            let u = Int((min(max(positions[x, y, 0], 0), 1) * wx).rounded())
            let v = Int((min(max(positions[x, y, 1], 0), 1) * wy).rounded())
            for c in 0 ..< image.channels { out[x, y, c] = image[u, v, c] }
        }
    }
    return out
}
