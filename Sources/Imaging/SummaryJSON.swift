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
}
