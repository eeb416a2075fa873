import Foundation
import Analogies
import Imaging
import NearestNeighbors

/// The two decisions of Image Analogies' BestMatch (Hertzmann et al. 2001, §3.2), on vectors and distances taken
/// from real runs of the learned blur filter.
extension Exercise {
    /// A, A′ and B at `side` pixels: the coffee photograph and its blur teach the filter; the cat is filtered.
    static func blurAnalogy(_ inputs: FigureInputs, side: Int, kappa: Float, levels: Int)
        throws -> (a: Image, aPrime: Image, b: Image, parameters: AnalogyParameters) {
        var p = AnalogyPreset.learnedFilter.parameters
        (p.kappa, p.levels, p.search, p.threads) = (kappa, levels, .exact, 1)
        return (try inputs.image("coffee.png", longestSide: side),
                try inputs.image("coffee-blur.png", longestSide: side),
                try inputs.image("chelsea.png", longestSide: side), p)
    }

    static let bestMatch = Exercise(
        "best-match", family: "analogies", "brute-force nearest neighbour of each query feature vector",
        statement: """
            Each line of `a.csv` is the feature vector of one pixel of A: the 5 × 5 luminance neighbourhood of A \
            followed by the causal half of A′'s (the 12 pixels before it in scan-line order), 37 numbers. Each \
            line of `queries.csv` is the same vector for one pixel of B, with B′'s causal half. For every query, \
            find the line of `a.csv` nearest in Euclidean distance, by comparing it with every line (brute force; \
            this is what BestApproximateMatch approximates with a kd-tree).

            **Answer**: `matches.csv`, one line per query with the index of its nearest line of `a.csv` \
            (counted from 0). **Tolerance**: ties are allowed: any line whose squared distance is within 1e-5 \
            (relative) of the least is accepted.
            """) { inputs in
        let photos: [(String, String, String)] = [("coffee.png", "coffee-blur.png", "chelsea.png"),
                                                  ("chelsea.png", "chelsea-blur.png", "rocket.png")]
        return try photos.enumerated().map { number, names in
            var p = AnalogyPreset.learnedFilter.parameters
            (p.levels, p.search, p.threads) = (1, .exact, 1)
            let a = try inputs.image(names.0, longestSide: 24), aPrime = try inputs.image(names.1, longestSide: 24)
            let b = try inputs.image(names.2, longestSide: 24)
            let bPrime = try analogy(a: a, aPrime: aPrime, b: b, p).image
            var random = RandomSource(seed: UInt64(number + 1))
            let queries = (0 ..< 40).map { _ in (x: Int(random.next() % UInt64(b.width)),
                                                 y: Int(random.next() % UInt64(b.height))) }
            let (database, query) = try analogyFeatureVectors(a: a, aPrime: aPrime, b: b, bPrime: bPrime,
                                                              queries: queries, p)
            let nearest = try ExactSearch(database).search(query, k: 1)
            let d = database.dimension
            return ExerciseCase(
                name: "case-\(number + 1)",
                inputs: ["a.csv": PlainFile.csv(database.values, columns: d),
                         "queries.csv": PlainFile.csv(query.values, columns: d)],
                reference: ["matches.csv": PlainFile.csv((0 ..< query.rows).map { [nearest.index(query: $0)] })]) {
                answer in
                let got = try answer.integers("matches.csv", columns: 1, maxRows: query.rows).map { $0[0] }
                guard got.count == query.rows else {
                    return ["matches.csv has \(got.count) rows; \(query.rows) needed"]
                }
                func distance(_ q: Int, _ row: Int) -> Double {
                    (0 ..< d).reduce(0.0) { sum, k in
                        let diff = Double(query.values[q * d + k]) - Double(database.values[row * d + k])
                        return sum + diff * diff
                    }
                }
                var wrong: [String] = []
                for (q, row) in got.enumerated() {
                    guard (0 ..< database.rows).contains(row) else {
                        wrong.append("query \(q + 1): \(row) is not a line of a.csv (0…\(database.rows - 1))")
                        continue
                    }
                    let least = (0 ..< database.rows).map { distance(q, $0) }.min() ?? 0
                    if distance(q, row) > least * (1 + 1e-5) + 1e-12 {
                        wrong.append(String(format: "query %d: line %d is at squared distance %.5g; the nearest, "
                                            + "line %d, at %.5g", q + 1, row, distance(q, row),
                                            nearest.index(query: q), least))
                    }
                }
                return wrong.count <= 3 ? wrong : Array(wrong.prefix(3)) + ["… \(wrong.count) queries wrong in all"]
            }
        }
    }

