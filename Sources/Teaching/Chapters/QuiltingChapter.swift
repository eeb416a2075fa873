import Foundation
import Imaging
import Quilting

/// Chapter 3: Image Quilting (Efros & Freeman 2001) one step at a time, every picture from the library's own loop.
extension Chapters {
    static var quilting: Chapter {
        Chapter("03-quilting", "Image Quilting, step by step", [
            .text("""
                Image Quilting grows a large texture from a small sample by copying whole **blocks** of it, side \
                by side, in raster order. Each new block overlaps its left and upper neighbours by a few pixels, \
                and the algorithm makes two choices there: *which* block to copy, and *where* in the overlap the \
                old pixels should give way to the new ones. The paper's Figure 2 shows why both matter; here is \
                the same experiment on the embedded brick texture, with blocks of B = 32 pixels overlapping by \
                O = 8.
                """),
            .figure(threeWays),
            .text("""
                ## Choosing a block: the overlap error

                For a block position, every position (u, v) of the exemplar is a candidate. Its **overlap error** \
                is the sum of squared differences between the candidate's pixels and the pixels already in the \
                output, over the overlap region Ω (the left strip, the top strip, or both):

                $$\\mathrm{SSD}(u, v) = \\sum_{p \\in \\Omega} \\lVert T(u + p) - O(p) \\rVert^2 .$$

                Taking the best candidate every time would copy the exemplar verbatim, so the paper picks at \
                random among those within a **tolerance** ε of the best: SSD(u, v) ≤ (1 + ε)·min SSD, with ε = 0.1. \
                StyleLab computes the whole surface at once — expanding the square gives an integral image of \
                T² plus one correlation — and it leaves out the candidate that would merely continue a neighbour \
                (its error is 0, and it would win every time).
                """),
            .figure(ssdSurface),
            .text("""
                ## Cutting the overlap: the minimum-error boundary

                Pasting the chosen block whole leaves a straight, visible edge. Instead, inside the overlap the \
                paper computes the error surface e(i, j) = ‖old − new‖² and looks for the cheapest path from the \
                top of the strip to the bottom, one pixel per row, moving at most one column between rows. \
                Dynamic programming finds it in one pass:

                $$E(i, j) = e(i, j) + \\min\\bigl(E(i-1, j-1),\\; E(i-1, j),\\; E(i-1, j+1)\\bigr),$$

                and the path is traced back from the smallest E in the last row. Pixels left of the path keep the \
                old values, pixels right of it take the new block's. The top overlap is cut the same way, turned \
                on its side.
                """),
            .figure(blockDissected),
            .text("""
                ## The whole quilt

                Every output pixel is a copy of one exemplar pixel — there is no blending — so the result comes \
                with a **source map** (where each pixel came from: x in red, y in green) and the seams drawn where \
                the cuts ran. Smooth colour runs in the source map are whole blocks; the seams wander to follow \
                the texture.
                """),
            .figure(seamsAndSources),
            .command("stylelab quilt synthesize --texture ../../datasets/embedded/brick.png --size 256x256 "
                     + "--block 32 --seams seams.png --source-map sources.png -o quilt.png"),
            .text("""
                ## The three parameters

                The block size B must be large enough to hold the texture's structures (the paper: "big enough to \
                capture the relevant structures"); the overlap O, B/6 by default, sets how much room the cut has; \
                the tolerance ε trades faithfulness against variety.
                """),
            .figure(blockSizeSweep),
            .figure(overlapSweep),
            .figure(toleranceSweep),
            .text("""
                ## Texture transfer

                For transfer (§3 of the paper), each block must also resemble the target image at its position, \
                measured on a correspondence map (here, luminance; StyleLab's default blurs it first). \
                The error becomes \
                α·(overlap error) + (1 − α)·(correspondence error), and the synthesis runs N times, each pass \
                with blocks a third smaller and α higher — α_i = 0.8·(i − 1)/(N − 1) + 0.1 — matching also what \
                the previous pass put there. The first pass follows the target coarsely; later passes add detail \
                that agrees with the texture.
                """),
            .figure(transferPasses),
        ] + exercises("quilting"))
    }

