import Analogies
import Compare
import Imaging
import Neural
import Quilting
import Testing
import Video

/// Each family through a small panning clip with and without its temporal terms: the terms must make the result
/// steadier by the warping error measured on the input's flow.
@Suite struct CoherenceTests {
    static let clip = FrameSequence(frames: panningClip(frames: 4, size: 64, dx: 3))

    static func steadiness(_ result: VideoResult) throws -> Double {
        try temporalMetrics(outputs: result.frames, inputs: clip.frames).warpingError
    }

    @Test func quiltingFollowsTheFlow() throws {
        let texture = SyntheticImage.fractalNoise(Size(width: 72, height: 72), seed: 5, octaves: 4)
        var p = TransferParameters(quilting: QuiltingParameters(blockSize: 12, tolerance: 0.3, seed: 2), passes: 2)
        p.quilting.threads = 2
        let steady = try stylizeVideo(CoherenceTests.clip, texture: texture, p)
        let flickering = try stylizeVideo(CoherenceTests.clip, texture: texture, p,
                                          QuiltingVideoSettings(temporal: false))
        let (on, off) = (try CoherenceTests.steadiness(steady), try CoherenceTests.steadiness(flickering))
        #expect(on < off / 2, "warping error \(on) with the temporal term, \(off) without")
        #expect(steady.frames.count == 4 && steady.flowSeconds[0] == 0 && steady.flowSeconds[1] > 0)
    }

    @Test func gatysFollowsTheFlow() throws {
        let style = SyntheticImage.fractalNoise(Size(width: 48, height: 48), seed: 9, octaves: 3)
        var p = FeatureNetworkKind.random.adapting(StyleTransferParameters(size: 48, iterations: 30))
        p.seed = 1
        let network = RandomMultiScaleNetwork(seed: 1)
        let clip = FrameSequence(frames: CoherenceTests.clip.frames.map { $0.resized(to: Size(width: 48, height: 48)) })
        let settings = GatysVideoSettings(laterIterations: 15, offsets: [1, 2])
        let steady = try stylizeVideo(clip, styles: [style], network: network, p, settings)
        var independent = p
        independent.initialisation = .noise  // each frame from its own noise, as a per-frame run would
        let flickering = try stylizeVideo(clip, styles: [style], network: network, independent,
                                          GatysVideoSettings(temporal: false))
        let steadiness = { (result: VideoResult) in
            try temporalMetrics(outputs: result.frames, inputs: clip.frames).warpingError
        }
        let (on, off) = (try steadiness(steady), try steadiness(flickering))
        #expect(on < off / 2, "warping error \(on) with the temporal loss, \(off) without")
        #expect(steady.iterations.dropFirst().allSatisfy { ($0 ?? 0) <= 15 })
    }

    @Test func aKeyframeIsCarriedThroughTheClip() throws {
        // The keyframe: frame 2 of the clip, inverted (a "style" any method or a painter could have made).
        let clip = CoherenceTests.clip
        var keyframe = clip.frames[1]
        for i in keyframe.samples.indices { keyframe.samples[i] = 1 - keyframe.samples[i] }
        var p = AnalogyParameters(kappa: 2, levels: 2, remapLuminance: false, search: .exact, chroma: .fromAPrime)
        p.threads = 2
        let guided = try propagateKeyframe(clip, keyframe: keyframe, index: 1, p)
        #expect(guided.frames[1] == keyframe)
        // Every frame should look like its own frame inverted.
        for (t, frame) in guided.frames.enumerated() {
            let inverted = Image(width: frame.width, height: frame.height, channels: 3,
                                 samples: clip.frames[t].samples.map { 1 - $0 })
            #expect(PixelMetrics.psnr(frame, reference: inverted).map { $0 > 18 } ?? true, "frame \(t + 1)")
        }
        let unguided = try propagateKeyframe(clip, keyframe: keyframe, index: 1, p,
                                             AnalogyVideoSettings(temporal: false))
        let (on, off) = (try CoherenceTests.steadiness(guided), try CoherenceTests.steadiness(unguided))
        #expect(on <= off, "warping error \(on) with guides, \(off) without")
    }
}
