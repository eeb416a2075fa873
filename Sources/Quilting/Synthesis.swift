import Imaging
import StyleLabSupport

/// Image Quilting texture synthesis (Efros & Freeman 2001, §2).
///
/// The output is tiled in raster order with B × B blocks overlapping by O. For each block: (1) measure the overlap
/// error of every candidate block of the exemplar against what is already there; (2) pick at random among the
/// candidates within (1 + tolerance) of the best; (3) copy it in, cutting through the overlap along the
/// minimum-error boundary. Pixels are copied, never blended.
public func synthesize(_ texture: Image, size: Size, _ p: QuiltingParameters = QuiltingParameters(),
                       progress: ProgressSink? = nil) throws -> QuiltingResult {
    guard !texture.isEmpty else { throw QuiltingError.emptyImage(role: "texture") }
    guard size.isValidOutputSize else {
        throw ParameterError(name: "--size", value: "\(size)",
                                             expected: "WxH with sides of 1 to \(Size.maximumSide)")
    }
    try p.validate(exemplarSize: texture.size)
    return try quilt(texture, size: size, p, progress: progress)
}

/// The three stages of the paper's Fig. 2, for teaching: each block (a) taken at random, (b) chosen by its overlap
/// error and pasted whole, or (c) chosen so and cut along the minimum-error boundary (the algorithm).
package enum QuiltingMethod: String, CaseIterable, Sendable {
    case randomBlocks, overlapError, minimumErrorCut
}

/// What one block's step saw, for `observe`: the canvas before it, the candidates' overlap errors (nil for the
/// first block, and for random placement), and the block chosen.
package struct QuiltingStepRecord {
    package let number: Int
    package let x: Int, y: Int
    package let hasLeft: Bool, hasTop: Bool
    package let canvasBefore: Image
    package let errors: [Float]?
    package let candidates: Size
    package let chosen: (u: Int, v: Int)
}

/// The synthesis loop: for each block in raster order, the overlap regions, the search, the placement.
package func quilt(_ texture: Image, size: Size, _ p: QuiltingParameters, method: QuiltingMethod = .minimumErrorCut,
                   progress: ProgressSink? = nil,
                   observe: ((QuiltingStepRecord) -> Void)? = nil) throws -> QuiltingResult {
    try p.validate(exemplarSize: texture.size)
    var clock = Stopwatch()
    let exemplar = PreparedExemplar(texture.opaque, blockSize: p.blockSize, wrap: p.wrap)
    let threads = p.threads ?? Parallel.defaultThreads
    let search = BlockSearcher(exemplar: exemplar, parameters: p, threads: threads)
    clock.lap("prepare exemplar")

    let grid = BlockGrid(size: size, blockSize: p.blockSize, overlap: p.resolvedOverlap)
    var canvas = QuiltingCanvas(size: grid.canvasSize, channels: texture.channels, exemplarSize: texture.size,
                                blockSize: p.blockSize, overlap: p.resolvedOverlap)
    for (number, block) in grid.blocks.enumerated() {
        let regions = method == .randomBlocks ? []
            : canvas.overlapRegions(px: block.x, py: block.y, hasLeft: block.hasLeft, hasTop: block.hasTop, weight: 1)
        var random = RandomSource(seed: p.seed, stream: [0, block.column, block.row])
        let excluded = canvas.continuations(px: block.x, py: block.y, exemplarSize: texture.size)
        var errors: [Float]? = nil
        let (u, v) = try search.choose(regions: regions, excluding: excluded, tolerance: p.tolerance, random: &random,
                                       errorsSeen: observe == nil ? nil : { errors = $0 })
        clock.lap("search blocks")
        observe?(QuiltingStepRecord(number: number, x: block.x, y: block.y, hasLeft: block.hasLeft,
                                    hasTop: block.hasTop, canvasBefore: canvas.image, errors: errors,
                                    candidates: exemplar.candidates, chosen: (u, v)))
        let cut = method == .minimumErrorCut
        canvas.place(blockAt: u, v, from: exemplar.image, exemplarSize: texture.size, px: block.x, py: block.y,
                     hasLeft: block.hasLeft && cut, hasTop: block.hasTop && cut)
        clock.lap("cut and copy")
        progress?("quilting", number + 1, of: grid.blocks.count)
    }
    return canvas.result(croppedTo: size, timings: clock.timings, blockCount: grid.blocks.count)
}

/// The exemplar as the search reads it: padded by wrapping when blocks may cross its edges.
struct PreparedExemplar {
    let image: Image
    let originalSize: Size
    /// Top-left corners a block may take.
    let candidates: Size

    init(_ texture: Image, blockSize b: Int, wrap: Bool) {
        originalSize = texture.size
        if wrap {
            image = texture.padded(right: b - 1, bottom: b - 1, boundary: .wrap)
            candidates = texture.size
        } else {
            image = texture
            candidates = Size(width: texture.width - b + 1, height: texture.height - b + 1)
        }
    }
}

/// Block positions in raster order: step B − O, enough blocks to cover the requested size.
struct BlockGrid {
    struct Block { let column, row, x, y: Int; var hasLeft: Bool { column > 0 }; var hasTop: Bool { row > 0 } }
    let blocks: [Block]
    let canvasSize: Size

    init(size: Size, blockSize b: Int, overlap o: Int) {
        let step = b - o
        let columns = max(1, (size.width - o + step - 1) / step), rows = max(1, (size.height - o + step - 1) / step)
        canvasSize = Size(width: columns * step + o, height: rows * step + o)
        blocks = (0 ..< rows).flatMap { r in (0 ..< columns).map { c in Block(column: c, row: r, x: c * step, y: r * step) } }
    }
}

extension QuiltingCanvas {
    func result(croppedTo size: Size, timings: [StageTiming], blockCount: Int) -> QuiltingResult {
        let seamsCropped = (0 ..< size.height).flatMap { y in (0 ..< size.width).map { x in seams[y * image.width + x] } }
        return QuiltingResult(image: image.cropped(x: 0, y: 0, width: size.width, height: size.height),
                              sourceMap: sourceMap.cropped(x: 0, y: 0, width: size.width, height: size.height),
                              seams: seamsCropped, timings: timings,
                              meanOverlapError: overlapPixelCount > 0 ? overlapErrorSum / Double(overlapPixelCount) : 0,
                              blockCount: blockCount)
    }
}
