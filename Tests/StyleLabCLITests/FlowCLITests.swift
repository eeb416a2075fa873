import Foundation
import Testing
import Imaging
import Motion

@Suite struct FlowCLITests {
    /// Two crops of the embedded cat, B three pixels left of and two above A: the flow A → B is (3, 2).
    func shiftedPair(in folder: String) throws -> (a: String, b: String) {
        let photo = try Image(contentsOf: embeddedPhoto)
        let a = folder + "/a.png", b = folder + "/b.png"
        try photo.cropped(x: 3, y: 2, width: 200, height: 140).write(to: a)
        try photo.cropped(x: 0, y: 0, width: 200, height: 140).write(to: b)
        return (a, b)
    }

    @Test func flowOfAShiftIsTheShift() throws {
        let folder = scratchFolder()
        let (a, b) = try shiftedPair(in: folder)
        let run = try CLIRun(["flow", a, b, "-o", folder + "/f.flo", "--visualize", folder + "/f.png",
                              "--preset", "fast"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("fast preset") && run.standardOutput.contains("mean |w|"))
        let flow = try FlowFile.read(folder + "/f.flo")
        #expect(flow.size == Size(width: 200, height: 140))
        var u = 0.0, v = 0.0, n = 0.0
        for y in 10 ..< 130 { for x in 10 ..< 190 { u += Double(flow[x, y].u); v += Double(flow[x, y].v); n += 1 } }
        #expect(abs(u / n - 3) < 0.3 && abs(v / n - 2) < 0.3, "mean flow (\(u / n), \(v / n))")
        #expect(try Image.read(folder + "/f.png").image.channels == 3)
    }

    @Test func framesOfTwoSizesFailWithOneLineNamingB() throws {
        let folder = scratchFolder()
        let (a, _) = try shiftedPair(in: folder)
        let run = try CLIRun(["flow", a, embeddedPhoto, "-o", folder + "/f.flo"])
        #expect(run.status == 1)
        let lines = run.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("chelsea.png") && lines[0].contains("200x140"),
                "\(run.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/f.flo"))
    }

    @Test func badFlagsAreNamed() throws {
        let folder = scratchFolder()
        let (a, b) = try shiftedPair(in: folder)
        let preset = try CLIRun(["flow", a, b, "-o", folder + "/f.flo", "--preset", "slow"])
        #expect(preset.status == 1 && preset.standardError.contains("--preset"))
        let output = try CLIRun(["flow", a, b, "-o", folder + "/f.png"])
        #expect(output.status == 1 && output.standardError.contains(".flo"))
        let magnitude = try CLIRun(["flow", a, b, "-o", folder + "/f.flo", "--max-magnitude", "-1"])
        #expect(magnitude.status == 1 && magnitude.standardError.contains("--max-magnitude"))
    }
}
