import CBLAS
import Foundation

/// A function to minimise: returns the value at x and writes the gradient into the second argument (an array of
/// x's length, owned by the optimiser and reused every evaluation, so the loop need not allocate).
public typealias Objective = (_ x: [Float], _ gradient: inout [Float]) -> Double

/// L-BFGS as PyTorch's `torch.optim.LBFGS` runs it in neural-style (Nocedal & Wright, Alg. 7.4 two-loop recursion):
/// one function evaluation per iteration, no line search, step 1 (the very first step min(1, 1/‖g‖₁)), a history of
/// `history` (s, y) pairs, the initial Hessian scaled by sᵀy / yᵀy. Vector work is in Float, as PyTorch's: BLAS's
/// saxpy and sscal, and `VectorSums` for the dot products, whose bits do not depend on the thread count; the
/// history ring reuses its buffers, so the loop allocates nothing once it is full.
public struct LBFGS {
    public var history: Int
    public var learningRate: Float
    /// Stops before `iterations` once the objective has settled (the temporal term's early stop).
    var earlyStop: EarlyStop?

    public init(history: Int = 100, learningRate: Float = 1) {
        self.history = history
        self.learningRate = learningRate
    }

    /// Minimises from `x` for `iterations` evaluations; `observe(iteration, value, x)` sees every evaluation (the
    /// point it was made at is passed in, since `x` itself is held by this call until it returns).
    /// Returns the number of evaluations made.
    @discardableResult
    public func minimise(_ x: inout [Float], iterations: Int, _ f: Objective,
                         observe: (Int, Double, [Float]) -> Void = { _, _, _ in }) -> Int {
        var stop = earlyStop
        let n = Int32(x.count)
        var g = [Float](repeating: 0, count: x.count), previousG = g, q = g, step = g, yk = g
        var value = f(x, &g)
        observe(0, value, x)
        var s: [[Float]] = [], y: [[Float]] = [], rho: [Float] = []
        var alpha = [Float](repeating: 0, count: history)
        var oldest = 0  // ring start once the history is full
        for iteration in 1 ..< max(iterations, 1) {
            // Direction d = −H g by the two-loop recursion, newest pair first.
            let count = s.count
            q.withUnsafeMutableBufferPointer { q in g.withUnsafeBufferPointer { q.baseAddress!.update(from: $0.baseAddress!, count: $0.count) } }
            for j in stride(from: count - 1, through: 0, by: -1) {
                let i = (oldest + j) % count
                alpha[i] = rho[i] * VectorSums.dot(s[i], q, count: x.count)
                cblas_saxpy(n, -alpha[i], y[i], 1, &q, 1)
            }
            if count > 0 {
                let newest = (oldest + count - 1) % count
                let gamma = VectorSums.dot(s[newest], y[newest], count: x.count)
                    / max(VectorSums.dot(y[newest], y[newest], count: x.count), 1e-30)
                cblas_sscal(n, gamma, &q, 1)
            }
            for j in 0 ..< count {
                let i = (oldest + j) % count
                let beta = rho[i] * VectorSums.dot(y[i], q, count: x.count)
                cblas_saxpy(n, alpha[i] - beta, s[i], 1, &q, 1)
            }
            let l1 = VectorSums.sumOfMagnitudes(g, count: x.count)
            let t = iteration == 1 ? min(1, 1 / max(l1, 1e-30)) * learningRate : learningRate
            step.withUnsafeMutableBufferPointer { st in q.withUnsafeBufferPointer { q in for k in st.indices { st[k] = -t * q[k] } } }
            cblas_saxpy(n, 1, step, 1, &x, 1)
            swap(&g, &previousG)
            value = f(x, &g)
            observe(iteration, value, x)
            if stop?.shouldStop(after: value) == true { return iteration + 1 }
            // Update the history with s = step taken, y = change of gradient (skipped when not a descent pair).
            yk.withUnsafeMutableBufferPointer { out in g.withUnsafeBufferPointer { out.baseAddress!.update(from: $0.baseAddress!, count: $0.count) } }
            cblas_saxpy(n, -1, previousG, 1, &yk, 1)
            let ys = VectorSums.dot(yk, step, count: x.count)
            if ys > 1e-10 {
                if s.count < history {
                    s.append(step); y.append(yk); rho.append(1 / ys)
                } else {
                    // Overwrite the oldest pair in place: its buffers are reused, nothing is allocated.
                    s[oldest].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: step, count: step.count) }
                    y[oldest].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: yk, count: yk.count) }
                    rho[oldest] = 1 / ys
                    oldest = (oldest + 1) % history
                }
            }
        }
        return max(iterations, 1)
    }
}

/// Adam (Kingma & Ba 2015) with bias correction.
public struct Adam {
    public var learningRate: Float
    public var beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    var earlyStop: EarlyStop?

    public init(learningRate: Float = 10) { self.learningRate = learningRate }

    /// Returns the number of evaluations made.
    @discardableResult
    public func minimise(_ x: inout [Float], iterations: Int, _ f: Objective,
                         observe: (Int, Double, [Float]) -> Void = { _, _, _ in }) -> Int {
        var m = [Float](repeating: 0, count: x.count), v = m, g = m
        var stop = earlyStop
        for t in 1 ... max(iterations, 1) {
            let value = f(x, &g)
            observe(t - 1, value, x)
            if stop?.shouldStop(after: value) == true { return t }
            let c1 = 1 - pow(beta1, Float(t)), c2 = 1 - pow(beta2, Float(t))
            for k in x.indices {
                m[k] = beta1 * m[k] + (1 - beta1) * g[k]
                v[k] = beta2 * v[k] + (1 - beta2) * g[k] * g[k]
                x[k] -= learningRate * (m[k] / c1) / ((v[k] / c2).squareRoot() + epsilon)
            }
        }
        return max(iterations, 1)
    }
}