    /// The brick texture at 128 px, the chapter's exemplar.
    static func brick(_ inputs: FigureInputs) throws -> Image { try inputs.image("brick.png", longestSide: 128) }

    static let threeWays = FigureRecipe("three-ways", inputs: ["brick.png"],
                                        settings: [("block", "32"), ("overlap", "8"), ("seed", "0")]) { inputs, s in
        let texture = try brick(inputs)
        let p = QuiltingParameters(blockSize: try s.int("block", in: 8 ... 64),
                                   overlap: try s.int("overlap", in: 1 ... 32),
                                   seed: UInt64(try s.int("seed", in: 0 ... 1000)))
        let size = Size(width: 176, height: 176)
        let outputs = try QuiltingMethod.allCases.map { try quilt(texture, size: size, p, method: $0).image }
        return Figure(Drawing.row([(texture, "exemplar"), (outputs[0], "(a) random blocks"),
                                   (outputs[1], "(b) best overlap"), (outputs[2], "(c) + min. cut")]),
                      "The paper's Fig. 2 on the brick texture: (a) blocks at random, (b) each chosen by its overlap "
                        + "error and pasted whole, (c) also cut along the minimum-error boundary.")
    }

    /// The step of block `step` in a 96 × 96 quilt of the brick texture (block 5 has both a left and a top overlap).
    static func quiltStep(_ inputs: FigureInputs, _ s: FigureSettings) throws -> (Image, QuiltingParameters,
                                                                                  QuiltingStepRecord) {
        let texture = try brick(inputs)
        let p = QuiltingParameters(blockSize: 32, overlap: 8, tolerance: try s.real("tolerance", in: 0 ... 10),
                                   seed: UInt64(try s.int("seed", in: 0 ... 1000)))
        let step = try s.int("step", in: 1 ... 15)
        var record: QuiltingStepRecord?
        _ = try quilt(texture, size: Size(width: 104, height: 104), p) { if $0.number == step { record = $0 } }
        guard let record else {
            throw TeachingError.badSetting(figure: s.figure, key: "step", detail: "is past the quilt")
        }
        return (texture, p, record)
    }

    static let ssdSurface = FigureRecipe("ssd-surface", inputs: ["brick.png"],
                                         settings: [("step", "5"), ("tolerance", "0.1"), ("seed", "0")]) { inputs, s in
        let (texture, p, step) = try quiltStep(inputs, s)
        guard let errors = step.errors else {
            throw TeachingError.badSetting(figure: "ssd-surface", key: "step", detail: "must have an overlap (not 0)")
        }
        let best = errors.filter(\.isFinite).min() ?? 0, limit = best * (1 + p.tolerance)
        let candidates = errors.indices.filter { errors[$0] <= limit }
        var surface = Drawing.enlarged(Drawing.heatmap(errors.map { $0.isFinite ? $0.squareRoot() : $0 },
                                                       step.candidates), 2)
        let w = step.candidates.width
        // Each candidate as a 4 × 4 square on the doubled surface, the one drawn as a white one on top.
        let square = { (u: Int, v: Int) in
            (-1 ... 2).flatMap { dy in (-1 ... 2).map { dx in (2 * u + dx, 2 * v + dy) } }
        }
        Drawing.mark(candidates.flatMap { square($0 % w, $0 / w) }, on: &surface, colour: [1, 0.1, 0.1])
        Drawing.mark(square(step.chosen.u, step.chosen.v), on: &surface, colour: [1, 1, 1])
        var before = step.canvasBefore.clamped()
        outline(&before, x: step.x, y: step.y, size: p.blockSize, overlap: p.resolvedOverlap)
        let chosen = texture.cropped(x: step.chosen.u, y: step.chosen.v, width: p.blockSize, height: p.blockSize)
        return Figure(Drawing.row([(Drawing.enlarged(before, 2), "output so far, overlap in red"),
                                   (surface, "sqrt SSD over (u, v); red: within tolerance"),
                                   (Drawing.enlarged(chosen, 3), "the block drawn")]),
                      "Block \(step.number): the overlap error of every candidate position of the exemplar (dark = "
                        + "low), the \(candidates.count) candidates within (1 + \(p.tolerance)) of the least marked "
                        + "red, and the one drawn at random among them (white).",
                      numbers: ["candidates": Double(candidates.count), "least_ssd": Double(round3(best))])
    }

