import Foundation
import Imaging
import Teaching
import Testing

/// Each exercise step must accept its reference answers, accept an answer computed independently from the exported
/// files by the statement's formula (so that the statement says what the reference does), and reject the mistakes
/// students make; a malformed answer must be a problem of its case, not a crash.
@Suite struct ExerciseTests {
    static let inputs = FigureInputs(folder: repositoryFile("datasets/embedded"))

    /// Exports `step` with its answers into a fresh folder.
    static func exported(_ step: String) throws -> (exercise: Exercise, folder: String) {
        let folder = NSTemporaryDirectory() + "exercise-\(step)-\(UUID().uuidString)"
        let exercise = try Exercise.named(step)
        try exercise.export(to: folder, inputs: inputs, answers: true)
        return (exercise, folder)
    }

    /// Rewrites `file` in every case of the answers with `transform` of its reference CSV (and the case's inputs).
    static func answers(
        _ folder: String, _ file: String,
        _ transform: (_ reference: [[Double]], _ caseFolder: String) throws -> String
    ) throws -> String {
        let out = folder + "/student"
        for name in try FileManager.default.contentsOfDirectory(atPath: folder + "/answers") {
            try FileManager.default.createDirectory(atPath: out + "/" + name, withIntermediateDirectories: true)
            let reference = try csv(folder + "/answers/\(name)/\(file)")
            try transform(reference, folder + "/" + name).write(toFile: out + "/\(name)/\(file)", atomically: true,
                                                                 encoding: .utf8)
        }
        return out
    }

    static func verdicts(_ exercise: Exercise, _ answers: String) throws -> [CaseVerdict] {
        try exercise.check(answers: answers, inputs: inputs)
    }

    @Test(arguments: Exercise.all.map(\.step))
    func referenceAnswersPass(step: String) throws {
        let (exercise, folder) = try ExerciseTests.exported(step)
        let verdicts = try ExerciseTests.verdicts(exercise, folder + "/answers")
        #expect(verdicts.count >= 2)
        let failed = verdicts.filter { !$0.passed }
        #expect(failed.isEmpty, "\(failed)")
        #expect(FileManager.default.fileExists(atPath: folder + "/STATEMENT.md"))
    }

    @Test func ssdSurfaceFromThePNGsPassesAndEightBitUnitsFail() throws {
        let (exercise, folder) = try ExerciseTests.exported("ssd-surface")
        let block = 16
        let independent = try ExerciseTests.answers(folder, "ssd.csv") { _, inputs in
            let texture = try Image(contentsOf: inputs + "/texture.png")
            let old = try Image(contentsOf: inputs + "/output-so-far.png")
            let mask = try Image(contentsOf: inputs + "/overlap-mask.png")
            return (0 ... texture.height - block).map { v in
                (0 ... texture.width - block).map { u in
                    var sum = 0.0
                    for y in 0 ..< block { for x in 0 ..< block where mask[x, y, 0] > 0.5 {
                        for c in 0 ..< texture.channels {
                            let d = Double(texture[u + x, v + y, c] - old[x, y, c])
                            sum += d * d
                        }
                    } }
                    return String(sum)
                }.joined(separator: ",")
            }.joined(separator: "\n")
        }
        #expect(try ExerciseTests.verdicts(exercise, independent).allSatisfy(\.passed))
        let eightBit = try ExerciseTests.answers(folder, "ssd.csv") { reference, _ in
            reference.map { $0.map { String($0 * 255 * 255) }.joined(separator: ",") }.joined(separator: "\n")
        }
        let verdicts = try ExerciseTests.verdicts(exercise, eightBit)
        #expect(verdicts.allSatisfy { !$0.passed && $0.problems[0].contains("values off by more than") })
    }

    @Test func candidateSetRejectsMissingAndExtraPositions() throws {
        let (exercise, folder) = try ExerciseTests.exported("candidate-set")
        let wrong = try ExerciseTests.answers(folder, "candidates.csv") { reference, _ in
            // The first member dropped, and a position far from the least error added.
            (["u,v"] + reference.dropFirst().map { "\(Int($0[0])),\(Int($0[1]))" } + ["32,32"]).joined(separator: "\n")
        }
        let verdicts = try ExerciseTests.verdicts(exercise, wrong)
        #expect(verdicts.allSatisfy { !$0.passed })
        #expect(verdicts.contains { $0.problems.contains { $0.contains("missing") } })
    }

