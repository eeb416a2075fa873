/// 2 × 2 pooling with stride 2 (odd edges dropped, as PyTorch's default floor mode does), and ReLU.
public enum Pooling: String, Codable, Sendable, CaseIterable {
    case max
    case average
}

enum Activation {
    static func relu(_ x: Tensor) -> Tensor {
        var y = x
        for i in y.values.indices where y.values[i] < 0 { y.values[i] = 0 }
        return y
    }

    /// ∂ReLU: the gradient where the output was positive.
    static func reluBackward(_ gradient: Tensor, output: Tensor) -> Tensor {
        var dx = gradient
        for i in dx.values.indices where output.values[i] <= 0 { dx.values[i] = 0 }
        return dx
    }

    static func pool(_ x: Tensor, _ kind: Pooling) -> Tensor {
        let h = x.height / 2, w = x.width / 2
        var y = Tensor(channels: x.channels, height: h, width: w)
        for c in 0 ..< x.channels {
            for i in 0 ..< h {
                for j in 0 ..< w {
                    let base = c * x.plane + 2 * i * x.width + 2 * j
                    let a = x.values[base], b = x.values[base + 1], d = x.values[base + x.width], e = x.values[base + x.width + 1]
                    y.values[c * h * w + i * w + j] = kind == .max ? Swift.max(Swift.max(a, b), Swift.max(d, e)) : (a + b + d + e) / 4
                }
            }
        }
        return y
    }

    /// ∂pool: max pooling routes each gradient to the first maximum of its window; average spreads it by 1/4.
    static func poolBackward(_ gradient: Tensor, input x: Tensor, _ kind: Pooling) -> Tensor {
        var dx = Tensor(channels: x.channels, height: x.height, width: x.width)
        let h = gradient.height, w = gradient.width
        for c in 0 ..< x.channels {
            for i in 0 ..< h {
                for j in 0 ..< w {
                    let g = gradient.values[c * h * w + i * w + j]
                    let base = c * x.plane + 2 * i * x.width + 2 * j
                    let window = [base, base + 1, base + x.width, base + x.width + 1]
                    if kind == .average {
                        for p in window { dx.values[p] += g / 4 }
                    } else {
                        var best = window[0]
                        for p in window.dropFirst() where x.values[p] > x.values[best] { best = p }
                        dx.values[best] += g
                    }
                }
            }
        }
        return dx
    }
}
