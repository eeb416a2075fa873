import Imaging
import StyleLabSupport

/// What a quilting run will need, from its inputs' sizes and its parameters, before it allocates anything large:
/// the CLI refuses a run whose estimate exceeds `--max-memory`.
///
/// The sum of the large buffers — the exemplar and its padded copy, the integral image of T² (Double), the error
/// maps of every candidate (one per overlap shape, cached, plus the sums being formed), the FLANN index when one is
/// used, and the canvas with its source map and seams, twice (canvas and cropped result) — plus the process's own
/// footprint. Measured against the peak resident memory of real runs in `QuiltingCLITests` (an upper bound within
/// a factor of two there). Int.max when the sizes overflow.
public enum QuiltingMemory {
    /// The resident memory of the program before any image: runtime, libraries, OpenBLAS's buffers.
    static let processBytes = 48 << 20

    public static func synthesis(texture: Size, channels: Int, output: Size, _ p: QuiltingParameters) -> Int {
        let b = p.blockSize
        let canvas = Size(width: output.width + b, height: output.height + b)
        return total([exemplar(texture, channels: channels, p), canvasBytes(canvas, channels: channels)])
    }

    public static func transfer(texture: Size, channels: Int, target: Size, _ p: TransferParameters) -> Int {
        let b = p.quilting.blockSize
        let canvas = Size(width: target.width + b, height: target.height + b)
        // Colour and guide exemplars with their error maps; the target guide, the previous pass and the canvas.
        return total([exemplar(texture, channels: channels, p.quilting), exemplar(texture, channels: 1, p.quilting),
                      Checked.product([canvas.width, canvas.height, 4 * (channels + 3)]) ?? Int.max,
                      canvasBytes(canvas, channels: channels)])
    }

    /// Exemplar, padded copy, T² integral and candidate error maps (plus a FLANN index when searching with one).
    private static func exemplar(_ size: Size, channels: Int, _ p: QuiltingParameters) -> Int {
        let b = p.blockSize, padded = Size(width: size.width + b, height: size.height + b)
        let candidates = p.wrap ? size.pixelCount : max(1, size.width - b + 1) * max(1, size.height - b + 1)
        let flann = p.search == .flann ? Checked.product([candidates, 64 * 4 * 3]) ?? Int.max : 0
        return Checked.sum([Checked.product([padded.width, padded.height, 4 * channels * 3]) ?? Int.max,
                            Checked.product([padded.width, padded.height, 8]) ?? Int.max,
                            Checked.product([candidates, 4 * 8]) ?? Int.max, flann]) ?? Int.max
    }

    /// Canvas image, source map (two Int32), seams, and the cropped copies of all three in the result.
    private static func canvasBytes(_ canvas: Size, channels: Int) -> Int {
        Checked.product([canvas.width, canvas.height, 2 * (4 * channels + 8 + 1) + channels]) ?? Int.max
    }

    private static func total(_ parts: [Int]) -> Int { Checked.sum([processBytes] + parts) ?? Int.max }
}
