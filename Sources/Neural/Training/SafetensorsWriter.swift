import Foundation

/// Writes safetensors (the format `WeightFile` reads): an 8-byte little-endian header length, the JSON header
/// (padded with spaces to a multiple of 8, as the reference library does), then each tensor's little-endian
/// bytes in the order of the header's offsets.
enum SafetensorsWriter {
    enum Precision: String { case float32 = "F32", float16 = "F16" }

    struct Entry {
        var name: String
        var shape: [Int]
        var values: [Float]
    }

    static func encode(_ entries: [Entry], precision: Precision, metadata: [String: String]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var body = Data(), offset = 0
        for entry in entries.sorted(by: { $0.name < $1.name }) {
            var bytes = Data(capacity: entry.values.count * (precision == .float32 ? 4 : 2))
            for value in entry.values {
                if precision == .float32 {
                    withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
                } else {
                    withUnsafeBytes(of: Float16(value).bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
                }
            }
            header[entry.name] = ["dtype": precision.rawValue, "shape": entry.shape,
                                  "data_offsets": [offset, offset + bytes.count]] as [String: Any]
            offset += bytes.count
            body.append(bytes)
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(body)
        return out
    }
}
