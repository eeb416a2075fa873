import Foundation
import Imaging
import Testing

/// The trained stylisers from the command line, on networks trained here in a few steps against the fixtures' VGG
/// head (conv1_1 … conv2_1): `train wct-decoder`, `wct`, `train fast-style`, `fast-style`, and both as methods of
/// a comparison run.
@Suite struct FeedForwardCLITests {
    let vggHead = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("NeuralTests/Fixtures/vgg_head.safetensors").path

    /// A folder with content and style pictures and two decoders and a two-style network trained on them.
    func trainedFolder() throws -> String {
        let folder = scratchFolder()
        for (n, name) in ["content", "style-a", "style-b"].enumerated() {
            try SyntheticImage.naturalLooking(Size(width: 48, height: 40), seed: UInt64(n + 3))
                .write(to: "\(folder)/\(name).png")
        }
        let shared = ["--images", folder + "/content.png", "--weights", vggHead, "--crop", "32", "--steps", "3",
                      "--batch", "1", "--quiet"]
        for layer in ["relu1_1", "relu2_1"] {
            let run = try CLIRun(["train", "wct-decoder", "--layer", layer, "--shorter-side", "40",
                                  "-o", "\(folder)/wct-decoder-\(layer).safetensors"] + shared)
            #expect(run.status == 0, "\(run.standardError)")
        }
        let run = try CLIRun(["train", "fast-style", "--style", "\(folder)/style-a.png,\(folder)/style-b.png",
                              "--width", "4", "--style-size", "40", "--shorter-side", "40",
                              "--content-layer", "relu2_1", "--style-layers", "relu1_1,relu2_1",
                              "--log", folder + "/fast.csv", "-o", folder + "/fast.safetensors"] + shared)
        #expect(run.status == 0, "\(run.standardError)")
        return folder
    }

    @Test func trainAndStyliseFromTheCommandLine() throws {
        let folder = try trainedFolder()
        let log = try String(contentsOfFile: folder + "/fast.csv", encoding: .utf8)
        #expect(log.split(separator: "\n").count == 4, "a header and three steps")

        let wct = try CLIRun(["wct", "--content", folder + "/content.png", "--style", folder + "/style-a.png",
                              "--levels", "relu2_1,relu1_1", "--decoders", folder, "--weights", vggHead,
                              "--size", "64", "-o", folder + "/wct.png", "--quiet"])
        #expect(wct.status == 0, "\(wct.standardError)")
        #expect(try Image(contentsOf: folder + "/wct.png").size == Size(width: 64, height: 53))

        let fast = try CLIRun(["fast-style", "--model", folder + "/fast.safetensors", "--content",
                               folder + "/content.png", "--style-mix", "0.3,0.7", "--size", "0",
                               "-o", folder + "/fast.png", "--quiet"])
        #expect(fast.status == 0, "\(fast.standardError)")
        #expect(try Image(contentsOf: folder + "/fast.png").size == Size(width: 48, height: 40))

        let curves = try CLIRun(["train", "curves", folder + "/fast.csv", "-o", folder + "/curves.png"])
        #expect(curves.status == 0, "\(curves.standardError)")
        #expect(try Image(contentsOf: folder + "/curves.png").width == 640)
        try Data("step,total\n1,abc\n".utf8).write(to: URL(fileURLWithPath: folder + "/bad.csv"))
        let badLog = try CLIRun(["train", "curves", folder + "/bad.csv", "-o", folder + "/bad-curves.png"])
        #expect(badLog.status == 1 && badLog.standardError.contains("line 2"), "\(badLog.standardError)")

        // Bad values are refused in one line that names the flag or file.
        let refusals: [([String], String)] = [
            (["fast-style", "--model", folder + "/fast.safetensors", "--style-mix", "1"], "--style-mix"),
            (["fast-style", "--model", folder + "/fast.safetensors", "--style-mix", "a,b"], "--style-mix"),
            (["fast-style", "--model", folder + "/wct-decoder-relu1_1.safetensors"], "expected a fast-style model"),
            (["fast-style", "--model", folder + "/fast.safetensors", "--size", "-3"], "--size"),
            (["wct", "--style", folder + "/style-a.png", "--decoders", folder, "--weights", vggHead,
              "--alpha", "2"], "--alpha"),
            (["wct", "--style", folder + "/style-a.png", "--decoders", folder, "--weights", vggHead,
              "--levels", "relu3_1"], "relu3_1"),
            (["wct", "--style", folder + "/style-a.png", "--decoders", folder + "/none", "--weights", vggHead,
              "--levels", "relu1_1"], "train wct-decoder"),
        ]
        for (arguments, message) in refusals {
            let run = try CLIRun(arguments + ["--content", folder + "/content.png", "-o", folder + "/bad.png"])
            #expect(run.status == 1 && run.standardError.contains(message), "\(arguments): \(run.standardError)")
        }
    }

