import Foundation

/// Gaussian filtering.
public enum GaussianKernel {
    /// Normalised samples of exp(−x² / 2σ²) for x in −r…r, with r = ⌈3σ⌉ (the tails beyond 3σ hold 0.3 %).
    public static func weights(sigma: Float) -> [Float] {
        precondition(sigma > 0, "sigma must be positive, got \(sigma)")
        let radius = Int((3 * sigma).rounded(.up))
        let raw = (-radius ... radius).map { x in exp(-Float(x * x) / (2 * sigma * sigma)) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }

    /// The 5-tap binomial [1 4 6 4 1] / 16 of Burt & Adelson's pyramids (close to a Gaussian of σ = 1).
    public static let binomial5: [Float] = [1, 4, 6, 4, 1].map { $0 / 16 }
}

extension Image {
    /// Separable Gaussian blur; O(pixels × σ). `sigma` ≤ 0 returns the image unchanged.
    public func gaussianBlurred(sigma: Float, boundary: BoundaryMode = .reflect) -> Image {
        sigma > 0 ? convolved(separableKernel: GaussianKernel.weights(sigma: sigma), boundary: boundary) : self
    }
}
