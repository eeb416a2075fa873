import ArgumentParser
import Foundation
import Neural
import Teaching

struct NotebooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebooks",
        abstract: "Make the walkthroughs in notebooks-export/ from the embedded images, or check the committed ones.",
        subcommands: [NotebooksWrite.self, NotebooksFigure.self], defaultSubcommand: NotebooksWrite.self)
}

/// Where the embedded images are: --data-dir, else `datasets/embedded` in this folder or the nearest one above
/// (so that a notebook's cells work from its chapter folder).
struct EmbeddedData: ParsableArguments {
    @Option(help: "The embedded images (default: datasets/embedded here or in a folder above).") var dataDir: String?

    func inputs() throws -> FigureInputs {
        // Chapter 05's network: the pretrained VGG-19 when `stylelab weights fetch` has cached it.
        FigureInputs(folder: try dataDir ?? EmbeddedData.checkoutFolder(), vggWeights: PasticheWeights.cachedIfValid())
    }

    /// `datasets/embedded` here or in the nearest folder above.
    static func checkoutFolder() throws -> String {
        var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0 ..< 8 {
            let candidate = folder.appendingPathComponent("datasets/embedded").path
            if FileManager.default.fileExists(atPath: candidate + "/SHA256SUMS") { return candidate }
            folder.deleteLastPathComponent()
        }
        throw ValidationError("no datasets/embedded here or above: run from a StyleLab checkout, or give --data-dir")
    }
}

struct NotebooksWrite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write", abstract: "Write (or --check) every chapter, or those --chapter names.")
    @Option(help: "The walkthroughs' folder.") var out = "notebooks-export"
    @Option(help: "A chapter folder's name, e.g. 03-quilting (repeatable; default: every chapter).")
    var chapter: [String] = []
    @Flag(help: "Remake the chapters in a temporary folder and fail when the committed ones are stale.")
    var check = false
    @Flag(help: "Print nothing but errors.") var quiet = false
    @Flag(help: ArgumentHelp("Write the reproduction pages instead, from the research sets in --data-dir.",
                             discussion: "Never commit them: the papers' images are for research only."))
    var papers = false
    @Option(help: "With --papers: the open peers' seed-figure outputs, shown beside ours.") var references: String?
    @Option(help: "With --papers: Gatys iterations per seed-figure case (1-10000).") var gatysIterations = 200
    @OptionGroup var data: EmbeddedData

    func run() throws {
        try reportingErrors {
            if papers { return try writePapers() }
            let all = Chapters.all
            let chosen = try chapter.isEmpty ? all : chapter.map { name in
                guard let found = all.first(where: { $0.folder == name }) else {
                    throw TeachingError.unknownChapter(name, known: all.map(\.folder))
                }
                return found
            }
            let export = NotebookExport(inputs: try data.inputs(), version: StyleLabVersion.string)
            let progress = { (name: String) in if !quiet { print(name) } }
            if check {
                try export.check(chosen, all: all, against: out, progress: progress)
                if !quiet { print("notebooks: \(chosen.count) chapter(s) up to date in \(out)") }
            } else {
                try export.write(chosen, all: all, to: out, progress: progress)
                if !quiet { print("notebooks: wrote \(chosen.count) chapter(s) into \(out)") }
            }
        }
    }
}

struct NotebooksFigure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figure", abstract: "Remake one figure, with settings changed: CHAPTER/FIGURE key=value ...")
    @Argument(help: "The figure, as CHAPTER/FIGURE (e.g. 03-quilting/ssd-surface).") var name: String
    @Argument(help: "Settings to change, as key=value.") var settings: [String] = []
    @Option(help: "Folder to write FIGURE.png into.") var out = "."
    @OptionGroup var data: EmbeddedData

    func run() throws {
        try reportingErrors {
            let parts = name.split(separator: "/").map(String.init)
            let all = Chapters.all
            guard parts.count == 2, let chapter = all.first(where: { $0.folder == parts[0] }) else {
                throw TeachingError.unknownChapter(parts.first ?? name, known: all.map(\.folder))
            }
            guard let recipe = chapter.recipes.first(where: { $0.name == parts[1] }) else {
                throw TeachingError.unknownFigure(name, known: chapter.recipes.map { chapter.folder + "/" + $0.name })
            }
            var overrides: [String: String] = [:]
            for setting in settings {
                let pair = setting.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { throw ValidationError("settings are key=value, got \(setting)") }
                overrides[pair[0]] = pair[1]
            }
            let figure = try recipe.render(try data.inputs(), overrides: overrides)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let path = out + "/" + recipe.name + ".png"
            try figure.image.write(to: path)
            print("wrote \(path): \(figure.caption)")
        }
    }
}

extension NotebooksWrite {
    /// `--papers`: the reproduction pages, from the research sets that `--data-dir` names.
    func writePapers() throws {
        guard let dataDir = data.dataDir else {
            throw ValidationError("--papers needs --data-dir: the folder holding analogies-paper/, quilting-paper/ "
                                  + "and paintings/")
        }
        guard (1 ... 10_000).contains(gatysIterations) else {
            throw ValidationError("--gatys-iterations must be from 1 to 10000, not \(gatysIterations)")
        }
        guard out != "notebooks-export" else {
            throw ValidationError("--papers needs --out: a folder of your own, never the committed notebooks-export")
        }
        let embedded = try EmbeddedData.checkoutFolder()
        let pages = PaperPages(dataFolder: dataDir, manifests: (embedded as NSString).deletingLastPathComponent,
                               references: references, gatysIterations: gatysIterations,
                               vggWeights: PasticheWeights.cachedIfValid())
        try pages.write(to: out) { if !quiet { print($0) } }
        if !quiet { print("notebooks: reproduction pages in \(out) (research use only: do not commit them)") }
    }
}
