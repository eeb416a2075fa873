import Foundation
import Imaging
import StyleLabSupport

/// The pictures a network trains on: every PNG or JPEG of the folders and files given, each scaled so that its
/// shorter side is `shorterSide`, and cut into random square crops with random horizontal flips. Sample `index` of
/// step `step` is drawn from RandomSource(seed, [step, index]), so any step can be redrawn exactly, which is what
/// makes `--resume` give the weights of an uninterrupted run.
struct TrainingImages {
    let names: [String]
    private let images: [Image]
    let crop: Int, seed: UInt64

    static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    init(paths: [String], crop: Int, shorterSide: Int, seed: UInt64) throws {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw ParameterError(name: "--images", value: path, expected: "a folder of images or an image file")
            }
            if isFolder.boolValue {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += entries.sorted().filter { TrainingImages.extensions.contains(($0 as NSString).pathExtension
                    .lowercased()) }.map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        guard !files.isEmpty else {
            throw ParameterError(name: "--images", value: paths.joined(separator: ","),
                                 expected: "at least one PNG or JPEG image")
        }
        var images: [Image] = [], bytes = 0
        for file in files {
            let image = try Image(contentsOf: file).rgb().opaque
            let size = try TrainingImages.scaledSize(image.size, crop: crop, shorterSide: shorterSide, file: file)
            // Every image is kept, scaled, for the whole run: their sum must fit the memory budget.
            bytes = Checked.sum([bytes, Checked.product([size.pixelCount, 3, 4]) ?? Int.max]) ?? Int.max
            try MemoryBudget.systemDefault.check(bytes, task: "training", driver: "the --images (\(files.count) files)",
                                                 reduce: "use fewer images or a smaller --shorter-side")
            images.append(image.resized(to: size))
        }
        (self.names, self.images, self.crop, self.seed) = (files, images, crop, seed)
    }

    /// The size an image is scaled to: its shorter side to `shorterSide` (at least the crop). A long thin image
    /// would become enormous, so the longer side is limited to 16 times the shorter.
    static func scaledSize(_ size: Size, crop: Int, shorterSide: Int, file: String) throws -> Size {
        let short = min(size.width, size.height), long = max(size.width, size.height)
        guard short > 0, long <= 16 * short else {
            throw ParameterError(name: "--images", value: file,
                                 expected: "an image whose longer side is at most 16 times its shorter "
                                    + "(this one is \(size.width)×\(size.height))")
        }
        let scale = Double(max(shorterSide, crop)) / Double(short)
        return Size(width: max(crop, Int((Double(size.width) * scale).rounded())),
                    height: max(crop, Int((Double(size.height) * scale).rounded())))
    }

    /// Sample `index` of step `step`: a crop × crop RGB image (0–1).
    func sample(step: Int, index: Int) -> Image {
        var random = RandomSource(seed: seed, stream: [step, index])
        let image = images[Int(random.next() % UInt64(images.count))]
        let x = Int(random.next() % UInt64(image.width - crop + 1))
        let y = Int(random.next() % UInt64(image.height - crop + 1))
        let flip = random.next() & 1 == 1
        var out = Image(width: crop, height: crop, channels: 3)
        for c in 0 ..< 3 {
            for j in 0 ..< crop {
                for i in 0 ..< crop {
                    let sx = flip ? x + crop - 1 - i : x + i
                    let source = (c * image.height + y + j) * image.width + sx
                    out.samples[(c * crop + j) * crop + i] = image.samples[source]
                }
            }
        }
        return out
    }
}
