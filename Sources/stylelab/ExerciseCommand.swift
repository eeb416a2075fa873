import ArgumentParser
import Foundation
import Teaching

struct ExerciseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercise",
        abstract: "Steps of the algorithms to implement in any language, with inputs and a checker.",
        discussion: """
            `stylelab exercise export min-cut --out ex` writes ex/STATEMENT.md and the inputs of each case \
            (ex/case-1/, …); put your answers in the same layout, e.g. answers/case-1/path.csv, and run \
            `stylelab exercise check min-cut --answers answers`.
            """,
        subcommands: [ExerciseList.self, ExerciseExport.self, ExerciseCheck.self], defaultSubcommand: ExerciseList.self)
}

struct ExerciseList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the steps.")

    func run() {
        let width = Exercise.all.map(\.step.count).max() ?? 0
        for exercise in Exercise.all {
            let name = exercise.step.padding(toLength: width, withPad: " ", startingAt: 0)
            print("\(exercise.family.padding(toLength: 9, withPad: " ", startingAt: 0)) \(name)  \(exercise.summary)")
        }
    }
}

struct ExerciseExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a step's statement and the inputs of its cases.")
    @Argument(help: "The step, e.g. ssd-surface (see `stylelab exercise list`).") var step: String
    @Option(help: "The folder to write.") var out: String
    @Flag(help: "Write the reference answers too, under OUT/answers/ (for a teacher).") var withAnswers = false
    @OptionGroup var data: EmbeddedData

    func run() throws {
        try reportingErrors {
            let exercise = try Exercise.named(step)
            try exercise.export(to: out, inputs: try data.inputs(), answers: withAnswers)
            let answers = withAnswers ? ", answers in \(out)/answers" : ""
            print("exercise \(step): statement and inputs in \(out)" + answers)
        }
    }
}

struct ExerciseCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Compare your answers with the reference, case by case.")
    @Argument(help: "The step, e.g. ssd-surface.") var step: String
    @Option(help: "The folder holding case-1/, case-2/, … with your answer files.") var answers: String
    @OptionGroup var data: EmbeddedData

    func run() throws {
        try reportingErrors {
            let exercise = try Exercise.named(step)
            let verdicts = try exercise.check(answers: answers, inputs: try data.inputs())
            for verdict in verdicts {
                print("\(verdict.name): " + (verdict.passed ? "correct" : "wrong"))
                for problem in verdict.problems { print("  - \(problem)") }
            }
            let passed = verdicts.filter(\.passed).count
            print("exercise \(step): \(passed) of \(verdicts.count) cases correct")
            if passed < verdicts.count { throw ExitCode(1) }
        }
    }
}
