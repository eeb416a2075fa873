import Foundation
import Imaging

/// Chapter 1: the shared image module every algorithm stands on — pyramids, YIQ, luminance remapping.
extension Chapters {
    static var imagesAndPyramids: Chapter {
        Chapter("01-images", "Images and pyramids", [
            .text("""
                All three algorithm families in StyleLab work on the same few image operations. Image Analogies and \
                Gatys-style transfer run **coarse to fine**, so they need image pyramids; Analogies and quilting's \
                texture transfer compare **luminance**, so they need a colour space that separates it from colour; \
                and both Analogies and transfer first **remap** one image's luminance to another's statistics. This \
                chapter shows each of them on the embedded photographs.

                ## Gaussian and Laplacian pyramids

                A Gaussian pyramid (Burt & Adelson, 1983) is the image, then the image blurred and halved, again and \
                again. StyleLab blurs with the 5-tap binomial kernel [1 4 6 4 1]/16, close to a Gaussian of σ = 1, \
                and reflects the image at its edges so that the border is not darkened:

                $$G_0 = I, \\qquad G_{\\ell+1} = \\mathrm{REDUCE}(G_\\ell) = (w * G_\\ell)\\downarrow_2 .$$

                A Laplacian level keeps what the next-coarser level cannot predict: $L_\\ell = G_\\ell - \
                \\mathrm{EXPAND}(G_{\\ell+1})$, with the coarsest Gaussian level kept as it is. The bands are signed, \
                so the figure shows them around mid-grey: edges and fine texture at the top, broad shading further \
                down.
                """),
            .figure(pyramidLevels),
            .text("""
                Because every band is defined as a difference, adding them back up from the coarsest level gives \
                the image again, whatever the kernel: $G_\\ell = L_\\ell + \\mathrm{EXPAND}(G_{\\ell+1})$. The only \
                error left is floating-point rounding, which the next figure measures.
                """),
            .figure(reconstruction),
            .command("stylelab pyramid ../../datasets/embedded/chelsea.png --levels 4 --out pyramid"),
            .text("""
                ## Luminance and colour: YIQ

                Image Analogies compares pixels by their **luminance** only (§3.4 of the paper): people see structure \
                mostly in luminance, and a one-channel feature is three times cheaper to search. YIQ is the NTSC \
                colour space: Y is the luminance, and I and Q carry the colour (orange–blue and purple–green). The \
                transform is linear:

                $$\\begin{pmatrix} Y \\\\ I \\\\ Q \\end{pmatrix} = \\begin{pmatrix} 0.299 & 0.587 & 0.114 \\\\ \
                0.596 & -0.274 & -0.322 \\\\ 0.211 & -0.523 & 0.312 \\end{pmatrix} \
                \\begin{pmatrix} R \\\\ G \\\\ B \\end{pmatrix}.$$

                After synthesising the new luminance, the analogy takes I and Q from B (or from A′ for \
                colourisation) and converts back to RGB.
                """),
            .figure(yiqChannels),
            .text("""
                ## Luminance remapping

                When A and B differ in brightness or contrast, matching B's neighbourhoods against A's would pull \
                every match towards the few parts of A that happen to be as dark or as bright as B. The paper \
                therefore remaps A's luminance to B's mean μ and standard deviation σ first:

                $$Y_A(p) \\leftarrow \\frac{\\sigma_B}{\\sigma_A}\\,\\bigl(Y_A(p) - \\mu_A\\bigr) + \\mu_B .$$

                The same remapping, the other way round, makes quilting's texture transfer follow a dark target \
                with the texture's full range of blocks.
                """),
            .figure(luminanceRemapping),
        ])
    }

