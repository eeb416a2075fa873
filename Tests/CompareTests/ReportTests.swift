import Foundation
import Imaging
import Testing
import StyleLabSupport
@testable import Compare

/// A report written from a hand-made folder: one case with two inputs and one finished method.
@Suite struct ReportTests {
    let out = NSTemporaryDirectory() + "stylelab-report-\(UUID().uuidString)"

    func makeFolder() throws -> CellResult {
        let set = DatasetManifest(name: "one", description: "one case", dataDir: nil,
                                  files: ["c.png", "s.png"].map { .init(path: $0, sha256: String(repeating: "0", count: 64), source: "", licence: "") },
                                  cases: [.init(id: "only", roles: ["content": "c.png", "style": "s.png"], note: nil)])
        let run = RunConfig(name: "report test", set: "set.json",
                            methods: [.init(id: "quilting", kind: .quilting, label: "Quilt")],
                            maxSide: nil, synthesisSize: nil, timeoutSeconds: nil, seed: nil)
        try FileManager.default.createDirectory(atPath: out + "/cells/only/quilting", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: out + "/inputs/only", withIntermediateDirectories: true)
        try run.summaryJSON().write(to: URL(fileURLWithPath: out + "/run.json"))
        try set.summaryJSON().write(to: URL(fileURLWithPath: out + "/set.json"))
        for role in ["content", "style"] { try SyntheticImage.naturalLooking(Size(width: 40, height: 30), seed: 1).write(to: inputPath(out: out, caseId: "only", role: role)) }
        try SyntheticImage.naturalLooking(Size(width: 40, height: 30), seed: 2).write(to: out + "/cells/only/quilting/output.png")
        var m = Measurements()
        m.swd = 0.0123
        m.contentSsim = 0.5
        let result = CellResult(caseId: "only", method: "quilting", label: "Quilt", kind: "quilting", status: .ok, exitCode: 0, signal: nil,
                                wallSeconds: 2, methodSeconds: 1.25, peakRssMb: 64, measurements: m, commandLine: ["stylelab"], errorTail: nil, extras: [])
        try result.summaryJSON().write(to: URL(fileURLWithPath: out + "/cells/only/quilting/result.json"))
        return result
    }

    @Test func gridCaptionsSayMethodTimeMemoryAndKeyMetrics() throws {
        _ = try makeFolder()
        let results = try writeReport(out: out)
        #expect(results.count == 1)
        let grid = try Image(contentsOf: out + "/grid.png")
        #expect(grid.width == 12 + 3 * (192 + 12) && grid.height == 26 + (26 + 192 + 4 * 18 + 8 + 12))
        // The method column is the third; its captions start under its box. Each expected line, drawn alone on
        // white, must match the grid pixel for pixel.
        let x0 = 12 + 2 * (192 + 12), y0 = 26 + 26 + 192 + 6
        for (i, line) in ["Quilt", "1.2 s 64 MB", "SWD 0.0123", "SSIM/C 0.500"].enumerated() {
            let y = y0 + i * 18, width = BitmapFont.width(of: line, scale: 2), height = BitmapFont.glyphHeight * 2
            var expected = Image(width: width, height: height, channels: 3, value: 1)
            BitmapFont.draw(line, into: &expected, x: 0, y: 0, scale: 2)
            let drawn = grid.cropped(x: x0, y: y, width: width, height: height)
            #expect(drawn.samples.map { $0 < 0.5 } == expected.samples.map { $0 < 0.5 }, "caption line \(i): \(line)")
        }
    }

    @Test func csvAndPagesListTheCell() throws {
        _ = try makeFolder()
        try writeReport(out: out)
        let csv = try String(contentsOfFile: out + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 2 && csv[1].hasPrefix("only,quilting,quilting,ok,1.25,2,64,"))
        let page = try String(contentsOfFile: out + "/cases/only.html", encoding: .utf8)
        #expect(page.contains("../cells/only/quilting/output.png") && page.contains("../inputs/only/content.png"))
    }
}
