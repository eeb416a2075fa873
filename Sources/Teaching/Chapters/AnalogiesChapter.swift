import Compare
import Foundation
import Imaging
import Analogies

/// Chapter 4: Image Analogies (Hertzmann et al. 2001), with the maps BestMatch leaves behind at every level.
extension Chapters {
    static var analogies: Chapter {
        Chapter("04-analogies", "Image Analogies", [
            .text("""
                An image analogy is given three images, A, A′ and B, and makes a fourth, B′, so that **B′ is to B \
                as A′ is to A**. A and A′ are registered: A′ is A after some filter — a blur, a painter, a colouring \
                — and B′ is B after the same filter, learned from the single example. The algorithm (§3 of the \
                paper) is texture synthesis that looks at two images at once.

                ## CreateImageAnalogy

                Build Gaussian pyramids of A, A′ and B. From the coarsest level to the finest, visit the pixels q of \
                B′ in scan-line order; for each, find the pixel p of A whose neighbourhood — in A and A′, and one \
                level coarser — best resembles q's neighbourhood in B and in the part of B′ already made; then copy \
                B′(q) ← A′(p) and remember the source s(q) ← p. The feature is luminance (chapter 1), over 5 × 5 \
                neighbourhoods at the current level and 3 × 3 at the coarser one, Gaussian-weighted.
                """),
            .figure(analogyLevels),
            .text("""
                ## BestMatch: approximate against coherent

                Two candidates compete for every pixel. **BestApproximateMatch** is the nearest neighbour of q's \
                feature vector among all of A's (FLANN over PCA-reduced vectors; chapter 2). \
                **BestCoherenceMatch** (Ashikhmin's idea) only tries the continuations of q's already-synthesised \
                neighbours r: the pixel s(r) + (q − r), which would extend a patch already copied. The coherent \
                candidate wins when it is nearly as good,

                $$d_{coh} \\le d_{app}\\,\\bigl(1 + 2^{\\ell - L}\\,\\kappa\\bigr),$$

                with ℓ the level and L the finest, so coarse levels favour coherence less. The white pixels in the \
                coherence maps are the coherent picks; the source map shows them as smooth patches.
                """),
            .figure(distances),
            .text("""
                ## The coherence parameter κ

                κ decides how much worse than the best match a coherent one may be. With κ = 0 every pixel takes the \
                approximate match and the result is noisy; large κ copies whole patches of A′. The paper uses 0.5–5 \
                for filters and up to 15–25 for textures. Texture synthesis (A and B constant, only A′ and the \
                causal neighbourhood count) shows the effect most clearly.
                """),
            .figure(kappaSweep),
            .figure(levelsSweep),
            .text("""
                ## Luminance remapping

                When B is much darker than A (§3.4), its neighbourhoods match only A's darkest parts. Remapping A \
                and A′ to B's luminance mean and σ first lets the whole of A take part. For an exact filter such as \
                a blur, remapping also changes what the filter does, so the learned-filter preset leaves it off.
                """),
            .figure(remapping),
            .text("""
                ## Applications

                Every application of the paper is the same command with different images and a preset: a learned \
                filter (here a Gaussian blur, checked against the true blur), super-resolution (A′ sharp, A its \
                blurred copy), colourisation (A grey, A′ colour), texture by numbers (A and B are label maps) and \
                texture transfer (A = A′ = the texture, B the target). Beside super-resolution and colourisation \
                stand their starting points, the low-pass and the grey B, with their own PSNR: the analogy's \
                worth is the difference. The artistic filter would need a photograph of the scene a painter saw; \
                here A is the painting smoothed, so the analogy learns to add brush strokes to smooth shapes. \
                The reproduction pages (`stylelab notebooks --papers`) run it on the paper's own images.
                """),
            .figure(applications),
            .command("stylelab analogy --a ../../datasets/embedded/chelsea.png "
                     + "--a-prime ../../datasets/embedded/chelsea-blur.png --b ../../datasets/embedded/coffee.png "
                     + "--preset learned-filter --coherence-map coherence.png --source-map sources.png -o blurred.png"),
        ] + exercises("analogies"))
    }

