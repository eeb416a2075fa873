import Foundation
import Imaging
import Quilting

/// The quilting steps of Efros & Freeman (2001, §2.1), on real steps of a quilt of a 48 × 48 gravel crop.
extension Exercise {
    static let quiltingBlock = 16, quiltingOverlap = 4

    /// Three steps of one quilt: a block with a left overlap only, one with a top overlap only, and one with both.
    static func quiltingSteps(_ inputs: FigureInputs) throws -> (texture: Image, steps: [QuiltingStepRecord]) {
        let texture = try inputs.image("gravel.png").cropped(x: 100, y: 60, width: 48, height: 48)
        let p = QuiltingParameters(blockSize: quiltingBlock, overlap: quiltingOverlap, tolerance: 0.1, seed: 3,
                                   threads: 1)
        var records: [QuiltingStepRecord] = []
        _ = try quilt(texture, size: Size(width: 40, height: 40), p) { records.append($0) }
        let kinds: [(Bool, Bool)] = [(true, false), (false, true), (true, true)]
        let steps = kinds.compactMap { kind in records.first { ($0.hasLeft, $0.hasTop) == kind && $0.errors != nil } }
        return (texture, steps)
    }

    /// The overlap of a block as a mask: 1 where the new block meets pixels already in the output.
    static func overlapMask(_ step: QuiltingStepRecord) -> Image {
        var mask = Image(width: quiltingBlock, height: quiltingBlock, channels: 1)
        for y in 0 ..< quiltingBlock {
            let inTopOverlap = step.hasTop && y < quiltingOverlap
            for x in 0 ..< quiltingBlock where (step.hasLeft && x < quiltingOverlap) || inTopOverlap {
                mask[x, y, 0] = 1
            }
        }
        return mask
    }

    static let ssdSurface = Exercise(
        "ssd-surface", family: "quilting", "the overlap error of every candidate block position",
        statement: """
            A block of \(quiltingBlock) × \(quiltingBlock) pixels is about to be placed. `output-so-far.png` is the \
            output under it, and `overlap-mask.png` is white where that output already has pixels (the overlap with \
            the blocks to the left and above). For every top-left corner (u, v) of a block inside `texture.png` \
            (u from 0 to W − \(quiltingBlock), v from 0 to H − \(quiltingBlock)), compute the sum of squared \
            differences over the overlap, with samples read as value/255 (the texture is grey; with colour, the \
            sum would run over the channels too):

            $$\\mathrm{SSD}(u, v) = \\sum_{p\\,\\in\\,\\text{overlap}} \\sum_c \\bigl(T(u + p_x, v + p_y, c) - \
            O(p_x, p_y, c)\\bigr)^2 .$$

            **Answer**: `ssd.csv`, one line per v and one column per u (no header). **Tolerance**: 1e-4 of the \
            largest value. The toolkit excludes the few positions that would continue a neighbouring block \
            verbatim (see the chapter); those cells are not compared.
            """) { inputs in
        let (texture, steps) = try quiltingSteps(inputs)
        return try steps.enumerated().map { number, step in
            let errors = step.errors ?? []
            let w = step.candidates.width, h = step.candidates.height
            let canvas = step.canvasBefore.cropped(x: step.x, y: step.y, width: quiltingBlock, height: quiltingBlock)
            let mask = overlapMask(step)
            var shown = canvas  // Black outside the overlap, where nothing is placed yet.
            for q in 0 ..< mask.pixelCount where mask.samples[q] == 0 {
                for c in 0 ..< shown.channels { shown.samples[c * shown.pixelCount + q] = 0 }
            }
            let reference = errors.map { $0.isFinite ? $0 : 0 }
            return ExerciseCase(
                name: "case-\(number + 1)",
                inputs: ["texture.png": try PlainFile.png(texture), "output-so-far.png": try PlainFile.png(shown),
                         "overlap-mask.png": try PlainFile.png(mask)],
                reference: ["ssd.csv": PlainFile.csv(reference, columns: w)]) { answer in
                let got = try answer.numbers("ssd.csv", rows: h, columns: w)
                return compareMatrix(got, errors, columns: w, file: "ssd.csv",
                                     tolerance: tolerance(for: errors, relative: 1e-4)) { !errors[$0].isFinite }
            }
        }
    }

