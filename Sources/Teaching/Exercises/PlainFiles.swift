import Foundation
import Imaging
import StyleLabSupport

/// A student's answer folder for one case. Every file in it is hostile: its size is capped before it is read,
/// and every number is checked for its shape and finiteness; each failure names the file, line and column.
struct AnswerFolder {
    let path: String
    /// Answers here are at most a few hundred kilobytes; anything far larger is not an answer.
    static let maxBytes = 16 << 20

    /// The CSV `file` as `rows` × `columns` numbers, row-major. One header line is allowed (a first line that is
    /// not all numbers); blank lines at the end are ignored.
    func numbers(_ file: String, rows: Int, columns: Int) throws -> [Double] {
        let table = try self.table(file, columns: columns, maxRows: rows)
        guard table.count == rows else {
            throw ExerciseError.badAnswer(file: file, detail: "has \(table.count) rows of numbers; it needs \(rows)")
        }
        return table.flatMap { $0 }
    }

    /// The CSV `file` as rows of `columns` integers each (at most `maxRows` rows).
    func integers(_ file: String, columns: Int, maxRows: Int) throws -> [[Int]] {
        try table(file, columns: columns, maxRows: maxRows).enumerated().map { line, row in
            try row.enumerated().map { column, value in
                guard value.rounded() == value, abs(value) < 1e9 else {
                    throw ExerciseError.badAnswer(file: file, detail: "row \(line + 1), column \(column + 1): "
                                                  + "\(value) is not a whole number")
                }
                return Int(value)
            }
        }
    }

    /// The number under `key` in the JSON object `file`.
    func scalar(_ file: String, key: String) throws -> Double {
        let data = try read(file)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ExerciseError.badAnswer(file: file, detail: "is not a JSON object such as {\"\(key)\": 1.5}")
        }
        guard let number = object[key] as? NSNumber, !(object[key] is Bool), number.doubleValue.isFinite else {
            throw ExerciseError.badAnswer(file: file, detail: "needs a finite number under \"\(key)\"")
        }
        return number.doubleValue
    }

    private func read(_ file: String) throws -> Data {
        switch readRegularFile(path + "/" + file, maxBytes: AnswerFolder.maxBytes) {
        case .success(let data): return data
        case .failure(.notFound): throw ExerciseError.badAnswer(file: file, detail: "is missing from \(path)")
        case .failure(.tooLarge(let size)):
            throw ExerciseError.badAnswer(file: file, detail: "is \(size) bytes; an answer is far smaller")
        case .failure(let other): throw ExerciseError.badAnswer(file: file, detail: "cannot be read (\(other))")
        }
    }

    private func table(_ file: String, columns: Int, maxRows: Int) throws -> [[Double]] {
        var lines = String(decoding: try read(file), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        let fields = { (line: Substring) in line.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) } }
        var first = 0
        if let header = lines.first, fields(header).contains(where: { Double($0) == nil }) { first = 1 }
        guard lines.count - first <= maxRows else {
            let detail = "has \(lines.count - first) rows, more than the \(maxRows) it can have"
            throw ExerciseError.badAnswer(file: file, detail: detail)
        }
        return try lines[first...].enumerated().map { offset, line in
            let row = fields(line), lineNumber = first + offset + 1
            guard row.count == columns else {
                throw ExerciseError.badAnswer(file: file, detail: "line \(lineNumber) has \(row.count) values; "
                                              + "each line needs \(columns)")
            }
            return try row.enumerated().map { column, text in
                guard let value = Double(text), value.isFinite else {
                    throw ExerciseError.badAnswer(file: file, detail: "line \(lineNumber), column \(column + 1): "
                                                  + "\"\(text.prefix(20))\" is not a finite number")
                }
                return value
            }
        }
    }
}

/// The plain files the exercises write: CSV matrices with Float's nine significant digits (so that a reader gets
/// the toolkit's exact values back), JSON objects, PNG images.
enum PlainFile {
    static func csv(_ values: [Float], columns: Int, header: String? = nil) -> Data {
        var text = header.map { $0 + "\n" } ?? ""
        for start in stride(from: 0, to: values.count, by: max(columns, 1)) {
            text += values[start ..< min(start + columns, values.count)].map(format).joined(separator: ",") + "\n"
        }
        return Data(text.utf8)
    }

    static func csv(_ rows: [[Int]], header: String? = nil) -> Data {
        let lines: [String] = rows.map { row in row.map { String($0) }.joined(separator: ",") }
        let all: [String] = (header.map { [$0] } ?? []) + lines
        return Data((all.joined(separator: "\n") + "\n").utf8)
    }

    static func json(_ object: [String: Double]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) + Data("\n".utf8)
    }

    static func png(_ image: Image) throws -> Data { try image.encoded(as: .png) }

    static func format(_ value: Float) -> String { value.isFinite ? String(format: "%.9g", Double(value)) : "inf" }
}

/// Compares a matrix answer with the reference, cell by cell, within `tolerance` (absolute, in the answer's units);
/// cells where `skip` is true are not compared. Reports how many cells are off and the first few.
func compareMatrix(_ answer: [Double], _ reference: [Float], columns: Int, file: String, tolerance: Double,
                   skip: (Int) -> Bool = { _ in false }) -> [String] {
    let wrong = reference.indices.filter { !skip($0) && abs(answer[$0] - Double(reference[$0])) > tolerance }
    guard !wrong.isEmpty else { return [] }
    let examples = wrong.prefix(3).map { i in
        "row \(i / columns + 1), column \(i % columns + 1): \(answer[i]) where \(PlainFile.format(reference[i])) "
            + "is expected"
    }
    return ["\(file): \(wrong.count) of \(reference.count) values off by more than "
            + String(format: "%.2g", tolerance) + " (" + examples.joined(separator: "; ") + ")"]
}

/// The tolerance for a reference matrix: `relative` times its largest magnitude (and never below `floor`).
func tolerance(for reference: [Float], relative: Double, floor: Double = 1e-9) -> Double {
    max(floor, relative * Double(reference.lazy.filter(\.isFinite).map { abs($0) }.max() ?? 0))
}
