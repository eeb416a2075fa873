import Imaging

/// Where B′'s chroma (I and Q of YIQ) comes from when the features are luminance.
public enum AnalogyChroma: String, Codable, Sendable, CaseIterable {
    /// B's own chroma, untouched (the paper's default, §3.4).
    case fromB = "from-b"
    /// A′'s chroma at each pixel's source: colourisation, texture transfer.
    case fromAPrime = "from-a-prime"
    /// B's chroma, changed wherever the analogy changed luminance, by B's local slope of chroma against luminance:
    /// a learned blur blurs colour edges too, a sharpening sharpens them, and flat-luminance areas keep B's colour.
    case followingLuminance = "following-luminance"
}

/// Chroma that follows a luminance change. Around each pixel (a Gaussian window of σ 2 px), B's chroma is
/// modelled as a linear function of its luminance, c ≈ a·Y + b, with a = cov(Y, c) / (var Y + ε), as the guided
/// filter does (He, Sun & Tang 2010). If the analogy moved luminance by ΔY = Y(B′) − Y(B), chroma moves by a·ΔY.
/// σ and ε were chosen on the learned-blur benchmark (`make bench BENCH_ARGS=defaults`); σ 1–3 and ε 10⁻⁴–10⁻³
/// all score within 0.2 dB of each other there.
func chromaFollowingLuminance(bYIQ: Image, bPrimeY: Image, sigma: Float = 2, epsilon: Float = 1e-3) -> Image {
    let n = bYIQ.pixelCount
    let y = bYIQ.channel(0)
    let meanY = y.gaussianBlurred(sigma: sigma), meanYY = product(y, y).gaussianBlurred(sigma: sigma)
    var out = bYIQ
    for c in 1 ... 2 {
        let chroma = bYIQ.channel(c)
        let meanC = chroma.gaussianBlurred(sigma: sigma), meanYC = product(y, chroma).gaussianBlurred(sigma: sigma)
        for q in 0 ..< n {
            let variance = meanYY.samples[q] - meanY.samples[q] * meanY.samples[q]
            let covariance = meanYC.samples[q] - meanY.samples[q] * meanC.samples[q]
            let slope = covariance / (max(variance, 0) + epsilon)
            out.samples[c * n + q] = chroma.samples[q] + slope * (bPrimeY.samples[q] - y.samples[q])
        }
    }
    for q in 0 ..< n { out.samples[q] = bPrimeY.samples[q] }
    return out
}

/// Two one-channel images of one size multiplied sample by sample.
private func product(_ u: Image, _ v: Image) -> Image {
    var out = u
    for i in out.samples.indices { out.samples[i] *= v.samples[i] }
    return out
}
