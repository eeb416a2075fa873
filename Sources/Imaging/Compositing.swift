extension Image {
    /// Copies `other` into this image with its top-left corner at (x, y), clipping what falls outside.
    /// Grey is repeated into RGB when this image has three channels; alpha is ignored.
    public mutating func paste(_ other: Image, x: Int, y: Int) {
        let source = channels == 3 && other.channels == 1 ? other.rgb() : other
        precondition(source.channels == channels, "pasting \(other.channels) channels into \(channels)")
        let n = pixelCount, m = source.pixelCount
        for c in 0 ..< channels {
            for sy in 0 ..< source.height where y + sy >= 0 && y + sy < height {
                for sx in 0 ..< source.width where x + sx >= 0 && x + sx < width {
                    samples[c * n + (y + sy) * width + x + sx] = source.samples[c * m + sy * source.width + sx]
                }
            }
        }
    }

    /// Pyramid levels laid out as teachers draw them: the finest level on the left, each coarser one to the right
    /// of the previous, aligned at the top, on a background of `background`.
    public static func pyramidStrip(_ levels: [Image], gap: Int = 4, background: Float = 1) -> Image {
        precondition(!levels.isEmpty, "a strip needs at least one level")
        let channels = levels.map(\.channels).max() ?? 1
        let width = levels.reduce(0) { $0 + $1.width } + gap * (levels.count - 1)
        var strip = Image(width: width, height: levels[0].height, channels: channels, value: background)
        var x = 0
        for level in levels {
            strip.paste(level, x: x, y: 0)
            x += level.width + gap
        }
        return strip
    }
}

extension Image {
    /// Rows become columns (alpha is not carried).
    public func transposed() -> Image {
        var out = Image(width: height, height: width, channels: channels)
        let n = pixelCount
        for c in 0 ..< channels {
            for y in 0 ..< height { for x in 0 ..< width { out.samples[c * n + x * height + y] = samples[c * n + y * width + x] } }
        }
        return out
    }

    /// The w × h rectangle at (x, y), which must lie inside the image (alpha is not carried).
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> Image {
        precondition(x >= 0 && y >= 0 && x + w <= width && y + h <= height, "crop \(w)x\(h)+\(x)+\(y) of \(size)")
        var out = Image(width: w, height: h, channels: channels)
        let n = pixelCount, m = w * h
        for c in 0 ..< channels {
            for row in 0 ..< h {
                for col in 0 ..< w { out.samples[c * m + row * w + col] = samples[c * n + (y + row) * width + x + col] }
            }
        }
        return out
    }
}

extension Image {
    /// Rows of images laid out on a white background, each cell as large as the largest image of its column and
    /// row, top-left aligned: the contact sheet of a demo or a comparison.
    public static func grid(_ rows: [[Image]], gap: Int = 4, background: Float = 1) -> Image {
        let columnCount = rows.map(\.count).max() ?? 0
        let widths = (0 ..< columnCount).map { c in rows.compactMap { c < $0.count ? $0[c].width : nil }.max() ?? 0 }
        let heights = rows.map { $0.map(\.height).max() ?? 0 }
        let width = widths.reduce(0, +) + gap * max(columnCount - 1, 0), height = heights.reduce(0, +) + gap * max(rows.count - 1, 0)
        var sheet = Image(width: max(width, 1), height: max(height, 1), channels: 3, value: background)
        var y = 0
        for (r, row) in rows.enumerated() {
            var x = 0
            for (c, image) in row.enumerated() {
                sheet.paste(image.channels == 3 ? image.opaque : image.luminance().rgb().opaque, x: x, y: y)
                x += widths[c] + gap
            }
            y += heights[r] + gap
        }
        return sheet
    }
}
