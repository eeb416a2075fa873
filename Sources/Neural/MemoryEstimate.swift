import Imaging
import StyleLabSupport

/// What a style transfer will need, before it allocates anything large: the CLI refuses a run whose estimate
/// exceeds `--max-memory`.
///
/// At the largest stage: the network's activations and their gradients, and L-BFGS's history of 100 pairs of
/// image-sized vectors, grow with the output's pixels; the style images' activations (during the Gram matrices)
/// with theirs; the weights and the process are fixed: Winograd's transformed filters up to conv5_1 take 206 MB
/// (36 floats per 3 × 3 filter; the plain filters are let go once transformed). Measured here with the VGG-19
/// weights at 256 × 170 and 512 × 340 (3 iterations, The Starry Night as the style): 398 and 767 MB, 2.8 KB per
/// output pixel over 275 MB; the estimate takes 6.5 KB per output pixel, 2.5 KB per style pixel, and 288 MB.
/// Int.max when sizes overflow.
public enum StyleTransferMemory {
    static let fixedBytes = 288 << 20

    public static func styleTransfer(content: Size, styles: [Size], _ p: StyleTransferParameters) -> Int {
        let side = p.stages.max() ?? p.size
        let output = content.fitting(longestSide: side)
        let styleSide = Int((Float(side) * p.styleScale).rounded())
        let stylePixels = styles.map { $0.fitting(longestSide: max(1, styleSide)).pixelCount }
        return Checked.sum([fixedBytes, Checked.product([output.pixelCount, 6656]) ?? Int.max,
                            Checked.product([Checked.sum(stylePixels) ?? Int.max, 2560]) ?? Int.max]) ?? Int.max
    }
}

/// The feed-forward stylisers' peak memory: one VGG-19 pass to relu5_1 at a time for WCT (as a Gatys pass costs
/// per content pixel; measured 1.0 GB at 365 × 512 against 1.5 GB estimated), the transformer's full-resolution
/// activations for fast-style (measured 206 MB at 512², estimated 224 MB).
public enum FeedForwardMemory {
    public static func wct(content: Size, styles: [Size]) -> Int {
        let largest = ([content] + styles).map(\.pixelCount).max() ?? 0
        return Checked.sum([StyleTransferMemory.fixedBytes, Checked.product([largest, 6656]) ?? Int.max]) ?? Int.max
    }

    public static func fastStyle(content: Size, width: Int) -> Int {
        // Per pixel: about ten full-resolution tensors of `width` channels are alive at once (a layer's input,
        // its padded copy and its output, the residual path); inference lowers no wide kernel (see
        // ConvolutionLayer), and the strided layers lower theirs in bands of a fixed size.
        let perPixel = Checked.product([max(width, 1), 4, 10]) ?? Int.max
        return Checked.sum([64 << 20, Checked.product([content.pixelCount, perPixel]) ?? Int.max]) ?? Int.max
    }
}
