import Foundation
import Testing
import Imaging

/// Runs the built `stylelab` (a sibling of the test bundle) and captures its exit status and output.
struct CLIRun {
    let status: Int32
    let standardOutput: String
    let standardError: String

    /// Runs `stylelab arguments…`; with `memoryLimitKB`, under that address-space limit (`ulimit -v`), so that a run
    /// that tries to allocate without bound fails (and is seen to) instead of passing on a large machine.
    /// With `cpus`, pinned to those CPUs (`taskset -c`), as a batch job given fewer cores would be.
    init(_ arguments: [String], environment extra: [String: String] = [:], memoryLimitKB: Int? = nil,
         cpus: String? = nil) throws {
        let process = Process()
        if let cpus {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
            process.arguments = ["-c", cpus, CLIRun.binary.path] + arguments
        } else if let memoryLimitKB {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -v \(memoryLimitKB) && exec \"$0\" \"$@\"", CLIRun.binary.path] + arguments
        } else {
            process.executableURL = CLIRun.binary
            process.arguments = arguments
        }
        // Hermetic: the program never sees the user's weight cache (~/.cache/stylelab), only an empty one of the
        // test's own, so results do not depend on what this machine has fetched.
        process.environment = ProcessInfo.processInfo.environment.merging(["STYLELAB_CACHE": CLIRun.emptyCache]) { $1 }
            .merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        standardOutput = String(decoding: outData, as: UTF8.self)
        standardError = String(decoding: errData, as: UTF8.self)
    }

    static let emptyCache: String = {
        let path = NSTemporaryDirectory() + "stylelab-test-cache-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static var binary: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("stylelab").path) && folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("stylelab")
    }
}

/// The repository's embedded set (shipped in the repository, see datasets/embedded/CREDITS.md).
let embeddedPhoto = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("datasets/embedded/chelsea.png").path

