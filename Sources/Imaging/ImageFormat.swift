/// The file formats StyleLab reads and writes, recognised by their first bytes, never by the file name.
public enum ImageFormat: String, Codable, Sendable, CaseIterable {
    case png
    case jpeg

    public var name: String { self == .png ? "PNG" : "JPEG" }

    /// Recognises PNG (`89 50 4E 47 0D 0A 1A 0A`) and JPEG (`FF D8 FF`) signatures.
    public static func detect<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> ImageFormat? {
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if bytes.starts(with: pngSignature) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// The format a file name asks for when writing (`.png`, `.jpg`, `.jpeg`); nil for anything else.
    public init?(fileName: String) {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".png") { self = .png }
        else if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") { self = .jpeg }
        else { return nil }
    }
}
