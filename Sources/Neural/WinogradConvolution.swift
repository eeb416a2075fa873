import CBLAS
import Imaging

/// 3 × 3 convolution, stride 1, zero padding 1, by Winograd's minimal filtering F(2 × 2, 3 × 3) (Lavin & Gray,
/// "Fast Algorithms for Convolutional Neural Networks", CVPR 2016): each 2 × 2 block of outputs is computed from a
/// 4 × 4 block of inputs with 16 multiplications per (input, output) channel pair instead of 36.
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
///
/// with g the 3 × 3 filter, d the 4 × 4 input tile, and the 16 element-wise products summed over input channels
/// — which makes them 16 matrix products, one per tile position ξ: M_ξ (K × T) = U_ξ (K × C) · V_ξ (C × T) over
/// the T tiles. U = G g Gᵀ is computed once per layer (the weights are frozen); the input's tiles are
/// transformed in bands of tile rows so that V and M stay small. The gradient with respect to the input is the
/// same operation on ∂y with the filters flipped and their channels swapped, so backward reuses forward: and as
/// G J = P G (J reverses the filter's taps, P swaps the first and last rows of G), the flipped filters' transforms
/// are the forward ones with ξ's rows and columns 0 and 3 swapped, transposed — nothing more to store.
/// `Convolution` (im2col + GEMM) stays as the reference this is tested against.
struct WinogradConvolution {
    /// G of F(2 × 2, 3 × 3), for the filters' transform (Bᵀ and Aᵀ are written out in `WinogradTransforms`).
    static let g: [[Float]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]

    let outputs: Int, inputs: Int
    /// U_ξ for ξ < 16, each K × C row-major.
    let filters: [Float]
    let bias: [Float]
    /// Floats per band for V and M each (16 × channels × tiles): 8 MB.
    var bandBudget = 2 << 20

    init(_ w: ConvolutionWeights) {
        precondition(w.kernel == 3, "Winograd F(2×2, 3×3) is for 3 × 3 filters")
        outputs = w.outputs; inputs = w.inputs; bias = w.bias
        filters = WinogradConvolution.transformFilters(w.weights, outputs: w.outputs, inputs: w.inputs)
    }

    /// U_ξ[k][c] = (G g_kc Gᵀ)_ξ.
    static func transformFilters(_ weights: [Float], outputs: Int, inputs: Int) -> [Float] {
        var u = [Float](repeating: 0, count: 16 * outputs * inputs)
        for k in 0 ..< outputs {
            for c in 0 ..< inputs {
                let f = weights[((k * inputs + c) * 9)...].prefix(9).map { $0 }
                for a in 0 ..< 4 {
                    for b in 0 ..< 4 {
                        var s: Float = 0
                        for y in 0 ..< 3 { for x in 0 ..< 3 { s += g[a][y] * f[y * 3 + x] * g[b][x] } }
                        u[((a * 4 + b) * outputs + k) * inputs + c] = s
                    }
                }
            }
        }
        return u
    }

    /// The forward ξ whose transform, transposed, is the flipped filters' transform at ξ (rows and columns 0 ↔ 3).
    static func flippedPosition(_ xi: Int) -> Int {
        let swap = [3, 1, 2, 0]
        return swap[xi / 4] * 4 + swap[xi % 4]
    }

    /// y ← conv(x) + bias.
    func forward(_ x: Tensor, into y: inout Tensor, workspace: inout WinogradWorkspace) {
        y.reshape(channels: outputs, height: x.height, width: x.width)
        run(x, outputChannels: outputs, transposed: false, bias: bias, into: &y, workspace: &workspace)
    }

    /// dx ← ∂/∂x of ⟨gradient, conv(x)⟩: the transposed convolution of the gradient.
    func backward(_ gradient: Tensor, into dx: inout Tensor, workspace: inout WinogradWorkspace) {
        dx.reshape(channels: inputs, height: gradient.height, width: gradient.width)
        run(gradient, outputChannels: inputs, transposed: true, bias: nil, into: &dx, workspace: &workspace)
    }

    /// The three steps, band by band of tile rows: input transform, 16 GEMMs, output transform.
    private func run(_ x: Tensor, outputChannels k: Int, transposed: Bool, bias: [Float]?, into y: inout Tensor,
                     workspace: inout WinogradWorkspace) {
        let c = x.channels, tilesAcross = (x.width + 1) / 2, tileRows = (x.height + 1) / 2
        let bandRows = max(1, min(tileRows, bandBudget / max(16 * max(c, k) * tilesAcross, 1)))
        for row0 in stride(from: 0, to: tileRows, by: bandRows) {
            let rows = min(bandRows, tileRows - row0), t = rows * tilesAcross
            workspace.reserve(16 * c * t, 16 * k * t)
            WinogradTransforms.input(x, tileRows: row0 ..< row0 + rows, into: &workspace.v)
            // Sound: the three buffers hold 16 × k × c, 16 × c × t and 16 × k × t floats (reserved above).
            self.filters.withUnsafeBufferPointer { u in
                workspace.v.withUnsafeBufferPointer { v in
                    workspace.m.withUnsafeMutableBufferPointer { m in
                        guard let u = u.baseAddress, let v = v.baseAddress, let m = m.baseAddress else { return }
                        for xi in 0 ..< 16 {
                            // Forward: U_ξ (k × c); backward: U_π(ξ), stored outputs × inputs, read transposed.
                            let filter = u + (transposed ? WinogradConvolution.flippedPosition(xi) : xi) * k * c
                            cblas_sgemm(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, CblasNoTrans, Int32(k),
                                        Int32(t), Int32(c), 1, filter, Int32(transposed ? k : c), v + xi * c * t, Int32(t),
                                        0, m + xi * k * t, Int32(t))
                        }
                    }
                }
            }
            WinogradTransforms.output(workspace.m, channels: k, tileRows: row0 ..< row0 + rows, bias: bias, into: &y)
        }
    }
}

/// The buffers a Winograd convolution reuses from call to call (V and M of one band).
struct WinogradWorkspace {
    var v: [Float] = [], m: [Float] = []
    mutating func reserve(_ vCount: Int, _ mCount: Int) {
        if v.count < vCount { v = [Float](repeating: 0, count: vCount) }
        if m.count < mCount { m = [Float](repeating: 0, count: mCount) }
    }
}
