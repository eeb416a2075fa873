import Foundation
import Imaging
import StyleLabSupport

/// How long and how a network trains: the settings every training command shares.
public struct TrainingSchedule: Sendable, Equatable {
    public var steps: Int
    public var batch: Int
    public var learningRate: Float
    public var seed: UInt64
    /// Write a checkpoint every this many steps (0: only at the end), to `checkpoint`.
    public var checkpointEvery: Int
    public var checkpoint: String?
    /// A checkpoint to continue from.
    public var resume: String?
    /// The loss log, one CSV row per step.
    public var log: String?
    /// The learning rate rises linearly from lr / warmupSteps to lr over the first steps. Adam's first step moves
    /// every weight by the full rate whatever its gradient's size; through a stack of 512-channel layers (the relu5_1
    /// decoder's head) that step alone blew the loss up 300× and left the ReLUs dead.
    public var warmupSteps = 0

    public init(steps: Int, batch: Int, learningRate: Float, seed: UInt64 = 1, checkpointEvery: Int = 0,
                checkpoint: String? = nil, resume: String? = nil, log: String? = nil) {
        (self.steps, self.batch, self.learningRate, self.seed) = (steps, batch, learningRate, seed)
        (self.checkpointEvery, self.checkpoint, self.resume, self.log) = (checkpointEvery, checkpoint, resume, log)
    }

    func validate() throws {
        let check = RangeCheck<ParameterError> { ParameterError(name: $0, value: $1, expected: $2) }
        try check.int("--steps", steps, 1 ... 10_000_000)
        try check.int("--batch", batch, 1 ... 256)
        try check.int("--checkpoint-every", checkpointEvery, 0 ... 10_000_000)
        try check.int("--warmup-steps", warmupSteps, 0 ... 10_000_000)
        try check.real("--learning-rate", learningRate, 0 ... 1, excludingLow: true)
    }

    /// The settings that must not change across a resume, as checkpoint metadata.
    var fixedSettings: [String: String] {
        ["batch": String(batch), "learning_rate": String(learningRate), "seed": String(seed),
         "warmup_steps": String(warmupSteps)]
    }

    /// The rate of step `step` (0-based).
    func learningRate(at step: Int) -> Float {
        warmupSteps > step ? learningRate * Float(step + 1) / Float(warmupSteps) : learningRate
    }
}

/// One mini-batch sample's contribution: it runs the network forward and backward for sample `index` of `step`
/// (adding into the parameters' gradients) and returns the sample's loss terms by name ("total" among them).
typealias SampleStep = (_ step: Int, _ index: Int) -> [String: Double]

/// The loop every network here trains by: for each step, the batch's samples add their gradients, Adam takes one
/// step, the mean losses go to the log and the progress bar, and a checkpoint is written on schedule. Returns the
/// mean losses of every step run (from the resumed step on).
func runTraining(_ parameters: [Parameter], _ schedule: TrainingSchedule, settings: [String: String], kind: String,
                 progress: ProgressSink?, sample: SampleStep) throws -> [[String: Double]] {
    try schedule.validate()
    var adam = ParameterAdam(learningRate: schedule.learningRate)
    let allSettings = settings.merging(schedule.fixedSettings) { a, _ in a }
    if let resume = schedule.resume {
        try Checkpoint.resume(resume, parameters: parameters, adam: &adam, settings: allSettings, kind: kind,
                              steps: schedule.steps)
    }
    let resumedAt = schedule.resume == nil ? nil : adam.step
    var log = try schedule.log.map { try LossLog(path: $0, resumingAt: resumedAt) }
    var history: [[String: Double]] = []
    parameters.forEach { $0.zeroGradient() }
    while adam.step < schedule.steps {
        let step = adam.step
        var sums: [String: Double] = [:]
        for index in 0 ..< schedule.batch {
            for (name, value) in sample(step, index) { sums[name, default: 0] += value }
        }
        let means = sums.mapValues { $0 / Double(schedule.batch) }
        guard means.values.allSatisfy(\.isFinite) else {
            throw ParameterError(name: "--learning-rate", value: String(schedule.learningRate),
                                 expected: "a rate at which training stays finite (the loss diverged at step \(step))")
        }
        adam.learningRate = schedule.learningRate(at: step)
        adam.update(parameters, batch: schedule.batch)
        history.append(means)
        try log?.append(step: adam.step, means)
        progress?("train \(kind)", adam.step, of: schedule.steps,
                  detail: String(format: "loss %.4g", means["total"] ?? 0))
        let due = schedule.checkpointEvery > 0 && adam.step % schedule.checkpointEvery == 0
        if let path = schedule.checkpoint, due || adam.step == schedule.steps {
            try Checkpoint.write(parameters, adam: adam, settings: allSettings, kind: kind, to: path)
        }
    }
    return history
}