    /// A pair and B for the blur analogy, at 128 px.
    static func blurPair(_ inputs: FigureInputs) throws -> (a: Image, aPrime: Image, b: Image, truth: Image) {
        (try inputs.image("chelsea.png", longestSide: 128), try inputs.image("chelsea-blur.png", longestSide: 128),
         try inputs.image("coffee.png", longestSide: 128), try inputs.image("coffee-blur.png", longestSide: 128))
    }

    static let analogyLevels = FigureRecipe("levels", inputs: ["chelsea.png", "chelsea-blur.png", "coffee.png"],
                                            settings: [("kappa", "2"), ("levels", "3")]) { inputs, s in
        let (a, aPrime, b, _) = try blurPair(inputs)
        var p = AnalogyPreset.learnedFilter.parameters
        p.kappa = try s.real("kappa", in: 0 ... 100)
        p.levels = try s.int("levels", in: 1 ... 4)
        p.threads = 1
        let result = try analogy(a: a, aPrime: aPrime, b: b, p)
        let count = result.levels.count
        let pyramids = [a, aPrime, b].map { GaussianPyramid($0, levelCount: count) }
        let rows = (0 ..< count).reversed().map { level -> [(Image, String)] in
            let maps = result.levelMaps[level], scale = 1 << level
            let coherence = Image(width: maps.source.width, height: maps.source.height, channels: 1,
                                  samples: maps.coherent.map { $0 ? 1 : 0 })
            return [(pyramids[0][level], "A level \(level)"), (pyramids[1][level], "A'"), (pyramids[2][level], "B"),
                    (result.levels[level], "B'"), (maps.source.colourCoded(), "source s"),
                    (coherence, "coherent picks")].map { (Drawing.enlarged($0.0, scale), $0.1) }
        }
        return Figure(Drawing.grid(rows, gap: 6),
                      "The blur analogy level by level, coarsest first (enlarged to one size): A, A′, B, the B′ "
                        + "made at that level, its source map and its coherent picks (white).",
                      numbers: ["coherent_fraction": (result.coherentFraction * 1000).rounded() / 1000])
    }

    static let distances = FigureRecipe("distances", inputs: ["chelsea.png", "chelsea-blur.png", "coffee.png"],
                                        settings: [("kappa", "2")]) { inputs, s in
        let (a, aPrime, b, _) = try blurPair(inputs)
        var p = AnalogyPreset.learnedFilter.parameters
        p.kappa = try s.real("kappa", in: 0 ... 100)
        p.threads = 1
        let result = try analogy(a: a, aPrime: aPrime, b: b, p)
        let maps = result.levelMaps[0], size = b.size
        let logged = { (values: [Float]) in values.map { $0.isFinite ? log10(max($0, 1e-6)) : $0 } }
        let both = logged(maps.appDistance) + logged(maps.cohDistance)
        let range = (both.filter(\.isFinite).min() ?? -6) ... (both.filter(\.isFinite).max() ?? 0)
        let ratio = zip(maps.cohDistance, maps.appDistance).map { $0.isFinite ? $0 / max($1, 1e-9) : .infinity }
        return Figure(Drawing.row([(Drawing.heatmap(logged(maps.appDistance), size, range: range), "log d_app"),
                                   (Drawing.heatmap(logged(maps.cohDistance), size, range: range), "log d_coh"),
                                   (Drawing.heatmap(ratio.map { min($0, 4) }, size, range: 1 ... 4), "d_coh / d_app"),
                                   (result.coherenceMap(), "coherent picks")]),
                      "At the finest level: the distance of the approximate and of the coherent candidate (same "
                        + "colour scale; grey where no coherent candidate existed), their ratio (1 to 4), and where "
                        + "the coherent one won, d_coh ≤ d_app (1 + κ).")
    }

    static func textureExemplar(_ inputs: FigureInputs) throws -> Image {
        try inputs.image("brick.png", longestSide: 128).cropped(x: 0, y: 0, width: 72, height: 72)
    }