    @Test func minCutAcceptsTiesAndRejectsJumpsAndDearerPaths() throws {
        let (exercise, folder) = try ExerciseTests.exported("min-cut")
        // Case 3 is all ties: the rightmost column is as good as the reference. Cases 1 and 2 get a jump.
        let tiesAndJumps = try ExerciseTests.answers(folder, "path.csv") { reference, inputs in
            inputs.hasSuffix("case-3") ? Array(repeating: "3", count: reference.count).joined(separator: "\n")
                : (["0", "3"] + Array(repeating: "3", count: reference.count - 2)).joined(separator: "\n")
        }
        let verdicts = try ExerciseTests.verdicts(exercise, tiesAndJumps)
        #expect(verdicts.map(\.passed) == [false, false, true])
        #expect(verdicts[0].problems[0].contains("jumps"))
        // The reference path of case 1 moved one column, where that is dearer.
        let dearer = try ExerciseTests.answers(folder, "path.csv") { reference, inputs in
            let errors = try csv(inputs + "/errors.csv")
            let least = zip(reference, errors).map { $1[Int($0[0])] }.reduce(0, +)
            let straight = (0 ..< 4).map { j in errors.map { $0[j] }.reduce(0, +) }
            let column = straight.firstIndex { $0 > least * 1.01 } ?? 0
            return Array(repeating: String(column), count: reference.count).joined(separator: "\n")
        }
        #expect(try ExerciseTests.verdicts(exercise, dearer).prefix(2).allSatisfy { !$0.passed })
    }

