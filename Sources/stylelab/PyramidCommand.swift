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
    var bands: [Image] = []
    for l in 0 ..< gaussian.count {
        try save(gaussian[l], "gaussian-\(l).png")
        // Bands are signed: show 0.5 + band, so zero is mid-grey (the coarsest level is an image, shown as it is).
        let band = l == gaussian.count - 1 ? laplacian[l] : laplacian[l].adding(Image(width: laplacian[l].width,
            height: laplacian[l].height, channels: laplacian[l].channels, value: 0.5))
        bands.append(band)
        try save(band, "laplacian-\(l).png")
    }
    try save(laplacian.reconstruct(), "reconstructed.png")
    let top = Image.pyramidStrip(gaussian.levels), bottom = Image.pyramidStrip(bands)
    var overview = Image(width: top.width, height: top.height + bottom.height + 4, channels: top.channels, value: 1)
    overview.paste(top, x: 0, y: 0)
    overview.paste(bottom, x: 0, y: top.height + 4)
    try save(overview, "overview.png")
    return paths
}
