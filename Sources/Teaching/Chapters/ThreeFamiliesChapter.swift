import Analogies
import Compare
import Foundation
import Imaging
import NearestNeighbors
import Neural
import Quilting
import Synchronization

/// Chapter 6: one content image and one style through quilting, an analogy and Gatys, and what each comparison
/// metric sees in the three results.
extension Chapters {
    static var threeFamilies: Chapter {
        Chapter("06-three-families", "Three families, one input", [
            .text("""
                The three families of StyleLab answer the same request — *this picture, in that texture* — in \
                three different ways. **Quilting** (chapter 3) copies whole blocks of the texture, each chosen \
                to match the target's luminance where it goes and to join its neighbours. An **image analogy** \
                (chapter 4) used as texture transfer copies single pixels, A = A′ = the texture and B = the \
                target, each chosen for its neighbourhood and for coherence with the pixels already copied. \
                **Gatys** style transfer copies nothing: it optimises the pixels until a network's features \
                match the content and the Gram matrices of its features match the style's.

                Here all three get the cat photograph as content and the gravel texture as style, at 128 pixels.
                """),
            .figure(threeResults),
            .text("""
                ## Four measures, four questions

                No single number says which result is best, because the request has two halves that pull \
                apart: keep the content, and look like the style. StyleLab's comparison (`stylelab compare`) \
                therefore scores every output with several measures, each answering one question.

                - **SSIM against the content** (Wang et al., 2004): is the content's *structure* still there? \
                At every pixel it compares the local means μ, contrasts σ and correlation σ_xy of the two \
                luminances under a Gaussian window, \
                $\\mathrm{SSIM} = \\frac{(2\\mu_x\\mu_y + C_1)(2\\sigma_{xy} + C_2)}{(\\mu_x^2 + \\mu_y^2 + C_1)\
                (\\sigma_x^2 + \\sigma_y^2 + C_2)}$, and averages; 1 is identical. It rewards an output that keeps \
                the content's edges where they were, and it cannot tell a texture from noise.
                - **Sliced Wasserstein distance (SWD) to the style**: are the output's 7 × 7 patches *distributed* \
                like the style's, wherever they are? Each patch is projected on a random direction; the two \
                sets of projected values are sorted, and the mean gap between them at equal quantiles is the \
                one-dimensional Wasserstein distance. SWD averages it over 64 directions and three pyramid \
                levels; 0 means the same patch distribution.
                - **Bidirectional similarity (BDS)** (Simakov et al., 2008), in two halves: *coherence*, the mean \
                distance from each output patch to its nearest style patch (is everything in the output taken \
                from the style?), and *completeness*, from each style patch to its nearest output patch (is \
                all of the style there?).
                - **Gram distance**: the quantity Gatys minimises, ‖G(x) − G(s)‖² / ‖G(s)‖², where G = F Fᵀ / (C H W) \
                holds the correlations between a network's feature channels, averaged over layers. It sees which \
                features occur together, not where.
                """),
            .figure(metricsTable),
            .text("""
                Each method leads where its own principle is measured. Quilting copies whole blocks of the \
                style, so its patches are the style's: it has the lowest coherence, with the analogy, which \
                copies single pixels, close behind. Gatys optimised the Gram matrices and leads on the Gram \
                distance by construction, since the measuring network here is the very network it optimised \
                through (`stylelab compare` measures with VGG-19 instead, a network none of the three chose); \
                matching feature statistics also matched the patch statistics, and it leads on SWD too. The \
                analogy keeps the most of the content's structure, since each of its pixels was chosen for a \
                neighbourhood like the content's luminance at that very place. Completeness hardly separates \
                the three: each of them draws on the whole of this even texture. The content itself, scored \
                as if it were an output, is the baseline for "no transfer at all": perfect SSIM, and the worst \
                of every style measure.

                ## What each measure looks at

                The next figure draws the maps behind three of the numbers: SSIM at every pixel (dark where the \
                output's local structure departs from the content's), and the two halves of BDS — each output \
                patch's distance to the style (coherence, drawn over the output), and each style patch's \
                distance to the output (completeness, drawn over the style: dark where that part of the style \
                was used, bright where it is missing).
                """),
            .figure(metricMaps),
            .text("""
                SWD never matches patches to patches: it compares *sorted* values. The figure plots, for one of \
                its random directions, every image's projected patches in increasing order against their \
                quantile; the distance along that direction is the mean vertical gap between a curve and the \
                style's.
                """),
            .figure(swdProjections),
            .text("""
                The Gram distance compares matrices like the ones below: one entry per pair of feature channels, \
                the mean product of the two channels' responses over the image. Similar textures give similar \
                patterns; the content's matrix shows the photograph's own statistics.
                """),
            .figure(gramMatrices),
            .command("stylelab quilt transfer --texture ../../datasets/embedded/gravel.png "
                     + "--target ../../datasets/embedded/chelsea.png -o quilted.png && stylelab metrics "
                     + "--output quilted.png --content ../../datasets/embedded/chelsea.png "
                     + "--style ../../datasets/embedded/gravel.png"),
        ], note: "The Gatys result and the Gram distances use the random multi-scale network (Ustyuzhaninov et al. "
               + "2017, seed 0; no pretrained weights), with a style weight 100 times the one `stylelab neural "
               + "--network random` uses, so that 40 iterations at 128 pixels show the texture.")
    }