    @Test func bestMatchByBruteForcePassesAndOneBasedIndicesFail() throws {
        let (exercise, folder) = try ExerciseTests.exported("best-match")
        let independent = try ExerciseTests.answers(folder, "matches.csv") { _, inputs in
            let a = try csv(inputs + "/a.csv"), queries = try csv(inputs + "/queries.csv")
            return queries.map { q in
                let distances = a.map { row in zip(row, q).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) }
                return String(distances.indices.min { distances[$0] < distances[$1] } ?? 0)
            }.joined(separator: "\n")
        }
        #expect(try ExerciseTests.verdicts(exercise, independent).allSatisfy(\.passed))
        let oneBased = try ExerciseTests.answers(folder, "matches.csv") { reference, _ in
            reference.map { String(Int($0[0]) + 1) }.joined(separator: "\n")
        }
        #expect(try ExerciseTests.verdicts(exercise, oneBased).allSatisfy { !$0.passed })
    }

    @Test func coherenceDecisionByTheRulePassesAndAFlippedDecisionFails() throws {
        let (exercise, folder) = try ExerciseTests.exported("coherence-decision")
        let byRule = try ExerciseTests.answers(folder, "decisions.csv") { _, inputs in
            try csv(inputs + "/cases.csv").map { row in
                row[3] <= row[2] * (1 + pow(2, -row[0]) * row[1]) ? "1" : "0"
            }.joined(separator: "\n")
        }
        #expect(try ExerciseTests.verdicts(exercise, byRule).allSatisfy(\.passed))
        let flipped = try ExerciseTests.answers(folder, "decisions.csv") { reference, _ in
            reference.enumerated().map { String($0.offset == 0 ? 1 - Int($0.element[0]) : Int($0.element[0])) }
                .joined(separator: "\n")
        }
        #expect(try ExerciseTests.verdicts(exercise, flipped).allSatisfy { !$0.passed })
    }

    @Test func neuralLossesByTheStatementsFormulasPassAndCommonSlipsFail() throws {
        // Gram: G = F Fᵀ / (C H W); without the normalisation it fails.
        let (gram, gramFolder) = try ExerciseTests.exported("gram")
        for normalised in [true, false] {
            let answer = try ExerciseTests.answers(gramFolder, "gram.csv") { _, inputs in
                let f = try csv(inputs + "/features.csv"), n = Double(f.count * f[0].count)
                return f.map { fi in f.map { fj in
                    String(zip(fi, fj).map(*).reduce(0, +) / (normalised ? n : 1))
                }.joined(separator: ",") }.joined(separator: "\n")
            }
            #expect(try ExerciseTests.verdicts(gram, answer).allSatisfy { $0.passed == normalised })
        }
        // Content loss: mean squared difference and 2(F − P)/N; the gradient without its 2 fails.
        let (content, contentFolder) = try ExerciseTests.exported("content-loss")
        for (factor, passes) in [(2.0, true), (1.0, false)] {
            let out = contentFolder + "/student-\(factor)"
            for name in ["case-1", "case-2"] {
                let f = try csv(contentFolder + "/\(name)/features.csv")
                let p = try csv(contentFolder + "/\(name)/content.csv")
                let n = Double(f.count * f[0].count)
                var loss = 0.0, gradient: [String] = []
                for (fRow, pRow) in zip(f, p) {
                    let differences: [Double] = zip(fRow, pRow).map { $0 - $1 }
                    loss += differences.map { $0 * $0 }.reduce(0, +) / n
                    gradient.append(differences.map { String(factor * $0 / n) }.joined(separator: ","))
                }
                try write(out + "/" + name, loss: loss, gradient: gradient)
            }
            #expect(try ExerciseTests.verdicts(content, out).allSatisfy { $0.passed == passes })
        }
        // TV: the L2 variant fails.
        let (tv, tvFolder) = try ExerciseTests.exported("tv-loss")
        let out = tvFolder + "/student"
        for name in ["case-1", "case-2"] {
            let x = try csv(tvFolder + "/\(name)/image.csv")
            var loss = 0.0
            for i in x.indices { for j in x[i].indices {
                if i + 1 < x.count { loss += pow(x[i + 1][j] - x[i][j], 2) }
                if j + 1 < x[i].count { loss += pow(x[i][j + 1] - x[i][j], 2) }
            } }
            let gradient = try String(contentsOfFile: tvFolder + "/answers/\(name)/gradient.csv", encoding: .utf8)
            try write(out + "/" + name, loss: loss, gradient: gradient.split(separator: "\n").map(String.init))
        }
        let verdicts = try ExerciseTests.verdicts(tv, out)
        #expect(verdicts.allSatisfy { !$0.passed && $0.problems.count == 1 && $0.problems[0].hasPrefix("loss.json") })
    }

    @Test func styleLossWithTheWrongNormalisationFails() throws {
        let (style, folder) = try ExerciseTests.exported("style-loss")
        let out = folder + "/student"
        for name in ["case-1", "case-2"] {
            let loss = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
                folder + "/answers/\(name)/loss.json"))) as? [String: Double]
            let gradient = try String(contentsOfFile: folder + "/answers/\(name)/gradient.csv", encoding: .utf8)
            try write(out + "/" + name, loss: (loss?["loss"] ?? 0) / 4,
                      gradient: gradient.split(separator: "\n").map(String.init))
        }
        #expect(try ExerciseTests.verdicts(style, out).allSatisfy { !$0.passed })
    }

    @Test func malformedAnswersAreProblemsNamingTheFile() throws {
        let (exercise, folder) = try ExerciseTests.exported("min-cut")
        let out = folder + "/student"
        let cases = ["case-1": "0\n1\nabc\n", "case-2": "0,1\n", "case-3": nil]
        for (name, text) in cases {
            try FileManager.default.createDirectory(atPath: out + "/" + name, withIntermediateDirectories: true)
            if let text { try text.write(toFile: out + "/\(name)/path.csv", atomically: true, encoding: .utf8) }
        }
        let verdicts = try ExerciseTests.verdicts(exercise, out)
        #expect(verdicts[0].problems == ["path.csv: line 3, column 1: \"abc\" is not a finite number"])
        #expect(verdicts[1].problems[0].contains("line 1 has 2 values"))
        #expect(verdicts[2].problems[0].contains("path.csv: is missing"))
        // NaN, a huge file and a folder in place of the file.
        let (gram, gramFolder) = try ExerciseTests.exported("gram")
        let bad = gramFolder + "/bad"
        try FileManager.default.createDirectory(atPath: bad + "/case-1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: bad + "/case-2/gram.csv", withIntermediateDirectories: true)
        try Data(count: 17 << 20).write(to: URL(fileURLWithPath: bad + "/case-1/gram.csv"))
        let gramVerdicts = try ExerciseTests.verdicts(gram, bad)
        #expect(gramVerdicts[0].problems[0].contains("bytes; an answer is far smaller"))
        #expect(gramVerdicts[1].problems[0].contains("cannot be read"))
        #expect(throws: ExerciseError.self) { try Exercise.named("min-cutt") }
    }

    @Test func figureInputsRefuseImagesThatAreNotTheEmbeddedOnes() throws {
        let folder = NSTemporaryDirectory() + "not-embedded-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Image(width: 4, height: 4, channels: 3).write(to: folder + "/chelsea.png")
        #expect(throws: TeachingError.self) { try FigureInputs(folder: folder).image("chelsea.png") }
        // The compiled-in hashes are the shipped SHA256SUMS.
        let sums = try String(contentsOfFile: repositoryFile("datasets/embedded/SHA256SUMS"), encoding: .utf8)
        let listed = Dictionary(uniqueKeysWithValues: sums.split(separator: "\n").map { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            return (String(parts[1].dropFirst(2)), String(parts[0]))
        })
        #expect(listed == FigureInputs.embeddedSHA256)
    }
}

/// A file of this repository (the tests read only what the repository ships).
func repositoryFile(_ path: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(path).path
}

/// A CSV of numbers, a header line skipped.
func csv(_ path: String) throws -> [[Double]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
        let values = line.split(separator: ",").compactMap { Double($0) }
        return values.isEmpty ? nil : values
    }
}

/// Writes a loss answer: `loss.json` and `gradient.csv`.
func write(_ folder: String, loss: Double, gradient: [String]) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try "{\"loss\": \(loss)}".write(toFile: folder + "/loss.json", atomically: true, encoding: .utf8)
    try gradient.joined(separator: "\n").write(toFile: folder + "/gradient.csv", atomically: true, encoding: .utf8)
}
