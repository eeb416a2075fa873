import Imaging

/// The output being quilted: pixels, where each came from, and where the boundary cuts ran.
struct QuiltingCanvas {
    var image: Image
    var sourceMap: SourceMap
    /// True on the first new pixel beyond each boundary cut (the seam, for the overlay picture).
    var seams: [Bool]
    let blockSize: Int
    let overlap: Int
    /// Sum of overlap errors of the placed blocks, and how many overlap pixels they covered.
    var overlapErrorSum: Double = 0
    var overlapPixelCount = 0

    init(size: Size, channels: Int, exemplarSize: Size, blockSize: Int, overlap: Int) {
        image = Image(width: size.width, height: size.height, channels: channels)
        sourceMap = SourceMap(width: size.width, height: size.height, exemplarSize: exemplarSize)
        seams = [Bool](repeating: false, count: size.pixelCount)
        self.blockSize = blockSize
        self.overlap = overlap
    }

    /// The overlap regions a block at (px, py) must match: the left strip when it has a left neighbour, the top
    /// strip when it has one above (the corner counted once).
    func overlapRegions(px: Int, py: Int, hasLeft: Bool, hasTop: Bool, weight: Float) -> [TemplateRegion] {
        var regions: [TemplateRegion] = []
        let b = blockSize, o = overlap
        if hasLeft { regions.append(TemplateRegion(x: 0, y: 0, pixels: image.cropped(x: px, y: py, width: o, height: b), weight: weight)) }
        if hasTop {
            let x0 = hasLeft ? o : 0
            regions.append(TemplateRegion(x: x0, y: 0, pixels: image.cropped(x: px + x0, y: py, width: b - x0, height: o), weight: weight))
        }
        return regions
    }

    /// Candidates that would continue a neighbouring block verbatim (each overlap would match it with zero error).
    ///
    /// Why they are excluded: the paper picks among candidates within (1 + tolerance) × the least error; when the
    /// least error is the exact continuation's 0, that leaves only the continuation, and the output degenerates into
    /// a copy of the exemplar with straight, invisible "seams". Without them the tolerance works as intended.
    func continuations(px: Int, py: Int, exemplarSize: Size) -> Set<Int> {
        var found = Set<Int>()
        let b = blockSize
        for (dx, dy) in [(0, 0), (b - 1, 0), (0, b - 1)] {
            let q = (py + dy) * image.width + px + dx
            guard sourceMap.x[q] >= 0 else { continue }
            let u = (Int(sourceMap.x[q]) - dx + exemplarSize.width) % exemplarSize.width
            let v = (Int(sourceMap.y[q]) - dy + exemplarSize.height) % exemplarSize.height
            found.insert(v * exemplarSize.width + u)
        }
        return found
    }

    /// Copies the block whose top-left exemplar pixel is (u, v) to (px, py), keeping the old pixels on the far side
    /// of the minimum-error boundary cuts through the left and top overlaps. `exemplar` is the padded exemplar;
    /// source coordinates are reduced modulo the original size (for wrapping).
    mutating func place(blockAt u: Int, _ v: Int, from exemplar: Image, exemplarSize: Size, px: Int, py: Int,
                        hasLeft: Bool, hasTop: Bool) {
        let b = blockSize, o = overlap, c = image.channels
        let n = image.pixelCount, m = exemplar.pixelCount
        // e(i, j): squared difference between the canvas and the new block at block pixel (j, i).
        func difference(_ i: Int, _ j: Int) -> Float {
            var e: Float = 0
            for ch in 0 ..< c {
                let d = image.samples[ch * n + (py + i) * image.width + px + j] - exemplar.samples[ch * m + (v + i) * exemplar.width + u + j]
                e += d * d
            }
            return e
        }
        var leftCut = [Int](repeating: 0, count: b), topCut = [Int](repeating: 0, count: b)
        if hasLeft {
            let errors = (0 ..< b * o).map { difference($0 / o, $0 % o) }
            leftCut = BoundaryCut.vertical(errors: errors, rows: b, columns: o)
            overlapErrorSum += Double(errors.reduce(0, +))
            overlapPixelCount += b * o
        }
        if hasTop {
            let errors = (0 ..< o * b).map { difference($0 / b, $0 % b) }
            topCut = BoundaryCut.horizontal(errors: errors, rows: o, columns: b)
            let counted = hasLeft ? o : 0  // the corner's error was counted with the left strip
            overlapErrorSum += Double((0 ..< o * b).filter { $0 % b >= counted }.reduce(Float(0)) { $0 + errors[$1] })
            overlapPixelCount += o * (b - counted)
        }
        for i in 0 ..< b {
            for j in 0 ..< b {
                // New pixel where it lies beyond both cuts (old pixels left of the left cut and above the top cut).
                let isNew = (!hasLeft || j >= leftCut[i]) && (!hasTop || i >= topCut[j])
                guard isNew else { continue }
                let q = (py + i) * image.width + px + j
                for ch in 0 ..< c { image.samples[ch * n + q] = exemplar.samples[ch * m + (v + i) * exemplar.width + u + j] }
                sourceMap.x[q] = Int32((u + j) % exemplarSize.width)
                sourceMap.y[q] = Int32((v + i) % exemplarSize.height)
                seams[q] = (hasLeft && j == leftCut[i]) || (hasTop && i == topCut[j])
            }
        }
    }
}
