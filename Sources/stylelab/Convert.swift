import ArgumentParser
import Foundation
import Imaging

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert between PNG and JPEG, optionally resizing or turning grey.",
        discussion: "The input format is read from the file's bytes; the output format from OUT's extension.")

    @Argument(help: "Input image (PNG or JPEG).") var input: String
    @Argument(help: "Output image (.png or .jpg).") var output: String
    @Option(help: "Resize to WxH pixels.") var resize: String?
    @Option(help: "Resize so that the longest side is this many pixels, keeping the aspect ratio.") var fit: Int?
    @Option(help: "Resampling: nearest, bilinear, bicubic, area or triangle (PIL's antialiased bilinear).") var method: String = "bicubic"
    @Flag(help: "Convert to grey (luminance Y of YIQ).") var gray = false
    @Option(help: "Gaussian blur of this σ in pixels (after resizing), e.g. to make a filter example for an analogy.")
    var blur: Float?
    @Flag(help: "Composite transparent pixels over white and drop alpha.") var flatten = false
    @Option(help: "JPEG quality, 1–100.") var quality: Int = 92
    @Option(help: "PNG bits per sample: 8 or 16.") var bitDepth: Int = 8
    @OptionGroup var inputOptions: InputOptions

    func validate() throws {
        if let resize, Size(parsing: resize) == nil {
            throw ValidationError("--resize takes WxH with sides of 1 to \(Size.maximumSide), "
                + "e.g. 256x256; got \(resize)")
        }
        if resize != nil && fit != nil { throw ValidationError("give --resize or --fit, not both") }
        if let fit, !(1 ... Size.maximumSide).contains(fit) {
            throw ValidationError("--fit must be 1 to \(Size.maximumSide), got \(fit)")
        }
        if let blur, !(blur >= 0 && blur <= 100) { throw ValidationError("--blur must be a σ from 0 to 100, got \(blur)") }
        if ResamplingMethod(rawValue: method) == nil {
            throw ValidationError("--method must be nearest, bilinear, bicubic, area or triangle; got \(method)")
        }
    }

    func run() throws {
        try reportingErrors {
            try refuseOverwritingInput(input: input, output: output)
            let options = WriteOptions(bitDepth: bitDepth, jpegQuality: quality)
            try options.validate()
            var image = try Image(contentsOf: input, limits: inputOptions.limits)
            let method = ResamplingMethod(rawValue: method) ?? .bicubic
            if let target = resize.flatMap(Size.init(parsing:)) ?? fit.map(image.sizeFitting(longestSide:)) {
                try inputOptions.checkMemory(image.memoryToResize(to: target), task: "convert",
                                             driver: "a \(target) result", hint: "use a smaller --resize or --fit")
            }
            if let size = resize.flatMap(Size.init(parsing:)) { image = image.resized(to: size, method: method) }
            if let fit { image = image.resized(to: image.sizeFitting(longestSide: fit), method: method) }
            if let blur { image = image.gaussianBlurred(sigma: blur) }
            if gray {
                let alpha = image.alpha
                image = image.luminance()
                image.alpha = alpha
            }
            if flatten { image = image.flattened() }
            try image.write(to: output, options: options)
        }
    }
}

/// Outputs are never written over an input: every output path (nil ones skipped) against every input path.
func refuseOverwritingInputs(_ inputs: [String], with outputs: [String?]) throws {
    for output in outputs.compactMap({ $0 }) {
        for input in inputs { try refuseOverwritingInput(input: input, output: output) }
    }
}

func refuseOverwritingInput(input: String, output: String) throws {
    let a = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path
    let b = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath().path
    if a == b { throw ParameterError(name: "OUT", value: output, expected: "a path other than the input") }
}
