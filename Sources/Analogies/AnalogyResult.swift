import Foundation
import Imaging

/// What an analogy returns: B′ and what a teacher shows beside it.
public struct AnalogyResult: Sendable {
    /// B′ in colour, at B's size.
    public var image: Image
    /// s(q): the A pixel each B′ pixel was copied from (finest level).
    public var sourceMap: SourceMap
    /// True where BestMatch chose the coherent candidate (finest level).
    public var coherent: [Bool]
    /// B′ at every pyramid level, 0 the finest.
    public var levels: [Image]
    public var timings: [StageTiming]
    /// Every level's maps, 0 the finest, for the walkthroughs.
    package var levelMaps: [AnalogyLevelMaps]
    /// Fraction of coherent picks over all levels' pixels.
    public var coherentFraction: Double { totalPixels > 0 ? Double(coherentPicks) / Double(totalPixels) : 0 }
    /// Mean squared neighbourhood distance of the chosen matches, over all levels' pixels.
    public var meanMatchDistance: Double { totalPixels > 0 ? distanceSum / Double(totalPixels) : 0 }

    private var coherentPicks = 0, totalPixels = 0, distanceSum = 0.0

    init(levelCount: Int) {
        image = Image(width: 1, height: 1, channels: 3)
        sourceMap = SourceMap(width: 0, height: 0, exemplarSize: Size(width: 0, height: 0))
        coherent = []
        levels = Array(repeating: image, count: levelCount)
        levelMaps = []
        timings = []
    }

    mutating func record(level: Int, _ output: LevelSynthesis.Output, colour: Image) {
        levels[level] = colour
        coherentPicks += output.coherent.reduce(0) { $0 + ($1 ? 1 : 0) }
        totalPixels += output.coherent.count
        distanceSum += output.distanceSum
        levelMaps.insert(AnalogyLevelMaps(source: output.source, coherent: output.coherent,
                                          appDistance: output.appDistance, cohDistance: output.cohDistance), at: 0)
        if level == 0 {
            image = colour
            sourceMap = output.source
            coherent = output.coherent
        }
    }

    public var secondsTotal: Double { timings.reduce(0) { $0 + $1.seconds } }

    /// White where the coherent candidate won, black where the approximate match did.
    public func coherenceMap() -> Image {
        Image(width: image.width, height: image.height, channels: 1, samples: coherent.map { $0 ? 1 : 0 })
    }
}

/// One level's BestMatch record: where each pixel came from, whether the coherent candidate won, and both
/// candidates' distances (d_coh is ∞ where no neighbour offered one).
package struct AnalogyLevelMaps: Sendable {
    package var source: SourceMap
    package var coherent: [Bool]
    package var appDistance: [Float]
    package var cohDistance: [Float]
}

/// The JSON summary of an analogy run (`--summary`).
public struct AnalogySummary: Codable, Sendable {
    public var method = "image-analogies"
    public var outputWidth: Int
    public var outputHeight: Int
    public var secondsTotal: Double
    public var timings: [StageTiming]
    public var coherentFraction: Double
    public var meanMatchDistance: Double
    public var sourceCoverage: Double
    public var parameters: AnalogyParameters
    /// The `AnalogyPreset` the parameters started from, when one was named (set by the caller).
    public var preset: String?
    /// The run's memory: what `AnalogyMemory` estimated beforehand, and the process's peak (both set by the caller).
    public var estimatedMemoryMb: Double?
    public var peakRssMb: Double?

    public init(_ result: AnalogyResult, parameters: AnalogyParameters) {
        outputWidth = result.image.width
        outputHeight = result.image.height
        secondsTotal = result.secondsTotal
        timings = result.timings
        coherentFraction = result.coherentFraction
        meanMatchDistance = result.meanMatchDistance
        sourceCoverage = result.sourceMap.coverage
        self.parameters = parameters
    }

}
