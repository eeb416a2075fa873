import Foundation
import Imaging
import StyleLabSupport

/// One figure's line in `manifest.json`: how it was made and what it shows.
package struct ManifestEntry: Codable, Equatable {
    package var chapter: String
    package var figure: String
    package var file: String
    /// The command that remakes it (with these settings).
    package var command: String
    package var settings: [String: String]
    package var seed: UInt64
    package var version: String
    package var inputs: [Input]
    package var sha256: String
    package var numbers: [String: Double]

    package struct Input: Codable, Equatable {
        package var file: String
        package var sha256: String
    }
}

/// Writes the walkthroughs: per chapter `README.md`, `NAME.ipynb` and `figures/*.png`; at the top an index
/// `README.md` and `manifest.json`. Every figure comes from its recipe with its default settings, so the folder
/// is the same (up to the timings in the index) wherever and however often it is made.
package struct NotebookExport {
    package let inputs: FigureInputs
    package let version: String

    package init(inputs: FigureInputs, version: String) {
        self.inputs = inputs
        self.version = version
    }

    /// Writes `chapters` under `folder`, keeping the manifest entries and index rows of chapters not written;
    /// `progress` hears each figure's name as it starts.
    package func write(_ chapters: [Chapter], all: [Chapter], to folder: String,
                       progress: (String) -> Void = { _ in }) throws {
        var manifest = (try? readManifest(folder)) ?? []
        var seconds = (try? readTimings(folder)) ?? [:]
        for chapter in chapters {
            var clock = Stopwatch()
            let entries = try write(chapter, to: folder, progress: progress)
            manifest.removeAll { $0.chapter == chapter.folder }
            manifest += entries
            clock.lap("chapter")
            seconds[chapter.folder] = clock.timings.map(\.seconds).reduce(0, +)
        }
        let order = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($0.element.folder, $0.offset) })
        manifest.sort { (order[$0.chapter] ?? 0, $0.file) < (order[$1.chapter] ?? 0, $1.file) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try (encoder.encode(manifest) + Data("\n".utf8)).writeAtomically(to: folder + "/manifest.json")
        try Data(index(all, manifest: manifest, seconds: seconds).utf8).writeAtomically(to: folder + "/README.md")
    }

    /// One chapter's folder; returns its manifest entries.
    func write(_ chapter: Chapter, to root: String, progress: (String) -> Void) throws -> [ManifestEntry] {
        let folder = root + "/" + chapter.folder
        try? FileManager.default.removeItem(atPath: folder + "/figures")
        try FileManager.default.createDirectory(atPath: folder + "/figures", withIntermediateDirectories: true)
        let number = Int(chapter.folder.prefix(2)) ?? 0
        let note = chapter.note(for: inputs)
        var markdown = "# \(number). \(chapter.title)\n\n" + (note.map { "> \($0)\n\n" } ?? "")
        var cells: [Notebook.Cell] = [.markdown("# \(number). \(chapter.title)" + (note.map { "\n\n> \($0)" } ?? "")),
                                      .code(Self.setupCell)]
        var entries: [ManifestEntry] = [], figureNumber = 0
        for block in chapter.blocks {
            switch block {
            case .text(let text):
                markdown += text + "\n\n"
                cells.append(.markdown(text))
            case .command(let command):
                markdown += "```sh\n\(command)\n```\n\n"
                cells.append(.code("!" + command))
            case .figure(let recipe):
                figureNumber += 1
                progress("\(chapter.folder)/\(recipe.name)")
                let figure = try recipe.render(inputs)
                let file = "figures/\(recipe.name).png"
                try figure.image.write(to: folder + "/" + file)
                let remake = remakeCommand(chapter, recipe)
                let caption = "*Figure \(number).\(figureNumber).* \(figure.caption)"
                markdown += "![\(recipe.name)](\(file))\n\n\(caption)\n\n"
                cells.append(.markdown("![\(recipe.name)](\(file))\n\n\(caption)"))
                cells.append(.code("!\(remake) --out mine\nImage(filename=\"mine/\(recipe.name).png\")"))
                entries.append(try entry(chapter, recipe, figure, file: chapter.folder + "/" + file, command: remake,
                                         written: folder + "/" + file))
            }
        }
        try Data(markdown.utf8).writeAtomically(to: folder + "/README.md")
        try Notebook(cells).json().writeAtomically(to: folder + "/\(chapter.notebookName).ipynb")
        return entries
    }

    /// The notebook's first code cell: where `stylelab` is, and how figures are shown.
    static let setupCell = """
        # Run from this folder of a StyleLab checkout, after `swift build -c release` at its top.
        import os
        os.environ["PATH"] = os.path.abspath("../../.build/release") + os.pathsep + os.environ["PATH"]
        from IPython.display import Image
        """

    func remakeCommand(_ chapter: Chapter, _ recipe: FigureRecipe) -> String {
        let settings = recipe.settings.map { "\($0.key)=\($0.value)" }
        return (["stylelab notebooks figure \(chapter.folder)/\(recipe.name)"] + settings).joined(separator: " ")
    }

    func entry(_ chapter: Chapter, _ recipe: FigureRecipe, _ figure: Figure, file: String, command: String,
               written: String) throws -> ManifestEntry {
        let hashes = try recipe.inputs.map { name in
            ManifestEntry.Input(file: name, sha256: try SHA256.hex(ofFile: inputs.folder + "/" + name))
        }
        let settings = Dictionary(uniqueKeysWithValues: recipe.settings.map { ($0.key, $0.value) })
        return ManifestEntry(chapter: chapter.folder, figure: recipe.name, file: file, command: command,
                             settings: settings, seed: settings["seed"].flatMap { UInt64($0) } ?? 0,
                             version: version, inputs: hashes,
                             sha256: try SHA256.hex(ofFile: written),
                             numbers: figure.numbers)
    }

}