    static let coherenceDecision = Exercise(
        "coherence-decision", family: "analogies", "coherent or approximate match, by the κ rule",
        statement: """
            At every pixel, BestMatch has two candidates: the approximate match (the nearest neighbour, at \
            distance d_app) and the coherent one (the continuation of a neighbour's source, at distance d_coh). \
            It keeps the coherent one when

            $$d_{coh} \\le d_{app}\\,\\bigl(1 + 2^{\\ell - L}\\,\\kappa\\bigr),$$

            where L is the finest level and ℓ the pixel's. In `cases.csv` each line is one pixel of a real run: \
            `levels_above_finest` (L − ℓ: 0 at the finest level), `kappa`, `d_app`, `d_coh` (`inf` when no \
            neighbour gave a candidate).

            **Answer**: `decisions.csv`, one line per pixel: 1 for the coherent match, 0 for the approximate one. \
            **Tolerance**: where d_coh is within 1e-5 (relative) of the limit, either answer is accepted.
            """) { inputs in
        let runs: [(kappa: Float, side: Int)] = [(2, 64), (0.5, 64), (10, 48)]
        return try runs.enumerated().map { number, run in
            let (a, aPrime, b, p) = try blurAnalogy(inputs, side: run.side, kappa: run.kappa, levels: 3)
            let maps = try analogy(a: a, aPrime: aPrime, b: b, p).levelMaps
            var rows: [(level: Int, dApp: Float, dCoh: Float, coherent: Bool)] = []
            var random = RandomSource(seed: UInt64(10 + number))
            for (level, map) in maps.enumerated() {
                // Eight pixels per level at random, and the first, which has no synthesised neighbour.
                for _ in 0 ..< 8 {
                    let q = Int(random.next() % UInt64(map.coherent.count))
                    rows.append((level, map.appDistance[q], map.cohDistance[q], map.coherent[q]))
                }
                rows.append((level, map.appDistance[0], map.cohDistance[0], map.coherent[0]))
            }
            let table = "levels_above_finest,kappa,d_app,d_coh\n" + rows.map { row in
                [String(row.level), PlainFile.format(run.kappa), PlainFile.format(row.dApp), PlainFile.format(row.dCoh)]
                    .joined(separator: ",")
            }.joined(separator: "\n") + "\n"
            return ExerciseCase(
                name: "case-\(number + 1)", inputs: ["cases.csv": Data(table.utf8)],
                reference: ["decisions.csv": PlainFile.csv(rows.map { [$0.coherent ? 1 : 0] })]) { answer in
                let got = try answer.integers("decisions.csv", columns: 1, maxRows: rows.count).map { $0[0] }
                guard got.count == rows.count else {
                    return ["decisions.csv has \(got.count) rows; \(rows.count) needed"]
                }
                return zip(got, rows).enumerated().compactMap { line, pair in
                    let (answer, row) = pair
                    guard answer == 0 || answer == 1 else {
                        return "decisions.csv row \(line + 1): \(answer) is not 0 or 1"
                    }
                    let limit = Double(row.dApp) * (1 + Double(run.kappa) * pow(2, -Double(row.level)))
                    let tie = row.dCoh.isFinite && abs(Double(row.dCoh) - limit) <= 1e-5 * max(limit, 1e-12)
                    guard !tie, (answer == 1) != row.coherent else { return nil }
                    return "decisions.csv row \(line + 1): \(answer) where \(row.coherent ? 1 : 0) is right "
                        + "(d_coh \(PlainFile.format(row.dCoh)) against the limit " + String(format: "%.6g)", limit)
                }
            }
        }
    }
}
