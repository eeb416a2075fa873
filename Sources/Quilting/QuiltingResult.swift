import Foundation
import Imaging

/// What a quilting run returns: the image and what a teacher shows beside it.
public struct QuiltingResult: Sendable {
    public var image: Image
    /// Exemplar coordinates of every output pixel (no blending: each pixel is a copy of the one named here).
    public var sourceMap: SourceMap
    /// True on the pixels where a minimum-error boundary cut runs.
    public var seams: [Bool]
    public var timings: [StageTiming]
    /// Mean squared difference per overlap pixel (summed over channels) between each placed block and what was
    /// already there, before cutting.
    public var meanOverlapError: Double
    public var blockCount: Int

    public var secondsTotal: Double { timings.reduce(0) { $0 + $1.seconds } }

    /// The output with its seams drawn in red: where one block gives way to the next.
    public func seamOverlay() -> Image {
        var overlay = image.rgb().opaque
        let n = overlay.pixelCount
        for i in 0 ..< n where seams[i] {
            overlay.samples[i] = 1; overlay.samples[n + i] = 0; overlay.samples[2 * n + i] = 0
        }
        return overlay
    }
}

/// The JSON summary of a run (`--summary`): parameters, timings and the figures a comparison wants.
public struct QuiltingSummary: Codable, Sendable {
    public var method: String
    public var outputWidth: Int
    public var outputHeight: Int
    public var secondsTotal: Double
    public var timings: [StageTiming]
    public var meanOverlapError: Double
    public var blocks: Int
    /// Fraction of exemplar pixels that appear in the output.
    public var sourceCoverage: Double
    public var synthesis: QuiltingParameters?
    public var transfer: TransferParameters?
    /// How the block was chosen when the caller did not give one (set by the caller).
    public var blockChoice: String?
    /// The run's memory: what `QuiltingMemory` estimated beforehand, and the process's peak (both set by the caller).
    public var estimatedMemoryMb: Double?
    public var peakRssMb: Double?

    public init(_ result: QuiltingResult, synthesis: QuiltingParameters? = nil, transfer: TransferParameters? = nil) {
        method = transfer == nil ? "quilting-synthesis" : "quilting-transfer"
        outputWidth = result.image.width
        outputHeight = result.image.height
        secondsTotal = result.secondsTotal
        timings = result.timings
        meanOverlapError = result.meanOverlapError
        blocks = result.blockCount
        sourceCoverage = result.sourceMap.coverage
        self.synthesis = synthesis
        self.transfer = transfer
    }

}
