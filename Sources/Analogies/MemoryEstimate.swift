import Imaging
import StyleLabSupport

/// What an analogy will need, from the images' sizes and the parameters, before it allocates anything large: the
/// CLI refuses a run whose estimate exceeds `--max-memory`.
///
/// The search database dominates: every A pixel's neighbourhood vector of D = 55 floats per feature channel
/// (5 × 5 fine, 12 causal, 2 × 3 × 3 coarser), its PCA projection and FLANN's forest, at every level at once (they
/// are built concurrently). Measured here on 512 × 340 and 1024 × 680 A (luminance and RGB): 2.3 × D × 4 + 290
/// bytes per A pixel; the estimate takes 3 × D × 4 + 400, plus B's and B′'s pyramids and the process itself.
/// Int.max when the sizes overflow.
public enum AnalogyMemory {
    static let processBytes = 48 << 20

    public static func analogy(a: Size, b: Size, _ p: AnalogyParameters) -> Int {
        let channels = p.features == .luminance ? 1 : 3
        let perAPixel = 3 * 55 * channels * 4 + 400
        // B, B′ and their YIQ copies as Gaussian pyramids (4/3 of the finest level), with the source map.
        let perBPixel = 4 * (3 + 3 + 2 * channels) * 4 / 3 * 4 + 16
        return Checked.sum([processBytes, Checked.product([a.pixelCount, perAPixel]) ?? Int.max,
                            Checked.product([b.width, b.height, perBPixel]) ?? Int.max]) ?? Int.max
    }
}