    // MARK: - The three results

    /// The content and style at the chapter's size, and what each family made of them.
    struct ThreeResults: Sendable {
        let content: Image, style: Image
        let quilted: Image, analogy: Image, gatys: Image

        /// The outputs with their names, in the chapter's order.
        var outputs: [(name: String, image: Image)] { [("quilting", quilted), ("analogy", analogy), ("Gatys", gatys)] }
    }

    static let threeSettings: [(key: String, value: String)] = [("size", "128"), ("iterations", "40"), ("seed", "0")]
    static let threeInputs = ["chelsea.png", "gravel.png"]

    /// Every figure of the chapter reads the same three results; they are made once per settings and kept.
    static let resultsCache = Mutex<[String: ThreeResults]>([:])

    static func threeResults(_ inputs: FigureInputs, _ s: FigureSettings) throws -> ThreeResults {
        let size = try s.int("size", in: 32 ... 256), iterations = try s.int("iterations", in: 1 ... 1000)
        let seed = UInt64(try s.int("seed", in: 0 ... 1000))
        let key = "\(inputs.folder) \(size) \(iterations) \(seed)"
        if let kept = resultsCache.withLock({ $0[key] }) { return kept }
        let content = try inputs.image("chelsea.png", longestSide: size)
        let style = try inputs.image("gravel.png", longestSide: size)
        let results = ThreeResults(content: content, style: style,
                                   quilted: try quiltingTransfer(style, content, seed: seed),
                                   analogy: try analogyTransfer(style, content, seed: seed),
                                   gatys: try gatysTransfer(style, content, iterations: iterations, seed: seed))
        resultsCache.withLock { $0[key] = results }
        return results
    }

    static func quiltingTransfer(_ style: Image, _ content: Image, seed: UInt64) throws -> Image {
        // Plain luminance, as in chapter 3: at 128 pixels the default blurred map loses the cat.
        var p = TransferParameters(passes: 3, correspondence: .luminance)
        p.quilting.seed = seed
        // A fixed count (the output does not depend on it); two, because this is the chapter's slowest step.
        p.quilting.threads = 2
        _ = p.fitBlock(toTarget: content.size)
        return try transfer(style, onto: content, p).image
    }

    static func analogyTransfer(_ style: Image, _ content: Image, seed: UInt64) throws -> Image {
        var p = AnalogyPreset.textureTransfer.parameters
        p.seed = seed
        p.threads = 1
        return try analogy(a: style, aPrime: style, b: content, p).image
    }

