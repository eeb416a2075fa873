import Foundation

/// A small benchmark harness: repeat a closure, report the median, and express speeds as ratios against a
/// baseline measured in the same process (never as absolute pass/fail thresholds).
struct Harness {
    var results: [(suite: String, name: String, value: Double, unit: String, note: String)] = []
    let filter: String?

    /// Median wall time of `repetitions` runs of `body`, after one warm-up run (0 repetitions: the single
    /// run's time, for baselines too slow to repeat).
    func time(repetitions: Int = 5, _ body: () -> Void) -> Double {
        var times: [Double] = []
        if repetitions == 0 {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        body()
        for _ in 0 ..< repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }

    func wants(_ suite: String) -> Bool { filter.map { suite.lowercased().contains($0.lowercased()) } ?? true }

    mutating func record(_ suite: String, _ name: String, _ value: Double, _ unit: String, note: String = "") {
        results.append((suite, name, value, unit, note))
        let shown = value >= 100 ? String(format: "%.0f", value) : String(format: "%.3g", value)
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return right ? fill + text : text + fill
        }
        print(pad(suite, 9) + pad(name, 60) + pad(shown, 9, right: true) + " " + pad(unit, 10) + note)
    }

    /// Writes every result as JSON (for comparing runs).
    func writeJSON(to path: String) throws {
        let rows = results.map { ["suite": $0.suite, "name": $0.name, "value": $0.value, "unit": $0.unit, "note": $0.note] as [String: Any] }
        let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }
}
