import Foundation

/// The keys under which a summary holds an algorithm's parameters.
package let summaryParameterKeys: Set<String> = ["parameters", "synthesis", "transfer"]

extension Encodable {
    /// The run-summary format of every StyleLab method: pretty-printed JSON, sorted snake_case keys
    /// (`seconds_total`, `mean_overlap_error` …), so summaries of different methods read and diff alike — except
    /// inside `summaryParameterKeys`, whose values are spelt as parameter files are (`"blockSize": 36`), so that a
    /// summary's parameters paste into `--params` unchanged.
    package func summaryJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in
            let key = path[path.count - 1]
            let insideParameters = path.dropLast().contains { summaryParameterKeys.contains($0.stringValue) }
            return insideParameters ? key : SummaryKey(snakeCase(key.stringValue))
        }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The format of parameter and cell files (what `--dump-params` prints and `--params` reads): pretty-printed
    /// JSON with sorted keys spelt as the Swift properties are (`blockSize`), so a dump pastes back unchanged.
    package func parameterJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

/// `secondsTotal` → `seconds_total`, `peakRSSMb` → `peak_rss_mb`: Foundation's `convertToSnakeCase` rule (a word
/// starts at an upper-case letter after a lower-case one, and at the last letter of an upper-case run followed by a
/// lower-case one), which a custom key strategy cannot call.
package func snakeCase(_ key: String) -> String {
    let characters = Array(key)
    var out = ""
    for (i, c) in characters.enumerated() {
        if c.isUppercase && i > 0 {
            let afterLower = !characters[i - 1].isUppercase && characters[i - 1] != "_"
            let endsRun = characters[i - 1].isUppercase && i + 1 < characters.count && characters[i + 1].isLowercase
            if afterLower || endsRun { out.append("_") }
        }
        out += c.lowercased()
    }
    return out
}

private struct SummaryKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