    static let kappaSweep = FigureRecipe("kappa-sweep", inputs: ["brick.png"],
                                         settings: [("values", "0,1,5,25"), ("seed", "0")]) { inputs, s in
        let texture = try textureExemplar(inputs)
        var numbers: [String: Double] = [:], items: [(Image, String)] = [(texture, "exemplar A'")]
        for value in s.string("values").split(separator: ",").prefix(5) {
            guard let kappa = Float(value), (0 ... 1000).contains(kappa) else {
                throw TeachingError.badSetting(figure: "kappa-sweep", key: "values", detail: "must be numbers 0–1000")
            }
            var p = AnalogyPreset.textureSynthesis.parameters
            p.kappa = kappa
            p.seed = UInt64(try s.int("seed", in: 0 ... 1000))
            p.threads = 1
            let result = try textureAnalogy(texture, size: Size(width: 96, height: 96), p)
            numbers["coherent_fraction_kappa_\(value)"] = (result.coherentFraction * 100).rounded() / 100
            items.append((result.image, String(format: "kappa %@: %.0f%% coh.", String(value),
                                               100 * result.coherentFraction)))
        }
        return Figure(Drawing.row(items), "Texture synthesis by analogy for growing κ, with the fraction of "
                        + "coherent picks: more coherence, larger copied patches.", numbers: numbers)
    }

    static let levelsSweep = FigureRecipe("levels-sweep", inputs: ["brick.png"],
                                          settings: [("values", "1,2,3"), ("kappa", "5")]) { inputs, s in
        let texture = try textureExemplar(inputs)
        var items: [(Image, String)] = []
        for value in s.string("values").split(separator: ",").prefix(4) {
            var p = AnalogyPreset.textureSynthesis.parameters
            p.levels = Int(value)
            p.kappa = try s.real("kappa", in: 0 ... 1000)
            p.threads = 1
            items.append((try textureAnalogy(texture, size: Size(width: 96, height: 96), p).image, "\(value) level(s)"))
        }
        return Figure(Drawing.row(items), "The same synthesis with 1, 2 and 3 pyramid levels: the coarse levels "
                        + "lay out the bricks' rows, which one level alone cannot see.")
    }

    static let remapping = FigureRecipe("remapping", inputs: ["chelsea.png", "chelsea-blur.png", "rocket.png"]) {
        inputs, _ in
        let (a, aPrime, _, _) = try blurPair(inputs)
        let b = try inputs.image("rocket.png", longestSide: 128)
        var items: [(Image, String)] = [(a, "A"), (b, "B (dark)")]
        for remap in [false, true] {
            var p = AnalogyPreset.learnedFilter.parameters
            p.remapLuminance = remap
            p.kappa = 2
            p.threads = 1
            items.append((try analogy(a: a, aPrime: aPrime, b: b, p).image, remap ? "remapped" : "not remapped"))
        }
        return Figure(Drawing.row(items), "The blur analogy applied to the dark rocket photograph, without and "
                        + "with luminance remapping of A and A′ to B's statistics.")
    }

