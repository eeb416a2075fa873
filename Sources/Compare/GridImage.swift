import Foundation
import Imaging

/// grid.png: one row per case; columns = the case's inputs (packed to the left), then the methods. Under every
/// picture its caption — role and size, or method, time, memory and one or two key metrics — in the built-in
/// 5 × 7 font at twice its size, so that it reads at 100 %.
func gridImage(_ layout: ReportLayout, out: String) throws -> Image {
    let box = 192, gap = 12, scale = 2, line = BitmapFont.lineHeight * scale, captionLines = 4
    let columns = layout.inputColumns + layout.run.methods.count
    let cellHeight = box + captionLines * line + 8, titleHeight = line + 8
    let width = gap + columns * (box + gap)
    let height = titleHeight + layout.set.cases.count * (titleHeight + cellHeight + gap)
    var grid = Image(width: width, height: height, channels: 3, value: 1)

    // Column headings.
    let headings = Array(repeating: "input", count: layout.inputColumns) + layout.run.methods.map { $0.label ?? $0.id }
    for (c, heading) in headings.enumerated() {
        BitmapFont.draw(fitted(heading, box, scale), into: &grid, x: gap + c * (box + gap), y: 4, scale: scale, colour: [0.1, 0.1, 0.4])
    }
    for (row, entry) in layout.set.cases.enumerated() {
        let top = titleHeight + row * (titleHeight + cellHeight + gap)
        BitmapFont.draw(fitted("case " + entry.id, width - 2 * gap, scale), into: &grid, x: gap, y: top + 4, scale: scale)
        let y0 = top + titleHeight
        var captions: [[String]] = []
        var alarming = Set<Int>()  // columns whose cell did not succeed: their status is drawn in red
        var pictures: [Image?] = []
        let roles = layout.roles(of: entry)
        for c in 0 ..< layout.inputColumns {
            let picture = c < roles.count ? try? Image(contentsOf: inputPath(out: out, caseId: entry.id, role: roles[c])) : nil
            pictures.append(picture)
            captions.append(picture.map { [roles[c], "\($0.width)x\($0.height)"] } ?? [])
        }
        for method in layout.run.methods {
            guard let result = layout.result(entry.id, method.id) else {
                // A method with nothing to do for this task, or a cell another shard owns or that has not run yet.
                let applies = method.kind == .command
                    ? method.commandArguments(inputs: entry.roles, folder: "") != nil
                    : method.runs(RunConfig.Task(roles: entry.roles))
                pictures.append(nil)
                captions.append([method.label ?? method.id, applies ? "not run yet" : "does not apply"])
                continue
            }
            let label = result.label
            if result.status == .ok {
                pictures.append(try? Image(contentsOf: "\(out)/cells/\(entry.id)/\(method.id)/output.png"))
                captions.append([label, String(format: "%.1f s %.0f MB", result.seconds, result.peakRssMb)] + keyMetrics(result.measurements))
            } else {
                pictures.append(nil)
                alarming.insert(pictures.count - 1)
                captions.append([label, result.status.rawValue.uppercased()])
            }
        }
        for (c, picture) in pictures.enumerated() {
            let x0 = gap + c * (box + gap)
            if let picture {
                let thumb = picture.rgb().opaque.resized(to: picture.sizeFitting(longestSide: box),
                                                         method: max(picture.width, picture.height) > box ? .area : .bicubic).clamped()
                grid.paste(thumb, x: x0 + (box - thumb.width) / 2, y: y0 + (box - thumb.height) / 2)
            } else if c >= layout.inputColumns {
                grid.paste(Image(width: box, height: box, channels: 3, value: 0.9), x: x0, y: y0)  // a method with no picture
            }
            for (i, text) in captions[c].enumerated() {
                let failed = i == 1 && alarming.contains(c)
                BitmapFont.draw(fitted(text, box, scale), into: &grid, x: x0, y: y0 + box + 6 + i * line, scale: scale,
                                colour: failed ? [0.8, 0, 0] : [0, 0, 0])
            }
        }
    }
    return grid
}

/// `text`, cut with a trailing "." when it is wider than `width` pixels.
private func fitted(_ text: String, _ width: Int, _ scale: Int) -> String {
    let fits = max(1, (width + scale) / (BitmapFont.advance * scale))
    return text.count <= fits ? text : String(text.prefix(fits - 1)) + "."
}
