import Foundation
import Imaging
import Neural

/// The losses of Gatys et al. (2016) as StyleLab computes them (neural-style's normalisations), each with the
/// gradient the optimiser follows. Reference values come from `Losses`, the code the style transfer runs.
extension Exercise {
    /// A C × H × W feature map as a ReLU layer gives it: non-negative, about a third of it zero.
    static func featureMap(channels: Int, height: Int, width: Int, seed: UInt64) -> Tensor {
        var random = RandomSource(seed: seed)
        let values = (0 ..< channels * height * width).map { _ in max(0, random.nextGaussian() + 0.4) }
        return Tensor(channels: channels, height: height, width: width, values: values)
    }

    static let featureShapes = [(channels: 8, height: 6, width: 7), (channels: 5, height: 9, width: 4)]
    static let featureStatement = """
        A feature map F of C channels and H × W positions is stored as a C × (H·W) matrix: line c of the CSV is \
        channel c, its H × W values in row-major order.
        """

    /// Checks a loss (`loss.json`) and its gradient (`gradient.csv`, shaped like the reference).
    static func checkLoss(_ answer: AnswerFolder, loss: Double, gradient: [Float], columns: Int) throws -> [String] {
        var problems: [String] = []
        let got = try answer.scalar("loss.json", key: "loss")
        if abs(got - loss) > 1e-5 * abs(loss) + 1e-12 {
            problems.append(String(format: "loss.json: the loss is %.7g, not %.7g", loss, got))
        }
        let g = try answer.numbers("gradient.csv", rows: gradient.count / columns, columns: columns)
        return problems + compareMatrix(g, gradient, columns: columns, file: "gradient.csv",
                                        tolerance: tolerance(for: gradient, relative: 1e-4))
    }

    static let gram = Exercise(
        "gram", family: "neural", "the Gram matrix of a feature map",
        statement: featureStatement + """


            The style of a layer is the Gram matrix of its features, normalised by the feature map's size:

            $$G_{ij} = \\frac{1}{C H W} \\sum_{k} F_{ik} F_{jk}.$$

            **Answer**: `gram.csv`, C lines of C numbers. **Tolerance**: 1e-5 of the largest entry.
            """) { _ in
        featureShapes.enumerated().map { number, shape in
            let f = featureMap(channels: shape.channels, height: shape.height, width: shape.width,
                               seed: UInt64(number + 1))
            let g = Losses.gram(f), c = shape.channels
            return ExerciseCase(name: "case-\(number + 1)",
                                inputs: ["features.csv": PlainFile.csv(f.values, columns: f.plane)],
                                reference: ["gram.csv": PlainFile.csv(g, columns: c)]) { answer in
                compareMatrix(try answer.numbers("gram.csv", rows: c, columns: c), g, columns: c, file: "gram.csv",
                              tolerance: tolerance(for: g, relative: 1e-5))
            }
        }
    }

    static let contentLoss = Exercise(
        "content-loss", family: "neural", "the content loss at one layer and its gradient",
        statement: featureStatement + """


            `features.csv` is the output image's feature map F and `content.csv` the content image's P at the same \
            layer. The content loss is their mean squared difference, and the optimiser needs its gradient:

            $$\\mathcal{L}_{content} = \\frac{1}{C H W} \\sum_{ik} (F_{ik} - P_{ik})^2, \\qquad \
            \\frac{\\partial \\mathcal{L}}{\\partial F_{ik}} = \\frac{2}{C H W} (F_{ik} - P_{ik}).$$

            **Answer**: `loss.json` as `{"loss": …}`, and `gradient.csv` shaped like `features.csv`. \
            **Tolerance**: 1e-5 (relative) for the loss, 1e-4 of the largest entry for the gradient.
            """) { _ in
        try featureShapes.enumerated().map { number, shape in
            let f = featureMap(channels: shape.channels, height: shape.height, width: shape.width,
                             seed: UInt64(20 + number))
            let p = featureMap(channels: shape.channels, height: shape.height, width: shape.width,
                             seed: UInt64(30 + number))
            let (loss, gradient) = Losses.content(f, target: p, weight: 1)
            return ExerciseCase(name: "case-\(number + 1)",
                                inputs: ["features.csv": PlainFile.csv(f.values, columns: f.plane),
                                         "content.csv": PlainFile.csv(p.values, columns: p.plane)],
                                reference: ["loss.json": try PlainFile.json(["loss": loss]),
                                            "gradient.csv": PlainFile.csv(gradient.values, columns: f.plane)]) {
                try checkLoss($0, loss: loss, gradient: gradient.values, columns: f.plane)
            }
        }
    }