    static let candidateSet = Exercise(
        "candidate-set", family: "quilting", "the positions within the tolerance of the least overlap error",
        statement: """
            `ssd.csv` is the overlap error of every candidate position (one line per v, one column per u; `inf` \
            marks positions that are never candidates), and `case.json` gives the tolerance ε. The paper draws the \
            next block at random among the positions whose error is within (1 + ε) of the least:

            $$C = \\{(u, v) : \\mathrm{SSD}(u, v) \\le (1 + \\varepsilon)\\, \\min \\mathrm{SSD}\\}.$$

            **Answer**: `candidates.csv`, one line `u,v` per member of C, in any order (a header line `u,v` is \
            allowed). **Tolerance**: a position within 1e-6 (relative) of the limit may be in or out.
            """) { inputs in
        let (_, steps) = try quiltingSteps(inputs)
        let tolerances: [Float] = [0.1, 0.5, 0]
        return try zip(steps, tolerances).enumerated().map { number, pair in
            let (step, epsilon) = pair
            let errors = step.errors ?? [], w = step.candidates.width
            let limit = (errors.min() ?? 0) * (1 + epsilon)
            let inside = errors.indices.filter { errors[$0] <= limit }
            // Blocks within rounding of the limit may be in or out: both answers are right.
            let optional = Set(errors.indices.filter {
                abs(Double(errors[$0]) - Double(limit)) <= 1e-6 * Double(limit)
            })
            return ExerciseCase(
                name: "case-\(number + 1)",
                inputs: ["ssd.csv": PlainFile.csv(errors, columns: w),
                         "case.json": try PlainFile.json(["tolerance": Double(epsilon)])],
                reference: ["candidates.csv": PlainFile.csv(inside.map { [$0 % w, $0 / w] }, header: "u,v")]
            ) { answer in
                let rows = try answer.integers("candidates.csv", columns: 2, maxRows: errors.count)
                var problems: [String] = [], seen = Set<Int>()
                for (line, row) in rows.enumerated() {
                    guard (0 ..< w).contains(row[0]), (0 ..< step.candidates.height).contains(row[1]) else {
                        problems.append("candidates.csv row \(line + 1): (\(row[0]), \(row[1])) is not a position")
                        continue
                    }
                    if !seen.insert(row[1] * w + row[0]).inserted {
                        problems.append("candidates.csv row \(line + 1): (\(row[0]), \(row[1])) is listed twice")
                    }
                }
                let required = Set(inside).subtracting(optional), allowed = Set(inside).union(optional)
                let missing = required.subtracting(seen).sorted(), extra = seen.subtracting(allowed).sorted()
                let show = { (set: [Int]) in set.prefix(4).map { "(\($0 % w), \($0 / w))" }.joined(separator: " ") }
                if !missing.isEmpty { problems.append("\(missing.count) position(s) missing, e.g. \(show(missing))") }
                if !extra.isEmpty {
                    problems.append("\(extra.count) position(s) beyond (1 + ε) × the least error, e.g. \(show(extra))")
                }
                return problems
            }
        }
    }

    static let minCut = Exercise(
        "min-cut", family: "quilting", "the minimum-error boundary cut through an overlap",
        statement: """
            `errors.csv` is the error surface e(i, j) of a vertical overlap: one line per row i, one column per \
            column j. Find the path from the top row to the bottom one, one column per row, moving at most one \
            column between consecutive rows, whose total error is least. Dynamic programming does it in one pass:

            $$E(i, j) = e(i, j) + \\min\\bigl(E(i-1, j-1),\\, E(i-1, j),\\, E(i-1, j+1)\\bigr),$$

            then trace back from the least E of the last row.

            **Answer**: `path.csv`, one line per row with the path's column (counted from 0). **Tolerance**: any \
            valid path whose total error is within 1e-5 (relative) of the least is accepted, so ties may go \
            either way (case 3 is all ties).
            """) { inputs in
        let (texture, steps) = try quiltingSteps(inputs)
        let b = quiltingBlock, o = quiltingOverlap
        var surfaces: [[Float]] = steps.filter(\.hasLeft).map { step in
            let old = step.canvasBefore.cropped(x: step.x, y: step.y, width: o, height: b)
            let new = texture.cropped(x: step.chosen.u, y: step.chosen.v, width: o, height: b)
            return (0 ..< b * o).map { q in
                (0 ..< old.channels).reduce(Float(0)) { sum, c in
                    let d = old[q % o, q / o, c] - new[q % o, q / o, c]
                    return sum + d * d
                }
            }
        }
        surfaces.append([Float](repeating: 0.25, count: b * o))
        return surfaces.enumerated().map { number, errors in
            let path = BoundaryCut.vertical(errors: errors, rows: b, columns: o)
            let least = BoundaryCut.cost(of: path, errors: errors, columns: o)
            return ExerciseCase(
                name: "case-\(number + 1)", inputs: ["errors.csv": PlainFile.csv(errors, columns: o)],
                reference: ["path.csv": PlainFile.csv(path.map { [$0] })]) { answer in
                let got = try answer.integers("path.csv", columns: 1, maxRows: b).map { $0[0] }
                guard got.count == b else { return ["path.csv has \(got.count) rows; the overlap has \(b)"] }
                if let row = got.indices.first(where: { !(0 ..< o).contains(got[$0]) }) {
                    return ["path.csv row \(row + 1): column \(got[row]) is outside 0…\(o - 1)"]
                }
                if let row = got.indices.dropFirst().first(where: { abs(got[$0] - got[$0 - 1]) > 1 }) {
                    return ["path.csv rows \(row) and \(row + 1): the path jumps from column \(got[row - 1]) to "
                            + "\(got[row]); it may move one column at most"]
                }
                let cost = got.enumerated().reduce(0.0) { $0 + Double(errors[$1.offset * o + $1.element]) }
                guard cost <= Double(least) * (1 + 1e-5) + 1e-9 else {
                    return [String(format: "the path's total error is %.6g; the least is %.6g", cost, Double(least))]
                }
                return []
            }
        }
    }
}
