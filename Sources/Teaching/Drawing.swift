import Foundation
import Imaging

/// The pictures' building blocks: a labelled picture, a row or grid of them, a heat map and enlargement. Every
/// figure of the walkthroughs is assembled from these, around pixels the real algorithms made.
package enum Drawing {
    static let scale = 2, lineHeight = BitmapFont.lineHeight * 2

    /// `image` (grey or colour, clamped) with `label` in one or two lines of the built-in font below it.
    package static func labelled(_ image: Image, _ label: String) -> Image {
        let picture = image.channels == 3 ? image.opaque.clamped() : image.luminance().clamped().rgb().opaque
        let lines = wrap(label, width: max(picture.width, 60))
        let width = max(picture.width, lines.map { BitmapFont.width(of: $0, scale: scale) }.max() ?? 0)
        var sheet = Image(width: width, height: picture.height + 4 + lines.count * lineHeight, channels: 3, value: 1)
        sheet.paste(picture, x: (width - picture.width) / 2, y: 0)
        for (i, line) in lines.enumerated() {
            let x = (width - BitmapFont.width(of: line, scale: scale)) / 2
            BitmapFont.draw(line, into: &sheet, x: x, y: picture.height + 4 + i * lineHeight, scale: scale)
        }
        return sheet
    }

    /// Labelled pictures side by side, bottoms of their pictures aligned by the grid's top alignment.
    package static func row(_ items: [(Image, String)], gap: Int = 10) -> Image {
        Image.grid([items.map { labelled($0.0, $0.1) }], gap: gap)
    }

    /// Labelled pictures in rows.
    package static func grid(_ rows: [[(Image, String)]], gap: Int = 10) -> Image {
        Image.grid(rows.map { $0.map { labelled($0.0, $0.1) } }, gap: gap)
    }

    /// Each pixel repeated `factor` times in both directions: small patches and surfaces visible as cells.
    package static func enlarged(_ image: Image, _ factor: Int) -> Image {
        let width = image.width * factor, height = image.height * factor
        var samples = [Float](repeating: 0, count: width * height * image.channels)
        for c in 0 ..< image.channels {
            for y in 0 ..< height {
                for x in 0 ..< width {
                    samples[(c * height + y) * width + x] =
                        image.samples[(c * image.height + y / factor) * image.width + x / factor]
                }
            }
        }
        return Image(width: width, height: height, channels: image.channels, samples: samples)
    }

    /// `values` (row-major, `size`) as colours from dark blue through green to yellow, low to high, over
    /// `range` (default: their own finite minimum and maximum). Infinite values are drawn grey.
    package static func heatmap(_ values: [Float], _ size: Size, range: ClosedRange<Float>? = nil) -> Image {
        let finite = values.filter(\.isFinite)
        let low = range?.lowerBound ?? finite.min() ?? 0, high = range?.upperBound ?? finite.max() ?? 1
        let span = high > low ? high - low : 1
        var image = Image(width: size.width, height: size.height, channels: 3)
        let n = size.pixelCount
        for (i, value) in values.prefix(n).enumerated() {
            let colour = value.isFinite ? ramp(min(max((value - low) / span, 0), 1)) : [0.6, 0.6, 0.6]
            for c in 0 ..< 3 { image.samples[c * n + i] = colour[c] }
        }
        return image
    }

    /// A perceptually ordered ramp: dark blue, teal, green, yellow (stops of our own choosing).
    static func ramp(_ t: Float) -> [Float] {
        let stops: [[Float]] = [[0.15, 0.05, 0.35], [0.15, 0.4, 0.55], [0.2, 0.65, 0.45], [0.95, 0.9, 0.2]]
        let position = t * Float(stops.count - 1), i = min(Int(position), stops.count - 2), f = position - Float(i)
        return (0 ..< 3).map { stops[i][$0] * (1 - f) + stops[i + 1][$0] * f }
    }

    /// Sets the pixels at `points` to `colour` (an image with fewer than three channels is made RGB first).
    package static func mark(_ points: [(x: Int, y: Int)], on image: inout Image, colour: [Float]) {
        if image.channels < 3 { image = image.rgb() }
        let n = image.pixelCount
        for p in points where p.x >= 0 && p.y >= 0 && p.x < image.width && p.y < image.height {
            for c in 0 ..< 3 { image.samples[c * n + p.y * image.width + p.x] = colour[c] }
        }
    }

    /// Text on white, as wide as its longest line: a title or a legend.
    package static func text(_ lines: [String]) -> Image {
        let width = lines.map { BitmapFont.width(of: $0, scale: scale) }.max() ?? 1
        var image = Image(width: max(width, 1), height: lines.count * lineHeight, channels: 3, value: 1)
        for (i, line) in lines.enumerated() {
            BitmapFont.draw(line, into: &image, x: 0, y: i * lineHeight, scale: scale)
        }
        return image
    }

    /// Words of `text` in lines of at most `width` pixels at the label scale.
    static func wrap(_ text: String, width: Int) -> [String] {
        wrappedWords(text, limit: max(1, width / (BitmapFont.advance * scale)))
    }
}