    static func gatysTransfer(_ style: Image, _ content: Image, iterations: Int, seed: UInt64) throws -> Image {
        var p = FeatureNetworkKind.random.adapting(StyleTransferParameters(size: max(content.width, content.height),
                                                                          iterations: iterations, seed: seed))
        // At the random network's usual weight, 40 iterations from the content barely show the texture.
        p.styleWeight *= 100
        return try styleTransfer(content: content, styles: [style], network: RandomMultiScaleNetwork(seed: seed), p)
            .image
    }

    static let threeResults = FigureRecipe("three-results", inputs: threeInputs, settings: threeSettings) {
        inputs, s in
        let r = try threeResults(inputs, s)
        return Figure(Drawing.row([(r.content, "content"), (r.style, "style"), (r.quilted, "quilting transfer"),
                                   (r.analogy, "analogy transfer"), (r.gatys, "Gatys, random net")]),
                      "The cat photograph in the gravel texture three ways: quilting's texture transfer (3 passes), "
                        + "an image analogy with A = A′ = the texture (the texture-transfer preset), and Gatys style "
                        + "transfer through the random multi-scale network, from the content, "
                        + "\(try s.int("iterations", in: 1 ... 1000)) L-BFGS iterations.")
    }

    // MARK: - The measures

    /// The measures of one output, as the table shows them.
    struct Scores {
        let ssim: Double, swd: Double, completeness: Double, coherence: Double, gram: Double
    }

    static func scores(_ output: Image, _ r: ThreeResults, gram: GramMeasure) throws -> Scores {
        let bds = try PatchMetrics.bidirectionalSimilarity(output: output, source: r.style)
        return Scores(ssim: PixelMetrics.ssim(output, reference: r.content),
                      swd: PatchMetrics.slicedWasserstein(output, r.style),
                      completeness: bds.completeness, coherence: bds.coherence,
                      gram: gram.distance(output, r.style))
    }

