import Foundation
import Imaging
import StyleLabSupport

/// What a texture-transfer block must resemble in the target (Efros & Freeman 2001, §3).
public enum Correspondence: Codable, Sendable, Equatable {
    /// Luminance of texture and target.
    case luminance
    /// Luminance blurred by a Gaussian of σ = `TransferParameters.blurSigma`: matches shading, not detail.
    case blurredLuminance
    /// A user's pair of maps: the first registered with the texture, the second with the target (their
    /// luminance is compared), e.g. an orientation map or a hand-painted label map.
    case maps(texture: String, target: String)

    /// `--correspondence luminance`, `blurred` or `MAP_TEXTURE,MAP_TARGET`.
    static var field: ParameterField<TransferParameters> {
        ParameterField(key: "correspondence", valueHelp: "luminance|blurred|MAP_TEXTURE,MAP_TARGET",
                       help: "What the target is matched by: luminance, blurred luminance, or two map images",
                       assign: { p, text, flag in p.correspondence = try Correspondence(parsing: text, flag: flag) },
                       show: { p in
                           switch p.correspondence {
                           case .luminance: return "luminance"
                           case .blurredLuminance: return "blurred"
                           case .maps(let texture, let target): return texture + "," + target
                           }
                       })
    }

    init(parsing text: String, flag: String) throws {
        let maps = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        switch text {
        case "luminance": self = .luminance
        case "blurred": self = .blurredLuminance
        case _ where maps.count == 2 && !maps.contains(""): self = .maps(texture: maps[0], target: maps[1])
        default: throw ParameterError(name: flag, value: text, expected: "luminance, blurred or MAP_TEXTURE,MAP_TARGET")
        }
    }
}

/// Parameters of texture transfer. Defaults follow the paper where it gives them.
public struct TransferParameters: Codable, Sendable, Equatable {
    /// Synthesis settings of the first pass (block size B, overlap, tolerance, search, wrap, seed, threads).
    public var quilting: QuiltingParameters
    /// Number of passes N, 1–20; the paper uses 3 to 5.
    public var passes: Int
    /// Each pass's block is this fraction of the previous one, in (0, 1] (the paper: "reduced by a third each time").
    public var blockShrink: Float
    /// α for each pass, each in [0, 1]; nil means the paper's α_i = 0.8 · (i − 1)/(N − 1) + 0.1.
    public var alphaSchedule: [Float]?
    public var correspondence: Correspondence
    /// σ in pixels of the blur for `.blurredLuminance`, 0–100: 2 blurs away the texture's detail at the scale of
    /// a small block.
    public var blurSigma: Float
    /// Match the target's luminance mean and σ to the texture's before comparing (Hertzmann et al. 2001, §3.4);
    /// without it a dark target draws only from the darkest blocks of the texture.
    public var remapLuminance: Bool

    public init(quilting: QuiltingParameters = QuiltingParameters(blockSize: 36, tolerance: 0.1), passes: Int = 3,
                blockShrink: Float = 2.0 / 3.0, alphaSchedule: [Float]? = nil,
                correspondence: Correspondence = .blurredLuminance, blurSigma: Float = 2,
                remapLuminance: Bool = true) {
        self.quilting = quilting
        self.passes = passes
        self.blockShrink = blockShrink
        self.alphaSchedule = alphaSchedule
        self.correspondence = correspondence
        self.blurSigma = blurSigma
        self.remapLuminance = remapLuminance
    }

    /// The first pass's block for a target of `size` when none is given: a sixteenth of its shorter side, within
    /// 8–36 px. A block large against the target leaves too few blocks to follow it: measured on three photos not in
    /// the embedded set, with two textures (`make bench BENCH_ARGS=defaults`), the result's luminance correlates
    /// with the target's (both blurred by σ = side / 64) at r = 0.23, 0.48, 0.71 with a fixed 36-px block at 128,
    /// 256 and 512 px, and at 0.92, 0.95, 0.89 with this rule (never below 0.84).
    public static func blockSize(forTarget size: Size) -> Int {
        min(36, max(8, (min(size.width, size.height) + 8) / 16))
    }

