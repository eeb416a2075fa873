import Foundation
import Imaging

/// One figure of a chapter: a picture made by the real code, its caption, and the numbers the caption quotes.
package struct Figure {
    package var image: Image
    package var caption: String
    /// The numbers shown with the figure, by name, for the manifest (rounded as the caption shows them).
    package var numbers: [String: Double]

    package init(_ image: Image, _ caption: String, numbers: [String: Double] = [:]) {
        self.image = image
        self.caption = caption
        self.numbers = numbers
    }
}

/// A figure as a function of its settings, so that a notebook cell can remake it with a setting changed:
/// `stylelab notebooks figure 03-quilting/ssd-surface tolerance=0.3`.
package struct FigureRecipe: Sendable {
    /// The file name without `.png`, unique within its chapter.
    package let name: String
    /// Every setting the recipe reads, with its default (the value the committed figure was made with).
    package let settings: [(key: String, value: String)]
    /// The embedded images it reads, by file name.
    package let inputs: [String]
    let make: @Sendable (FigureInputs, FigureSettings) throws -> Figure

    package init(_ name: String, inputs: [String], settings: [(key: String, value: String)] = [],
                 make: @escaping @Sendable (FigureInputs, FigureSettings) throws -> Figure) {
        self.name = name
        self.inputs = inputs
        self.settings = settings
        self.make = make
    }

    /// The figure with `overrides` written over the defaults; a key the recipe does not have is refused.
    package func render(_ inputs: FigureInputs, overrides: [String: String] = [:]) throws -> Figure {
        let known = Set(settings.map(\.key))
        if let unknown = overrides.keys.sorted().first(where: { !known.contains($0) }) {
            throw TeachingError.badSetting(figure: name, key: unknown, detail: "is not a setting; the settings are "
                                           + (known.isEmpty ? "none" : known.sorted().joined(separator: ", ")))
        }
        var values = Dictionary(uniqueKeysWithValues: settings.map { ($0.key, $0.value) })
        values.merge(overrides) { $1 }
        return try make(inputs, FigureSettings(figure: name, values: values))
    }
}

/// A recipe's settings, read with their types; a value that does not parse, or lies outside what the recipe
/// allows, is an error naming the figure and the key.
package struct FigureSettings {
    let figure: String
    let values: [String: String]

    package func int(_ key: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = values[key].flatMap({ Int($0) }), range.contains(value) else {
            throw TeachingError.badSetting(figure: figure, key: key,
                                           detail: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    package func real(_ key: String, in range: ClosedRange<Float>) throws -> Float {
        guard let value = values[key].flatMap({ Float($0) }), value.isFinite, range.contains(value) else {
            throw TeachingError.badSetting(figure: figure, key: key,
                                           detail: "must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    package func string(_ key: String) -> String { values[key] ?? "" }
}

/// The embedded images a recipe reads, from the data folder (`datasets/embedded` of a checkout).
package struct FigureInputs {
    package let folder: String

    package init(folder: String) { self.folder = folder }

    /// `name` from the folder, no larger than `longestSide` (area-resampled down when larger).
    package func image(_ name: String, longestSide: Int = 256) throws -> Image {
        let image = try Image(contentsOf: folder + "/" + name).opaque
        guard max(image.width, image.height) > longestSide else { return image }
        return image.resized(to: image.sizeFitting(longestSide: longestSide), method: .area)
    }
}

/// A chapter of the walkthroughs, in reading order: prose, figures, and commands a student may run.
package struct Chapter {
    package enum Block {
        /// Markdown: the chapter's prose and maths.
        case text(String)
        case figure(FigureRecipe)
        /// A shell command shown as such in the README and as a code cell in the notebook.
        case command(String)
    }

    /// The folder's name, `NN-name`; the notebook is `name.ipynb`.
    package let folder: String
    package let title: String
    package let blocks: [Block]
    /// What the chapter's figures needed beyond the embedded images (e.g. which network), for its README.
    package var note: String?

    package init(_ folder: String, _ title: String, _ blocks: [Block], note: String? = nil) {
        self.folder = folder
        self.title = title
        self.blocks = blocks
        self.note = note
    }

    package var notebookName: String { String(folder.drop { $0 != "-" }.dropFirst()) }
    package var recipes: [FigureRecipe] { blocks.compactMap { if case .figure(let r) = $0 { r } else { nil } } }
}

/// What can go wrong making or checking the walkthroughs, naming the chapter, figure or file.
package enum TeachingError: Error, CustomStringConvertible, Equatable {
    case badSetting(figure: String, key: String, detail: String)
    case unknownChapter(String, known: [String])
    case unknownFigure(String, known: [String])
    case stale([String])

    package var description: String {
        switch self {
        case .badSetting(let figure, let key, let detail): return "figure \(figure): setting \(key) \(detail)"
        case .unknownChapter(let name, let known):
            return "no chapter \(name); the chapters are \(known.joined(separator: ", "))"
        case .unknownFigure(let name, let known):
            return "no figure \(name); the figures are \(known.joined(separator: ", "))"
        case .stale(let problems):
            return "the committed walkthroughs are stale (run `make notebooks`): " + problems.joined(separator: "; ")
        }
    }
}
