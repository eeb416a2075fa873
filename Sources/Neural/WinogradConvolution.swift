import CBLAS
import Imaging
import StyleLabSupport

/// 3 × 3 convolution, stride 1, zero padding 1, by Winograd's minimal filtering F(4 × 4, 3 × 3) (Lavin & Gray,
/// "Fast Algorithms for Convolutional Neural Networks", CVPR 2016): each 4 × 4 block of outputs is computed from a
/// 6 × 6 block of inputs with 36 multiplications per (input, output) channel pair instead of 144.
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
///
/// with g the 3 × 3 filter, d the 6 × 6 input tile, and the 36 element-wise products summed over input channels
/// — which makes them 36 matrix products, one per tile position ξ: M_ξ (K × T) = U_ξ (K × C) · V_ξ (C × T) over
/// the T tiles. U = G g Gᵀ is computed once per layer (the weights are frozen); the input's tiles are
/// transformed in bands of tile rows so that V and M stay small.
///
/// The interpolation points are 0, 1, −1, 2, 1/2 and ∞ rather than the usual 0, ±1, ±2, ∞, because this set is
/// closed under p → 1/p, and that lets the backward pass reuse the forward filters. The gradient with respect to
/// the input is the same operation on ∂y with the filters flipped and their channels swapped. Reversing a row
/// [1, p, p²] of G gives p² [1, 1/p, 1/p²], another row of G up to a scale: G J = D P G, with J the reversal, P the
/// permutation p ↔ 1/p and D diagonal. So the flipped filters' transforms are the forward ones at the permuted
/// position, transposed and scaled by D's two entries — the GEMM's α. Nothing more is stored.
/// `Convolution` (im2col + GEMM) stays as the reference this is tested against.
struct WinogradConvolution {
    /// G for the points 0, 1, −1, 2, 1/2, ∞, with the rows' scales chosen so that Bᵀ has small integers (the
    /// scales are free: they move between G and Bᵀ). Bᵀ and Aᵀ are written out in CKernels.
    static let g: [[Float]] = [[-1 / 2, 0, 0], [-1 / 2, -1 / 2, -1 / 2], [1 / 18, -1 / 18, 1 / 18],
                               [1 / 18, 1 / 9, 2 / 9], [16 / 9, 8 / 9, 4 / 9], [0, 0, 1 / 2]]
    /// Row a of G reversed is `reversedScale[a]` × row `reciprocal[a]` (the point 1/p; 0 ↔ ∞). Powers of two, so
    /// the scaled products are exact.
    static let reciprocal = [5, 1, 2, 4, 3, 0]
    static let reversedScale: [Float] = [-1, 1, 1, 1 / 8, 8, -1]

    let outputs: Int, inputs: Int
    /// U_ξ for ξ < 36, each K × C row-major.
    let filters: [Float]
    let bias: [Float]
    /// Floats per band for V and M each (36 × channels × tiles): 8 MB.
    var bandBudget = 2 << 20

    init(_ w: ConvolutionWeights) {
        precondition(w.kernel == 3, "Winograd F(4×4, 3×3) is for 3 × 3 filters")
        outputs = w.outputs; inputs = w.inputs; bias = w.bias
        filters = WinogradConvolution.transformFilters(w.weights, outputs: w.outputs, inputs: w.inputs)
    }

    /// (G ⊗ G), 36 × 9: row ξ = 6a + b, column 3y + x holds G[a][y] · G[b][x], so that (G g Gᵀ)_ξ is row ξ
    /// times the filter's nine taps.
    static let kronecker: [Float] = (0 ..< 36).flatMap { (xi: Int) -> [Float] in
        let (a, b) = (xi / 6, xi % 6)
        return (0 ..< 9).map { (tap: Int) -> Float in g[a][tap / 3] * g[b][tap % 3] }
    }

    /// U_ξ[k][c] = (G g_kc Gᵀ)_ξ. The taps are a (k·c) × 9 matrix, so all 36 positions of every filter are one
    /// product, U (36 × kc) = (G ⊗ G) · tapsᵀ, already in U's layout: a layer's filters (millions of taps in
    /// VGG-19's deep layers and a decoder's) transform at the speed of memory, not of a loop per filter.
    static func transformFilters(_ weights: [Float], outputs: Int, inputs: Int) -> [Float] {
        let filters = outputs * inputs
        return [Float](unsafeUninitializedCapacity: 36 * filters) { out, count in
            count = 36 * filters
            weights.withUnsafeBufferPointer { taps in
                kronecker.withUnsafeBufferPointer { kron in
                    guard let out = out.baseAddress, let taps = taps.baseAddress, let kron = kron.baseAddress,
                          filters > 0, weights.count >= 9 * filters else {
                        out.initialize(repeating: 0)  // short weights (refused at load): zeros, not garbage
                        return
                    }
                    // β = 0 writes every element: U is not zeroed first (it is four times the weights).
                    GEMM.multiply(transposingB: true, m: 36, n: filters, k: 9, alpha: 1, kron, lda: 9, taps, ldb: 9,
                                  beta: 0, out, ldc: filters)
                }
            }
        }
    }

