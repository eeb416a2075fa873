import StyleLabSupport

/// A read-only view of a zip archive's stored (uncompressed) members, as PyTorch's zip format writes them.
///
/// Every offset and size comes from the file, so each is checked against the bytes really there before use; the
/// zip64 records PyTorch's writer adds for large files are read the same way.
struct ZipArchive {
    struct Member { var offset: Int; var size: Int; var method: Int }
    private let bytes: [UInt8]
    private var members: [String: Member] = [:]
    private(set) var names: [String] = []
    let name: String

    init(_ bytes: [UInt8], name: String) throws {
        self.bytes = bytes
        self.name = name
        let (count, start) = try ZipArchive.centralDirectory(bytes, name: name)
        var directory = start
        for _ in 0 ..< count {
            var entry = try ByteReader(bytes, at: directory, name: name, context: "zip directory")
            guard try entry.littleEndian(4) == 0x0201_4B50 else {
                throw corrupt("a zip directory entry has a wrong signature")
            }
            try entry.skip(6)
            let method = Int(try entry.littleEndian(2))
            try entry.skip(8)
            var compressed = Int(try entry.littleEndian(4)), size = Int(try entry.littleEndian(4))
            let nameLength = Int(try entry.littleEndian(2)), extraLength = Int(try entry.littleEndian(2))
            let commentLength = Int(try entry.littleEndian(2))
            try entry.skip(8)
            var local = Int(try entry.littleEndian(4))
            let member = String(decoding: try entry.take(nameLength), as: UTF8.self)
            // zip64: sizes and offset that do not fit 32 bits are 0xFFFFFFFF here and 8-byte values in extra field 1.
            var extra = try ByteReader(Array(try entry.take(extraLength)), name: name, context: "zip extra field")
            try entry.skip(commentLength)
            if size == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF || local == 0xFFFF_FFFF {
                let wide = try ZipArchive.zip64Field(&extra, name: name)
                var values = wide.makeIterator()
                func next() throws -> Int {
                    guard let v = values.next() else {
                        throw ZipArchive.corrupt(name, "zip64 field of \(member) is short")
                    }
                    return v
                }
                if size == 0xFFFF_FFFF { size = try next() }
                if compressed == 0xFFFF_FFFF { compressed = try next() }
                if local == 0xFFFF_FFFF { local = try next() }
            }
            guard members[member] == nil else { throw corrupt("member \(member) appears twice") }
            guard method != 0 || compressed == size else {
                throw corrupt("stored member \(member) has two different sizes")
            }
            members[member] = Member(offset: try ZipArchive.dataStart(bytes, localHeader: local, name: name),
                                     size: size, method: method)
            names.append(member)
            directory = entry.position
        }
    }

    func contents(of member: String) throws -> ArraySlice<UInt8> {
        guard let entry = members[member] else { throw corrupt("member \(member) is missing") }
        guard entry.method == 0 else {
            let detail = "zip member \(member) is compressed; PyTorch stores its members uncompressed"
            throw WeightError.refused(path: name, detail: detail)
        }
        guard Checked.rangeFits(start: entry.offset, count: entry.size, in: bytes.count) else {
            throw corrupt("member \(member) runs past the end of the file (truncated?)")
        }
        return bytes[entry.offset ..< entry.offset + entry.size]
    }

    private func corrupt(_ detail: String) -> WeightError { ZipArchive.corrupt(name, detail) }
    private static func corrupt(_ name: String, _ detail: String) -> WeightError {
        .corrupt(path: name, detail: "zip: \(detail)")
    }

    /// The entry count and offset of the central directory, from the end record (and its zip64 twin when the
    /// classic fields are saturated). The end record sits in the last 64 KiB + 22 bytes.
    private static func centralDirectory(_ bytes: [UInt8], name: String) throws -> (count: Int, offset: Int) {
        let signature: [UInt8] = [0x50, 0x4B, 5, 6]
        guard bytes.count >= 22, let end = stride(from: bytes.count - 22, through: max(0, bytes.count - 65_558), by: -1)
            .first(where: { bytes[$0 ..< $0 + 4].elementsEqual(signature) }) else {
            throw corrupt(name, "no central directory found (truncated?)")
        }
        var record = try ByteReader(bytes, at: end + 10, name: name, context: "zip end record")
        let count = Int(try record.littleEndian(2))
        try record.skip(4)
        let offset = Int(try record.littleEndian(4))
        guard count == 0xFFFF || offset == 0xFFFF_FFFF else { return (count, offset) }
        // zip64 end-of-central-directory locator, 20 bytes before the end record, points at the zip64 record.
        guard end >= 20 else { throw corrupt(name, "zip64 locator missing") }
        var locator = try ByteReader(bytes, at: end - 20, name: name, context: "zip64 locator")
        guard try locator.littleEndian(4) == 0x0706_4B50 else { throw corrupt(name, "zip64 locator missing") }
        try locator.skip(4)
        let recordOffset = try locator.count(8, what: "zip64 record offset")
        var zip64 = try ByteReader(bytes, at: recordOffset, name: name, context: "zip64 record")
        guard try zip64.littleEndian(4) == 0x0606_4B50 else {
            throw corrupt(name, "zip64 end record has a wrong signature")
        }
        try zip64.skip(28)
        let wideCount = try zip64.count(8, what: "entry count")
        try zip64.skip(16)
        return (wideCount, try zip64.count(8, what: "directory offset"))
    }

    /// The 8-byte values of the zip64 extended-information extra field (header id 1).
    private static func zip64Field(_ extra: inout ByteReader, name: String) throws -> [Int] {
        while !extra.isAtEnd {
            let id = try extra.littleEndian(2), length = Int(try extra.littleEndian(2))
            var field = try ByteReader(Array(try extra.take(length)), name: name, context: "zip64 field")
            guard id == 1 else { continue }
            return try (0 ..< length / 8).map { _ in try field.count(8, what: "zip64 size") }
        }
        throw corrupt(name, "a member's size needs zip64, but its zip64 field is missing")
    }

    /// Where a member's data begins: after its local header, whose own name and extra lengths may differ.
    private static func dataStart(_ bytes: [UInt8], localHeader: Int, name: String) throws -> Int {
        var local = try ByteReader(bytes, at: localHeader, name: name, context: "zip local header")
        guard try local.littleEndian(4) == 0x0403_4B50 else {
            throw corrupt(name, "a local header has a wrong signature")
        }
        try local.skip(22)
        let nameLength = Int(try local.littleEndian(2)), extraLength = Int(try local.littleEndian(2))
        try local.skip(nameLength + extraLength)
        return local.position
    }
}
