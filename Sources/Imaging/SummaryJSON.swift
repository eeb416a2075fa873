import Foundation

extension Encodable {
    /// The run-summary format of every StyleLab method: pretty-printed JSON, sorted snake_case keys
    /// (`seconds_total`, `mean_overlap_error` …), so summaries of different methods read and diff alike.
    public func summaryJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The format of parameter and cell files (what `--dump-params` prints and `--params` reads): pretty-printed
    /// JSON with sorted keys spelt as the Swift properties are (`blockSize`), so a dump pastes back unchanged.
    public func parameterJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
