import Analogies
import Compare
import Foundation
import Imaging
import Neural
import Quilting
import StyleLabSupport

/// `stylelab notebooks --papers`: for a user who has the research sets, one page per paper with our output beside
/// the paper's published result, case by case, and the numbers where a reference exists. The papers' images are
/// for research only, so these pages are written where the user says and never committed.
package struct PaperPages {
    /// The folder holding the manifests' files (`analogies-paper/`, `quilting-paper/`, `paintings/`).
    package let dataFolder: String
    /// The folder of the manifests (`datasets/` of a checkout).
    package let manifests: String
    /// Optional: the open peers' outputs of the seed figure (`reference/` beside the datasets), shown beside ours.
    package let references: String?
    /// Gatys iterations for the seed figure (at 256 pixels).
    package let gatysIterations: Int
    /// The pretrained VGG-19 weights for Gatys, or nil for seeded random weights (said on the page).
    package let vggWeights: String?
    /// Longest side every input is brought to, so that a page takes minutes, not hours.
    static let side = 256

    package init(dataFolder: String, manifests: String, references: String?, gatysIterations: Int,
                 vggWeights: String?) {
        self.vggWeights = vggWeights
        self.dataFolder = dataFolder
        self.manifests = manifests
        self.references = references
        self.gatysIterations = gatysIterations
    }

    /// Writes `image-analogies.md`, `image-quilting.md` and `seed-figure.md` with their figures under `folder`.
    package func write(to folder: String, progress: (String) -> Void) throws {
        try FileManager.default.createDirectory(atPath: folder + "/figures", withIntermediateDirectories: true)
        let pages: [(String, String, (String, (String) -> Void) throws -> String)] = [
            ("image-analogies", "analogies-paper.json", analogiesPage),
            ("image-quilting", "quilting-paper.json", quiltingPage),
            ("seed-figure", "seed-figure.json", seedFigurePage),
        ]
        var index = "# Reproductions\n\nOur outputs beside the papers' (research use only: do not redistribute).\n\n"
        for (name, _, page) in pages {
            progress(name)
            let text = try page(folder, progress)
            try Data(text.utf8).writeAtomically(to: "\(folder)/\(name).md")
            index += "- [\(name)](\(name).md)\n"
        }
        try Data(index.utf8).writeAtomically(to: folder + "/README.md")
    }

    /// The manifest's cases whose files are present and intact; the others are listed as skipped, with why.
    func cases(_ manifestName: String) throws -> (cases: [DatasetManifest.Case], skipped: [String]) {
        let manifest = try DatasetManifest.load(manifests + "/" + manifestName)
        let states = Dictionary(manifest.check(folder: dataFolder).map { ($0.file.path, $0.state) }) { a, _ in a }
        var usable: [DatasetManifest.Case] = [], skipped: [String] = []
        for c in manifest.cases {
            let bad = c.roles.values.sorted().filter { states[$0] != .ok }
            if bad.isEmpty { usable.append(c) } else {
                skipped.append("\(c.id): " + bad.map { "\($0) \(states[$0]?.rawValue ?? "not in the manifest")" }
                    .joined(separator: ", "))
            }
        }
        return (usable, skipped)
    }

    func image(_ c: DatasetManifest.Case, _ role: String) throws -> Image? {
        guard let path = c.roles[role] else { return nil }
        let image = try Image(contentsOf: dataFolder + "/" + path).opaque.rgb()
        guard max(image.width, image.height) > PaperPages.side else { return image }
        return image.resized(to: image.sizeFitting(longestSide: PaperPages.side), method: .area)
    }

    func save(_ figure: Image, _ folder: String, _ name: String) throws -> String {
        try figure.write(to: "\(folder)/figures/\(name).png")
        return "![\(name)](figures/\(name).png)\n\n"
    }

    static func skippedNote(_ skipped: [String]) -> String {
        guard !skipped.isEmpty else { return "" }
        return "Skipped (files missing or altered):\n\n" + skipped.map { "- \($0)" }.joined(separator: "\n") + "\n\n"
    }
}

extension PaperPages {
    /// Hertzmann et al. 2001: the preset each figure's case shows.
    static func analogyPreset(_ id: String) -> AnalogyPreset {
        if id.hasPrefix("fig11") { return .artisticFilter }
        if id.hasPrefix("fig14") || id.hasPrefix("fig16") { return .textureByNumbers }
        return .learnedFilter
    }

    func analogiesPage(_ folder: String, _ progress: (String) -> Void) throws -> String {
        let (usable, skipped) = try cases("analogies-paper.json")
        var text = "# Image Analogies (Hertzmann et al. 2001)\n\nEach row: A, A′, B, our B′ and the paper's B′ "
            + "(where the set has it), all at most \(PaperPages.side) pixels. The PSNR compares our B′ with the "
            + "paper's; for the blur of Fig. 3 the paper's B′ is the true filter's output, elsewhere it is the "
            + "paper's own synthesis, so the number says how close we come to it, not to a truth.\n\n"
        for c in usable {
            progress("image-analogies/\(c.id)")
            guard let a = try image(c, "a"), let aPrime = try image(c, "a_prime"), let b = try image(c, "b") else {
                continue
            }
            let preset = PaperPages.analogyPreset(c.id)
            let ours = try analogy(a: a, aPrime: aPrime, b: b, preset.parameters).image
            var row: [(Image, String)] = [(a, "A"), (aPrime, "A'"), (b, "B"), (ours, "ours")]
            var caption = "**\(c.id)** (preset `\(preset.rawValue)`)"
            if let paper = try image(c, "b_prime") {
                row.append((paper, "paper"))
                let reference = paper.size == ours.size ? paper : paper.resized(to: ours.size, method: .area)
                if let psnr = PixelMetrics.psnr(ours, reference: reference) {
                    caption += String(format: ": PSNR of ours against the paper's B′ %.1f dB", psnr)
                }
            }
            text += try save(Drawing.row(row), folder, "analogies-\(c.id)") + caption + "\n\n"
        }
        return text + PaperPages.skippedNote(skipped)
    }

