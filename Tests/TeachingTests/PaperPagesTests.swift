import Foundation
import Imaging
import StyleLabSupport
import Teaching
import Testing

/// The reproduction pages on a research set made here (the real ones are for research only): every case with its
/// files intact gets its row, PSNR where a published B′ exists, and a case with an altered file is skipped by name.
@Suite struct PaperPagesTests {
    /// A smooth pattern with some structure, `seed` choosing its phase.
    func pattern(_ side: Int, seed: Int) -> Image {
        var image = Image(width: side, height: side, channels: 3)
        for y in 0 ..< side { for x in 0 ..< side { for c in 0 ..< 3 {
            image[x, y, c] = 0.5 + 0.4 * sin(Float(x * (c + 1) + seed) / 5) * cos(Float(y + 3 * seed) / 4)
        } } }
        return image
    }

    @Test func pagesPutOursBesideThePapersAndSkipAlteredFiles() throws {
        let root = NSTemporaryDirectory() + "papers-\(UUID().uuidString)"
        let data = root + "/data", manifests = root + "/manifests", out = root + "/out"
        for folder in [data + "/analogies-paper", data + "/quilting-paper", data + "/paintings", manifests] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var images: [String: Image] = [:]
        images["analogies-paper/a.png"] = pattern(40, seed: 1)
        images["analogies-paper/ap.png"] = pattern(40, seed: 1).gaussianBlurred(sigma: 2)
        images["analogies-paper/b.png"] = pattern(40, seed: 7)
        images["analogies-paper/bp.png"] = pattern(40, seed: 7).gaussianBlurred(sigma: 2)
        images["quilting-paper/t.png"] = pattern(48, seed: 3)
        images["paintings/content.png"] = pattern(48, seed: 5)
        images["paintings/style.png"] = pattern(48, seed: 9)
        var hashes: [String: String] = [:]
        for (path, image) in images {
            try image.write(to: data + "/" + path)
            hashes[path] = try SHA256.hex(ofFile: data + "/" + path)
        }
        func manifest(_ name: String, _ cases: [(String, [String: String])]) throws {
            let paths = Set(cases.flatMap { $0.1.values })
            let files = paths.sorted().map { ["path": $0, "sha256": hashes[$0] ?? "", "source": "made by the test",
                                              "licence": "CC0"] }
            let json: [String: Any] = ["name": name, "description": "test", "files": files,
                                       "cases": cases.map { ["id": $0.0, "roles": $0.1] }]
            let file = URL(fileURLWithPath: "\(manifests)/\(name).json")
            try JSONSerialization.data(withJSONObject: json).write(to: file)
        }
        let blur = ["a": "analogies-paper/a.png", "a_prime": "analogies-paper/ap.png", "b": "analogies-paper/b.png",
                    "b_prime": "analogies-paper/bp.png"]
        try manifest("analogies-paper", [("fig03-blur", blur)])
        try manifest("quilting-paper", [("t", ["texture": "quilting-paper/t.png"])])
        try manifest("seed-figure", [("seed", ["content": "paintings/content.png", "style": "paintings/style.png"])])
        // The texture altered after the manifest was written: its case must be skipped, by name.
        try pattern(48, seed: 4).write(to: data + "/quilting-paper/t.png")

        let pages = PaperPages(dataFolder: data, manifests: manifests, references: nil, gatysIterations: 2,
                               vggWeights: nil)
        try pages.write(to: out) { _ in }
        let analogies = try String(contentsOfFile: out + "/image-analogies.md", encoding: .utf8)
        #expect(analogies.contains("**fig03-blur**") && analogies.contains("dB"))
        let psnr = analogies.firstMatch(of: /B′ ([0-9.]+) dB/).flatMap { Double($0.1) } ?? 0
        #expect(psnr > 20, "a learned blur should come close to the true blur: \(psnr) dB")
        let quilting = try String(contentsOfFile: out + "/image-quilting.md", encoding: .utf8)
        #expect(quilting.contains("- t: quilting-paper/t.png checksum mismatch"))
        let seed = try String(contentsOfFile: out + "/seed-figure.md", encoding: .utf8)
        #expect(seed.contains("**seed**: quilting SSIM") && seed.contains("random weights"))
        for figure in ["analogies-fig03-blur", "seed-seed"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/figures/\(figure).png"))
        }
    }
}
