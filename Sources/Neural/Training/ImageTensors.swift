import Imaging

/// The networks trained here read and write plain RGB in 0–1 (planar, as `Image`); the loss network sees the same
/// pixels under its own normalisation. Both maps are affine per channel, so the gradient crosses them as a scale.
extension Tensor {
    /// An image's RGB as a 3-channel tensor, values 0–1.
    init(rgb image: Image) {
        let rgb = image.rgb().opaque
        self.init(channels: 3, height: rgb.height, width: rgb.width, values: rgb.samples)
    }

    /// This 3-channel 0–1 tensor as an image, clamped to 0–1.
    var rgbImage: Image { Image(width: width, height: height, channels: 3, samples: values).clamped() }

    /// This RGB tensor as the loss network's input: x_network = (x · scale − mean) / std in its channel order.
    func networkInput(_ n: InputNormalisation) -> Tensor {
        var out = self
        // The constants are read once: `mean` and `std` are computed arrays, one allocation per read.
        let (scale, mean, std) = (n.scale, n.mean, n.std)
        for c in 0 ..< 3 {
            let source = n.rgbChannel(c) * plane, (m, s) = (mean[c], std[c])
            for i in 0 ..< plane { out.values[c * plane + i] = (values[source + i] * scale - m) / s }
        }
        return out
    }

    /// The adjoint of `networkInput`: ∂loss/∂RGB from ∂loss/∂(network input).
    func rgbGradient(_ n: InputNormalisation) -> Tensor {
        var out = self
        let (scale, std) = (n.scale, n.std)
        for c in 0 ..< 3 {
            let target = n.rgbChannel(c) * plane, s = std[c]
            for i in 0 ..< plane { out.values[target + i] = values[c * plane + i] * scale / s }
        }
        return out
    }
}