/// What a training run did.
public struct TrainingReport: Sendable {
    public var steps: Int
    public var seconds: Double
    /// Mean losses of the first and last steps run.
    public var firstLoss: Double, lastLoss: Double
    /// Convolution work per second (multiply–adds × 2), forward and backward passes of both networks counted.
    public var gigaflopsPerSecond: Double
    public var images: Int
}

/// The end of every training command: the network written in half precision, with its metadata saying what it is
/// and how it was made, and the run's report. `macsPerSample` counts one sample's convolutions, both ways.
func finishTraining(_ parameters: [Parameter], metadata: [String: String], kind: String, command: String,
                    schedule: TrainingSchedule, images: TrainingImages, history: [[String: Double]], seconds: Double,
                    macsPerSample: Int, output: String) throws -> TrainingReport {
    var file = metadata
    file["kind"] = kind
    file["steps"] = String(schedule.steps)
    file["command"] = command
    file["images"] = images.names.map { ($0 as NSString).lastPathComponent }.joined(separator: ",")
    file["final_loss"] = String(format: "%.5g", history.last?["total"] ?? 0)
    try ModelFile.write(parameters, metadata: file, to: output, precision: .float16)
    let samples = Double(history.count * schedule.batch)
    return TrainingReport(steps: history.count, seconds: seconds, firstLoss: history.first?["total"] ?? 0,
                          lastLoss: history.last?["total"] ?? 0,
                          gigaflopsPerSecond: 2 * Double(macsPerSample) * samples / max(seconds, 1e-9) / 1e9,
                          images: images.names.count)
}

/// The loss log: `step,total,…` with the loss terms in name order, one row per step, flushed as it goes.
struct LossLog {
    private let handle: FileHandle
    private var columns: [String]?

    /// A new log, or (resuming at a step) the old one without the rows of steps after it, which the resumed run
    /// takes again.
    init(path: String, resumingAt step: Int?) throws {
        var kept = Data()
        if let step, let old = try? String(contentsOfFile: path, encoding: .utf8) {
            let lines = old.split(separator: "\n")
            let rows = lines.dropFirst().prefix { row in
                Int(row.split(separator: ",").first ?? "").map { $0 <= step } ?? false
            }
            if let header = lines.first, !rows.isEmpty {
                kept = Data(([header] + rows).joined(separator: "\n").utf8 + [UInt8(ascii: "\n")])
                columns = header.split(separator: ",").dropFirst().map(String.init)
            }
        }
        guard FileManager.default.createFile(atPath: path, contents: kept),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw ParameterError(name: "--log", value: path, expected: "a file that can be written")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    mutating func append(step: Int, _ losses: [String: Double]) throws {
        let names = ["total"] + losses.keys.filter { $0 != "total" }.sorted()
        var text = ""
        if columns == nil {
            columns = names
            if handle.offsetInFile == 0 { text += "step," + names.joined(separator: ",") + "\n" }
        }
        text += "\(step)," + (columns ?? names).map { String(format: "%.6g", losses[$0] ?? 0) }
            .joined(separator: ",") + "\n"
        handle.write(Data(text.utf8))
    }
}

/// Reads a loss log back: (step, total) pairs, for the curves in models/README.md and the tests. Rows that do not
/// parse are refused, naming the file and line.
public func readLossLog(_ path: String) throws -> [(step: Int, total: Double)] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw ParameterError(name: "--log", value: path, expected: "a readable loss log (CSV text)")
    }
    return try text.split(separator: "\n").dropFirst().enumerated().map { index, line in
        let fields = line.split(separator: ",")
        guard fields.count >= 2, let step = Int(fields[0]), let total = Double(fields[1]) else {
            throw ParameterError(name: "--log", value: "\(path) line \(index + 2)", expected: "step,total,… numbers")
        }
        return (step, total)
    }
}
