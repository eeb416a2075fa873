import StyleLabSupport

/// Everything a user can get wrong with an image file or an image parameter.
///
/// Each message names the file or the parameter, says what is wrong, and what to do about it.
public enum ImageError: Error, Equatable, CustomStringConvertible, Sendable {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case emptyFile(path: String)
    case unknownFormat(path: String)
    case corrupt(path: String, format: ImageFormat, detail: String)
    case tooLarge(path: String, width: Int, height: Int, limit: Int)
    case zeroSized(path: String)
    case unsupported(path: String, detail: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file; check the path"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read (\(reason)); check its permissions"
        case .emptyFile(let path):
            return "\(path): the file is empty (0 bytes); it is not an image"
        case .unknownFormat(let path):
            return "\(path): not a PNG or JPEG file (the first bytes match neither); convert it to PNG first"
        case .corrupt(let path, let format, let detail):
            return "\(path): corrupt or truncated \(format.name) (\(detail)); re-export or re-download the file"
        case .tooLarge(let path, let width, let height, let limit):
            // The sizes come from the file: their product may overflow, so it is computed checked.
            guard let pixels = Checked.product([width, height]) else {
                return "\(path): \(width)x\(height) pixels is more than any image can hold; the file is corrupt"
            }
            return "\(path): \(width)x\(height) = \(pixels) pixels exceeds the limit of \(limit); "
                + "raise it with --max-pixels \(pixels) if you trust the file"
        case .zeroSized(let path):
            return "\(path): the image has zero width or height"
        case .unsupported(let path, let detail):
            return "\(path): \(detail)"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write (\(reason)); check that the folder exists and is writable"
        }
    }
}

extension String {
    /// The text of a NUL-terminated C message buffer, as the C bridges fill them.
    package init(cMessage buffer: [CChar]) {
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