    static let metricsTable = FigureRecipe("metrics-table", inputs: threeInputs, settings: threeSettings) {
        inputs, s in
        let r = try threeResults(inputs, s)
        let gram = GramMeasure(seed: UInt64(try s.int("seed", in: 0 ... 1000)))
        let rows = try (r.outputs + [("content", r.content)]).map { ($0.name, try scores($0.image, r, gram: gram)) }
        // Right-aligned columns of the monospaced font; names on the left.
        func cell(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        let name = { (text: String) in text + String(repeating: " ", count: max(0, 9 - text.count)) }
        let widths = [8, 9, 10, 10, 8]
        var lines = [name("") + zip(["SSIM", "SWD", "BDS com.", "BDS coh.", "Gram"], widths).map(cell).joined(),
                     name("") + zip(["content", "style", "style", "style", "style"], widths).map(cell).joined(), ""]
        var numbers: [String: Double] = [:]
        for (method, m) in rows {
            // Three decimals for SSIM and the Gram distance, four for the small patch distances.
            let values = [(m.ssim, 3), (m.swd, 4), (m.completeness, 4), (m.coherence, 4), (m.gram, 3)].map {
                (value: ($0.0 * pow(10, Double($0.1))).rounded() / pow(10, Double($0.1)), decimals: $0.1)
            }
            let cells = zip(values, widths).map { cell(String(format: "%.*f", $0.decimals, $0.value), $1) }
            lines.append(name(method) + cells.joined())
            for (key, value) in zip(["ssim", "swd", "bds_completeness", "bds_coherence", "gram_distance"], values) {
                numbers["\(method.lowercased())_\(key)"] = value.value
            }
        }
        let legend = "higher SSIM is better; lower SWD, BDS and Gram distance are better"
        return Figure(Drawing.labelled(Drawing.text(lines), legend),
                      "The measures of the three outputs, and of the content itself as a no-transfer baseline: SSIM "
                        + "against the content; SWD, the two halves of BDS (mean squared difference per sample) and "
                        + "the Gram distance (random multi-scale network, its five branches) against the style.",
                      numbers: numbers)
    }

    // MARK: - What the measures look at

    /// For each patch of `queries` (7 × 7, stride 2, as BDS takes them) the mean squared difference per sample to
    /// its nearest patch of `database`, as a map over the patch grid of `image`.
    static func nearestPatchMap(of image: Image, in other: Image) throws -> (values: [Float], size: Size) {
        let queries = PatchMetrics.patches(image), database = PatchMetrics.patches(other)
        let grid = Size(width: (image.width - 7) / 2 + 1, height: (image.height - 7) / 2 + 1)
        // At the chapter's sizes every position is taken (no subsample), so row r is grid cell r.
        guard queries.rows == grid.pixelCount else {
            throw TeachingError.badSetting(figure: "metric-maps", key: "size", detail: "must be at most 128")
        }
        let found = try ExactSearch(database).search(queries, k: 1)
        return (found.squaredDistances.map { $0 / Float(queries.dimension) }, grid)
    }

    static let metricMaps = FigureRecipe("metric-maps", inputs: threeInputs, settings: threeSettings) { inputs, s in
        let r = try threeResults(inputs, s)
        let coherence = try r.outputs.map { try nearestPatchMap(of: $0.image, in: r.style) }
        let completeness = try r.outputs.map { try nearestPatchMap(of: r.style, in: $0.image) }
        // One colour scale per kind of map, shared by the three methods so that they compare.
        let patchRange = { (maps: [(values: [Float], size: Size)]) -> ClosedRange<Float> in
            0 ... max(maps.flatMap(\.values).max() ?? 1, 1e-6)
        }
        let coherenceRange = patchRange(coherence), completenessRange = patchRange(completeness)
        var rows: [[(Image, String)]] = []
        for (i, output) in r.outputs.enumerated() {
            let ssim = PixelMetrics.ssimMap(output.image, reference: r.content).map(Float.init)
            rows.append([(output.image, output.name),
                         (Drawing.heatmap(ssim, r.content.size, range: 0 ... 1), "SSIM vs content"),
                         (Drawing.enlarged(Drawing.heatmap(coherence[i].values, coherence[i].size,
                                                           range: coherenceRange), 2), "to nearest style patch"),
                         (Drawing.enlarged(Drawing.heatmap(completeness[i].values, completeness[i].size,
                                                           range: completenessRange), 2), "style: to nearest output")])
        }
        return Figure(Drawing.grid(rows, gap: 8),
                      "Per method: SSIM against the content at every pixel (0 to 1, dark = low); each output patch's "
                        + "distance to its nearest style patch (the BDS coherence map, drawn over the output); and "
                        + "each style patch's distance to its nearest output patch (the completeness map, over the "
                        + "style). The patch maps share one colour scale per column; dark = near.")
    }

    static let swdProjections = FigureRecipe("swd-projections", inputs: threeInputs, settings: threeSettings) {
        inputs, s in
        let r = try threeResults(inputs, s)
        let style = PatchMetrics.patches(r.style)
        // The first direction slicedWasserstein draws at level 0 with seed 0.
        var random = RandomSource(seed: 0, stream: [0])
        var direction = (0 ..< style.dimension).map { _ in random.nextGaussian() }
        let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        direction = direction.map { $0 / norm }
        let named = [("style", r.style)] + r.outputs.map { ($0.name, $0.image) } + [("content", r.content)]
        var series: [LinePlot.Series] = [], numbers: [String: Double] = [:]
        let styleValues = PatchMetrics.project(style, direction)
        for (name, image) in named {
            let values = PatchMetrics.project(PatchMetrics.patches(image), direction)
            // 64 quantiles are enough to draw the curve.
            let points = (0 ..< 64).map { k -> (x: Double, y: Double) in
                let q = (Double(k) + 0.5) / 64
                return (q, Double(values[min(values.count - 1, Int(q * Double(values.count)))]))
            }
            series.append(LinePlot.Series(name, points))
            if name != "style" {
                let gap = PatchMetrics.wasserstein1(values, styleValues)
                numbers["w1_\(name.lowercased())"] = (gap * 1000).rounded() / 1000
            }
        }
        var plot = LinePlot(title: "patches along one direction", x: "quantile", y: "projection", series)
        plot.legendAtBottom = true
        plot.xTicks = [0, 0.25, 0.5, 0.75, 1]
        plot.size = Size(width: 480, height: 280)
        let gaps = named.dropFirst().map { name, _ in
            String(format: "%@ %.3f", name, numbers["w1_\(name.lowercased())"] ?? 0)
        }
        return Figure(plot.image(),
                      "The 7 x 7 patches of each image projected on one of SWD's random directions (finest level), "
                        + "sorted: the quantile functions. Their mean gap to the style's curve is the 1-D Wasserstein "
                        + "distance along this direction: " + gaps.joined(separator: ", ") + ".", numbers: numbers)
    }

    static let gramMatrices = FigureRecipe("gram-matrices", inputs: threeInputs,
                                           settings: threeSettings + [("branch", "relu_14px"), ("channels", "32")]) {
        inputs, s in
        let r = try threeResults(inputs, s)
        let gram = GramMeasure(seed: UInt64(try s.int("seed", in: 0 ... 1000)))
        let layer = s.string("branch"), channels = try s.int("channels", in: 4 ... 128)
        guard gram.network.index(of: layer) != nil, RandomMultiScaleNetwork.defaultStyleLayers.contains(layer) else {
            throw TeachingError.badSetting(figure: "gram-matrices", key: "branch", detail: "must be one of "
                                           + RandomMultiScaleNetwork.defaultStyleLayers.joined(separator: ", "))
        }
        let named = [("style", r.style)] + r.outputs.map { ($0.name, $0.image) } + [("content", r.content)]
        let matrices = named.map { gram.matrix($0.1, layer: layer, channels: channels) }
        let high = matrices.flatMap { $0 }.max() ?? 1
        let zoom = max(1, 128 / channels)
        let items = zip(named, matrices).map { item, matrix in
            let square = Size(width: channels, height: channels)
            return (Drawing.enlarged(Drawing.heatmap(matrix, square, range: 0 ... high), zoom), item.0)
        }
        return Figure(Drawing.row(items),
                      "The first \(channels) x \(channels) entries of the Gram matrix at the random network's "
                        + "\(layer) branch for the style, the three outputs and the content (one colour scale, "
                        + "bright = channels that respond together strongly).")
    }
}

/// The Gram distance of `FeatureMetrics.gramDistance`, the mean over layers of ‖G(x) − G(s)‖² / ‖G(s)‖², measured
/// through the random multi-scale network's five branches instead of VGG-19, whose weights are not embedded.
struct GramMeasure {
    let network: RandomMultiScaleNetwork

