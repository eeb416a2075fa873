import ArgumentParser
import Foundation
import Imaging

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the main job on the embedded default images and print where the results are.",
        discussion: "Until the algorithms land, the demo shows the shared Imaging module: pyramids of every embedded image.")

    @Option(help: "Output folder.") var out: String = "demo-out"
    @Option(help: "Folder of the embedded set.") var embedded: String = "datasets/embedded"
    @Flag(help: "Print nothing but errors.") var quiet = false

    func run() throws {
        try reportingErrors {
            let names = try FileManager.default.contentsOfDirectory(atPath: embedded)
                .filter { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }.sorted()
            guard !names.isEmpty else {
                throw ImageError.fileNotFound(path: embedded + "/*.png (run from the repository's top folder)")
            }
            let bar = ProgressBar(quiet: quiet)
            for (number, name) in names.enumerated() {
                bar.sink?("demo: pyramids", number, of: names.count, detail: name)
                let image = try Image(contentsOf: (embedded as NSString).appendingPathComponent(name))
                let stem = (name as NSString).deletingPathExtension
                _ = try writePyramid(of: image, levels: 5, to: (out as NSString).appendingPathComponent(stem), progress: nil)
            }
            bar.sink?("demo: pyramids", names.count, of: names.count)
            print("demo: pyramids of \(names.count) embedded images in \(out)/ — start with \(out)/\(names[0].split(separator: ".")[0])/overview.png")
        }
    }
}
