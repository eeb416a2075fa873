import ArgumentParser
import Foundation
import Imaging

struct PyramidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pyramid",
        abstract: "Write every Gaussian and Laplacian pyramid level of an image as PNG (a teaching aid).",
        discussion: """
        gaussian-L.png is level L (0 = the image); laplacian-L.png is the band G_L − EXPAND(G_L+1), shown as \
        0.5 + band so that zero is mid-grey; the last Laplacian level is the coarsest Gaussian level itself. \
        reconstructed.png collapses the Laplacian pyramid back into the image; overview.png shows both pyramids, \
        Gaussian above Laplacian.
        """)

    @Argument(help: "Input image.") var input: String
    @Option(help: "Number of levels (including the image itself).") var levels: Int = 5
    @Option(help: "Output folder (created if missing).") var out: String
    @Flag(help: "Print nothing but errors.") var quiet = false
    @OptionGroup var inputOptions: InputOptions

    func validate() throws {
        guard levels >= 1 && levels <= 30 else { throw ValidationError("--levels must be 1 to 30, got \(levels)") }
    }

    func run() throws {
        try reportingErrors {
            let image = try Image(contentsOf: input, limits: ReadLimits(maxPixels: inputOptions.maxPixels))
            let written = try writePyramid(of: image, levels: levels, to: out, progress: ProgressBar(quiet: quiet).sink)
            if !quiet { print("wrote \(written.count) images to \(out)") }
        }
    }
}

/// Writes the pyramid's levels into `folder`, returning the paths written.
func writePyramid(of image: Image, levels: Int, to folder: String, progress: ProgressSink?) throws -> [String] {
    do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
        throw ImageError.writeFailed(path: folder, reason: "cannot create the folder")
    }
    let gaussian = GaussianPyramid(image, levelCount: levels)
    let laplacian = LaplacianPyramid(gaussian)
    var paths: [String] = []
    let total = 2 * gaussian.count + 2
    func save(_ level: Image, _ name: String) throws {
        let path = (folder as NSString).appendingPathComponent(name)
        try level.write(to: path)
        paths.append(path)
        progress?("pyramid", paths.count, of: total)
    }
    for l in 0 ..< gaussian.count {
        try save(gaussian[l], "gaussian-\(l).png")
        try save(laplacian.displayBand(l), "laplacian-\(l).png")
    }
    try save(laplacian.reconstruct(), "reconstructed.png")
    try save(LaplacianPyramid.overview(gaussian, laplacian), "overview.png")
    return paths
}
