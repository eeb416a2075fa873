import Foundation
import StyleLabSupport

/// Hugging Face safetensors: an 8-byte little-endian header length N, N bytes of JSON
/// (`{name: {dtype, shape, data_offsets: [begin, end]}}`, optional `__metadata__` of strings, kept as the file's
/// metadata), then the data.
///
/// Checked as the safetensors library itself checks: a header of at most 100 MB, every shape's byte size equal to
/// its span, and spans that tile the data buffer exactly — no overlaps, no holes, nothing past the end.
extension WeightFile {
    static let maxSafetensorsHeader = 100_000_000

    private struct Entry: Decodable {
        var dtype: String
        var shape: [Int]
        var data_offsets: [Int]
    }

    /// The header's tensor entries and `__metadata__`, which must be a map of strings.
    private struct Header: Decodable {
        var entries: [(name: String, entry: Entry)] = []
        var metadata: [String: String] = [:]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys {
                if key.stringValue == "__metadata__" {
                    metadata = try container.decode([String: String].self, forKey: key)
                } else {
                    entries.append((key.stringValue, try container.decode(Entry.self, forKey: key)))
                }
            }
        }
    }

    static func readSafetensors(_ bytes: [UInt8], name: String) throws -> WeightFile {
        func corrupt(_ detail: String) -> WeightError { .corrupt(path: name, detail: "safetensors: \(detail)") }
        var reader = try ByteReader(bytes, name: name, context: "safetensors header")
        let length = try reader.count(8, what: "header length")
        guard length <= maxSafetensorsHeader else {
            throw corrupt("a header of \(length) bytes is over the 100 MB limit")
        }
        let json = Data(try reader.take(length))
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: json) } catch {
            throw corrupt("the JSON header is not a map of tensors to {dtype, shape, data_offsets} (\(error))")
        }
        let buffer = reader.position, bufferSize = bytes.count - buffer
        let types = ["F32": ElementType.float32, "F16": .float16, "BF16": .bfloat16, "U8": .uint8]
        // Spans in order of their start; each must begin where the previous one ended.
        var end = 0
        var tensors: [String: WeightTensor] = [:]
        let byStart = header.entries.sorted { ($0.entry.data_offsets.first ?? 0) < ($1.entry.data_offsets.first ?? 0) }
        for (key, entry) in byStart {
            guard let type = types[entry.dtype] else {
                throw WeightError.refused(path: name,
                                          detail: "tensor \(key) has dtype \(entry.dtype), not one of F32/F16/BF16/U8")
            }
            let span = entry.data_offsets
            guard span.count == 2, span[0] == end, span[1] >= span[0], span[1] <= bufferSize else {
                throw corrupt("tensor \(key)'s data_offsets \(span) do not follow the previous tensor's end \(end) "
                    + "inside the \(bufferSize)-byte buffer (overlapping, gapped or out of the file)")
            }
            guard let count = Checked.product(entry.shape), let size = Checked.product([count, type.size]),
                  size == span[1] - span[0] else {
                throw corrupt("tensor \(key) of shape \(entry.shape) and \(entry.dtype) does not fill its "
                    + "\(span[1] - span[0]) bytes")
            }
            let values = type.decode(bytes[buffer + span[0] ..< buffer + span[1]])
            tensors[key] = WeightTensor(shape: entry.shape, values: values, storedType: type.rawValue)
            end = span[1]
        }
        guard end == bufferSize else { throw corrupt("\(bufferSize - end) bytes after the last tensor belong to none") }
        let names = byStart.map(\.name)
        var file = WeightFile(format: .safetensors, tensors: tensors, names: names)
        file.metadata = header.metadata
        return file
    }
}