/// The top-level files: the index with its timings, and the manifest.
extension NotebookExport {
    static let timingMark = "<!-- timing -->"

    func index(_ chapters: [Chapter], manifest: [ManifestEntry], seconds: [String: Double]) -> String {
        var text = """
            # StyleLab walkthroughs

            Each chapter is a page (`README.md`) and the same page as a Jupyter notebook, whose code cells call \
            `stylelab` so that a student can change a setting and remake a figure. Every figure is made by the real \
            implementation from the embedded images (`datasets/embedded`, public domain and CC0), with fixed seeds; \
            `manifest.json` gives, per figure, the command that remakes it, its settings and seed, the version, the \
            SHA-256 of its inputs and of the PNG, and the numbers its caption quotes.

            Regenerate everything with `make notebooks`, or one chapter with \
            `stylelab notebooks --chapter 03-quilting`; `stylelab notebooks --check` remakes them in a temporary \
            folder and fails when anything committed here is stale.

            | chapter | figures | notebook |
            |---|---|---|

            """
        for chapter in chapters {
            let count = manifest.filter { $0.chapter == chapter.folder }.count
            let number = Int(chapter.folder.prefix(2)) ?? 0
            text += "| [\(number). \(chapter.title)](\(chapter.folder)/README.md) | \(count) | "
                + "[\(chapter.notebookName).ipynb](\(chapter.folder)/\(chapter.notebookName).ipynb) |\n"
        }
        text += "\n## Time to make each chapter (this machine, release build)\n\n| chapter | seconds |\n|---|---|\n"
        for chapter in chapters {
            let time = seconds[chapter.folder].map { String(format: "%.1f", $0) } ?? "not made yet"
            text += "| \(chapter.folder) | \(time) \(Self.timingMark) |\n"
        }
        return text
    }

    /// Seconds per chapter from the index's timing rows.
    func readTimings(_ folder: String) throws -> [String: Double] {
        let text = try String(contentsOfFile: folder + "/README.md", encoding: .utf8)
        var seconds: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.contains(Self.timingMark) {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count >= 2, let value = Double(cells[1].split(separator: " ").first ?? "") {
                seconds[cells[0]] = value
            }
        }
        return seconds
    }

    func readManifest(_ folder: String) throws -> [ManifestEntry] {
        try JSONDecoder().decode([ManifestEntry].self,
                                 from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
    }
}