    static let pyramidLevels = FigureRecipe("pyramid-levels", inputs: ["chelsea.png"], settings: [("levels", "4")]) {
        inputs, settings in
        let levels = try settings.int("levels", in: 2 ... 6)
        let image = try inputs.image("chelsea.png")
        let gaussian = GaussianPyramid(image, levelCount: levels), laplacian = LaplacianPyramid(gaussian)
        let top = (0 ..< gaussian.count).map { (gaussian[$0], "G\($0) \(gaussian[$0].size)") }
        let bottom = (0 ..< laplacian.count).map { level in
            (laplacian.displayBand(level), level == laplacian.count - 1 ? "L\(level) = G\(level)" : "L\(level)")
        }
        return Figure(Drawing.grid([top, bottom]),
                      "Gaussian levels (top) and Laplacian bands (bottom, 0.5 + band) of the cat photograph.")
    }

    static let reconstruction = FigureRecipe("reconstruction", inputs: ["chelsea.png"], settings: [("levels", "4")]) {
        inputs, settings in
        let image = try inputs.image("chelsea.png")
        let laplacian = LaplacianPyramid(image, levelCount: try settings.int("levels", in: 2 ... 6))
        let rebuilt = laplacian.reconstruct()
        let errors = zip(image.samples, rebuilt.samples).map { abs($0 - $1) }
        let worst = errors.max() ?? 0
        let magnified = Image(width: image.width, height: image.height, channels: image.channels,
                              samples: errors.map { min($0 * 1e6, 1) })
        let text = String(format: "%.1e", worst)
        return Figure(Drawing.row([(image, "original"), (rebuilt, "sum of the bands"),
                                   (magnified, "|difference| x 1e6")]),
                      "Adding the Laplacian bands back gives the image again: the largest difference is \(text) "
                        + "(of a 0–1 range), Float rounding only.",
                      numbers: ["max_abs_error": Double(text) ?? 0])
    }

    static let yiqChannels = FigureRecipe("yiq-channels", inputs: ["coffee.png"]) { inputs, _ in
        let image = try inputs.image("coffee.png"), yiq = image.yiq()
        // I and Q are signed (about −0.6 to 0.6): shown as 0.5 + value, so zero chroma is mid-grey.
        let shifted = { (c: Int) in yiq.channel(c).adding(Image(width: image.width, height: image.height, channels: 1,
                                                                value: 0.5)) }
        return Figure(Drawing.row([(image, "RGB"), (yiq.channel(0), "Y luminance"), (shifted(1), "I (0.5 + I)"),
                                   (shifted(2), "Q (0.5 + Q)")]),
                      "The coffee photograph split into YIQ: the luminance carries the structure, I and Q the colour.")
    }

    static let luminanceRemapping = FigureRecipe("luminance-remapping", inputs: ["gravel.png", "rocket.png"]) {
        inputs, _ in
        let source = try inputs.image("gravel.png").luminance(), target = try inputs.image("rocket.png").luminance()
        let before = source.channelStatistics()[0], goal = target.channelStatistics()[0]
        let remapped = source.remapped(toMatch: goal)
        let after = remapped.channelStatistics()[0]
        func label(_ name: String, _ s: ChannelStatistics) -> String {
            String(format: "%@ mean %.2f sd %.2f", name, s.mean, s.standardDeviation)
        }
        return Figure(Drawing.row([(source, label("A", before)), (target, label("B", goal)),
                                   (remapped.clamped(), label("A remapped", after))]),
                      String(format: "The gravel texture's luminance (mean %.2f, σ %.2f) remapped to the rocket "
                             + "photograph's (mean %.2f, σ %.2f).", before.mean, before.standardDeviation, goal.mean,
                             goal.standardDeviation),
                      numbers: ["source_mean": round3(before.mean), "target_mean": round3(goal.mean),
                                "source_sd": round3(before.standardDeviation),
                                "target_sd": round3(goal.standardDeviation)])
    }
}

/// A number as the captions show it, to three decimals.
func round3(_ value: Float) -> Double { (Double(value) * 1000).rounded() / 1000 }

/// Every chapter, in order.
package enum Chapters {
    package static var all: [Chapter] {
        [imagesAndPyramids, nearestNeighbours, quilting, analogies, gatys, threeFamilies]
    }
}
