import Foundation
import Imaging
import StyleLabSupport
import Testing

/// The video commands end to end: a synthetic clip with its true flow, flow against it, a stylised clip with its
/// summary, the temporal metrics, and a comparison whose case is a clip.
@Suite(.serialized) struct VideoCLITests {
    @Test func aClipGoesThroughFlowVideoMetricsAndACompareRun() throws {
        let folder = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scene = folder + "/scene.png", style = folder + "/style.png"
        try SyntheticImage.naturalLooking(Size(width: 120, height: 90), seed: 1).write(to: scene)
        try SyntheticImage.fractalNoise(Size(width: 64, height: 64), seed: 2, octaves: 4).write(to: style)
        let made = try CLIRun(["video", "synthetic", "--image", scene, "--motion", "pan", "--amount", "2",
                               "--frames", "4", "--size", "48", "--out", folder + "/clip"])
        #expect(made.status == 0, "\(made.standardError)")

        let flow = try CLIRun(["flow", folder + "/clip/frames/frame_00001.png", folder + "/clip/frames/frame_00002.png",
                               "-o", folder + "/f.flo", "--visualize", folder + "/f.png",
                               "--truth", folder + "/clip/flow/flow_00001.flo"])
        #expect(flow.status == 0, "\(flow.standardError)")
        #expect(flow.standardOutput.contains("end-point error"))
        #expect(try Image(contentsOf: folder + "/f.png").size == Size(width: 48, height: 48))
        let mismatched = try CLIRun(["flow", scene, style, "-o", folder + "/g.flo"])
        #expect(mismatched.status == 1 && mismatched.standardError.contains("a frame of A's size"))

        let out = folder + "/quilted"
        let video = try CLIRun(["video", "quilting", "--frames", folder + "/clip/frames", "--texture", style,
                                "--out", out, "--size", "48", "--block", "12", "--quiet"])
        #expect(video.status == 0, "\(video.standardError)")
        for file in ["frames/frame_00004.png", "video.mp4", "strip.png", "summary.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf:
            URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any])
        #expect(summary["frames"] as? Int == 4 && summary["temporal"] as? Bool == true)
        #expect((summary["warping_error"] as? Double).map { $0 >= 0 } == true)
        #expect((summary["seconds_per_frame"] as? [Double])?.count == 4)

        let metrics = try CLIRun(["metrics", "--frames", out + "/frames", "--input-frames", folder + "/clip/frames",
                                  "--long-term", "2", "--json"])
        #expect(metrics.status == 0 && metrics.standardOutput.contains("\"warping_error\""), "\(metrics.standardError)")
        // Sizes and counts a user gives are weighed before anything is read or allocated.
        let huge = try CLIRun(["video", "quilting", "--frames", folder + "/clip/frames", "--texture", style,
                               "--out", folder + "/x", "--max-frames", "10000", "--size", "4096", "--max-memory", "1G"])
        #expect(huge.status == 1 && huge.standardError.contains("would need about"), "\(huge.standardError)")
        let manyFrames = try CLIRun(["video", "synthetic", "--image", scene, "--frames", "1000", "--size", "2048",
                                     "--out", folder + "/y", "--max-memory", "1G"])
        #expect(manyFrames.status == 1 && manyFrames.standardError.contains("would need about"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/y"))
        let badWeight = try CLIRun(["video", "quilting", "--frames", folder + "/clip/frames", "--texture", style,
                                    "--out", folder + "/x", "--temporal-weight", "nan"])
        #expect(badWeight.status == 1 && badWeight.standardError.contains("--temporal-weight"))
        let missing = try CLIRun(["video", "quilting", "--frames", folder + "/nothing", "--texture", style,
                                  "--out", folder + "/x"])
        #expect(missing.status == 1 && missing.standardError.contains("no such file or folder"))

        // A comparison whose case is the clip (as an mp4) with a style.
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: out + "/video.mp4", toPath: folder + "/data/clip.mp4")
        try FileManager.default.copyItem(atPath: style, toPath: folder + "/data/style.png")
        let files = try ["clip.mp4", "style.png"].map { name in
            ["path": name, "sha256": try SHA256.hex(ofFile: folder + "/data/" + name), "source": "test",
             "licence": "CC0"]
        }
        let set: [String: Any] = ["name": "clips", "description": "a clip", "data_dir": "data", "files": files,
                                  "cases": [["id": "pan", "roles": ["frames": "clip.mp4", "style": "style.png"]]]]
        try JSONSerialization.data(withJSONObject: set).write(to: URL(fileURLWithPath: folder + "/set.json"))
        let run: [String: Any] = ["name": "video test", "set": "set.json", "video_frames": 3, "max_side": 48,
                                  "methods": [["id": "quilting", "kind": "quilting",
                                               "video": ["parameters": ["quilting": ["blockSize": 12]]]]]]
        try JSONSerialization.data(withJSONObject: run).write(to: URL(fileURLWithPath: folder + "/run.json"))
        let report = folder + "/report"
        let compare = try CLIRun(["compare", folder + "/run.json", "--out", report])
        #expect(compare.status == 0, "\(compare.standardError)")
        let cell = report + "/cells/pan/quilting"
        #expect(try Image(contentsOf: cell + "/output.png").width > 2 * 48, "a strip of frames")
        #expect(try String(contentsOfFile: cell + "/warping.csv", encoding: .utf8).split(separator: "\n").count == 3)
        let rows = try csvRows(report + "/metrics.csv")
        let column = try #require(rows[0].firstIndex(of: "warping_error"))
        #expect(Double(rows[1][column]) != nil, "\(rows)")
        let page = try String(contentsOfFile: report + "/cases/pan.html", encoding: .utf8)
        #expect(page.contains("<video src=\"../cells/pan/quilting/video.mp4\"") && page.contains("warping error"))
        for link in try links(in: report + "/cases/pan.html") where !link.hasPrefix("http") {
            #expect(FileManager.default.fileExists(atPath: link), "\(link)")
        }
    }
}
