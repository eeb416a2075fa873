import Foundation
import Imaging
import Testing
import StyleLabSupport

/// A set of synthetic transfer cases (content + style pairs, "alpha", "beta" …) and a run of methods on it; by
/// default Image Quilting, and a command that crashes on alpha (SIGABRT) and copies its content on beta.
struct TwoCaseRun {
    let folder = scratchFolder()
    var run: String { folder + "/run.json" }
    var setPath: String { folder + "/set.json" }

    static var crasher: [String: Any] { [
        "id": "crasher", "kind": "command",
        "args": ["/bin/sh", "-c", #"case "$1" in */alpha/*) kill -ABRT $$;; esac; cp "$1" "$2""#, "sh", "{content}", "{output}"],
    ] }
    static var quilting: [String: Any] { [
        "id": "quilting", "kind": "quilting",
        "transfer": ["parameters": ["quilting": ["blockSize": 8], "passes": 1]],
    ] }

    init(cases: [String] = ["alpha", "beta"], methods: [[String: Any]] = [quilting, crasher],
         extra: [String: Any] = [:]) throws {
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        for (n, name) in cases.flatMap({ ["\($0)-content", "\($0)-style"] }).enumerated() {
            try SyntheticImage.naturalLooking(Size(width: 40, height: 32), seed: UInt64(n + 1)).write(to: "\(folder)/data/\(name).png")
        }
        try writeSet(cases: cases)
        var run: [String: Any] = ["name": "two-case test", "set": "set.json", "timeout_seconds": 120, "methods": methods]
        run.merge(extra) { $1 }
        try JSONSerialization.data(withJSONObject: run).write(to: URL(fileURLWithPath: self.run))
    }

    /// (Re)writes set.json for the files now in data/, with their current checksums.
    func writeSet(cases: [String]) throws {
        let names = cases.flatMap { ["\($0)-content", "\($0)-style"] }
        let files = try names.map { name -> [String: String] in
            ["path": "\(name).png", "sha256": try SHA256.hex(ofFile: "\(folder)/data/\(name).png"), "source": "test", "licence": "CC0"]
        }
        let set: [String: Any] = [
            "name": "two-cases", "description": "synthetic transfer cases", "data_dir": "data", "files": files,
            "cases": cases.map { ["id": $0, "roles": ["content": "\($0)-content.png", "style": "\($0)-style.png"]] },
        ]
        try JSONSerialization.data(withJSONObject: set).write(to: URL(fileURLWithPath: setPath))
    }

    func compare(_ out: String, _ extra: [String] = []) throws -> CLIRun {
        try CLIRun(["compare", run, "--out", out] + extra)
    }
}

func csvRows(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
}

/// Every src and href of an HTML file, resolved against its folder.
func links(in page: String) throws -> [String] {
    let html = try String(contentsOfFile: page, encoding: .utf8)
    let pattern = try NSRegularExpression(pattern: #"(?:src|href)="([^"]+)""#)
    let folder = (page as NSString).deletingLastPathComponent
    return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
        Range(match.range(at: 1), in: html).map { (folder as NSString).appendingPathComponent(String(html[$0])) }
    }
}

@Suite(.serialized) struct CompareRunnerTests {
    @Test func aCrashIsRecordedTheRestFinishesAndARerunResumes() throws {
        let setup = try TwoCaseRun(), out = setup.folder + "/out"
        let first = try setup.compare(out)
        #expect(first.status == 0, "\(first.standardError)")

        // CSV: a header and one row per (case, method); the crash is recorded as such, the rest succeeded.
        let rows = try csvRows(out + "/metrics.csv")
        #expect(rows.count == 5)
        let status = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ("\($0[0])/\($0[1])", $0[3]) })
        #expect(status == ["alpha/quilting": "ok", "alpha/crasher": "crashed", "beta/quilting": "ok", "beta/crasher": "ok"])
        // beta's crasher copied its content: a perfect content SSIM, and measured against the style.
        let header = rows[0], beta = rows.first { $0[0] == "beta" && $0[1] == "crasher" }!
        #expect(Double(beta[header.firstIndex(of: "content_ssim")!]).map { abs($0 - 1) < 1e-9 } == true)
        #expect(!beta[header.firstIndex(of: "swd")!].isEmpty)

        // Grid: 2 case rows; columns = 2 inputs + 2 methods, 192-px boxes and 12-px gaps.
        let grid = try Image(contentsOf: out + "/grid.png")
        #expect(grid.width == 12 + 4 * (192 + 12))
        #expect(grid.height == 26 + 2 * (26 + 192 + 4 * 18 + 8 + 12))

        // Every link of every page resolves to a file in the folder.
        let pages = [out + "/index.html", out + "/cases/alpha.html", out + "/cases/beta.html"]
        for page in pages {
            for target in try links(in: page) {
                #expect(FileManager.default.fileExists(atPath: target), "\(page) links to missing \(target)")
            }
        }
        #expect(try links(in: out + "/cases/beta.html").contains { $0.hasSuffix("cells/beta/quilting/source-map.png") })

