import Foundation
import Imaging
import StyleLabSupport

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
///
/// Recipes crop and index these images by fixed coordinates, and the committed figures were made from them, so a
/// folder whose files are not byte for byte the embedded images (by their SHA-256, compiled in) is refused.
package struct FigureInputs {
    package let folder: String
    /// The pretrained VGG-19 weights for the chapters that use a network, or nil for seeded random weights.
    package var vggWeights: String?

    package init(folder: String, vggWeights: String? = nil) {
        self.folder = folder
        self.vggWeights = vggWeights
    }

    /// The SHA-256 of each embedded image (as `datasets/embedded/SHA256SUMS`; a test keeps the two equal).
    package static let embeddedSHA256 = [
        "astronaut.png": "9297a8621ec40ff5a63e9a33ba40b6b75f92c2ed578cc1cda11f427ede3dcb4f",
        "brick.png": "ddc11599c40501961d18e9046196c687ec6db08d1bd9533c34224c548b71f397",
        "chelsea-blur.png": "e69e4d49cc30d45bb5a974d015ad806a7cc251d50c1ab4a6c27b8597b0340944",
        "chelsea.png": "3a76fd85b2dce9c128d79a4f9ddd04302a2532746430d823d4dae1412703c967",
        "coffee-blur.png": "ef2e0948c0bd023511395f8522077c5a85af93cf8c6a86d970895d7e54249934",
        "coffee.png": "f2cc043a903bcb72dc33558ab8be772631d8add8a0134dd56d10b1b670b29ff6",
        "grass.png": "b718f785d1633241710b78ee7971b3f47c6830304003bdb35150be15b8ec325c",
        "gravel.png": "0499da43438641f29859b8bbbf7cf05b85e94b80df06c047fa85db5ea56e7bab",
        "rocket.png": "ac5d2f449389b0e4f9849e3bac8bed1df06b00f37aab0c31d9e1bb52befb4de4",
        "starry-night.png": "dcebd8d87ae43ce20d3e158b9579d7d56fdeff4e28792bccd84937030a181f44",
    ]

    /// `name` from the folder, no larger than `longestSide` (area-resampled down when larger).
    package func image(_ name: String, longestSide: Int = 256) throws -> Image {
        let path = folder + "/" + name
        guard case .success(let data) = readRegularFile(path, maxBytes: 1 << 20) else {
            throw TeachingError.notEmbedded(path, detail: "cannot be read as a file of at most 1 MB")
        }
        guard let expected = FigureInputs.embeddedSHA256[name], SHA256.hex(of: data) == expected else {
            throw TeachingError.notEmbedded(path, detail: "is not the embedded image of that name (its SHA-256 "
                                            + "differs); give --data-dir the datasets/embedded of a checkout")
        }
        let image = try Image.decode(data, name: path).image.opaque
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
    /// Whether the figures use VGG-19 (and the page must say with which weights).
    package var usesVGG: Bool

    package init(_ folder: String, _ title: String, _ blocks: [Block], note: String? = nil, usesVGG: Bool = false) {
        self.folder = folder
        self.title = title
        self.blocks = blocks
        self.note = note
        self.usesVGG = usesVGG
    }

    /// The note at the top of the page: the chapter's own, and which network made the figures.
    func note(for inputs: FigureInputs) -> String? {
        usesVGG ? [note, GatysNetwork.description(inputs.vggWeights)].compactMap { $0 }.joined(separator: " ") : note
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
    case notEmbedded(String, detail: String)

    package var description: String {
        switch self {
        case .badSetting(let figure, let key, let detail): return "figure \(figure): setting \(key) \(detail)"
        case .unknownChapter(let name, let known):
            return "no chapter \(name); the chapters are \(known.joined(separator: ", "))"
        case .unknownFigure(let name, let known):
            return "no figure \(name); the figures are \(known.joined(separator: ", "))"
        case .notEmbedded(let path, let detail): return "\(path) \(detail)"
        case .stale(let problems):
            return "the committed walkthroughs are stale (run `make notebooks`): " + problems.joined(separator: "; ")
        }
    }
}