    /// Sets the first pass's block by `blockSize(forTarget:)`, for a caller that was given none; returns why, for
    /// the summary.
    public mutating func fitBlock(toTarget size: Size) -> String {
        quilting.blockSize = TransferParameters.blockSize(forTarget: size)
        return "block \(quilting.blockSize) for the \(size) target: a sixteenth of its shorter side, within 8–36"
    }

    /// α of pass i (0-based).
    public func alpha(pass i: Int) -> Float {
        if let alphaSchedule { return alphaSchedule[i] }
        return passes == 1 ? 0.1 : 0.8 * Float(i) / Float(passes - 1) + 0.1
    }

    /// Block size of pass i (0-based): B · shrink^i, at least 3.
    public func blockSize(pass i: Int) -> Int {
        max(3, Int((Float(quilting.blockSize) * pow(blockShrink, Float(i))).rounded()))
    }

    /// Every parameter as the CLI, the parameter files and `validate()` see it: the first pass's quilting
    /// parameters (under `quilting`), then transfer's own.
    package static var table: ParameterTable<Self> {
        ParameterTable(QuiltingParameters.table.fields.map { $0.nested(in: \.quilting, key: "quilting") } + [
            .integer(\.passes, "passes", in: 1 ... 20, "Passes N, each with a smaller block (the paper: 3 to 5)"),
            .real(\.blockShrink, "blockShrink", in: 0 ... 1, excludingLow: true,
                  "Each pass's block as a fraction of the previous one"),
            .reals(\.alphaSchedule, "alphaSchedule", in: 0 ... 1, automatic: "0.8·(i−1)/(N−1) + 0.1",
                   "α of each pass, one per pass: the weight of the overlap error against the correspondence"),
            Correspondence.field,
            .real(\.blurSigma, "blurSigma", in: 0 ... 100, "σ in pixels of the blur for --correspondence blurred"),
            .toggle(\.remapLuminance, "remapLuminance", flag: "--remap",
                    "Match the target's luminance mean and σ to the texture's"),
        ])
    }

    /// Checks every field against its range in `table` (naming its flag), the overlap against the block, and
    /// one α per pass.
    public func validate() throws {
        try Self.table.check(self)
        try quilting.validate()
        if let alphaSchedule, alphaSchedule.count != passes {
            throw ParameterError(name: "--alpha-schedule", value: "\(alphaSchedule.count) values",
                                 expected: "\(passes) values in [0, 1], one per pass")
        }
    }

    /// `validate()`, and that the first block fits in a texture of `textureSize`.
    public func validate(textureSize: Size) throws {
        try validate()
        try quilting.validate(exemplarSize: textureSize)
    }
}

/// Image Quilting texture transfer (Efros & Freeman 2001, §3).
///
/// Each block minimises α · (overlap error) + (1 − α) · (correspondence error against the target). Over N passes
/// the block shrinks by a third and α grows from 0.1 to 0.9, and from the second pass on a block also matches what
/// the previous pass put there, so the picture is refined rather than redrawn. Errors are means per sample, so α
/// weighs terms of different sizes fairly. `textureMap` and `targetMap` are used with `.maps` (same sizes as
/// texture and target); otherwise they are derived from the images. With a `temporal` guide (video), each block
/// also agrees with the guide's picture where it is reliable.
public func transfer(_ texture: Image, onto target: Image, _ p: TransferParameters = TransferParameters(),
                     textureMap: Image? = nil, targetMap: Image? = nil, temporal: TemporalGuide? = nil,
                     progress: ProgressSink? = nil) throws -> QuiltingResult {
    let passes = try transferPasses(texture, onto: target, p, textureMap: textureMap, targetMap: targetMap,
                                    temporal: temporal, progress: progress)
    guard var final = passes.last else { throw ParameterError(name: "--passes", value: "0", expected: "≥ 1") }
    final.timings = passes.flatMap(\.timings).reduce(into: [StageTiming]()) { merged, timing in
        if let i = merged.firstIndex(where: { $0.stage == timing.stage }) { merged[i].seconds += timing.seconds }
        else { merged.append(timing) }
    }
    return final
}

