import Foundation

/// The shape of a square pixel neighbourhood and the weight of each of its pixels.
///
/// Image Analogies compares neighbourhoods with a Gaussian-weighted L2 distance. Folding √w into the vectors
/// (each sample multiplied by the square root of its weight) makes plain L2 between vectors equal that weighted
/// distance, so any nearest-neighbour index can search them.
@usableFromInline package struct NeighbourhoodShape: Equatable, Sendable {
    /// Offsets (dx, dy) from the centre pixel, in scan-line order.
    @usableFromInline package let offsets: [PixelCoordinate]
    /// √w for each offset.
    @usableFromInline package let sqrtWeights: [Float]
    /// Side length (odd).
    @usableFromInline package let side: Int
    @usableFromInline package let isCausal: Bool

    /// A full `side × side` neighbourhood, Gaussian weights of σ = side / 4 (normalised to sum 1 over the square).
    package static func full(side: Int, sigma: Float? = nil) -> NeighbourhoodShape {
        NeighbourhoodShape(side: side, sigma: sigma, causal: false)
    }

    /// The causal (L-shaped) part of a `side × side` neighbourhood: the rows above the centre and the pixels to
    /// its left — the pixels a scan-line synthesis has already written. Weights are those of the full square.
    package static func causal(side: Int, sigma: Float? = nil) -> NeighbourhoodShape {
        NeighbourhoodShape(side: side, sigma: sigma, causal: true)
    }

    private init(side: Int, sigma: Float?, causal: Bool) {
        precondition(side >= 1 && side % 2 == 1, "neighbourhood side must be odd and positive, got \(side)")
        let r = side / 2, s = sigma ?? Float(side) / 4
        var offsets: [PixelCoordinate] = [], weights: [Float] = []
        var total: Float = 0
        for dy in -r ... r {
            for dx in -r ... r {
                let w = exp(-Float(dx * dx + dy * dy) / (2 * s * s))
                total += w
                if !causal || dy < 0 || (dy == 0 && dx < 0) {
                    offsets.append(PixelCoordinate(x: dx, y: dy))
                    weights.append(w)
                }
            }
        }
        self.offsets = offsets
        self.sqrtWeights = weights.map { ($0 / total).squareRoot() }
        self.side = side
        self.isCausal = causal
    }

    @usableFromInline package var count: Int { offsets.count }
    @usableFromInline package var radius: Int { side / 2 }
}

/// Planar samples seen through a pointer: what a loop reads while another part of it writes the same image
/// (Image Analogies reads B′'s causal neighbourhood while B′ is being synthesised).
@usableFromInline package struct PlanarView: @unchecked Sendable {
    // @unchecked Sendable: a view promises only reads of pixels that no thread is writing.
    @usableFromInline package let base: UnsafePointer<Float>
    @usableFromInline package let width: Int, height: Int, channels: Int
    @usableFromInline package init(base: UnsafePointer<Float>, width: Int, height: Int, channels: Int) {
        self.base = base; self.width = width; self.height = height; self.channels = channels
    }

    /// Writes the √w-weighted neighbourhood of (x, y) into `output`: channel after channel, each in the shape's
    /// offset order, `shape.count × channels` values. Pixels outside the image are read through `boundary`.
    @inlinable
    package func writeNeighbourhood(x: Int, y: Int, shape: NeighbourhoodShape, boundary: BoundaryMode,
                                   into output: UnsafeMutablePointer<Float>) {
        let n = width * height
        var k = 0
        let interior = x - shape.radius >= 0 && y - shape.radius >= 0 && x + shape.radius < width && y + shape.radius < height
        for c in 0 ..< channels {
            let plane = base + c * n
            for (o, offset) in shape.offsets.enumerated() {
                let value: Float
                if interior {
                    value = plane[(y + offset.y) * width + x + offset.x]
                } else if let sx = boundary.index(x + offset.x, count: width), let sy = boundary.index(y + offset.y, count: height) {
                    value = plane[sy * width + sx]
                } else {
                    value = boundary.outsideValue
                }
                output[k] = value * shape.sqrtWeights[o]
                k += 1
            }
        }
    }
}

extension Image {
    /// Runs `body` with a read-only view of the samples.
    @inlinable
    package func withView<R>(_ body: (PlanarView) throws -> R) rethrows -> R {
        try samples.withUnsafeBufferPointer { try body(PlanarView(base: $0.baseAddress!, width: width, height: height, channels: channels)) }
    }

    /// Writes the √w-weighted neighbourhood of (x, y) into `output` (see `PlanarView.writeNeighbourhood`).
    @inlinable
    package func writeNeighbourhood(x: Int, y: Int, shape: NeighbourhoodShape, boundary: BoundaryMode,
                                   into output: UnsafeMutablePointer<Float>) {
        withView { $0.writeNeighbourhood(x: x, y: y, shape: shape, boundary: boundary, into: output) }
    }

    /// The neighbourhood vector of every pixel, in scan-line order, optionally followed by the neighbourhood of
    /// its parent (x/2, y/2) in `coarser` (the next pyramid level) — the feature layout of Image Analogies.
    package func neighbourhoodVectors(shape: NeighbourhoodShape, boundary: BoundaryMode = .clamp,
                                     coarser: Image? = nil, coarserShape: NeighbourhoodShape? = nil) -> FeatureMatrix {
        let fine = shape.count * channels
        let parentShape = coarserShape ?? .full(side: 3)
        let parent = coarser.map { parentShape.count * $0.channels } ?? 0
        var matrix = FeatureMatrix(rows: pixelCount, dimension: fine + parent)
        let dimension = matrix.dimension
        matrix.values.withUnsafeMutableBufferPointer { out in
            for y in 0 ..< height {
                for x in 0 ..< width {
                    let row = out.baseAddress! + (y * width + x) * dimension
                    writeNeighbourhood(x: x, y: y, shape: shape, boundary: boundary, into: row)
                    if let coarser {
                        coarser.writeNeighbourhood(x: min(x / 2, coarser.width - 1), y: min(y / 2, coarser.height - 1),
                                                   shape: parentShape, boundary: boundary, into: row + fine)
                    }
                }
            }
        }
        return matrix
    }
}
