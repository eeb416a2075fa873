import Foundation
import Testing
import Imaging

/// Runs the built `stylelab` (a sibling of the test bundle) and captures its exit status and output.
struct CLIRun {
    let status: Int32
    let standardOutput: String
    let standardError: String

    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = CLIRun.binary
        process.arguments = arguments
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
        #expect(run.status != 0 && run.standardError.contains("--resize"))
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