    /// Draws the L-shaped overlap of a block at (x, y) in red.
    static func outline(_ image: inout Image, x: Int, y: Int, size b: Int, overlap o: Int) {
        var points: [(x: Int, y: Int)] = []
        for i in 0 ..< b { points += [(x + i, y), (x + i, y + o - 1), (x, y + i), (x + o - 1, y + i)] }
        for i in o ..< b { points += [(x + i, y + o - 1), (x + o - 1, y + i)] }
        Drawing.mark(points, on: &image, colour: [1, 0.1, 0.1])
    }

    static let blockDissected = FigureRecipe("block-dissected", inputs: ["brick.png"],
                                             settings: [("step", "5"), ("tolerance", "0.1"), ("seed", "0")]) {
        inputs, s in
        let (texture, p, step) = try quiltStep(inputs, s)
        let b = p.blockSize, o = p.resolvedOverlap
        let old = step.canvasBefore.cropped(x: step.x, y: step.y, width: o, height: b)
        let new = texture.cropped(x: step.chosen.u, y: step.chosen.v, width: o, height: b)
        let errors = (0 ..< b * o).map { q in
            (0 ..< old.channels).reduce(Float(0)) { sum, c in
                let d = old[q % o, q / o, c] - new[q % o, q / o, c]
                return sum + d * d
            }
        }
        let cumulative = BoundaryCut.cumulativeCost(errors: errors, rows: b, columns: o)
        let path = BoundaryCut.vertical(errors: errors, rows: b, columns: o)
        var withPath = Drawing.heatmap(errors, Size(width: o, height: b))
        Drawing.mark(path.enumerated().map { ($0.element, $0.offset) }, on: &withPath, colour: [1, 0.1, 0.1])
        var mask = Image(width: o, height: b, channels: 1), merged = old
        for i in 0 ..< b {
            for j in path[i] ..< o {
                mask[j, i, 0] = 1
                for c in 0 ..< merged.channels { merged[j, i, c] = new[j, i, c] }
            }
        }
        let cutCost = BoundaryCut.cost(of: path, errors: errors, columns: o)
        let straightCost = BoundaryCut.cost(of: [Int](repeating: 0, count: b), errors: errors, columns: o)
        let zoom = { (image: Image) in Drawing.enlarged(image, 6) }
        let panels: [(Image, String)] = [(zoom(old), "old"), (zoom(new), "new"),
                                         (zoom(Drawing.heatmap(errors, Size(width: o, height: b))), "e"),
                                         (zoom(Drawing.heatmap(cumulative, Size(width: o, height: b))), "E"),
                                         (zoom(withPath), "path"), (zoom(mask), "mask"), (zoom(merged), "cut")]
        return Figure(Drawing.row(panels, gap: 8),
                      String(format: "The left overlap of block %d, %d x %d pixels, enlarged: the old pixels, the "
                             + "new block's, their error e, its running minimum E, the cheapest path (red), the "
                             + "mask of new pixels, and the result. The path's error is %.3f, against %.3f along "
                             + "the block's straight edge.", step.number, o, b, cutCost, straightCost),
                      numbers: ["cut_error": Double(round3(cutCost)), "straight_error": Double(round3(straightCost))])
    }

