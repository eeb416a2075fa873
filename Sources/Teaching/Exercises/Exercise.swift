import Foundation
import Imaging
import StyleLabSupport

/// One step of an algorithm for a student to implement in any language: fixed inputs in plain files (PNG, CSV,
/// JSON), a statement of what to compute, and a checker that compares the student's files with the toolkit's own
/// answer, case by case, within the tolerances the statement gives.
package struct Exercise: Sendable {
    /// The name `stylelab exercise` takes, e.g. `min-cut`.
    package let step: String
    /// The chapter it belongs to: `quilting`, `analogies` or `neural`.
    package let family: String
    /// One line for `stylelab exercise list`.
    package let summary: String
    /// Markdown: what to compute, the files, the answer's format and the tolerance.
    package let statement: String
    let makeCases: @Sendable (FigureInputs) throws -> [ExerciseCase]

    init(_ step: String, family: String, _ summary: String, statement: String,
         cases: @escaping @Sendable (FigureInputs) throws -> [ExerciseCase]) {
        self.step = step
        self.family = family
        self.summary = summary
        self.statement = statement
        self.makeCases = cases
    }

    /// Every step, in the chapters' order.
    package static var all: [Exercise] {
        [ssdSurface, candidateSet, minCut, bestMatch, coherenceDecision, gram, contentLoss, styleLoss, tvLoss]
    }

    package static func named(_ step: String) throws -> Exercise {
        guard let found = all.first(where: { $0.step == step }) else {
            throw ExerciseError.unknownStep(step, known: all.map(\.step))
        }
        return found
    }
}

/// One case of a step: its input files, the reference answer's files, and the check of an answer folder, which
/// returns what is wrong (nothing when the answer is right).
struct ExerciseCase {
    let name: String
    let inputs: [String: Data]
    let reference: [String: Data]
    let check: (AnswerFolder) throws -> [String]
}

/// How one case of an answer fared.
package struct CaseVerdict: Equatable {
    package let name: String
    package let problems: [String]
    package var passed: Bool { problems.isEmpty }
}

extension Exercise {
    /// Writes `STATEMENT.md` and each case's inputs (`case-1/…`) under `folder`; with `answers`, the reference
    /// answers too, under `folder/answers/case-1/…` (for a teacher, and for the tests).
    package func export(to folder: String, inputs: FigureInputs, answers: Bool = false) throws {
        let cases = try makeCases(inputs)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let caseList = cases.map { c in "- `\(c.name)/`: " + c.inputs.keys.sorted().joined(separator: ", ") }
        let text = "# Exercise `\(step)` (\(family))\n\n\(statement)\n\n## Cases\n\n"
            + caseList.joined(separator: "\n") + "\n\nCheck your answers with `stylelab exercise check \(step) "
            + "--answers DIR`, where `DIR/case-1/` … hold your files.\n"
        try Data(text.utf8).writeAtomically(to: folder + "/STATEMENT.md")
        for c in cases {
            try write(c.inputs, to: folder + "/" + c.name)
            if answers { try write(c.reference, to: folder + "/answers/" + c.name) }
        }
    }

    /// Checks the answers in `folder/case-N/`, one verdict per case. A missing or malformed file is a problem of
    /// its case, reported with the file's name, never a crash.
    package func check(answers folder: String, inputs: FigureInputs) throws -> [CaseVerdict] {
        try makeCases(inputs).map { c in
            let answer = AnswerFolder(path: folder + "/" + c.name)
            do { return CaseVerdict(name: c.name, problems: try c.check(answer)) } catch let error as ExerciseError {
                return CaseVerdict(name: c.name, problems: [error.description])
            }
        }
    }

    private func write(_ files: [String: Data], to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, data) in files.sorted(by: { $0.key < $1.key }) { try data.writeAtomically(to: folder + "/" + name) }
    }
}

/// What can go wrong with an exercise's name or a student's files, naming the file and what to do.
package enum ExerciseError: Error, CustomStringConvertible, Equatable {
    case unknownStep(String, known: [String])
    case badAnswer(file: String, detail: String)

    package var description: String {
        switch self {
        case .unknownStep(let name, let known):
            return "no exercise step \(name); the steps are \(known.joined(separator: ", "))"
        case .badAnswer(let file, let detail): return "\(file): \(detail)"
        }
    }
}

extension Chapters {
    /// A chapter's exercises section: each step of `family` with its summary, and the commands that start one.
    static func exercises(_ family: String) -> [Chapter.Block] {
        let steps = Exercise.all.filter { $0.family == family }
        guard let first = steps.first?.step else { return [] }
        let list = steps.map { "- `\($0.step)`: \($0.summary)." }.joined(separator: "\n")
        return [.text("""
                    ## Exercises

                    Implement these steps yourself, in any language. Each export holds a statement (what to compute, \
                    the file formats, the tolerance) and a few fixed cases taken from real runs; the check compares \
                    your files with the toolkit's own answer, case by case, and says what is wrong.
                    """ + "\n\n" + list),
                .command("stylelab exercise export \(first) --out exercises/\(first)"),
                .command("stylelab exercise check \(first) --answers exercises/\(first)/mine")]
    }
}
