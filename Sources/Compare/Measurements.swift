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
    /// Video cells: the warping error of Lai et al. 2018 (see `TemporalMetrics`).
    public var warpingError: Double?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case psnr, ssim, contentSsim, histogramDistance, swd, bdsCompleteness, bdsCoherence, sourceCoverage
        case gramDistance, featureDistance, warpingError
    }

    /// Every field with its column name, in table order: the one list that CSV columns and coding walk.
    private static var fields: [(key: CodingKeys, name: String, path: WritableKeyPath<Measurements, Double?>)] { [
        (.psnr, "psnr", \.psnr), (.ssim, "ssim", \.ssim), (.contentSsim, "content_ssim", \.contentSsim),
        (.histogramDistance, "histogram_distance", \.histogramDistance), (.swd, "swd", \.swd),
        (.bdsCompleteness, "bds_completeness", \.bdsCompleteness), (.bdsCoherence, "bds_coherence", \.bdsCoherence),
        (.sourceCoverage, "source_coverage", \.sourceCoverage), (.gramDistance, "gram_distance", \.gramDistance),
        (.featureDistance, "feature_distance", \.featureDistance), (.warpingError, "warping_error", \.warpingError),
    ] }

    /// The names and values in a fixed order, for tables (nil where not measured).
    public var columns: [(name: String, value: Double?)] { Measurements.fields.map { ($0.name, self[keyPath: $0.path]) } }
    public static let columnNames = fields.map(\.name)

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        for field in Measurements.fields where field.key != .psnr {
            self[keyPath: field.path] = try c.decodeIfPresent(Double.self, forKey: field.key)
        }
        // A present null is the +∞ of identical images; an absent key was not measured.
        psnr = c.contains(.psnr) ? (try c.decodeNil(forKey: .psnr) ? .infinity : try c.decode(Double.self, forKey: .psnr)) : nil
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for field in Measurements.fields where field.key != .psnr { try c.encodeIfPresent(self[keyPath: field.path], forKey: field.key) }
        if let psnr { if psnr.isFinite { try c.encode(psnr, forKey: .psnr) } else { try c.encodeNil(forKey: .psnr) } }
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
    m.dropUndefined()
    return m
}

extension Measurements {
    /// A measure that came out NaN or infinite (BDS of an image too small for one patch, say) was not measured:
    /// nil, so that it reads as absent rather than breaking the JSON. PSNR's +∞ of identical images stays.
    mutating func dropUndefined() {
        for field in Measurements.fields where field.key != .psnr {
            if let v = self[keyPath: field.path], !v.isFinite { self[keyPath: field.path] = nil }
        }
        if let psnr, psnr.isNaN || psnr == -.infinity { self.psnr = nil }
    }
}