    static let styleLoss = Exercise(
        "style-loss", family: "neural", "the style loss at one layer and its gradient",
        statement: featureStatement + """


            `features.csv` is the output image's feature map F, and `style-gram.csv` the Gram matrix A of the style \
            image at the same layer (C × C, normalised as in the `gram` step). With G the Gram matrix of F:

            $$\\mathcal{L}_{style} = \\frac{1}{C^2} \\sum_{ij} (G_{ij} - A_{ij})^2, \\qquad \
            \\frac{\\partial \\mathcal{L}}{\\partial F_{ik}} = \
            \\frac{4}{C^2 \\cdot C H W} \\sum_j (G - A)_{ij} F_{jk}.$$

            **Answer**: `loss.json` as `{"loss": …}`, and `gradient.csv` shaped like `features.csv`. \
            **Tolerance**: 1e-5 (relative) for the loss, 1e-4 of the largest entry for the gradient.
            """) { _ in
        try featureShapes.enumerated().map { number, shape in
            let f = featureMap(channels: shape.channels, height: shape.height, width: shape.width,
                             seed: UInt64(40 + number))
            let s = featureMap(channels: shape.channels, height: shape.height + 2, width: shape.width,
                             seed: UInt64(50 + number))
            let target = Losses.gram(s)
            let (loss, gradient) = Losses.style(f, targetGram: target, weight: 1)
            return ExerciseCase(name: "case-\(number + 1)",
                                inputs: ["features.csv": PlainFile.csv(f.values, columns: f.plane),
                                         "style-gram.csv": PlainFile.csv(target, columns: shape.channels)],
                                reference: ["loss.json": try PlainFile.json(["loss": loss]),
                                            "gradient.csv": PlainFile.csv(gradient.values, columns: f.plane)]) {
                try checkLoss($0, loss: loss, gradient: gradient.values, columns: f.plane)
            }
        }
    }

    static let tvLoss = Exercise(
        "tv-loss", family: "neural", "the total-variation loss of an image and its subgradient",
        statement: """
            `image.csv` is one channel of the image being optimised, H lines of W values. The total-variation \
            loss (L1, as neural-style uses it) sums the absolute differences of vertical and horizontal neighbours:

            $$\\mathcal{L}_{TV} = \\sum_{i,j} |x_{i+1,j} - x_{i,j}| + |x_{i,j+1} - x_{i,j}|,$$

            with each term taken only where both pixels exist. Its (sub)gradient adds sign(x_b − x_a) to the \
            second pixel b of each pair and subtracts it from the first a, with sign(0) = 0.

            **Answer**: `loss.json` as `{"loss": …}`, and `gradient.csv` shaped like `image.csv`. \
            **Tolerance**: 1e-5 (relative) for the loss, 1e-4 for the gradient.
            """) { inputs in
        let crops = [(x: 120, y: 100, width: 12, height: 10), (x: 30, y: 150, width: 9, height: 14)]
        return try crops.enumerated().map { number, crop in
            // The cat's luminance with a little noise, so that no two neighbours are equal (where sign(0) would
            // make the subgradient a matter of convention).
            let photo = try inputs.image("chelsea.png").luminance().cropped(x: crop.x, y: crop.y, width: crop.width,
                                                                           height: crop.height)
            var random = RandomSource(seed: UInt64(60 + number))
            let values = photo.samples.map { $0 + 1e-3 * random.nextUnitFloat() }
            let x = Tensor(channels: 1, height: crop.height, width: crop.width, values: values)
            let (loss, gradient) = Losses.totalVariation(x, weight: 1)
            return ExerciseCase(name: "case-\(number + 1)",
                                inputs: ["image.csv": PlainFile.csv(values, columns: crop.width)],
                                reference: ["loss.json": try PlainFile.json(["loss": loss]),
                                            "gradient.csv": PlainFile.csv(gradient.values, columns: crop.width)]) {
                try checkLoss($0, loss: loss, gradient: gradient.values, columns: crop.width)
            }
        }
    }
}