    /// The forward ξ whose transform, transposed and scaled, is the flipped filters' transform at ξ, and the scale.
    static func flippedPosition(_ xi: Int) -> (position: Int, scale: Float) {
        let a = xi / 6, b = xi % 6
        return (reciprocal[a] * 6 + reciprocal[b], reversedScale[a] * reversedScale[b])
    }

    /// y ← conv(x) + bias, with x padded by one pixel of `padding`.
    /// `rectified`: max(y, 0), the ReLU that follows the layer, applied as the output is written.
    func forward(_ x: Tensor, padding: Padding = .zero, rectified: Bool = false, into y: inout Tensor,
                 workspace: inout WinogradWorkspace) {
        y.reshapeForOverwrite(channels: outputs, height: x.height, width: x.width)  // the output transform writes all
        run(x, outputChannels: outputs, transposed: false, bias: bias, padding: padding, rectify: rectified,
            into: &y, workspace: &workspace)
    }

    /// dx ← ∂/∂x of ⟨gradient, conv(x)⟩: the transposed convolution of the gradient.
    func backward(_ gradient: Tensor, into dx: inout Tensor, workspace: inout WinogradWorkspace) {
        dx.reshape(channels: inputs, height: gradient.height, width: gradient.width)
        run(gradient, outputChannels: inputs, transposed: true, bias: nil, padding: .zero, rectify: false, into: &dx,
            workspace: &workspace)
    }

    /// The three steps, band by band of tile rows: input transform, 36 GEMMs, output transform.
    private func run(_ x: Tensor, outputChannels k: Int, transposed: Bool, bias: [Float]?, padding: Padding,
                     rectify: Bool, into y: inout Tensor, workspace: inout WinogradWorkspace) {
        let c = x.channels, tilesAcross = (x.width + 3) / 4, tileRows = (x.height + 3) / 4
        let bandRows = max(1, min(tileRows, bandBudget / max(36 * max(c, k) * tilesAcross, 1)))
        for row0 in stride(from: 0, to: tileRows, by: bandRows) {
            let rows = min(bandRows, tileRows - row0), t = rows * tilesAcross
            workspace.reserve(36 * c * t, 36 * k * t)
            WinogradTransforms.input(x, tileRows: row0 ..< row0 + rows, padding: padding, into: &workspace.v)
            // Sound: the three buffers hold 36 × k × c, 36 × c × t and 36 × k × t floats (reserved above).
            self.filters.withUnsafeBufferPointer { u in
                workspace.v.withUnsafeBufferPointer { v in
                    workspace.m.withUnsafeMutableBufferPointer { m in
                        guard let u = u.baseAddress, let v = v.baseAddress, let m = m.baseAddress else { return }
                        let (filters, tiles, products) = (SharedReadBuffer(u), SharedReadBuffer(v), SharedBuffer(m))
                        // The 36 products are independent: the cores share them, each on one thread (see GEMM).
                        Parallel.forEach(36) { xi in
                            // Forward: U_ξ (k × c); backward: α U_π(ξ), stored outputs × inputs, read transposed.
                            let (position, alpha) = transposed ? WinogradConvolution.flippedPosition(xi) : (xi, 1)
                            GEMM.single(transposed, false, m: k, n: t, k: c, alpha: alpha,
                                        filters.base + position * k * c, lda: transposed ? k : c,
                                        tiles.base + xi * c * t, ldb: t, beta: 0, products.base + xi * k * t, ldc: t)
                        }
                    }
                }
            }
            WinogradTransforms.output(workspace.m, channels: k, tileRows: row0 ..< row0 + rows, bias: bias,
                                      rectify: rectify, into: &y)
        }
    }
}

/// The buffers a Winograd convolution reuses from call to call (V and M of one band). Each band writes all of V
/// (the input transform) and of M (the products, β = 0) before reading them, so they are never zeroed.
struct WinogradWorkspace {
    var v: [Float] = [], m: [Float] = []
    mutating func reserve(_ vCount: Int, _ mCount: Int) {
        if v.count < vCount { v = []; v = [Float](unsafeUninitializedCapacity: vCount) { _, n in n = vCount } }
        if m.count < mCount { m = []; m = [Float](unsafeUninitializedCapacity: mCount) { _, n in n = mCount } }
    }
}