/// Every pass of `transfer`, in order (the walkthroughs show them side by side); the last is its result.
package func transferPasses(_ texture: Image, onto target: Image, _ p: TransferParameters,
                            textureMap: Image? = nil, targetMap: Image? = nil, temporal: TemporalGuide? = nil,
                            progress: ProgressSink? = nil) throws -> [QuiltingResult] {
    guard !texture.isEmpty else { throw QuiltingError.emptyImage(role: "texture") }
    guard !target.isEmpty else { throw QuiltingError.emptyImage(role: "target") }
    if let temporal {
        for (role, image) in [("temporal guide", temporal.image), ("temporal reliability", temporal.reliability)]
            where image.size != target.size {
            throw QuiltingError.sizeMismatch(role: role, expected: target.size, got: image.size)
        }
    }
    let temporal = temporal.map {
        TemporalGuide(image: $0.image.opaque.rgb(), reliability: $0.reliability.channel(0), weight: $0.weight)
    }
    try p.validate(textureSize: texture.size)
    let texture = texture.opaque.rgb(), target = target.opaque.rgb()
    var (textureGuide, targetGuide) = try correspondenceMaps(texture, target, p, textureMap: textureMap, targetMap: targetMap)
    if p.remapLuminance { targetGuide = targetGuide.remapped(toMatch: textureGuide.channelStatistics()[0]) }

    var previous: Image? = nil
    var results: [QuiltingResult] = []
    let totalBlocks = (0 ..< p.passes).reduce(0) { total, i in
        let b = p.blockSize(pass: i)
        return total + BlockGrid(size: target.size, blockSize: b, overlap: max(1, b / 6)).blocks.count
    }
    var done = 0
    for pass in 0 ..< p.passes {
        var q = p.quilting
        q.blockSize = p.blockSize(pass: pass)
        q.overlap = pass == 0 ? p.quilting.overlap : nil
        try q.validate(exemplarSize: texture.size)
        let alpha = p.alpha(pass: pass)
        var clock = Stopwatch()
        var passResult = try transferPass(texture: texture, textureGuide: textureGuide, targetGuide: targetGuide,
                                          previous: previous, temporal: temporal, parameters: q, alpha: alpha,
                                          pass: pass, clock: &clock) {
            done += 1
            progress?("transfer pass \(pass + 1)/\(p.passes)", done, of: totalBlocks)
        }
        passResult.timings = clock.timings
        previous = passResult.image
        results.append(passResult)
    }
    return results
}

/// Texture and target correspondence maps, one channel each, same sizes as texture and target.
func correspondenceMaps(_ texture: Image, _ target: Image, _ p: TransferParameters, textureMap: Image?,
                        targetMap: Image?) throws -> (Image, Image) {
    switch p.correspondence {
    case .luminance:
        return (texture.luminance(), target.luminance())
    case .blurredLuminance:
        let sigma = p.blurSigma
        return (texture.luminance().gaussianBlurred(sigma: sigma), target.luminance().gaussianBlurred(sigma: sigma))
    case .maps:
        guard let textureMap, let targetMap else {
            throw ParameterError(name: "--correspondence", value: "maps",
                                                 expected: "two map images, MAP_TEXTURE,MAP_TARGET")
        }
        guard textureMap.size == texture.size else { throw QuiltingError.sizeMismatch(role: "texture map", expected: texture.size, got: textureMap.size) }
        guard targetMap.size == target.size else { throw QuiltingError.sizeMismatch(role: "target map", expected: target.size, got: targetMap.size) }
        return (textureMap.luminance(), targetMap.luminance())
    }
}

