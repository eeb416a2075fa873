import Foundation

/// index.html and the case pages. Every link is relative, so the folder can be zipped and opened anywhere.

private let style = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px;color:#222}
img{image-rendering:auto;max-width:100%;border:1px solid #ccc}
table{border-collapse:collapse;font-size:90%;display:block;overflow-x:auto}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}.failed{color:#b00}
.cells{display:flex;flex-wrap:wrap;gap:1.5em}.cell{max-width:420px}code{font-size:85%;word-break:break-all}
"""

func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

private func page(_ title: String, _ body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title><style>\(style)</style></head>
    <body>
    \(body)
    </body></html>

    """
}

private func format(_ v: Double?) -> String {
    guard let v else { return "" }
    return v.isInfinite ? "∞" : String(format: "%.4g", v)
}

/// A table of every metric that some row has, one row per result.
private func metricsTable(_ results: [CellResult], caseLinks: Bool) -> String {
    let names = Measurements.columnNames.filter { name in results.contains { r in r.measurements.columns.contains { $0.name == name && $0.value != nil } } }
    var html = "<table><tr><th>case</th><th>method</th><th>status</th><th>seconds</th><th>peak MB</th>"
    html += names.map { "<th>\($0)</th>" }.joined() + "</tr>\n"
    for r in results {
        let caseCell = caseLinks ? "<a href=\"cases/\(r.caseId).html\">\(escape(r.caseId))</a>" : escape(r.caseId)
        let status = r.status == .ok ? "ok" : "<span class=\"failed\">\(r.status.rawValue)</span>"
        html += "<tr><td>\(caseCell)</td><td>\(escape(r.label))</td><td>\(status)</td><td>\(format(r.seconds))</td><td>\(format(r.peakRssMb))</td>"
        let values = Dictionary(uniqueKeysWithValues: r.measurements.columns.map { ($0.name, $0.value) })
        html += names.map { "<td>\(format(values[$0] ?? nil))</td>" }.joined() + "</tr>\n"
    }
    return html + "</table>"
}

func indexPage(_ layout: ReportLayout) -> String {
    var body = "<h1>\(escape(layout.run.name))</h1>\n<p>Set <b>\(escape(layout.set.name))</b>: \(escape(layout.set.description))</p>\n"
    body += "<p>Rows are cases; columns are the inputs, then the methods. Follow a case for every output, source map, "
    body += "seam picture, loss curve and command line. Data: <a href=\"metrics.csv\">metrics.csv</a>, <a href=\"metrics.json\">metrics.json</a>.</p>\n"
    body += "<p><img src=\"grid.png\" alt=\"grid of inputs and results\"></p>\n<h2>Cases</h2>\n<ul>\n"
    for entry in layout.set.cases {
        let done = layout.results.filter { $0.caseId == entry.id }.count
        body += "<li><a href=\"cases/\(entry.id).html\">\(escape(entry.id))</a> (\(done) of \(layout.run.methods.count) methods finished)</li>\n"
    }
    body += "</ul>\n<h2>Metrics</h2>\n" + metricsTable(layout.results, caseLinks: true) + "\n"
    body += "<p>PSNR and SSIM are against the case's ground truth; SSIM/C (content_ssim) against its content; histogram, SWD and "
    body += "BDS (completeness, coherence) against its style or texture; Gram and feature distances on VGG-19 when weights were available.</p>"
    return page(layout.run.name, body)
}

