import CBLAS
import Foundation

/// A function to minimise: value and gradient at x.
public typealias Objective = ([Float]) -> (value: Double, gradient: [Float])

/// L-BFGS as PyTorch's `torch.optim.LBFGS` runs it in neural-style (Nocedal & Wright, Alg. 7.4 two-loop recursion):
/// one function evaluation per iteration, no line search, step 1 (the very first step min(1, 1/‖g‖₁)), a history of
/// `history` (s, y) pairs, the initial Hessian scaled by sᵀy / yᵀy. Vector work is BLAS level 1 in Float, as
/// PyTorch's; the history ring reuses its buffers, so the loop allocates nothing once it is full.
public struct LBFGS {
    public var history: Int
    public var learningRate: Float

    public init(history: Int = 100, learningRate: Float = 1) {
        self.history = history
        self.learningRate = learningRate
    }

    /// Minimises from `x` for `iterations` evaluations; `observe(iteration, value)` sees every evaluation.
    public func minimise(_ x: inout [Float], iterations: Int, _ f: Objective, observe: (Int, Double) -> Void = { _, _ in }) {
        let n = Int32(x.count)
        var (value, g) = f(x)
        observe(0, value)
        var s: [[Float]] = [], y: [[Float]] = [], rho: [Float] = []
        var oldest = 0  // ring start once the history is full
        var q = [Float](repeating: 0, count: x.count), step = q, previousG = g
        for iteration in 1 ..< max(iterations, 1) {
            // Direction d = −H g by the two-loop recursion, newest pair first.
            let order = (0 ..< s.count).map { (oldest + $0) % s.count }
            q = g
            var alpha = [Float](repeating: 0, count: s.count)
            for i in order.reversed() {
                alpha[i] = rho[i] * cblas_sdot(n, s[i], 1, q, 1)
                cblas_saxpy(n, -alpha[i], y[i], 1, &q, 1)
            }
            if let newest = order.last {
                let gamma = cblas_sdot(n, s[newest], 1, y[newest], 1) / max(cblas_sdot(n, y[newest], 1, y[newest], 1), 1e-30)
                cblas_sscal(n, gamma, &q, 1)
            }
            for i in order {
                let beta = rho[i] * cblas_sdot(n, y[i], 1, q, 1)
                cblas_saxpy(n, alpha[i] - beta, s[i], 1, &q, 1)
            }
            let l1 = cblas_sasum(n, g, 1)
            let t = iteration == 1 ? min(1, 1 / max(l1, 1e-30)) * learningRate : learningRate
            for k in x.indices { step[k] = -t * q[k] }
            cblas_saxpy(n, 1, step, 1, &x, 1)
            previousG = g
            (value, g) = f(x)
            observe(iteration, value)
            // Update the history with s = step taken, y = change of gradient (skipped when not a descent pair).
            var yk = g
            cblas_saxpy(n, -1, previousG, 1, &yk, 1)
            let ys = cblas_sdot(n, yk, 1, step, 1)
            if ys > 1e-10 {
                if s.count < history {
                    s.append(step); y.append(yk); rho.append(1 / ys)
                } else {
                    s[oldest] = step; y[oldest] = yk; rho[oldest] = 1 / ys
                    oldest = (oldest + 1) % history
                }
            }
        }
    }
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
