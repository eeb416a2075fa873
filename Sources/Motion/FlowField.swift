import Imaging
import StyleLabSupport

/// A dense motion field: one displacement w = (u, v), in pixels, for every pixel of a frame.
///
/// Convention, for the whole module: a `FlowField` is the flow *from* frame A *to* frame B, so that
/// A(x) ≈ B(x + w(x)). u runs along x (to the right) and v along y (downward), the axes of `PixelCoordinate`; a
/// flow lives on A's pixel grid. Both planes are row-major, `width × height` values; functions that take a flow
/// treat planes of any other length as a programming error.
public struct FlowField: Sendable, Equatable {
    public let width: Int, height: Int
    /// Horizontal displacements, row-major.
    public var u: [Float]
    /// Vertical displacements, row-major.
    public var v: [Float]

    /// The zero flow (every pixel stays put), or a constant one.
    public init(width: Int, height: Int, u constantU: Float = 0, v constantV: Float = 0) {
        precondition(width >= 0 && height >= 0, "FlowField(\(width)x\(height))")
        self.width = width
        self.height = height
        u = Array(repeating: constantU, count: width * height)
        v = Array(repeating: constantV, count: width * height)
    }

    /// A flow over existing planes; nil unless both hold `width × height` values.
    public init?(width: Int, height: Int, u: [Float], v: [Float]) {
        guard width >= 0, height >= 0, let n = Checked.pixelCount(width, height), u.count == n, v.count == n else {
            return nil
        }
        self.width = width
        self.height = height
        self.u = u
        self.v = v
    }

    public var size: Size { Size(width: width, height: height) }
    public var pixelCount: Int { width * height }

    /// Whether both planes hold `width × height` values (the public planes can be replaced by any array).
    public var hasConsistentPlanes: Bool { u.count == pixelCount && v.count == pixelCount }

    /// The displacement at pixel (x, y).
    public subscript(x: Int, y: Int) -> (u: Float, v: Float) {
        get { (u[y * width + x], v[y * width + x]) }
        set {
            u[y * width + x] = newValue.u
            v[y * width + x] = newValue.v
        }
    }

    /// |w| at every pixel, as a one-channel image (not clamped to [0, 1]).
    public var magnitude: Image {
        precondition(hasConsistentPlanes, "FlowField \(width)x\(height) with \(u.count) u and \(v.count) v values")
        return Image(width: width, height: height, channels: 1,
                     samples: zip(u, v).map { ($0 * $0 + $1 * $1).squareRoot() })
    }

    /// The mean of |w| over all pixels, in pixels (0 for an empty flow).
    public var meanMagnitude: Double {
        guard pixelCount > 0 else { return 0 }
        return magnitude.samples.reduce(0) { $0 + Double($1) } / Double(pixelCount)
    }
}

/// The three settings OpenCV ships for DIS (Kroeger et al. 2016), fastest first. They differ in the finest
/// pyramid level searched, the patch stride, the gradient-descent iterations per patch and whether the
/// variational refinement runs (ultrafast: level 2, stride 4, 12 iterations, no refinement; fast: level 2,
/// stride 4, 16 iterations, refinement; medium: level 1, stride 3, 25 iterations, refinement).
public enum FlowPreset: String, Codable, CaseIterable, Sendable {
    case ultrafast, fast, medium
}

extension Checked {
    /// width × height, or nil on overflow (sizes from a file or a caller).
    static func pixelCount(_ width: Int, _ height: Int) -> Int? { product([width, height]) }
}