        // Interrupt: one cell loses its result; a rerun redoes that cell only.
        let kept = out + "/cells/beta/quilting/result.json", lost = out + "/cells/alpha/quilting/result.json"
        let before = try Data(contentsOf: URL(fileURLWithPath: kept))
        let keptDate = try FileManager.default.attributesOfItem(atPath: kept)[.modificationDate] as? Date
        try FileManager.default.removeItem(atPath: lost)
        let second = try setup.compare(out)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardOutput.contains("3 already finished"), "\(second.standardOutput)")
        #expect(second.standardOutput.contains("alpha × quilting") && !second.standardOutput.contains("beta × quilting"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: kept)) == before)
        #expect(try FileManager.default.attributesOfItem(atPath: kept)[.modificationDate] as? Date == keptDate)
        #expect(FileManager.default.fileExists(atPath: lost))
        #expect(try csvRows(out + "/metrics.csv").count == 5)
    }

    /// A method carries its algorithm's own parameters (partial, over the paper's defaults); the child runs the
    /// library through `stylelab cell`, and what it ran with is written beside the output, as --dump-params
    /// would print it. A misspelt key, an old argument list or an unknown preset stop the run before any cell.
    @Test func typedMethodsRunTheLibraryAndBadKeysAreNamed() throws {
        let analogies: [String: Any] = ["id": "analogies", "kind": "analogies",
                                        "transfer": ["preset": "texture-transfer", "parameters": ["checks": 8]]]
        let setup = try TwoCaseRun(cases: ["alpha"], methods: [TwoCaseRun.quilting, analogies])
        let out = setup.folder + "/out"
        let run = try setup.compare(out)
        #expect(run.status == 0, "\(run.standardError)")
        let cell = try String(contentsOfFile: out + "/cells/alpha/quilting/cell.json", encoding: .utf8)
        #expect(cell.contains(#""algorithm" : "quilting""#))
        let quilted = try String(contentsOfFile: out + "/cells/alpha/quilting/parameters.json", encoding: .utf8)
        #expect(quilted.contains(#""blockSize" : 8"#) && quilted.contains(#""passes" : 1"#))
        #expect(quilted.contains(#""tolerance" : 0.1"#), "the paper's default filled in")
        let analogy = try String(contentsOfFile: out + "/cells/alpha/analogies/parameters.json", encoding: .utf8)
        #expect(analogy.contains(#""checks" : 8"#) && analogy.contains(#""kappa" : 0.5"#), "the preset under the file")

        let bad: [(Any, String)] = [
            (["transfer": ["parameters": ["quilting": ["blokSize": 8]]]], #"no parameter "quilting.blokSize""#),
            (["transfer_args": ["--block", "8"]], #"has no key "transfer_args""#),
            (["transfer": ["parameter": ["passes": 1]]], #"a task setting has no key "parameter""#),
            (["transfer": ["parameters": ["passes": "three"]]], #""passes" must be an integer"#),
        ]
        for (extra, message) in bad {
            var method: [String: Any] = ["id": "quilting", "kind": "quilting"]
            method.merge(extra as? [String: Any] ?? [:]) { $1 }
            let broken = try TwoCaseRun(cases: ["alpha"], methods: [method])
            let refused = try broken.compare(broken.folder + "/out")
            #expect(refused.status == 1)
            #expect(refused.standardError.contains(message), "\(refused.standardError)")
            #expect(!FileManager.default.fileExists(atPath: broken.folder + "/out/cells/alpha"), "no cell ran")
        }
        // The child's cell file is as hostile as any file: garbage is refused in one line, and so is a cell that
        // would need more memory than the machine has.
        let folder = out + "/cells/alpha/quilting", file = folder + "/cell.json"
        try Data("not json".utf8).write(to: URL(fileURLWithPath: setup.folder + "/garbage.json"))
        let garbage = try CLIRun(["cell", setup.folder + "/garbage.json"])
        #expect(garbage.status == 1 && garbage.standardError.contains("not a cell file"))
        var spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file)))
                                as? [String: Any])
        spec["task"] = "synthesis"
        spec["synthesisSize"] = "1000000x1000000"
        spec["setting"] = [String: Any]()  // the transfer's parameters are not synthesis's
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: file))
        let huge = try CLIRun(["cell", file])
        #expect(huge.status == 1 && huge.standardError.contains("would need about"), "\(huge.standardError)")

        let presetless = try TwoCaseRun(cases: ["alpha"], methods: [["id": "analogies", "kind": "analogies",
                                                                     "transfer": ["preset": "oil-painting"]]])
        let refused = try presetless.compare(presetless.folder + "/out")
        #expect(refused.status == 1 && refused.standardError.contains("no analogy preset oil-painting"))
    }

    @Test func twoShardsMergeToTheCSVOfOneRun() throws {
        let setup = try TwoCaseRun()
        let whole = setup.folder + "/whole", a = setup.folder + "/shard1", b = setup.folder + "/shard2", merged = setup.folder + "/merged"
        for (out, extra) in [(whole, [String]()), (a, ["--shard", "1/2"]), (b, ["--shard", "2/2"])] {
            let run = try setup.compare(out, extra)
            #expect(run.status == 0, "\(run.standardError)")
        }
        #expect(try csvRows(a + "/metrics.csv").count == 3 && csvRows(b + "/metrics.csv").count == 3)
        let merge = try CLIRun(["compare", "merge", a, b, "--out", merged])
        #expect(merge.status == 0, "\(merge.standardError)")
        // Times and memory differ from run to run; every other column must agree.
        func comparable(_ path: String) throws -> [[String]] {
            let rows = try csvRows(path), header = rows[0]
            let varying = Set(["seconds", "wall_seconds", "peak_rss_mb"].compactMap { header.firstIndex(of: $0) })
            return rows.map { $0.enumerated().filter { !varying.contains($0.offset) }.map(\.element) }
        }
        #expect(try comparable(merged + "/metrics.csv") == comparable(whole + "/metrics.csv"))
    }

    @Test func everyImageLoadsInHeadlessChromium() throws {
        let browser = try #require(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.fileExists(atPath: $0) },
                                   "Debian's chromium is missing: `make test` installs it")
        let setup = try TwoCaseRun(), out = setup.folder + "/out"
        #expect(try setup.compare(out).status == 0)
        // The index shows the grid; a case page its two inputs and quilting's output, source map and seams at least.
        for (page, least) in [("index.html", 1), ("cases/alpha.html", 5), ("cases/beta.html", 6)] {
            // A copy of the page beside it (so relative links resolve the same) that records, once everything has
            // loaded, how many images it has and which failed to decode.
            let original = try String(contentsOfFile: "\(out)/\(page)", encoding: .utf8)
            let probe = """
            <script>window.addEventListener('load', () => {
              const broken = [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'));
              document.body.setAttribute('data-images', String(document.images.length));
              document.body.setAttribute('data-broken', broken.join(' ') || 'none');
            });</script></body>
            """
            let checked = "\(out)/\(page).probe.html"
            try original.replacingOccurrences(of: "</body>", with: probe).write(toFile: checked, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: browser)
            process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                                 "--virtual-time-budget=10000", "--dump-dom", URL(fileURLWithPath: checked).absoluteString]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let dom = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(dom.contains(#"data-broken="none""#), "\(page): broken images in \(dom.prefix(400))")
            let count = dom.range(of: #"data-images="(\d+)""#, options: .regularExpression).map { Int(dom[$0].filter(\.isNumber)) ?? 0 } ?? 0
            #expect(count >= least, "\(page) shows only \(count) images")
        }
    }
}

