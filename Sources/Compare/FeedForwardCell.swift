import Foundation
import Imaging
import Neural
import StyleLabSupport

/// A fast-style method's parameters in a run: the blend of the model's styles (nil: its first style).
struct FastStyleCellParameters: Codable, Sendable, Equatable {
    var styleMix: [Float]?
}

/// What a feed-forward cell writes to `summary.json`: the model it used, its time and memory.
struct FeedForwardSummary: Encodable {
    var method: String
    var model: String
    var secondsTotal: Double
    var peakRssMb: Double
    var levels: [String]?
    var styles: [String]?
}

/// Universal style transfer of the content toward the style with the setting's decoders (default: shipped models/).
func runWCTCell(_ cell: CellSpec, content: Image, style: Image) throws {
    let (p, _) = try cellParameters(cell, over: WCTParameters(), seedKey: nil)
    keepFreedMemoryForReuse()
    try checkMemory(FeedForwardMemory.wct(content: content.size, styles: [style.size]), cell)
    let folder = wctDecoderFolder(cell.setting)
    let decoders = try FeatureDecoder.load(folder: folder, layers: p.levels)
    let result = try universalStyleTransfer(content: content, styles: [style],
                                            weights: try VGG19Weights.load(cell.weights), decoders: decoders, p)
    try result.image.write(to: cell.folder + "/output.png")
    let summary = FeedForwardSummary(method: "wct", model: folder, secondsTotal: result.seconds,
                                     peakRssMb: peakMegabytes(), levels: result.levels)
    try writeSummary(summary, parameters: p, folder: cell.folder)
}

/// One forward pass of the setting's trained network (default: the shipped Starry Night model; a bare file name is
/// looked up among the shipped models).
func runFastStyleCell(_ cell: CellSpec, content: Image) throws {
    let (p, _) = try cellParameters(cell, over: FastStyleCellParameters(), seedKey: nil)
    keepFreedMemoryForReuse()
    let path = fastStyleModelPath(cell.setting)
    let network = try StyleTransformer(contentsOf: path)
    try checkMemory(FeedForwardMemory.fastStyle(content: content.size, width: network.width), cell)
    let start = Date()
    let image = try network.stylise(content, mix: p.styleMix)
    let seconds = Date().timeIntervalSince(start)
    try image.write(to: cell.folder + "/output.png")
    let summary = FeedForwardSummary(method: "fast-style", model: path, secondsTotal: seconds,
                                     peakRssMb: peakMegabytes(), styles: network.styles)
    try writeSummary(summary, parameters: p, folder: cell.folder)
}

/// The setting's folder of decoders (default: the shipped models/).
func wctDecoderFolder(_ setting: RunConfig.TaskSetting) -> String { setting.model ?? shippedModelsFolder() }

/// The setting's network file; a bare file name is one of the shipped models.
func fastStyleModelPath(_ setting: RunConfig.TaskSetting) -> String {
    let given = setting.model ?? "fast-style-starry-night.safetensors"
    return given.contains("/") ? given : shippedModelsFolder() + "/" + given
}

/// The model files a trained method's cell reads, as digests for its key: a retrained model runs the cell again.
/// `known` keeps the digests already taken, so that every case of a run does not hash the same files again.
func trainedModelDigests(_ kind: RunConfig.Kind, _ setting: RunConfig.TaskSetting,
                         known: inout [String: String]) -> [String] {
    let files: [String]
    switch kind {
    case .wct:
        files = FeatureDecoder.layers.map { (wctDecoderFolder(setting) as NSString)
            .appendingPathComponent(FeatureDecoder.fileName($0)) }
    case .fastStyle: files = [fastStyleModelPath(setting)]
    default: files = []
    }
    return files.map { file in
        let digest = known[file] ?? (try? SHA256.hex(ofFile: file)) ?? "missing"
        known[file] = digest
        return "model=" + digest
    }
}

private func peakMegabytes() -> Double { (residentHighWaterMarkKB() ?? 0) / 1024 }
