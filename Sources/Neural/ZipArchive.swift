/// A read-only view of a zip archive's stored (uncompressed) members, as PyTorch's zip format writes them.
struct ZipArchive {
    private let bytes: [UInt8]
    private var members: [String: (offset: Int, size: Int, method: Int)] = [:]
    private(set) var names: [String] = []
    let name: String

    init(_ bytes: [UInt8], name: String) throws {
        self.bytes = bytes
        self.name = name
        // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
        guard bytes.count >= 22, let end = stride(from: bytes.count - 22, through: max(0, bytes.count - 65_558), by: -1)
            .first(where: { ZipArchive.u32(bytes, $0) == 0x0605_4B50 }) else {
            throw WeightError.corrupt(path: name, detail: "zip central directory not found (truncated?)")
        }
        let count = ZipArchive.u16(bytes, end + 10)
        var at = ZipArchive.u32(bytes, end + 16)
        for _ in 0 ..< count {
            guard at + 46 <= bytes.count, ZipArchive.u32(bytes, at) == 0x0201_4B50 else {
                throw WeightError.corrupt(path: name, detail: "zip directory entry")
            }
            let method = ZipArchive.u16(bytes, at + 10), size = ZipArchive.u32(bytes, at + 20)
            let nameLength = ZipArchive.u16(bytes, at + 28), extra = ZipArchive.u16(bytes, at + 30), comment = ZipArchive.u16(bytes, at + 32)
            let local = ZipArchive.u32(bytes, at + 42)
            guard at + 46 + nameLength <= bytes.count, local + 30 <= bytes.count else { throw WeightError.corrupt(path: name, detail: "zip entry name") }
            let member = String(decoding: bytes[at + 46 ..< at + 46 + nameLength], as: UTF8.self)
            // Data starts after the local header, whose own name and extra field lengths may differ.
            let data = local + 30 + ZipArchive.u16(bytes, local + 26) + ZipArchive.u16(bytes, local + 28)
            members[member] = (data, size, method)
            names.append(member)
            at += 46 + nameLength + extra + comment
        }
    }

    func contents(of member: String) throws -> ArraySlice<UInt8> {
        guard let entry = members[member] else { throw WeightError.corrupt(path: name, detail: "zip member \(member) missing") }
        guard entry.method == 0 else {
            throw WeightError.refused(path: name, detail: "zip member \(member) is compressed; PyTorch stores its members uncompressed")
        }
        guard entry.offset + entry.size <= bytes.count else { throw WeightError.corrupt(path: name, detail: "zip member \(member) is truncated") }
        return bytes[entry.offset ..< entry.offset + entry.size]
    }

    static func u16(_ b: [UInt8], _ i: Int) -> Int { i + 2 <= b.count ? Int(b[i]) | Int(b[i + 1]) << 8 : 0 }
    static func u32(_ b: [UInt8], _ i: Int) -> Int { i + 4 <= b.count ? u16(b, i) | u16(b, i + 2) << 16 : 0 }
}
