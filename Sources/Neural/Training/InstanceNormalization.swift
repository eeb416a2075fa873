import StyleLabSupport

/// Instance normalisation (Ulyanov, Vedaldi & Lempitsky 2016): every channel of every sample is normalised over
/// its own pixels, y = γ (x − μ) / √(σ² + ε) + β, the same in training and at test time.
///
/// Conditional instance normalisation (Dumoulin, Shlens & Kudlur 2017) keeps one (γ, β) per style, N × C each;
/// a network with N = 1 is Johnson et al.'s. At inference a mix w blends the styles' parameters,
/// γ = Σ w_s γ_s and β = Σ w_s β_s, which interpolates between the styles the network learned.
final class InstanceNormalization: TrainableLayer {
    static let epsilon: Float = 1e-5
    let channels: Int, styles: Int
    let scale: Parameter, shift: Parameter
    var parameters: [Parameter] { [scale, shift] }
    /// The styles' weights for the next forward pass (training: one-hot).
    var mix: [Float]
    private var normalised = Tensor(channels: 1, height: 1, width: 1)
    private var inverseDeviation: [Float] = []

    init(name: String, channels: Int, styles: Int = 1) {
        (self.channels, self.styles) = (channels, styles)
        scale = .constant(name: name + ".scale", shape: [styles, channels], 1)
        shift = .constant(name: name + ".shift", shape: [styles, channels], 0)
        mix = [1] + [Float](repeating: 0, count: styles - 1)
    }

    /// γ and β of channel c under the current mix.
    private func mixed(_ c: Int) -> (gamma: Float, beta: Float) {
        var gamma: Float = 0, beta: Float = 0
        for s in 0 ..< styles where mix[s] != 0 {
            gamma += mix[s] * scale.values[s * channels + c]
            beta += mix[s] * shift.values[s * channels + c]
        }
        return (gamma, beta)
    }

    func forward(_ x: consuming Tensor, training: Bool) -> Tensor {
        let n = x.plane
        var y = copy x, xhat = copy x, inverse = [Float](repeating: 0, count: channels)
        let parameters = (0 ..< channels).map(mixed)
        x.values.withUnsafeBufferPointer { src in
            y.values.withUnsafeMutableBufferPointer { out in
                xhat.values.withUnsafeMutableBufferPointer { hat in
                    inverse.withUnsafeMutableBufferPointer { inv in
                        let src = SharedReadBuffer(src), out = SharedBuffer(out), hat = SharedBuffer(hat)
                        let inv = SharedBuffer(inv)
                        Parallel.forEach(channels) { c in
                            let base = c * n
                            var mean = 0.0, squares = 0.0
                            for i in 0 ..< n { mean += Double(src[base + i]) }
                            mean /= Double(n)
                            for i in 0 ..< n { let d = Double(src[base + i]) - mean; squares += d * d }
                            let variance = squares / Double(n) + Double(InstanceNormalization.epsilon)
                            let r = Float(1 / variance.squareRoot())
                            inv[c] = r
                            let (gamma, beta) = parameters[c]
                            for i in 0 ..< n {
                                let h = (src[base + i] - Float(mean)) * r
                                hat[base + i] = h
                                out[base + i] = gamma * h + beta
                            }
                        }
                    }
                }
            }
        }
        if training { normalised = xhat; inverseDeviation = inverse }
        return y
    }

    /// ∂β_s += w_s Σ g, ∂γ_s += w_s Σ g x̂, and ∂x = γ / (σ N) · (N g − Σ g − x̂ Σ g x̂) per channel.
    func backward(_ gradient: Tensor) -> Tensor {
        let n = gradient.plane
        var dx = gradient
        for c in 0 ..< channels {
            let base = c * n
            var sumG: Float = 0, sumGX: Float = 0
            for i in 0 ..< n {
                sumG += gradient.values[base + i]
                sumGX += gradient.values[base + i] * normalised.values[base + i]
            }
            for s in 0 ..< styles where mix[s] != 0 {
                shift.gradient[s * channels + c] += mix[s] * sumG
                scale.gradient[s * channels + c] += mix[s] * sumGX
            }
            let k = mixed(c).gamma * inverseDeviation[c] / Float(n)
            for i in 0 ..< n {
                let g = gradient.values[base + i], y = normalised.values[base + i]
                dx.values[base + i] = k * (Float(n) * g - sumG - y * sumGX)
            }
        }
        return dx
    }
}
