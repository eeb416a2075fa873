import Analogies
import Foundation
import Imaging
import Neural
import Quilting
import Video

/// A video cell: the method through the case's clip (its prepared frames) with its temporal terms at their
/// defaults. It writes the frames, `video.mp4`, `output.png` (a strip of five frames, which the grid shows),
/// `warping.csv` (the warping error per frame pair) and `summary.json` with the temporal metrics.
func runVideoCell(_ cell: CellSpec, style: Image) throws {
    guard let folder = cell.inputs["frames"] else {
        throw CompareError.unreadable(path: cell.source, detail: "the cell has no frames input")
    }
    let clip = try FrameSequence(contentsOf: folder, .init(longestSide: nil, maxFrames: 1000))
    let frame = clip.frames.first?.size ?? Size(width: 1, height: 1)
    let result: VideoResult, parameters: any Encodable
    switch cell.algorithm {
    case .quilting:
        var (p, keys) = try cellParameters(cell, over: TransferParameters(), seedKey: ["quilting", "seed"])
        if !keys.contains("quilting.blockSize") { _ = p.fitBlock(toTarget: frame) }
        try p.validate(textureSize: style.size)
        try checkMemory(QuiltingMemory.transfer(texture: style.size, channels: style.channels, target: frame, p), cell)
        (result, parameters) = (try stylizeVideo(clip, texture: style, p), p)
    case .analogies:
        let (p, _) = try cellParameters(cell, over: try analogyDefaults(cell))
        try checkMemory(AnalogyMemory.analogy(a: style.size, b: frame, p), cell)
        (result, parameters) = (try stylizeVideo(clip, a: style, aPrime: style, p), p)
    case .neural:
        var (p, keys) = try cellParameters(cell, over: try neuralDefaults(cell))
        p.settleLearningRate(given: keys)
        try checkMemory(StyleTransferMemory.styleTransfer(content: frame, styles: [style.size], p), cell)
        let network: any FeatureNetwork = try networkKind(cell) == .random
            ? RandomMultiScaleNetwork(seed: p.seed)
            : VGG19(try VGG19Weights.load(cell.weights).reaching(p.contentLayers + p.styleLayers), pooling: p.pooling)
        (result, parameters) = (try stylizeVideo(clip, styles: [style], network: network, p), p)
    case .command, .wct, .fastStyle:
        throw CompareError.unreadable(path: cell.source,
                                      detail: "a \(cell.algorithm.rawValue) method has no video task")
    }
    let output = FrameSequence(frames: result.frames, framesPerSecond: clip.framesPerSecond)
    try output.write(frames: cell.folder + "/frames", mp4: cell.folder + "/video.mp4")
    try output.strip().write(to: cell.folder + "/output.png")
    let metrics = try temporalMetrics(outputs: result.frames, inputs: clip.frames)
    let rows = ["pair,warping_error"] + metrics.warpingErrors.enumerated().map { "\($0 + 1),\($1)" }
    try Data((rows.joined(separator: "\n") + "\n").utf8).writeAtomically(to: cell.folder + "/warping.csv")
    let summary = try VideoSummary(method: cell.algorithm.rawValue, clip: clip, result: result, metrics: metrics,
                                   settings: String?.none, parameters: parameters)
    try writeSummary(summary, parameters: parameters, folder: cell.folder)
}
