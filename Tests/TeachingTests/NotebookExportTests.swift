import Foundation
import Teaching
import Testing

/// The committed walkthroughs (`notebooks-export/`): up to date, valid notebooks, links that resolve, and pages
/// whose every image loads in a real browser.
@Suite struct NotebookExportTests {
    static let committed = repositoryFile("notebooks-export")

    static var chapterFolders: [String] { Chapters.all.map { committed + "/" + $0.folder } }

    /// Chapters 01 and 03 remade in a temporary folder match the committed ones. These two are the budget that
    /// keeps `make test` within its minutes in a debug build; `make notebooks` remakes all of them.
    @Test func chaptersOneAndThreeAreUpToDate() throws {
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            NotebookExportTests.committed + "/manifest.json"))) as? [[String: Any]]
        let version = try #require(manifest?.first?["version"] as? String)
        let export = NotebookExport(inputs: ExerciseTests.inputs, version: version)
        let chosen = Chapters.all.filter { ["01-images", "03-quilting"].contains($0.folder) }
        #expect(chosen.count == 2)
        #expect(throws: Never.self) {
            try export.check(chosen, all: Chapters.all, against: NotebookExportTests.committed)
        }
    }

    /// A stale figure is caught: the check of a copy whose figure was replaced fails, naming the file.
    @Test func aChangedFigureIsStale() throws {
        let copy = NSTemporaryDirectory() + "notebooks-copy-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: NotebookExportTests.committed, toPath: copy)
        let figures = copy + "/01-images/figures/"
        try FileManager.default.removeItem(atPath: figures + "reconstruction.png")
        try FileManager.default.copyItem(atPath: figures + "yiq-channels.png", toPath: figures + "reconstruction.png")
        let chapter = try #require(Chapters.all.first { $0.folder == "01-images" })
        let export = NotebookExport(inputs: ExerciseTests.inputs, version: "any")
        do {
            try export.check([chapter], all: Chapters.all, against: copy)
            Issue.record("a replaced figure passed the check")
        } catch let error as TeachingError {
            #expect(error.description.contains("01-images/figures/reconstruction.png"))
        }
    }

    /// Every notebook passes nbformat's own schema validation (Debian's python3-nbformat, installed by
    /// `make setup`), and a notebook with a cell broken is rejected by the same validator.
    @Test func everyNotebookIsValidNbformat() throws {
        let notebooks = try NotebookExportTests.chapterFolders.flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".ipynb") }
                .map { folder + "/" + $0 }
        }
        #expect(notebooks.count == Chapters.all.count)
        for notebook in notebooks {
            let run = try validate(notebook)
            #expect(run.status == 0, "\(notebook): \(run.output)")
        }
        let broken = NSTemporaryDirectory() + "broken-\(UUID().uuidString).ipynb"
        // The first cell's type made one nbformat does not know.
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            notebooks[0]))) as? [String: Any])
        var cells = try #require(json["cells"] as? [[String: Any]])
        cells[0]["cell_type"] = "prose"
        json["cells"] = cells
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: broken))
        let run = try validate(broken)
        #expect(run.status != 0 && run.output.contains("ValidationError"), "\(run.output)")
    }

    /// Every image a page or a notebook names exists, relative to its chapter folder.
    @Test func everyImageLinkResolves() throws {
        var links = 0
        for folder in NotebookExportTests.chapterFolders {
            for file in try FileManager.default.contentsOfDirectory(atPath: folder)
                where file == "README.md" || file.hasSuffix(".ipynb") {
                let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
                for match in text.matches(of: /!\[[^\]]*\]\(([^)\s]+)\)/) {
                    links += 1
                    let target = folder + "/" + match.1
                    #expect(FileManager.default.fileExists(atPath: target), "\(file) links \(match.1), missing")
                }
            }
        }
        #expect(links >= 2 * 18)
    }

    /// Each chapter page, rendered from its Markdown as a repository host would (Debian's python3-markdown), opens in
    /// headless Chromium with every image loaded.
    @Test func chapterPagesLoadEveryImageInChromium() throws {
        let browser = try #require(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
            FileManager.default.fileExists(atPath: $0) }, "Debian's chromium is missing: `make test` installs it")
        for folder in NotebookExportTests.chapterFolders {
            let page = folder + "/.probe-\(UUID().uuidString).html"
            defer { try? FileManager.default.removeItem(atPath: page) }
            let render = try python(["-c", """
                import markdown, sys
                page = open(sys.argv[1], encoding='utf-8').read()
                body = markdown.markdown(page, extensions=['tables', 'fenced_code'])
                probe = "<script>window.addEventListener('load', () => { const broken = [...document.images].filter(" \
                    "i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src')); " \
                    "document.body.setAttribute('data-images', String(document.images.length)); " \
                    "document.body.setAttribute('data-broken', broken.join(' ') || 'none'); });</script>"
                open(sys.argv[2], 'w', encoding='utf-8').write('<html><body>' + body + probe + '</body></html>')
                """, folder + "/README.md", page])
            #expect(render.status == 0, "\(render.output)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: browser)
            process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                                 "--virtual-time-budget=10000", "--dump-dom", URL(fileURLWithPath: page).absoluteString]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let dom = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(dom.contains(#"data-broken="none""#), "\(folder): broken images")
            let count = dom.firstMatch(of: /data-images="(\d+)"/).flatMap { Int($0.1) } ?? 0
            #expect(count >= 3, "\(folder) shows only \(count) images")
        }
    }
}

/// Runs Debian's Python (where `make setup` installs python3-nbformat and python3-markdown).
func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}

func validate(_ notebook: String) throws -> (status: Int32, output: String) {
    try python(["-c", "import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('ok')",
                notebook])
}
