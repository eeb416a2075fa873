import Foundation
import Imaging
import StyleLabSupport

public enum NeuralError: Error, Equatable, CustomStringConvertible, Sendable {
    case tooDeep(layer: String, weights: String)
    case tooSmall(role: String, size: Size, layer: String, minimum: Int)

    public var description: String {
        switch self {
        case .tooSmall(let role, let size, let layer, let minimum):
            return "the \(role) (\(size)) is too small for \(layer): both sides need at least \(minimum) pixels; use a larger image or --size"
        case .tooDeep(let layer, let weights): return "\(layer) is deeper than the weights (\(weights)) reach"
        }
    }
}

/// What a style-transfer run returns.
public struct StyleTransferResult: Sendable {
    public var image: Image
    /// Total loss after every evaluation, with its content / style / TV parts.
    public var lossTrace: [LossRecord]
    public var secondsTotal: Double
    /// Optimisation loop only, divided by evaluations.
    public var secondsPerIteration: Double
    public var iterations: Int
    public var weightsSource: String

    /// The loss trace as CSV, a row per evaluation: iteration, total, content, style, tv.
    public var lossCSV: String {
        let rows = ["iteration,total,content,style,tv"]
            + lossTrace.map { "\($0.iteration),\($0.total),\($0.content),\($0.style),\($0.tv)" }
        return rows.joined(separator: "\n") + "\n"
    }
}

public struct LossRecord: Codable, Sendable, Equatable {
    public var iteration: Int
    public var total: Double
    public var content: Double
    public var style: Double
    public var tv: Double
    /// The temporal term's loss, in video runs.
    public var temporal: Double? = nil
}

/// The JSON summary of a style-transfer run (`--summary`).
public struct StyleTransferSummary: Codable, Sendable {
    public var method = "gatys"
    public var weights: String
    public var iterations: Int
    public var secondsTotal: Double
    /// Optimisation loop only.
    public var secondsPerIteration: Double
    public var initialLoss: Double
    public var finalLoss: Double
    public var peakRssMb: Double
    /// What `StyleTransferMemory` estimated beforehand (set by the caller).
    public var estimatedMemoryMb: Double?
    public var parameters: StyleTransferParameters

    public init(_ result: StyleTransferResult, parameters: StyleTransferParameters, peakRssMb: Double) {
        weights = result.weightsSource
        iterations = result.iterations
        secondsTotal = result.secondsTotal
        secondsPerIteration = result.secondsPerIteration
        initialLoss = result.lossTrace.first?.total ?? 0
        finalLoss = result.lossTrace.last?.total ?? 0
        self.peakRssMb = peakRssMb
        self.parameters = parameters
    }
}