func casePage(_ entry: DatasetManifest.Case, _ layout: ReportLayout) -> String {
    var body = "<p><a href=\"../index.html\">← \(escape(layout.run.name))</a></p>\n<h1>Case \(escape(entry.id))</h1>\n"
    if let note = entry.note { body += "<p>\(escape(note))</p>\n" }
    body += "<h2>Inputs</h2>\n<div class=\"cells\">\n"
    for role in DatasetManifest.roles {
        guard let file = entry.roles[role] else { continue }
        body += "<figure class=\"cell\"><img src=\"../inputs/\(entry.id)/\(role).png\" alt=\"\(role)\"><figcaption>\(role): \(escape(file))</figcaption></figure>\n"
    }
    body += "</div>\n<h2>Methods</h2>\n"
    for method in layout.run.methods {
        guard let r = layout.result(entry.id, method.id) else { continue }
        let folder = "../cells/\(entry.id)/\(method.id)"
        body += "<h3>\(escape(r.label)) <small>(\(r.kind))</small></h3>\n<div class=\"cells\">\n"
        if r.status == .ok {
            body += "<figure class=\"cell\"><img src=\"\(folder)/output.png\" alt=\"output\"><figcaption>output</figcaption></figure>\n"
            for extra in r.extras where extra.hasSuffix(".png") {
                body += "<figure class=\"cell\"><img src=\"\(folder)/\(extra)\" alt=\"\(extra)\"><figcaption>\(extra)</figcaption></figure>\n"
            }
            if r.extras.contains("loss.csv") { body += "<figure class=\"cell\">\(lossCurve(csvAt: layout, entry.id, method.id))<figcaption>loss (log scale), <a href=\"\(folder)/loss.csv\">loss.csv</a></figcaption></figure>\n" }
            if r.extras.contains("video.mp4") {
                body += "<figure class=\"cell\"><video src=\"\(folder)/video.mp4\" controls loop muted></video>"
                    + "<figcaption>the clip (<a href=\"\(folder)/video.mp4\">video.mp4</a>)</figcaption></figure>\n"
            }
            if r.extras.contains("warping.csv") {
                let curve = lossCurveSVG(layout.lossTraces["\(entry.id)/\(method.id)/warping.csv"] ?? [])
                body += "<figure class=\"cell\">\(curve)<figcaption>warping error per frame pair (log scale), "
                    + "<a href=\"\(folder)/warping.csv\">warping.csv</a></figcaption></figure>\n"
            }
        } else {
            body += "<p class=\"failed\">\(r.status.rawValue)\(r.signal.map { " (signal \($0))" } ?? "")\(r.exitCode.map { " (exit \($0))" } ?? "")</p>"
            body += "<pre>\(escape(r.errorTail ?? ""))</pre>\n"
        }
        body += "</div>\n" + metricsTable([r], caseLinks: false)
        body += "\n<p>Command: <code>\(escape(r.commandLine.joined(separator: " ")))</code></p>\n"
    }
    return page("\(layout.run.name): \(entry.id)", body)
}

/// The loss trace as an inline SVG polyline (log₁₀ of the total against the iteration).
private func lossCurve(csvAt layout: ReportLayout, _ caseId: String, _ method: String) -> String {
    lossCurveSVG(layout.lossTraces["\(caseId)/\(method)/loss.csv"] ?? [])
}

func lossCurveSVG(_ totals: [Double]) -> String {
    let values = totals.filter { $0 > 0 }.map(log10)
    guard values.count > 1, let low = values.min(), let high = values.max() else { return "<p>(no loss trace)</p>" }
    let w = 400.0, h = 160.0, span = max(high - low, 1e-9)
    let points = values.enumerated().map { i, v in
        String(format: "%.1f,%.1f", Double(i) / Double(values.count - 1) * w, h - (v - low) / span * h)
    }.joined(separator: " ")
    return """
    <svg width="\(Int(w))" height="\(Int(h))" viewBox="0 0 \(Int(w)) \(Int(h))" style="border:1px solid #ccc;background:#fff">\
    <polyline fill="none" stroke="#2255aa" stroke-width="1.5" points="\(points)"/>\
    <text x="4" y="12" font-size="11">\(String(format: "%.4g", pow(10, high)))</text>\
    <text x="4" y="\(Int(h) - 4)" font-size="11">\(String(format: "%.4g", pow(10, low)))</text></svg>
    """
}
