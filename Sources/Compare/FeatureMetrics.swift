import Imaging
import Neural

/// Distances in VGG-19 feature space, the quantities Gatys et al. optimise, measured on any method's output so
/// that the three methods can be scored on the same terms. Both are relative (divided by the target's own
/// squared norm), so they compare across images and sizes.
public struct FeatureMetrics {
    let vgg: VGG19
    public static let styleLayers = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]
    public static let contentLayer = "relu4_2"

    public init(weights: VGG19Weights) { vgg = VGG19(weights) }

    private func features(_ image: Image, through name: String) -> [Tensor]? {
        guard let last = VGG19.index(of: name), last < vgg.deepestLayer,
              min(image.width, image.height) >= VGG19.minimumSide(forLayer: last) else { return nil }
        return vgg.forward(Tensor(networkInput: image.rgb().opaque, normalisation: vgg.normalisation), through: last)
    }

    /// Mean over relu1_1 … relu5_1 of ‖G(output) − G(style)‖² / ‖G(style)‖², Gram matrices normalised by C·H·W;
    /// nil when an image is too small for relu5_1 (16 px) or the weights stop earlier.
    public func gramDistance(output: Image, style: Image) -> Double? {
        guard let a = features(output, through: "relu5_1"), let b = features(style, through: "relu5_1") else { return nil }
        var total = 0.0
        for name in FeatureMetrics.styleLayers {
            guard let l = VGG19.index(of: name) else { continue }
            let ga = Losses.gram(a[l]), gb = Losses.gram(b[l])
            total += relativeSquaredDistance(ga, gb)
        }
        return total / Double(FeatureMetrics.styleLayers.count)
    }

    /// ‖F(output) − F(content)‖² / ‖F(content)‖² at relu4_2, the output resized to the content's size first.
    public func featureDistance(output: Image, content: Image) -> Double? {
        let resized = output.size == content.size ? output : output.resized(to: content.size, method: .area)
        guard let a = features(resized, through: FeatureMetrics.contentLayer), let b = features(content, through: FeatureMetrics.contentLayer),
              let l = VGG19.index(of: FeatureMetrics.contentLayer) else { return nil }
        return relativeSquaredDistance(a[l].values, b[l].values)
    }

    private func relativeSquaredDistance(_ a: [Float], _ b: [Float]) -> Double {
        var difference = 0.0, norm = 0.0
        for i in a.indices { let d = Double(a[i] - b[i]); difference += d * d; norm += Double(b[i]) * Double(b[i]) }
        return norm == 0 ? 0 : difference / norm
    }
}
