import ArgumentParser
import Foundation
import Imaging
import Quilting
import Analogies
import Neural

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the main job on the embedded images and print where the pictures are.",
        discussion: """
        Until the comparison runner lands, the demo runs what exists: Image Quilting synthesis of the embedded \
        textures (with seams and source maps), texture transfer onto an embedded photo, an Image Analogies learned \
        filter beside the true one, a texture grown by analogy, and the pyramids of every embedded image. \
        `overview.png` shows one row per job: inputs, then results.
        """)

    @Option(help: "Output folder.") var out: String = "demo-out"
    @Option(help: "Folder of the embedded set.") var embedded: String = "datasets/embedded"
    @Flag(help: "Print nothing but errors.") var quiet = false

    func run() throws {
        try reportingErrors {
            let bar = ProgressBar(quiet: quiet)
            func path(_ parts: String...) -> String { ([out] + parts).joined(separator: "/") }
            func load(_ name: String) throws -> Image { try Image(contentsOf: "\(embedded)/\(name).png") }
            try FileManager.default.createDirectory(atPath: path("quilting"), withIntermediateDirectories: true)

            // Rows of the overview: exemplar | synthesis | seams | source map.
            var rows: [[Image]] = []
            for name in ["brick", "grass", "gravel"] {
                let texture = try load(name).resized(to: Size(width: 128, height: 128), method: .area)
                let result = try synthesize(texture, size: Size(width: 256, height: 256),
                                            QuiltingParameters(blockSize: 32, seed: 1), progress: bar.sink)
                try result.image.write(to: path("quilting", "\(name)-synthesis.png"))
                try result.seamOverlay().write(to: path("quilting", "\(name)-seams.png"))
                try result.sourceMap.colourCoded().write(to: path("quilting", "\(name)-source-map.png"))
                rows.append([texture, result.image, result.seamOverlay(), result.sourceMap.colourCoded()])
            }
            // Transfer needs a texture whose blocks differ in brightness: coffee's dark and light regions can draw the cat.
            let photo = try load("chelsea"), texture = try load("coffee")
            let transferred = try transfer(texture, onto: photo, TransferParameters(quilting: QuiltingParameters(blockSize: 24, seed: 1)),
                                           progress: bar.sink)
            try transferred.image.write(to: path("quilting", "chelsea-in-coffee.png"))
            rows.append([texture, photo, transferred.image, transferred.sourceMap.colourCoded()])

            // Image Analogies: a learned filter (A′ = blur(A)) applied to another photo, beside the true filter,
            // and a texture grown by analogy.
            try FileManager.default.createDirectory(atPath: path("analogies"), withIntermediateDirectories: true)
            let a = try load("astronaut").resized(to: Size(width: 128, height: 128), method: .area)
            let b = try load("chelsea").resized(to: Size(width: 192, height: 128), method: .area)
            let learned = try analogy(a: a, aPrime: a.gaussianBlurred(sigma: 2), b: b,
                                      AnalogyParameters(kappa: 0.5, remapLuminance: false), progress: bar.sink)
            try learned.image.write(to: path("analogies", "chelsea-learned-blur.png"))
            try learned.sourceMap.colourCoded().write(to: path("analogies", "chelsea-learned-blur-source-map.png"))
            rows.append([a, b, learned.image, b.gaussianBlurred(sigma: 2)])
            let gravel = try load("gravel").resized(to: Size(width: 96, height: 96), method: .area)
            let grown = try textureAnalogy(gravel, size: Size(width: 192, height: 128), AnalogyParameters(kappa: 1), progress: bar.sink)
            try grown.image.write(to: path("analogies", "gravel-texture.png"))
            rows.append([gravel, grown.image, grown.coherenceMap(), grown.sourceMap.colourCoded()])

            // Gatys: the same cat in the coffee's style, when the VGG-19 weights have been fetched.
            if let weightsPath = PasticheWeights.cachedIfValid() {
                try FileManager.default.createDirectory(atPath: path("neural"), withIntermediateDirectories: true)
                let weights = try VGG19Weights(WeightFile.read(weightsPath), path: weightsPath)
                let styled = try styleTransfer(content: photo, styles: [texture], weights: weights,
                                               StyleTransferParameters(size: 192, iterations: 100), progress: bar.sink)
                try styled.image.write(to: path("neural", "chelsea-gatys-coffee.png"))
                rows.append([texture, photo, styled.image, transferred.image])
            } else if !quiet {
                print("demo: no VGG-19 weights (run `stylelab weights fetch`): skipping the neural row")
            }
            try Image.grid(rows, gap: 6).write(to: path("overview.png"))

            let names = try FileManager.default.contentsOfDirectory(atPath: embedded).filter { $0.hasSuffix(".png") }.sorted()
            for (number, name) in names.enumerated() {
                bar.sink?("demo: pyramids", number, of: names.count, detail: name)
                let stem = (name as NSString).deletingPathExtension
                _ = try writePyramid(of: try load(stem), levels: 5, to: path("pyramids", stem), progress: nil)
            }
            bar.sink?("demo: pyramids", names.count, of: names.count)
            print("demo: quilting in \(path("quilting")), analogies in \(path("analogies")), pyramids in \(path("pyramids")); "
                + "start with \(path("overview.png"))")
        }
    }
}