    static let seamsAndSources = FigureRecipe("seams-and-source-map", inputs: ["brick.png"],
                                              settings: [("block", "32"), ("seed", "0")]) { inputs, s in
        let texture = try brick(inputs)
        let p = QuiltingParameters(blockSize: try s.int("block", in: 8 ... 64), overlap: 8,
                                   seed: UInt64(try s.int("seed", in: 0 ... 1000)))
        let result = try synthesize(texture, size: Size(width: 200, height: 200), p)
        return Figure(Drawing.row([(result.image, "quilt"), (result.seamOverlay(), "seams"),
                                   (result.sourceMap.colourCoded(), "source map")]),
                      String(format: "A 200 x 200 quilt with its seams and its source map; mean overlap error %.4f "
                             + "per pixel.", result.meanOverlapError),
                      numbers: ["mean_overlap_error": (result.meanOverlapError * 1e4).rounded() / 1e4])
    }

    /// One quilt per value of a parameter, side by side.
    static func sweep(_ name: String, _ values: [String], caption: String,
                      _ parameters: @escaping @Sendable (String) -> QuiltingParameters) -> FigureRecipe {
        FigureRecipe(name, inputs: ["brick.png"], settings: [("values", values.joined(separator: ","))]) { inputs, s in
            let texture = try brick(inputs)
            let items = try s.string("values").split(separator: ",").prefix(5).map { value in
                let p = parameters(String(value))
                try p.validate(exemplarSize: texture.size)
                let label = "\(name.prefix { $0 != "-" }) \(value)"
                return (try synthesize(texture, size: Size(width: 144, height: 144), p).image, label)
            }
            return Figure(Drawing.row(items), caption)
        }
    }

    static let blockSizeSweep = sweep("block-sweep", ["12", "24", "48"],
                                      caption: "Block size B = 12, 24, 48 (overlap B/6): small blocks break the "
                                        + "bricks apart; large ones keep them whole but repeat the exemplar.") {
        QuiltingParameters(blockSize: Int($0) ?? 32)
    }
    static let overlapSweep = sweep("overlap-sweep", ["2", "8", "16"],
                                    caption: "Overlap O = 2, 8, 16 with B = 32: a thin overlap leaves the cut no "
                                      + "room to hide; a wide one constrains each block more.") {
        QuiltingParameters(blockSize: 32, overlap: Int($0) ?? 8)
    }
    static let toleranceSweep = sweep("tolerance-sweep", ["0", "0.1", "1"],
                                      caption: "Tolerance 0, 0.1, 1 with B = 32: at 0 the least-error block always "
                                        + "wins and patterns repeat; at 1 poorer matches show as seams.") {
        QuiltingParameters(blockSize: 32, tolerance: Float($0) ?? 0.1)
    }

    static let transferPasses = FigureRecipe("transfer-passes", inputs: ["gravel.png", "chelsea.png"],
                                             settings: [("passes", "3"), ("seed", "0")]) { inputs, s in
        let texture = try inputs.image("gravel.png", longestSide: 128)
        let target = try inputs.image("chelsea.png", longestSide: 192)
        var p = TransferParameters(passes: try s.int("passes", in: 1 ... 5), correspondence: .luminance)
        p.quilting.seed = UInt64(try s.int("seed", in: 0 ... 1000))
        _ = p.fitBlock(toTarget: target.size)
        let passes = try Quilting.transferPasses(texture, onto: target, p)
        let items = passes.enumerated().map { i, pass in
            (pass.image, String(format: "pass %d: B %d, alpha %.2f", i + 1, p.blockSize(pass: i), p.alpha(pass: i)))
        }
        return Figure(Drawing.row([(target, "target"), (texture, "texture")] + items),
                      "Texture transfer of the gravel texture onto the cat photograph (correspondence: luminance), "
                        + "pass by pass: each pass shrinks the block by a third and raises α.")
    }
}