    func quiltingPage(_ folder: String, _ progress: (String) -> Void) throws -> String {
        let (usable, skipped) = try cases("quilting-paper.json")
        var text = "# Image Quilting (Efros & Freeman 2001)\n\nEach texture of the paper's set beside our synthesis at "
            + "twice its size (block one sixth of the texture's short side, overlap B/6, tolerance 0.1: the "
            + "paper's settings). The set holds the paper's input textures only, not its published outputs, so "
            + "there is no reference image to measure against; the sliced Wasserstein distance (SWD) of patch "
            + "statistics to the texture stands in.\n\n"
        for c in usable {
            progress("image-quilting/\(c.id)")
            guard let texture = try image(c, "texture") else { continue }
            let short = min(texture.width, texture.height)
            let p = QuiltingParameters(blockSize: max(8, short / 6), seed: 1)
            let doubled = Size(width: 2 * texture.width, height: 2 * texture.height)
            let ours = try synthesize(texture, size: doubled, p).image
            let swd = PatchMetrics.slicedWasserstein(ours, texture)
            text += try save(Drawing.row([(texture, "texture"), (ours, "ours")]), folder, "quilting-\(c.id)")
                + String(format: "**%@**: block %d, SWD to the texture %.4f\n\n", c.id, p.blockSize, swd)
        }
        return text + PaperPages.skippedNote(skipped)
    }

    func seedFigurePage(_ folder: String, _ progress: (String) -> Void) throws -> String {
        let (usable, skipped) = try cases("seed-figure.json")
        let network: any FeatureNetwork = try GatysNetwork.make(vggWeights)
        let networkName = vggWeights != nil ? "pretrained VGG-19"
            : "VGG-19 with random weights: run `stylelab weights fetch` for the real one"
        var text = "# The seed figure\n\nMona Lisa in three styles, by each family at \(PaperPages.side) pixels "
            + "(Gatys: \(gatysIterations) iterations, \(networkName)), beside the open peers' outputs when "
            + "`--references` gives them. SSIM is against the content and SWD against the style; no ground truth "
            + "exists for this figure.\n\n"
        for c in usable {
            progress("seed-figure/\(c.id)")
            guard let content = try image(c, "content"), let style = try image(c, "style") else { continue }
            let analogyParameters = AnalogyPreset.textureTransfer.parameters
            let outputs: [(String, Image)] = [
                ("quilting", try transfer(style, onto: content).image),
                ("analogy", try analogy(a: style, aPrime: style, b: content, analogyParameters).image),
                ("gatys", try styleTransfer(content: content, styles: [style], network: network,
                                            StyleTransferParameters(size: max(content.width, content.height),
                                                                    iterations: gatysIterations)).image),
            ]
            var row: [(Image, String)] = [(content, "content"), (style, "style")]
            var numbers: [String] = []
            for (name, output) in outputs + peerOutputs(c) {
                row.append((output, name))
                let fitted = output.size == content.size ? output : output.resized(to: content.size, method: .area)
                let ssim = PixelMetrics.ssim(fitted, reference: content)
                let swd = PatchMetrics.slicedWasserstein(output, style)
                numbers.append(String(format: "%@ SSIM %.3f, SWD %.4f", name, ssim, swd))
            }
            text += try save(Drawing.row(row), folder, "seed-\(c.id)") + "**\(c.id)**: "
                + numbers.joined(separator: "; ") + "\n\n"
        }
        return text + PaperPages.skippedNote(skipped)
    }

    /// The peers' outputs for a seed-figure case, found by the reference folder's naming:
    /// `PEER_CONTENT__STYLE_256.png`, where CONTENT and STYLE begin the inputs' file names (`great_wave` for
    /// `great_wave_off_kanagawa.jpg`).
    func peerOutputs(_ c: DatasetManifest.Case) -> [(String, Image)] {
        guard let references, let content = c.roles["content"], let style = c.roles["style"],
              let files = try? FileManager.default.contentsOfDirectory(atPath: references) else { return [] }
        let stem = { (path: String) in ((path as NSString).lastPathComponent as NSString).deletingPathExtension }
        let peers = [("gatys-pytorch", "gatys_pytorch_"), ("analogy-ctralie", "analogy_ctralie_"),
                     ("quilting-ohjay", "quilting_ohjay_")]
        return peers.compactMap { name, prefix in
            let match = files.sorted().first { file in
                guard file.hasPrefix(prefix), file.hasSuffix("_256.png") else { return false }
                let parts = file.dropFirst(prefix.count).dropLast("_256.png".count).components(separatedBy: "__")
                return parts.count == 2 && stem(content).hasPrefix(parts[0]) && stem(style).hasPrefix(parts[1])
            }
            return match.flatMap { try? Image(contentsOf: references + "/" + $0) }.map { (name, $0.opaque.rgb()) }
        }
    }
}