    /// Training and stylising on one CPU write the bytes they write on all of them.
    @Test func trainingAndStylisingGiveTheSameBytesOnOneCPU() throws {
        let folder = scratchFolder()
        for (n, name) in ["content", "style"].enumerated() {
            try SyntheticImage.naturalLooking(Size(width: 64, height: 56), seed: UInt64(n + 9))
                .write(to: "\(folder)/\(name).png")
        }
        // Both runs write the same files (the command line, with its paths, is in the model's metadata).
        func run(cpus: String?) throws -> (Data, Data) {
            let name = "model"
            let train = try CLIRun(["train", "fast-style", "--style", folder + "/style.png", "--width", "8",
                                    "--images", folder + "/content.png", "--weights", vggHead, "--crop", "48",
                                    "--style-size", "56", "--shorter-side", "56", "--content-layer", "relu2_1",
                                    "--style-layers", "relu1_1,relu2_1", "--steps", "2", "--batch", "2", "--quiet",
                                    "-o", "\(folder)/\(name).safetensors"], cpus: cpus)
            #expect(train.status == 0, "\(train.standardError)")
            let stylise = try CLIRun(["fast-style", "--model", "\(folder)/\(name).safetensors", "--content",
                                      folder + "/content.png", "--size", "0", "-o", "\(folder)/\(name).png",
                                      "--quiet"], cpus: cpus)
            #expect(stylise.status == 0, "\(stylise.standardError)")
            return (try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name).safetensors")),
                    try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name).png")))
        }
        let all = try run(cpus: nil), one = try run(cpus: "0")
        #expect(ProcessInfo.processInfo.activeProcessorCount > 1, "one CPU here: both runs had one")
        #expect(all.0 == one.0, "the 1-CPU training wrote other weights")
        #expect(all.1 == one.1, "the 1-CPU stylisation wrote other bytes")
    }

    /// `wct` and `fast-style` methods in a run: the child runs them with the setting's model, and their time is in
    /// the results.
    @Test func feedForwardMethodsInAComparison() throws {
        let models = try trainedFolder()
        let wct: [String: Any] = ["id": "wct", "kind": "wct", "transfer": [
            "model": models, "parameters": ["levels": ["relu2_1", "relu1_1"], "alpha": 0.8]]]
        let fast: [String: Any] = ["id": "fast", "kind": "fast-style",
                                   "transfer": ["model": models + "/fast.safetensors"],
                                   "cases": ["alpha": ["parameters": ["styleMix": [0, 1]]]]]
        let setup = try TwoCaseRun(cases: ["alpha"], methods: [wct, fast])
        let out = setup.folder + "/out"
        let run = try setup.compare(out, ["--weights", vggHead])
        #expect(run.status == 0, "\(run.standardError)")
        for method in ["wct", "fast"] {
            let result = try String(contentsOfFile: "\(out)/cells/alpha/\(method)/result.json", encoding: .utf8)
            #expect(result.contains(#""status" : "ok""#), "\(method): \(result)")
            #expect(result.contains("method_seconds"), "\(method): \(result)")
        }
        let parameters = try String(contentsOfFile: out + "/cells/alpha/fast/parameters.json", encoding: .utf8)
        #expect(parameters.contains("styleMix"))
        // A retrained model is part of its cells' key: a rerun redoes the fast-style cell and keeps the WCT one.
        func written(_ method: String) throws -> Date? {
            try FileManager.default.attributesOfItem(atPath: "\(out)/cells/alpha/\(method)/result.json")[.modificationDate]
                as? Date
        }
        let before = (try written("wct"), try written("fast"))
        let retrain = try CLIRun(["train", "fast-style", "--style", "\(models)/style-a.png,\(models)/style-b.png",
                                  "--width", "4", "--style-size", "40", "--shorter-side", "40", "--seed", "2",
                                  "--content-layer", "relu2_1", "--style-layers", "relu1_1,relu2_1",
                                  "--images", models + "/content.png", "--weights", vggHead, "--crop", "32",
                                  "--steps", "2", "--batch", "1", "--quiet", "-o", models + "/fast.safetensors"])
        #expect(retrain.status == 0, "\(retrain.standardError)")
        let rerun = try setup.compare(out, ["--weights", vggHead])
        #expect(rerun.status == 0, "\(rerun.standardError)")
        #expect(try written("wct") == before.0 && written("fast") != before.1)
        // A misspelt parameter stops the run before any cell.
        let broken = try TwoCaseRun(cases: ["alpha"], methods: [["id": "wct", "kind": "wct",
                                                                  "transfer": ["parameters": ["alfa": 1]]]])
        let refused = try broken.compare(broken.folder + "/out")
        #expect(refused.status == 1 && refused.standardError.contains("alfa"), "\(refused.standardError)")
    }
}