    init(seed: UInt64) { network = RandomMultiScaleNetwork(seed: seed) }

    /// Every style layer's Gram matrix of `image`, by layer name.
    func grams(_ image: Image) -> [String: [Float]] {
        let layers = RandomMultiScaleNetwork.defaultStyleLayers.compactMap { network.index(of: $0) }
        guard let last = layers.max() else { return [:] }
        let features = network.forward(Tensor(networkInput: image.rgb().opaque, normalisation: network.normalisation),
                                       through: last)
        return Dictionary(uniqueKeysWithValues: layers.map { (network.layerNames[$0], Losses.gram(features[$0])) })
    }

    func distance(_ output: Image, _ style: Image) -> Double {
        let a = grams(output), b = grams(style)
        let layers = RandomMultiScaleNetwork.defaultStyleLayers
        let total = layers.reduce(0.0) { sum, name in
            guard let ga = a[name], let gb = b[name] else { return sum }
            var difference = 0.0, norm = 0.0
            for i in ga.indices {
                let d = Double(ga[i] - gb[i])
                difference += d * d
                norm += Double(gb[i]) * Double(gb[i])
            }
            return sum + (norm == 0 ? 0 : difference / norm)
        }
        return total / Double(layers.count)
    }

    /// The top-left `channels` × `channels` block of the Gram matrix at `layer`, row-major.
    func matrix(_ image: Image, layer: String, channels: Int) -> [Float] {
        guard let g = grams(image)[layer] else { return [] }
        let side = Int(Double(g.count).squareRoot())
        return (0 ..< channels * channels).map { g[($0 / channels) * side + $0 % channels] }
    }
}
