/// Mean and population standard deviation of one channel.
public struct ChannelStatistics: Equatable, Sendable {
    public var mean: Float
    public var standardDeviation: Float
}

extension Image {
    /// Mean and population σ of every channel (accumulated in Double).
    public func channelStatistics() -> [ChannelStatistics] {
        let n = pixelCount
        return (0 ..< channels).map { c in
            var sum = 0.0, sumOfSquares = 0.0
            for i in c * n ..< (c + 1) * n { let v = Double(samples[i]); sum += v; sumOfSquares += v * v }
            let mean = sum / Double(max(n, 1))
            let variance = max(sumOfSquares / Double(max(n, 1)) - mean * mean, 0)
            return ChannelStatistics(mean: Float(mean), standardDeviation: Float(variance.squareRoot()))
        }
    }

    /// Luminance remapping (Hertzmann et al. 2001, §3.4): Y(p) ← σ_B/σ_A · (Y(p) − μ_A) + μ_B, per channel, so
    /// that this image takes the mean and standard deviation of `target`. A constant channel is only shifted.
    public func remapped(toMatch target: ChannelStatistics, from source: ChannelStatistics? = nil) -> Image {
        let own = source ?? channelStatistics()[0]
        let gain = own.standardDeviation > 1e-8 ? target.standardDeviation / own.standardDeviation : 1
        var result = self
        for i in result.samples.indices { result.samples[i] = gain * (samples[i] - own.mean) + target.mean }
        return result
    }

    /// Histogram matching: every channel takes the value distribution of the same channel of `reference`.
    ///
    /// Exact quantile mapping: the pixel of rank r among n takes the reference value at quantile r / (n − 1).
    /// Ties are ranked by position, so the result is deterministic. O(n log n) per channel.
    public func histogramMatched(to reference: Image) -> Image {
        precondition(reference.channels == channels, "histogram matching needs equal channel counts")
        let n = pixelCount, m = reference.pixelCount
        var result = self
        guard n > 0, m > 0 else { return result }
        for c in 0 ..< channels {
            let sortedReference = reference.samples[c * m ..< (c + 1) * m].sorted()
            let order = (0 ..< n).sorted { a, b in
                let va = samples[c * n + a], vb = samples[c * n + b]
                return va < vb || (va == vb && a < b)
            }
            for (rank, pixel) in order.enumerated() {
                let q = n == 1 ? 0 : Double(rank) * Double(m - 1) / Double(n - 1)
                result.samples[c * n + pixel] = sortedReference[Int(q.rounded())]
            }
        }
        return result
    }
}
