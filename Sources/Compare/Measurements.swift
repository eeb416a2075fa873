import Foundation
import Imaging

/// Every score of one output. A field is nil when it does not apply (no reference, no source map, no weights).
/// PSNR of identical images is +∞, written as JSON `null` (and as `inf` in CSV); a PSNR that was not measured is
/// absent.
public struct Measurements: Codable, Sendable, Equatable {
    /// Against the ground truth (B′), when the case has one.
    public var psnr: Double?
    public var ssim: Double?
    /// SSIM against the content image: how much of its structure survives.
    public var contentSsim: Double?
    /// Against the style or texture: colour-histogram distance, sliced Wasserstein distance of patches, and
    /// bidirectional similarity's two halves.
    public var histogramDistance: Double?
    public var swd: Double?
    public var bdsCompleteness: Double?
    public var bdsCoherence: Double?
    /// Fraction of the exemplar the output copies from (methods with a source map).
    public var sourceCoverage: Double?
    /// VGG-19 (when weights are available): Gram distance to the style, feature distance to the content.
    public var gramDistance: Double?
    public var featureDistance: Double?

    public init() {}

    /// The names and values in a fixed order, for tables (nil where not measured).
    public var columns: [(name: String, value: Double?)] {
        [("psnr", psnr), ("ssim", ssim), ("content_ssim", contentSsim), ("histogram_distance", histogramDistance),
         ("swd", swd), ("bds_completeness", bdsCompleteness), ("bds_coherence", bdsCoherence),
         ("source_coverage", sourceCoverage), ("gram_distance", gramDistance), ("feature_distance", featureDistance)]
    }
    public static let columnNames = Measurements().columns.map(\.name)

    enum CodingKeys: String, CodingKey {
        case psnr, ssim, contentSsim, histogramDistance, swd, bdsCompleteness, bdsCoherence, sourceCoverage, gramDistance, featureDistance
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // A present null is the +∞ of identical images; an absent key was not measured.
        psnr = c.contains(.psnr) ? (try c.decodeNil(forKey: .psnr) ? .infinity : try c.decode(Double.self, forKey: .psnr)) : nil
        ssim = try c.decodeIfPresent(Double.self, forKey: .ssim)
        contentSsim = try c.decodeIfPresent(Double.self, forKey: .contentSsim)
        histogramDistance = try c.decodeIfPresent(Double.self, forKey: .histogramDistance)
        swd = try c.decodeIfPresent(Double.self, forKey: .swd)
        bdsCompleteness = try c.decodeIfPresent(Double.self, forKey: .bdsCompleteness)
        bdsCoherence = try c.decodeIfPresent(Double.self, forKey: .bdsCoherence)
        sourceCoverage = try c.decodeIfPresent(Double.self, forKey: .sourceCoverage)
        gramDistance = try c.decodeIfPresent(Double.self, forKey: .gramDistance)
        featureDistance = try c.decodeIfPresent(Double.self, forKey: .featureDistance)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let psnr { if psnr.isFinite { try c.encode(psnr, forKey: .psnr) } else { try c.encodeNil(forKey: .psnr) } }
        try c.encodeIfPresent(ssim, forKey: .ssim)
        try c.encodeIfPresent(contentSsim, forKey: .contentSsim)
        try c.encodeIfPresent(histogramDistance, forKey: .histogramDistance)
        try c.encodeIfPresent(swd, forKey: .swd)
        try c.encodeIfPresent(bdsCompleteness, forKey: .bdsCompleteness)
        try c.encodeIfPresent(bdsCoherence, forKey: .bdsCoherence)
        try c.encodeIfPresent(sourceCoverage, forKey: .sourceCoverage)
        try c.encodeIfPresent(gramDistance, forKey: .gramDistance)
        try c.encodeIfPresent(featureDistance, forKey: .featureDistance)
    }
}

/// Scores `output` against whichever of content, style and reference are given (see `Measurements`).
public func measure(output: Image, content: Image? = nil, style: Image? = nil, reference: Image? = nil,
                    features: FeatureMetrics? = nil, seed: UInt64 = 0) throws -> Measurements {
    var m = Measurements()
    if let reference {
        m.psnr = PixelMetrics.psnr(output, reference: reference) ?? .infinity
        m.ssim = PixelMetrics.ssim(output, reference: reference)
    }
    if let content {
        m.contentSsim = PixelMetrics.ssim(output, reference: content)
        m.featureDistance = features?.featureDistance(output: output, content: content)
    }
    if let style {
        m.histogramDistance = PixelMetrics.histogramDistance(output, style)
        m.swd = PatchMetrics.slicedWasserstein(output, style, seed: seed)
        let bds = try PatchMetrics.bidirectionalSimilarity(output: output, source: style, seed: seed)
        m.bdsCompleteness = bds.completeness
        m.bdsCoherence = bds.coherence
        m.gramDistance = features?.gramDistance(output: output, style: style)
    }
    return m
}