@Suite struct MetricsAndDatasetsCLITests {
    @Test func metricsJSONOfIdenticalImages() throws {
        let run = try CLIRun(["metrics", "--output", embeddedPhoto, "--reference", embeddedPhoto, "--style", embeddedPhoto, "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
        #expect(json?["psnr"] is NSNull)
        #expect((json?["ssim"] as? Double).map { abs($0 - 1) < 1e-9 } == true)
        #expect(json?["swd"] as? Double == 0 && json?["bds_coherence"] as? Double == 0)
    }

    @Test func datasetsCheckNamesTheBadFile() throws {
        let setup = try TwoCaseRun()
        let good = try CLIRun(["datasets", "check", setup.folder + "/set.json"])
        #expect(good.status == 0 && good.standardOutput.contains("4 of 4 files ok"), "\(good.standardOutput)\(good.standardError)")
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: setup.folder + "/data/beta-style.png"))
        let bad = try CLIRun(["datasets", "check", setup.folder + "/set.json"])
        #expect(bad.status == 1 && bad.standardOutput.contains("beta-style.png (checksum mismatch)"))
        let run = try setup.compare(setup.folder + "/out")
        #expect(run.status == 1 && run.standardError.contains("beta-style.png checksum mismatch"), "\(run.standardError)")
    }

    @Test func datasetsFetchKeepsOnlyMatchingDownloads() throws {
        let setup = try TwoCaseRun()
        // Serve two files by file:// URL: one right, one whose bytes the manifest does not expect.
        var set = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: setup.folder + "/set.json"))) as! [String: Any]
        var files = set["files"] as! [[String: String]]
        files[0]["url"] = URL(fileURLWithPath: setup.folder + "/data/" + files[0]["path"]!).absoluteString
        set["files"] = files
        set["data_dir"] = "fetched"
        try JSONSerialization.data(withJSONObject: set).write(to: URL(fileURLWithPath: setup.folder + "/remote.json"))
        let run = try CLIRun(["datasets", "fetch", setup.folder + "/remote.json"])
        #expect(run.status == 0 && run.standardOutput.contains("fetched 1 files"), "\(run.standardOutput)\(run.standardError)")
        #expect(try SHA256.hex(ofFile: setup.folder + "/fetched/" + files[0]["path"]!) == files[0]["sha256"])
    }
}