/// One pass of transfer at one block size.
private func transferPass(texture: Image, textureGuide: Image, targetGuide: Image, previous: Image?,
                          temporal: TemporalGuide?, parameters q: QuiltingParameters, alpha: Float, pass: Int,
                          clock: inout Stopwatch, blockDone: () -> Void) throws -> QuiltingResult {
    let b = q.blockSize, o = q.resolvedOverlap, c = texture.channels
    let threads = q.threads ?? Parallel.defaultThreads
    let exemplar = PreparedExemplar(texture, blockSize: b, wrap: q.wrap)
    let guideExemplar = PreparedExemplar(textureGuide, blockSize: b, wrap: q.wrap)
    let colourErrors = BlockErrorMap(exemplar: exemplar.image, blockSize: b, candidates: exemplar.candidates, threads: threads)
    let guideErrors = BlockErrorMap(exemplar: guideExemplar.image, blockSize: b, candidates: exemplar.candidates, threads: threads)
    let grid = BlockGrid(size: targetGuide.size, blockSize: b, overlap: o)
    // The target guide and the previous pass, extended by their edge pixels to the canvas (the last blocks may
    // reach past the target's edge; that part is cropped away at the end).
    let (right, bottom) = (grid.canvasSize.width - targetGuide.width, grid.canvasSize.height - targetGuide.height)
    let guide = targetGuide.padded(right: right, bottom: bottom, boundary: .clamp)
    let earlier = previous?.padded(right: right, bottom: bottom, boundary: .clamp)
    let agreement = temporal.map { ($0.image.padded(right: right, bottom: bottom, boundary: .clamp),
                                    $0.reliability.padded(right: right, bottom: bottom, boundary: .clamp)) }
    var canvas = QuiltingCanvas(size: grid.canvasSize, channels: c, exemplarSize: texture.size, blockSize: b, overlap: o)
    let blockSamples = Float(b * b)
    clock.lap("prepare exemplar")
    for block in grid.blocks {
        // Mean squared error per sample for each term, so that α weighs terms of different sizes fairly.
        var colourRegions = canvas.overlapRegions(px: block.x, py: block.y, hasLeft: block.hasLeft, hasTop: block.hasTop, weight: 1)
        let overlapSamples = Float(colourRegions.reduce(0) { $0 + $1.pixels.pixelCount } * c)
        for i in colourRegions.indices { colourRegions[i].weight = alpha / overlapSamples }
        if let earlier {
            colourRegions.append(TemplateRegion(x: 0, y: 0, pixels: earlier.cropped(x: block.x, y: block.y, width: b, height: b),
                                                weight: alpha / (blockSamples * Float(c))))
        }
        var reliability: Float = 0
        if let temporal, let (image, mask) = agreement {
            let term = TemporalGuide.regions(image: image, mask: mask, px: block.x, py: block.y, blockSize: b,
                                             weight: temporal.weight)
            colourRegions += term.regions
            reliability = term.reliability
        }
        let guideRegion = TemplateRegion(x: 0, y: 0, pixels: guide.cropped(x: block.x, y: block.y, width: b, height: b),
                                         weight: (1 - alpha) / blockSamples)
        var errors = colourErrors.errors(for: colourRegions)
        let correspondence = guideErrors.errors(for: [guideRegion])
        for i in errors.indices { errors[i] += correspondence[i] }
        var random = RandomSource(seed: q.seed, stream: [pass + 1, block.column, block.row])
        let width = exemplar.candidates.width
        let carried = reliability >= TemporalGuide.carryThreshold
        let pick = chooseWithinTolerance(errors, tolerance: carried ? 0 : q.tolerance, random: &random)
        clock.lap("search blocks")
        canvas.place(blockAt: pick % width, pick / width, from: exemplar.image, exemplarSize: texture.size,
                     px: block.x, py: block.y, hasLeft: block.hasLeft, hasTop: block.hasTop)
        clock.lap("cut and copy")
        blockDone()
    }
    return canvas.result(croppedTo: targetGuide.size, timings: [], blockCount: grid.blocks.count)
}