    static let applications = FigureRecipe("applications", inputs: ["chelsea.png", "chelsea-blur.png", "coffee.png",
                                                                    "coffee-blur.png", "brick.png", "grass.png",
                                                                    "gravel.png", "starry-night.png"]) { inputs, _ in
        let (a, aPrime, b, truth) = try blurPair(inputs)
        func run(_ preset: AnalogyPreset, _ a: Image, _ aPrime: Image, _ b: Image) throws -> Image {
            var p = preset.parameters
            p.threads = 1
            return try analogy(a: a, aPrime: aPrime, b: b, p).image
        }
        func psnr(_ x: Image, _ y: Image) -> Double { ((PixelMetrics.psnr(x, reference: y) ?? 0) * 10).rounded() / 10 }
        let filtered = try run(.learnedFilter, a, aPrime, b)
        let lowPass = { (image: Image) in image.resized(to: Size(width: image.width / 3, height: image.height / 3),
                                                        method: .area).resized(to: image.size, method: .bicubic) }
        let sharpened = try run(.superResolution, lowPass(a), a, lowPass(b))
        let coloured = try run(.colourisation, a.luminance(), a, b.luminance())
        let (labelsA, texturesA, labelsB) = try labelMaps(inputs)
        let byNumbers = try run(.textureByNumbers, labelsA, texturesA, labelsB)
        let gravel = try inputs.image("gravel.png", longestSide: 128)
        let transferred = try run(.textureTransfer, gravel, gravel, b)
        // No photograph of the painted scene exists, so A is the painting smoothed: the analogy learns to add
        // the brush strokes to smooth shapes, and paints them onto the photograph B.
        let painting = try inputs.image("starry-night.png", longestSide: 128)
        let paintingA = painting.gaussianBlurred(sigma: 2)
        let painted = try run(.artisticFilter, paintingA, painting, b)
        let numbers = ["learned_filter_psnr_db": psnr(filtered, truth), "super_resolution_psnr_db": psnr(sharpened, b),
                       "colourisation_psnr_db": psnr(coloured, b), "low_pass_psnr_db": psnr(lowPass(b), b),
                       "grey_psnr_db": psnr(b.luminance().rgb(), b)]
        let rows: [[(Image, String)]] = [
            [(b, "B"), (filtered, String(format: "blur: %.1f dB", numbers["learned_filter_psnr_db"] ?? 0)),
             (lowPass(b), String(format: "low-pass: %.1f dB", numbers["low_pass_psnr_db"] ?? 0)),
             (sharpened, String(format: "super-res.: %.1f dB", numbers["super_resolution_psnr_db"] ?? 0)),
             (b.luminance(), String(format: "grey: %.1f dB", numbers["grey_psnr_db"] ?? 0)),
             (coloured, String(format: "colourised: %.1f dB", numbers["colourisation_psnr_db"] ?? 0))],
            [(labelsA, "A labels"), (texturesA, "A' textures"), (labelsB, "B labels"), (byNumbers, "by numbers"),
             (gravel, "A = A' gravel"), (transferred, "texture transfer")],
            [(paintingA, "A: A' smoothed"), (painting, "A' painting"), (b, "B"), (painted, "artistic filter")],
        ]
        return Figure(Drawing.grid(rows, gap: 6), "The paper's applications on the embedded images, each with its "
                        + "preset; the PSNR is against the true blurred, sharp or colour B. "
                        + verdict("super-resolution", numbers["super_resolution_psnr_db"], numbers["low_pass_psnr_db"])
                        + " " + verdict("colourisation", numbers["colourisation_psnr_db"], numbers["grey_psnr_db"])
                        + " The artistic filter has no true answer: A is The Starry Night smoothed, A′ the painting.",
                      numbers: numbers)
    }

    /// Whether an application beat its starting point, said plainly.
    static func verdict(_ name: String, _ result: Double?, _ start: Double?) -> String {
        guard let result, let start else { return "" }
        return String(format: result > start ? "%@ gains %.1f dB over its start."
                          : "%@ scores %.1f dB below its start: the detail it copies from A (the cat) is "
                          + "not B's own.", name.prefix(1).uppercased() + name.dropFirst(), abs(result - start))
    }

    /// Texture by numbers: A′ is brick above grass, A its two-label map, B a label map with a round boundary.
    static func labelMaps(_ inputs: FigureInputs) throws -> (Image, Image, Image) {
        let brick = try inputs.image("brick.png", longestSide: 128).rgb()
        let grass = try inputs.image("grass.png", longestSide: 128).rgb()
        let side = 96
        var labelsA = Image(width: side, height: side, channels: 3), texturesA = labelsA, labelsB = labelsA
        for y in 0 ..< side {
            for x in 0 ..< side {
                let top = y < side / 2
                let inside = (x - side / 2) * (x - side / 2) + (y - side / 2) * (y - side / 2) < (side / 3) * (side / 3)
                for c in 0 ..< 3 {
                    labelsA[x, y, c] = top ? [0.8, 0.2, 0.2][c] : [0.2, 0.7, 0.2][c]
                    labelsB[x, y, c] = inside ? [0.8, 0.2, 0.2][c] : [0.2, 0.7, 0.2][c]
                    texturesA[x, y, c] = top ? brick[x, y, c] : grass[x, y, c]
                }
            }
        }
        return (labelsA, texturesA, labelsB)
    }
}
