import StyleLabSupport

/// A read cursor over a file's bytes that cannot leave them.
///
/// Every read checks, without overflow, that the bytes it needs are really there; a file that ends too soon is a
/// `WeightError.corrupt` naming the file and the part (`context`) that was being read.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var position: Int
    let name: String
    /// What is being read, for messages: "pickle", "zip directory" …
    let context: String

    /// A cursor at `offset`; an offset outside the file is refused here, so every later read starts inside it.
    init(_ bytes: [UInt8], at offset: Int = 0, name: String, context: String) throws {
        self.bytes = bytes
        self.position = 0
        self.name = name
        self.context = context
        try seek(to: offset)
    }

    var remaining: Int { bytes.count - position }
    var isAtEnd: Bool { position >= bytes.count }

    mutating func seek(to offset: Int) throws {
        guard offset >= 0 && offset <= bytes.count else {
            throw WeightError.corrupt(path: name,
                                      detail: "\(context): offset \(offset) is outside the \(bytes.count)-byte file")
        }
        position = offset
    }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw truncated() }
        defer { position += 1 }
        return bytes[position]
    }

    /// The next `count` bytes.
    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0 else { throw WeightError.corrupt(path: name, detail: "\(context): negative length \(count)") }
        guard count <= remaining else { throw truncated() }
        defer { position += count }
        return bytes[position ..< position + count]
    }

    mutating func skip(_ count: Int) throws { _ = try take(count) }

    /// An unsigned little-endian integer of `width` (1…8) bytes.
    mutating func littleEndian(_ width: Int) throws -> UInt64 {
        try take(width).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// An unsigned big-endian integer of `width` (1…8) bytes.
    mutating func bigEndian(_ width: Int) throws -> UInt64 {
        try take(width).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A little-endian count or offset that must fit in Int (any 1–4 byte value does; 8-byte ones may not).
    mutating func count(_ width: Int, what: String) throws -> Int {
        let value = try littleEndian(width)
        guard let count = Int(exactly: value), count <= bytes.count else {
            let detail = "\(context): \(what) \(value) is larger than the \(bytes.count)-byte file"
            throw WeightError.corrupt(path: name, detail: detail)
        }
        return count
    }

    func truncated() -> WeightError {
        .corrupt(path: name, detail: "\(context): the file ends too soon (\(bytes.count) bytes; truncated?)")
    }
}