func scratchFolder() -> String {
    let path = NSTemporaryDirectory() + "stylelab-cli-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct CLITests {
    @Test func convertResizesARealPhotoToGreyJPEG() throws {
        let out = scratchFolder() + "/cat.jpg"
        let run = try CLIRun(["convert", embeddedPhoto, out, "--resize", "64x48", "--gray", "--quality", "90"])
        #expect(run.status == 0, "\(run.standardError)")
        let decoded = try Image.read(out)
        #expect(decoded.format == .jpeg && decoded.image.size == Size(width: 64, height: 48) && decoded.image.channels == 1)
    }

    @Test func truncatedInputFailsWithOneLine() throws {
        let folder = scratchFolder()
        let data = try Data(contentsOf: URL(fileURLWithPath: embeddedPhoto))
        let broken = folder + "/broken.png"
        try data.prefix(data.count / 3).write(to: URL(fileURLWithPath: broken))
        let run = try CLIRun(["convert", broken, folder + "/out.png"])
        #expect(run.status == 1)
        let lines = run.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("broken.png") && lines[0].contains("truncated"), "\(run.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.png"))
    }

    @Test func pixelLimitIsEnforcedBeforeDecoding() throws {
        let run = try CLIRun(["convert", embeddedPhoto, scratchFolder() + "/out.png", "--max-pixels", "1000"])
        #expect(run.status == 1 && run.standardError.contains("--max-pixels"))
    }

    @Test func convertRefusesToOverwriteItsInput() throws {
        let folder = scratchFolder()
        let copy = folder + "/cat.png"
        try FileManager.default.copyItem(atPath: embeddedPhoto, toPath: copy)
        let run = try CLIRun(["convert", copy, copy])
        #expect(run.status == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(contentsOf: URL(fileURLWithPath: embeddedPhoto)))
    }

    @Test func badOptionsAreRejectedWithTheirName() throws {
        let run = try CLIRun(["convert", embeddedPhoto, scratchFolder() + "/o.png", "--resize", "12by5"])
        #expect(run.status == 1 && run.standardError.contains("--resize"))
        #expect(run.standardError.split(separator: "\n").count == 1, "\(run.standardError)")
    }

    @Test func pyramidWritesEveryLevel() throws {
        let folder = scratchFolder()
        let run = try CLIRun(["pyramid", embeddedPhoto, "--levels", "4", "--out", folder, "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        let expected = Set((0 ..< 4).flatMap { ["gaussian-\($0).png", "laplacian-\($0).png"] } + ["reconstructed.png", "overview.png"])
        #expect(names == expected)
        let original = try Image(contentsOf: embeddedPhoto)
        #expect(try Image(contentsOf: folder + "/gaussian-1.png").width == (original.width + 1) / 2)
    }

    @Test func infoNamesTheLibraries() throws {
        let run = try CLIRun(["info"])
        #expect(run.status == 0)
        for library in ["FLANN", "OpenBLAS", "libpng", "libjpeg"] { #expect(run.standardOutput.contains(library)) }
    }
}

@Suite struct QuiltCLITests {
    let texture = URL(fileURLWithPath: embeddedPhoto).deletingLastPathComponent().appendingPathComponent("gravel.png").path

    @Test func synthesizeWritesImageMapsAndSummary() throws {
        let folder = scratchFolder()
        let small = folder + "/texture.png"
        try Image(contentsOf: texture).resized(to: Size(width: 64, height: 64), method: .area).write(to: small)
        let run = try CLIRun(["quilt", "synthesize", "--texture", small, "--size", "96x80", "--block", "24", "--seed", "3",
                              "--source-map", folder + "/map.png", "--seams", folder + "/seams.png",
                              "--summary", folder + "/summary.json", "-o", folder + "/out.png", "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try Image(contentsOf: folder + "/out.png").size == Size(width: 96, height: 80))
        #expect(try Image(contentsOf: folder + "/map.png").size == Size(width: 96, height: 80))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))) as? [String: Any]
        #expect(summary?["seconds_total"] is Double && summary?["mean_overlap_error"] is Double && summary?["synthesis"] != nil)
        // The memory estimate made before the run is an upper bound of what the run took.
        let estimate = summary?["estimated_memory_mb"] as? Double ?? 0, peak = summary?["peak_rss_mb"] as? Double ?? .infinity
        #expect(peak > 0 && peak <= estimate, "peak \(peak) MB, estimate \(estimate) MB")
    }

    @Test func blockLargerThanTextureIsOneLine() throws {
        let run = try CLIRun(["quilt", "synthesize", "--texture", texture, "--size", "64x64", "--block", "4000",
                              "-o", scratchFolder() + "/out.png"])
        #expect(run.status == 1)
        #expect(run.standardError.split(separator: "\n").count == 1 && run.standardError.contains("--block 4000"))
    }

    @Test func transferRunsWithAnAlphaSchedule() throws {
        // Small inputs: the test binary is a debug build, where the vector kernels run unoptimised.
        let folder = scratchFolder()
        try Image(contentsOf: embeddedPhoto).resized(to: Size(width: 60, height: 40), method: .area).write(to: folder + "/target.png")
        try Image(contentsOf: texture).resized(to: Size(width: 64, height: 64), method: .area).write(to: folder + "/texture.png")
        let run = try CLIRun(["quilt", "transfer", "--texture", folder + "/texture.png", "--target", folder + "/target.png",
                              "--block", "12", "--passes", "2", "--alpha-schedule", "0.2,0.8", "--correspondence", "luminance",
                              "-o", folder + "/t.png", "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try Image(contentsOf: folder + "/t.png").size == Size(width: 60, height: 40))
    }

    /// Without --block, transfer fits the block to the target and says so in the summary.
    @Test func transferFitsItsBlockToTheTargetWhenNoneIsGiven() throws {
        let folder = scratchFolder()
        try Image(contentsOf: embeddedPhoto).resized(to: Size(width: 60, height: 40), method: .area).write(to: folder + "/target.png")
        try Image(contentsOf: texture).resized(to: Size(width: 48, height: 48), method: .area).write(to: folder + "/texture.png")
        let run = try CLIRun(["quilt", "transfer", "--texture", folder + "/texture.png", "--target", folder + "/target.png",
                              "--passes", "1", "--summary", folder + "/s.json", "-o", folder + "/t.png", "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/s.json"))) as? [String: Any]
        let block = (summary?["transfer"] as? [String: Any]).flatMap { ($0["quilting"] as? [String: Any])?["blockSize"] as? Int }
        #expect(block == 8 && (summary?["block_choice"] as? String)?.contains("block 8 for the 60x40 target") == true,
                "\(String(describing: summary))")
    }
}

@Suite struct AnalogyCLITests {
    @Test func analogyWritesEveryTeachingOutput() throws {
        let folder = scratchFolder()
        let photo = try Image(contentsOf: embeddedPhoto).resized(to: Size(width: 40, height: 32), method: .area)
        try photo.write(to: folder + "/a.png")
        try photo.gaussianBlurred(sigma: 1.5).write(to: folder + "/ap.png")
        try photo.transposed().resized(to: Size(width: 36, height: 30), method: .area).write(to: folder + "/b.png")
        let run = try CLIRun(["analogy", "--a", folder + "/a.png", "--a-prime", folder + "/ap.png", "--b", folder + "/b.png",
                              "--kappa", "2", "--levels", "2", "-o", folder + "/bp.png", "--source-map", folder + "/map.png",
                              "--coherence-map", folder + "/coh.png", "--levels-out", folder + "/levels",
                              "--summary", folder + "/summary.json", "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try Image(contentsOf: folder + "/bp.png").size == Size(width: 36, height: 30))
        #expect(try Image(contentsOf: folder + "/levels/level-1.png").size == Size(width: 18, height: 15))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))) as? [String: Any]
        #expect(summary?["coherent_fraction"] is Double && summary?["timings"] is [Any])
    }

    /// A preset sets the paper's parameters for its application; a flag given beside it wins.
    @Test func aPresetSetsTheApplicationsParametersAndFlagsOverrideIt() throws {
        let folder = scratchFolder()
        let photo = try Image(contentsOf: embeddedPhoto).resized(to: Size(width: 24, height: 20), method: .area)
        try photo.write(to: folder + "/a.png")
        try photo.gaussianBlurred(sigma: 1).write(to: folder + "/ap.png")
        func parameters(_ extra: [String]) throws -> [String: Any]? {
            let run = try CLIRun(["analogy", "--a", folder + "/a.png", "--a-prime", folder + "/ap.png", "--b", folder + "/a.png",
                                  "--levels", "1", "--summary", folder + "/s.json", "-o", folder + "/bp.png", "--quiet"] + extra)
            #expect(run.status == 0, "\(run.standardError)")
            let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/s.json"))) as? [String: Any]
            return summary?["parameters"] as? [String: Any]
        }
        let preset = try parameters(["--preset", "learned-filter"])
        #expect(preset?["kappa"] as? Double == 0 && preset?["remapLuminance"] as? Bool == false)
        let overridden = try parameters(["--preset", "learned-filter", "--kappa", "2", "--remap"])
        #expect(overridden?["kappa"] as? Double == 2 && overridden?["remapLuminance"] as? Bool == true)
        let bad = try CLIRun(["analogy", "--a", folder + "/a.png", "--a-prime", folder + "/ap.png", "--b", folder + "/a.png",
                              "--preset", "watercolour", "-o", folder + "/x.png"])
        #expect(bad.status == 1 && bad.standardError.contains("learned-filter"))
    }

    @Test func mismatchedExamplesAreOneLine() throws {
        let folder = scratchFolder()
        let photo = try Image(contentsOf: embeddedPhoto).resized(to: Size(width: 20, height: 20), method: .area)
        try photo.write(to: folder + "/a.png")
        try photo.resized(to: Size(width: 10, height: 10), method: .area).write(to: folder + "/ap.png")
        let run = try CLIRun(["analogy", "--a", folder + "/a.png", "--a-prime", folder + "/ap.png", "--b", folder + "/a.png",
                              "-o", folder + "/out.png"])
        #expect(run.status == 1 && run.standardError.split(separator: "\n").count == 1 && run.standardError.contains("A′"))
    }

    @Test func textureSubcommandGrowsATexture() throws {
        let folder = scratchFolder()
        try Image(contentsOf: embeddedPhoto).resized(to: Size(width: 32, height: 32), method: .area).write(to: folder + "/t.png")
        let run = try CLIRun(["analogy", "texture", "--texture", folder + "/t.png", "--size", "40x36", "-o", folder + "/out.png", "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try Image(contentsOf: folder + "/out.png").size == Size(width: 40, height: 36))
    }
}

@Suite struct NeuralCLITests {
    /// The NeuralTests fixtures (a numpy-made VGG head, a pickle that calls os.system).
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("NeuralTests/Fixtures").path

    @Test func inspectDescribesAndRefuses() throws {
        let ok = try CLIRun(["weights", "inspect", fixtures + "/vgg_head.safetensors"])
        #expect(ok.status == 0 && ok.standardOutput.contains("safetensors") && ok.standardOutput.contains("torchvision"))
        let evil = try CLIRun(["weights", "inspect", fixtures + "/evil.pth"])
        #expect(evil.status == 1 && evil.standardError.split(separator: "\n").count == 1 && evil.standardError.contains("refused"))
    }

    @Test func featuresPrintsJSONPerLayer() throws {
        let folder = scratchFolder()
        try Image(contentsOf: embeddedPhoto).resized(to: Size(width: 24, height: 20), method: .area).write(to: folder + "/x.png")
        let run = try CLIRun(["neural", "features", folder + "/x.png", "--weights", fixtures + "/vgg_head.safetensors", "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
        let layers = json?["layers"] as? [String: [String: Double]]
        #expect(Set(layers?.keys.map { $0 } ?? []) == ["relu1_1", "relu1_2", "relu2_1"])
        #expect((layers?["relu2_1"]?["max"] ?? 0) > 0)
    }

    @Test func transferRunsOnARandomNetworkAndSaysSo() throws {
        let folder = scratchFolder()
        try Image(contentsOf: embeddedPhoto).resized(to: Size(width: 24, height: 24), method: .area).write(to: folder + "/c.png")
        try Image(contentsOf: embeddedPhoto).transposed().resized(to: Size(width: 24, height: 24), method: .area).write(to: folder + "/s.png")
        let run = try CLIRun(["neural", "--content", folder + "/c.png", "--style", folder + "/s.png", "--network", "random",
                              "--size", "24", "--iterations", "3", "--save-every", "2",
                              "--loss-log", folder + "/loss.csv", "--summary", folder + "/s.json", "-o", folder + "/out.png"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("random multi-scale network"))
        #expect(FileManager.default.fileExists(atPath: folder + "/out-2.png"), "--save-every 2 wrote no snapshot")
        let csv = try String(contentsOfFile: folder + "/loss.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 4)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/s.json"))) as? [String: Any]
        for key in ["iterations", "seconds_total", "seconds_per_iteration", "initial_loss", "final_loss", "peak_rss_mb"] {
            #expect(summary?[key] != nil, "summary lacks \(key)")
        }
    }

    /// A job given one CPU writes the same picture as one given all of them: the network's products and L-BFGS's
    /// sums do not depend on the thread count (OpenBLAS's threaded sgemm and sdot did, from about this size on).
    @Test func styleTransferWritesTheSameBytesOnOneCPU() throws {
        let folder = scratchFolder()
        let photo = try Image(contentsOf: embeddedPhoto)
        try photo.resized(to: Size(width: 96, height: 96), method: .area).write(to: folder + "/c.png")
        try photo.transposed().resized(to: Size(width: 96, height: 96), method: .area).write(to: folder + "/s.png")
        func run(cpus: String?, _ name: String) throws -> Data {
            let run = try CLIRun(["neural", "--content", folder + "/c.png", "--style", folder + "/s.png", "--network",
                                  "random", "--size", "96", "--iterations", "20", "--quiet", "-o", folder + "/" + name],
                                 cpus: cpus)
            #expect(run.status == 0, "\(run.standardError)")
            return try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        let all = try run(cpus: nil, "all.png"), one = try run(cpus: "0", "one.png")
        #expect(ProcessInfo.processInfo.activeProcessorCount > 1, "one CPU here: both runs had one")
        #expect(all == one, "the 1-CPU run wrote other bytes")
    }

    /// Hermetic: whatever weights this machine has fetched into ~/.cache/stylelab, the program under test looks
    /// only in the tests' own empty cache, so no result depends on them.
    @Test func theUsersWeightCacheIsNeverSeen() throws {
        let run = try CLIRun(["neural", "features", embeddedPhoto])
        #expect(run.status == 1 && run.standardError.contains(CLIRun.emptyCache) && run.standardError.contains("weights fetch"),
                "\(run.standardError)")
    }

    @Test func anImageTooSmallForTheLayersIsOneLine() throws {
        let folder = scratchFolder()
        try Image(width: 1, height: 1, channels: 3, value: 0.5).write(to: folder + "/dot.png")
        let run = try CLIRun(["neural", "features", folder + "/dot.png", "--weights", fixtures + "/vgg_head.safetensors"])
        #expect(run.status == 1 && run.standardError.contains("too small") && run.standardError.split(separator: "\n").count == 1)
    }

    @Test func missingWeightsSayHowToFetchThem() throws {
        let folder = scratchFolder()
        try Image(contentsOf: embeddedPhoto).resized(to: Size(width: 16, height: 16), method: .area).write(to: folder + "/c.png")
        let run = try CLIRun(["neural", "features", folder + "/c.png", "--weights", folder + "/none.pth"])
        #expect(run.status == 1 && run.standardError.contains("stylelab weights fetch"))
    }
}
