import Foundation
import Imaging

/// A line plot drawn into an image: axes with a few labelled ticks, one coloured polyline with dots per series,
/// and a legend. Enough for loss curves and recall against `checks`; no plotting library is needed.
package struct LinePlot {
    package struct Series {
        package var name: String
        package var points: [(x: Double, y: Double)]
        package init(_ name: String, _ points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    package var title: String
    package var xLabel: String
    package var yLabel: String
    package var series: [Series]
    package var logX = false
    package var logY = false
    package var size = Size(width: 420, height: 260)
    /// Where the x ticks go (default: five, evenly spaced); labelled with their values.
    package var xTicks: [Double]?
    /// The legend's corner of the plotting area: top right unless the curves run there.
    package var legendAtBottom = false

    package init(title: String, x: String, y: String, _ series: [Series]) {
        self.title = title
        self.xLabel = x
        self.yLabel = y
        self.series = series
    }

    package static let colours: [[Float]] = [[0.1, 0.3, 0.8], [0.85, 0.35, 0.1], [0.15, 0.6, 0.2],
                                             [0.6, 0.2, 0.6], [0.5, 0.5, 0.1], [0.1, 0.6, 0.7], [0.8, 0.1, 0.3],
                                             [0.35, 0.35, 0.35]]

    package func image() -> Image {
        var canvas = Image(width: size.width, height: size.height, channels: 3, value: 1)
        let left = 64, right = 12, top = 24, bottom = 40
        let plotWidth = size.width - left - right, plotHeight = size.height - top - bottom
        // On a log axis a value of zero or below has no place: it is left out (NaN), not drawn at the floor.
        let transform = { (value: Double, log: Bool) in log ? (value > 0 ? Foundation.log10(value) : .nan) : value }
        let xs = series.flatMap { $0.points.map { transform($0.x, logX) } }.filter(\.isFinite)
        let ys = series.flatMap { $0.points.map { transform($0.y, logY) } }.filter(\.isFinite)
        var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1), (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y1 = y0 + 1 }
        let pad = (y1 - y0) * 0.05
        (y0, y1) = (y0 - pad, y1 + pad)
        func px(_ x: Double) -> Int {
            left + Int(((transform(x, logX) - x0) / (x1 - x0) * Double(plotWidth)).rounded())
        }
        func py(_ y: Double) -> Int {
            top + plotHeight - Int(((transform(y, logY) - y0) / (y1 - y0) * Double(plotHeight)).rounded())
        }
        // Axes and ticks (five on y; on x five, or those asked for), labelled with their values.
        let ink: [Float] = [0.2, 0.2, 0.2]
        line(&canvas, (left, top + plotHeight), (left + plotWidth, top + plotHeight), ink)
        line(&canvas, (left, top), (left, top + plotHeight), ink)
        let xTickValues = xTicks ?? (0 ... 4).map { k in
            let fx = x0 + (x1 - x0) * Double(k) / 4
            return logX ? pow(10, fx) : fx
        }
        for value in xTickValues {
            let tx = px(value), xText = tick(value)
            line(&canvas, (tx, top + plotHeight), (tx, top + plotHeight + 4), ink)
            BitmapFont.draw(xText, into: &canvas, x: tx - BitmapFont.width(of: xText, scale: 1) / 2,
                            y: top + plotHeight + 7, scale: 1)
        }
        for k in 0 ... 4 {
            let fy = y0 + (y1 - y0) * Double(k) / 4, ty = top + plotHeight - plotHeight * k / 4
            line(&canvas, (left - 4, ty), (left, ty), ink)
            let yText = tick(logY ? pow(10, fy) : fy)
            BitmapFont.draw(yText, into: &canvas, x: left - 7 - BitmapFont.width(of: yText, scale: 1), y: ty - 3,
                            scale: 1)
        }
        BitmapFont.draw(title, into: &canvas, x: left, y: 4, scale: 2)
        BitmapFont.draw(xLabel, into: &canvas, x: left + (plotWidth - BitmapFont.width(of: xLabel, scale: 1)) / 2,
                        y: size.height - 18, scale: 1)
        BitmapFont.draw(yLabel, into: &canvas, x: 2, y: top - 12, scale: 1)
        // The legend's key line and names end at the plot's right edge, however long the longest name is.
        let legendX = left + plotWidth - (series.map { BitmapFont.width(of: $0.name, scale: 1) }.max() ?? 0) - 22
        for (s, series) in series.enumerated() {
            let colour = Self.colours[s % Self.colours.count]
            let points = series.points.filter { transform($0.y, logY).isFinite }.map { (px($0.x), py($0.y)) }
            for (a, b) in zip(points, points.dropFirst()) { line(&canvas, a, b, colour) }
            for p in points { dot(&canvas, p, colour) }
            let legendY = legendAtBottom ? top + plotHeight - 4 - (self.series.count - s) * 12 : top + 4 + s * 12
            line(&canvas, (legendX, legendY + 3), (legendX + 14, legendY + 3), colour)
            BitmapFont.draw(series.name, into: &canvas, x: legendX + 18, y: legendY, scale: 1, colour: colour)
        }
        return canvas
    }

    /// A tick value in at most five characters or so: 0.25, 1e+04, 128.
    func tick(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude >= 1e4 || magnitude < 1e-2) { return String(format: "%.0e", value) }
        if magnitude >= 100 || value == value.rounded() { return String(format: "%.0f", value) }
        return String(format: magnitude >= 10 ? "%.1f" : "%.2f", value)
    }
}

/// A one-pixel line (Bresenham) in `colour`, clipped to the image.
func line(_ image: inout Image, _ a: (Int, Int), _ b: (Int, Int), _ colour: [Float]) {
    var (x, y) = a
    let dx = abs(b.0 - x), dy = -abs(b.1 - y), sx = x < b.0 ? 1 : -1, sy = y < b.1 ? 1 : -1
    var error = dx + dy
    while true {
        Drawing.mark([(x, y)], on: &image, colour: colour)
        if x == b.0 && y == b.1 { break }
        let doubled = 2 * error
        if doubled >= dy { error += dy; x += sx }
        if doubled <= dx { error += dx; y += sy }
    }
}

func dot(_ image: inout Image, _ p: (Int, Int), _ colour: [Float]) {
    Drawing.mark([(-1, 0), (1, 0), (0, -1), (0, 1), (0, 0)].map { (p.0 + $0.0, p.1 + $0.1) }, on: &image,
                 colour: colour)
}
