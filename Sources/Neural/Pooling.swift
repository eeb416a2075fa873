import CKernels
import Imaging
import StyleLabSupport

/// 2 × 2 pooling with stride 2 (odd edges dropped, as PyTorch's default floor mode does), and ReLU.
public enum Pooling: String, Codable, Sendable, CaseIterable {
    case max
    case average
}

/// The elementwise and pooling layers, channel-parallel on raw buffers (each channel writes only its own plane).
enum Activation {
    static func relu(_ x: Tensor) -> Tensor {
        var y = x
        relu(x, into: &y)
        return y
    }

    static func relu(_ x: Tensor, into y: inout Tensor) {
        y.reshape(channels: x.channels, height: x.height, width: x.width)
        y.values.withUnsafeMutableBufferPointer { out in
            x.values.withUnsafeBufferPointer { v in for i in v.indices { out[i] = Swift.max(v[i], 0) } }
        }
    }

    /// y ← max(y, 0), in place, in runs of 64k values shared among threads (a serial pass over a decoder's
    /// 64-channel 512² activations took 1 % of a WCT run while a core waited).
    static func reluInPlace(_ y: inout Tensor) {
        let count = y.count, run = 1 << 16
        y.values.withUnsafeMutableBufferPointer { v in
            guard let base = v.baseAddress else { return }
            let v = SharedBuffer(base)
            Parallel.forEach((count + run - 1) / run) { r in
                for i in r * run ..< min(count, (r + 1) * run) { v[i] = Swift.max(v[i], 0) }
            }
        }
    }

    /// ∂ReLU: the gradient where the output was positive.
    static func reluBackward(_ gradient: Tensor, output: Tensor) -> Tensor {
        var dx = gradient
        reluBackward(&dx, output: output)
        return dx
    }

    /// ∂ReLU in place.
    static func reluBackward(_ gradient: inout Tensor, output: Tensor) {
        gradient.values.withUnsafeMutableBufferPointer { g in
            output.values.withUnsafeBufferPointer { y in
                for i in g.indices { g[i] = y[i] > 0 ? g[i] : 0 }
            }
        }
    }

    static func pool(_ x: Tensor, _ kind: Pooling) -> Tensor {
        var y = Tensor(channels: x.channels, height: x.height / 2, width: x.width / 2)
        pool(x, kind, into: &y)
        return y
    }

    static func pool(_ x: Tensor, _ kind: Pooling, into y: inout Tensor) {
        let h = x.height / 2, w = x.width / 2, width = x.width, plane = x.plane
        y.reshapeForOverwrite(channels: x.channels, height: h, width: w)  // every window writes its own output
        x.values.withUnsafeBufferPointer { src in
            y.values.withUnsafeMutableBufferPointer { dst in
                let src = SharedReadBuffer(src), dst = SharedBuffer(dst)
                Parallel.forEach(x.channels) { c in
                    for i in 0 ..< h {
                        let top = src.base + c * plane + 2 * i * width, out = dst.base + c * h * w + i * w
                        if kind == .max { sl_max_pool_row(top, top + width, w, out); continue }
                        let bottom = top + width
                        for j in 0 ..< w {
                            out[j] = (top[2 * j] + top[2 * j + 1] + bottom[2 * j] + bottom[2 * j + 1]) / 4
                        }
                    }
                }
            }
        }
    }

    /// ∂pool: max pooling routes each gradient to the first maximum of its window; average spreads it by 1/4.
    static func poolBackward(_ gradient: Tensor, input x: Tensor, _ kind: Pooling) -> Tensor {
        var dx = Tensor(channels: x.channels, height: x.height, width: x.width)
        poolBackward(gradient, input: x, kind, into: &dx)
        return dx
    }

    static func poolBackward(_ gradient: Tensor, input x: Tensor, _ kind: Pooling, into dx: inout Tensor) {
        dx.reshape(channels: x.channels, height: x.height, width: x.width)
        dx.zero()
        let h = gradient.height, w = gradient.width, width = x.width, plane = x.plane
        gradient.values.withUnsafeBufferPointer { gv in
            x.values.withUnsafeBufferPointer { xv in
                dx.values.withUnsafeMutableBufferPointer { out in
                    let gv = SharedReadBuffer(gv), xv = SharedReadBuffer(xv), out = SharedBuffer(out)
                    Parallel.forEach(x.channels) { c in
                        for i in 0 ..< h {
                            for j in 0 ..< w {
                                let g = gv[c * h * w + i * w + j]
                                let base = c * plane + 2 * i * width + 2 * j
                                let window = (base, base + 1, base + width, base + width + 1)
                                if kind == .average {
                                    out[window.0] += g / 4; out[window.1] += g / 4; out[window.2] += g / 4; out[window.3] += g / 4
                                } else {
                                    var best = window.0
                                    for p in [window.1, window.2, window.3] where xv[p] > xv[best] { best = p }
                                    out[best] += g
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
