import Foundation

/// Adam (Kingma & Ba 2015) over a network's parameters: the step a mini-batch's mean gradient asks for, with
/// bias-corrected first and second moments kept per parameter. The moments and the step count are part of a
/// checkpoint, so that a resumed run takes exactly the steps an uninterrupted one would.
struct ParameterAdam {
    var learningRate: Float
    var beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    /// Steps taken so far.
    var step = 0
    /// First and second moments by parameter name.
    var moments: [String: (m: [Float], v: [Float])] = [:]

    init(learningRate: Float) { self.learningRate = learningRate }

    /// One step from the gradients summed over `batch` samples; the gradients are zeroed for the next batch.
    mutating func update(_ parameters: [Parameter], batch: Int) {
        step += 1
        let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step)), mean = 1 / Float(max(batch, 1))
        for p in parameters {
            var (m, v) = moments[p.name] ?? ([Float](repeating: 0, count: p.values.count),
                                            [Float](repeating: 0, count: p.values.count))
            for k in p.values.indices {
                let g = p.gradient[k] * mean
                m[k] = beta1 * m[k] + (1 - beta1) * g
                v[k] = beta2 * v[k] + (1 - beta2) * g * g
                p.values[k] -= learningRate * (m[k] / c1) / ((v[k] / c2).squareRoot() + epsilon)
            }
            moments[p.name] = (m, v)
            p.zeroGradient()
        }
    }
}
