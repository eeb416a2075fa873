import Foundation

/// A function to minimise: value and gradient at x.
public typealias Objective = ([Float]) -> (value: Double, gradient: [Float])

/// L-BFGS as PyTorch's `torch.optim.LBFGS` runs it in neural-style (Nocedal & Wright, Alg. 7.4 two-loop recursion):
/// one function evaluation per iteration, no line search, step 1 (the very first step min(1, 1/‖g‖₁)), a history of
/// `history` (s, y) pairs, the initial Hessian scaled by sᵀy / yᵀy.
public struct LBFGS {
    public var history: Int
    public var learningRate: Float

    public init(history: Int = 100, learningRate: Float = 1) {
        self.history = history
        self.learningRate = learningRate
    }

    /// Minimises from `x` for `iterations` evaluations; `observe(iteration, value)` sees every evaluation.
    public func minimise(_ x: inout [Float], iterations: Int, _ f: Objective, observe: (Int, Double) -> Void = { _, _ in }) {
        var (value, g) = f(x)
        observe(0, value)
        var s: [[Float]] = [], y: [[Float]] = [], rho: [Double] = []
        var previousG = g, previousStep = [Float](repeating: 0, count: x.count)
        for iteration in 1 ..< max(iterations, 1) {
            // Direction d = −H g by the two-loop recursion.
            var q = g.map(Double.init)
            var alpha = [Double](repeating: 0, count: s.count)
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[i] = rho[i] * dot(s[i], q)
                for k in q.indices { q[k] -= alpha[i] * Double(y[i][k]) }
            }
            if let lastS = s.last, let lastY = y.last {
                let gamma = dot(lastS, lastY) / max(dot(lastY, lastY), 1e-30)
                for k in q.indices { q[k] *= gamma }
            }
            for i in s.indices {
                let beta = rho[i] * dot(y[i], q)
                for k in q.indices { q[k] += Double(s[i][k]) * (alpha[i] - beta) }
            }
            let l1 = g.reduce(0.0) { $0 + Double(abs($1)) }
            let step = iteration == 1 ? min(1, 1 / max(l1, 1e-30)) * Double(learningRate) : Double(learningRate)
            for k in x.indices { previousStep[k] = Float(-step * q[k]); x[k] += previousStep[k] }
            previousG = g
            (value, g) = f(x)
            observe(iteration, value)
            // Update the history with s = step taken, y = change of gradient (skipped when not a descent pair).
            let yk = zip(g, previousG).map { $0 - $1 }
            let ys = dot(yk, previousStep.map(Double.init))
            if ys > 1e-10 {
                if s.count == history { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
                s.append(previousStep); y.append(yk); rho.append(1 / ys)
            }
        }
    }

    private func dot(_ a: [Float], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0) * $1.1 } }
    private func dot(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
}

/// Adam (Kingma & Ba 2015) with bias correction.
public struct Adam {
    public var learningRate: Float
    public var beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8

    public init(learningRate: Float = 10) { self.learningRate = learningRate }

    public func minimise(_ x: inout [Float], iterations: Int, _ f: Objective, observe: (Int, Double) -> Void = { _, _ in }) {
        var m = [Float](repeating: 0, count: x.count), v = m
        for t in 1 ... max(iterations, 1) {
            let (value, g) = f(x)
            observe(t - 1, value)
            let c1 = 1 - pow(beta1, Float(t)), c2 = 1 - pow(beta2, Float(t))
            for k in x.indices {
                m[k] = beta1 * m[k] + (1 - beta1) * g[k]
                v[k] = beta2 * v[k] + (1 - beta2) * g[k] * g[k]
                x[k] -= learningRate * (m[k] / c1) / ((v[k] / c2).squareRoot() + epsilon)
            }
        }
    }
}
