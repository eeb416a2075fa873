import CCodecs
import Foundation
import StyleLabSupport

/// Limits applied to a file before any pixel buffer is allocated (a guard against decompression bombs).
public struct ReadLimits: Sendable, Equatable {
    /// Largest width × height accepted; 64 megapixels by default (`--max-pixels` raises it).
    public var maxPixels: Int
    public init(maxPixels: Int = 64_000_000) { self.maxPixels = maxPixels }

    /// The largest image file read at all (a 64-megapixel 16-bit RGBA PNG stored uncompressed is 0.5 GB).
    public static let maxFileBytes = 4 << 30
}

/// An image as read from a file, with what the file said about itself.
public struct DecodedImage: Sendable {
    public var image: Image
    public var format: ImageFormat
    /// Bits per sample in the file after palette expansion: 8 or 16.
    public var bitDepth: Int
    /// Adam7-interlaced PNG or progressive JPEG.
    public var interlaced: Bool
}

extension Image {
    /// Reads a PNG or JPEG file, recognised by its bytes, into planar Float in [0, 1].
    ///
    /// 16-bit PNG keeps its 16 bits (as Float); alpha (including palette and tRNS transparency) goes to `alpha`;
    /// CMYK and YCCK JPEGs are converted to RGB. Throws `ImageError` naming the file on any problem.
    public init(contentsOf path: String, limits: ReadLimits = ReadLimits()) throws {
        self = try Image.read(path, limits: limits).image
    }

    /// Reads a file and reports its format, bit depth and interlacing beside the pixels.
    public static func read(_ path: String, limits: ReadLimits = ReadLimits()) throws -> DecodedImage {
        switch readRegularFile(path, maxBytes: ReadLimits.maxFileBytes) {
        case .success(let data): return try decode(data, name: path, limits: limits)
        case .failure(.notFound): throw ImageError.fileNotFound(path: path)
        case .failure(.isFolder): throw ImageError.unreadable(path: path, reason: "it is a folder")
        case .failure(.notRegularFile):
            throw ImageError.unreadable(path: path, reason: "not a regular file (a device or a pipe)")
        case .failure(.tooLarge(let size)):
            throw ImageError.unsupported(path: path, detail: "\(size) bytes is more than any image file read here "
                + "(\(ReadLimits.maxFileBytes) bytes)")
        case .failure(.unreadable(let reason)): throw ImageError.unreadable(path: path, reason: reason)
        }
    }

    /// Decodes PNG or JPEG bytes; `name` is used in error messages.
    public static func decode(_ data: Data, name: String, limits: ReadLimits = ReadLimits()) throws -> DecodedImage {
        if data.isEmpty { throw ImageError.emptyFile(path: name) }
        guard let format = ImageFormat.detect(data.prefix(8)) else { throw ImageError.unknownFormat(path: name) }

        var raw = sl_image()
        var message = [CChar](repeating: 0, count: Int(SL_MESSAGE_CAPACITY))
        let status = data.withUnsafeBytes { bytes -> Int32 in
            // Sound: the codec reads `bytes` only during this call and copies what it keeps; `data` is not empty.
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
                return Int32(SL_CORRUPT.rawValue)
            }
            let limit = Int64(clamping: limits.maxPixels)
            return format == .png
                ? sl_png_decode(base, bytes.count, limit, &raw, &message)
                : sl_jpeg_decode(base, bytes.count, limit, &raw, &message)
        }
        defer { sl_free(raw.pixels) }
        let detail = String(cMessage: message)
        switch Int(status) {
        case Int(SL_OK.rawValue): break
        case Int(SL_TOO_LARGE.rawValue):
            throw ImageError.tooLarge(path: name, width: Int(raw.declared_width), height: Int(raw.declared_height),
                                      limit: limits.maxPixels)
        case Int(SL_NO_MEMORY.rawValue):
            throw ImageError.unsupported(path: name, detail: "not enough memory to decode this image")
        default:
            throw ImageError.corrupt(path: name, format: format, detail: detail.isEmpty ? "unknown error" : detail)
        }
        if raw.width <= 0 || raw.height <= 0 { throw ImageError.zeroSized(path: name) }
        guard let pixels = raw.pixels, (1 ... 4).contains(raw.channels) else {
            throw ImageError.corrupt(path: name, format: format, detail: "the decoder returned no pixels")
        }
        let image = deinterleave(raw, pixels)
        return DecodedImage(image: image, format: format, bitDepth: Int(raw.bit_depth), interlaced: raw.interlaced != 0)
    }

    /// Splits interleaved 8- or 16-bit samples into Float planes; a 2nd or 4th channel becomes alpha.
    private static func deinterleave(_ raw: sl_image, _ pixels: UnsafeMutablePointer<UInt8>) -> Image {
        let width = Int(raw.width), height = Int(raw.height), stored = Int(raw.channels)
        let hasAlpha = stored == 2 || stored == 4
        let colour = hasAlpha ? stored - 1 : stored
        let n = width * height
        var samples = [Float](repeating: 0, count: n * colour)
        var alpha: [Float]? = nil
        func unpack<Sample: BinaryInteger>(_ type: Sample.Type, maxValue: Float) {
            // Sound: the codec allocated n * stored samples of this type.
            let source = UnsafeRawPointer(pixels).assumingMemoryBound(to: Sample.self)
            samples.withUnsafeMutableBufferPointer { planes in
                for i in 0 ..< n {
                    for c in 0 ..< colour { planes[c * n + i] = Float(source[i * stored + c]) / maxValue }
                }
            }
            if hasAlpha {
                alpha = (0 ..< n).map { i in Float(source[i * stored + colour]) / maxValue }
            }
        }
        if raw.bit_depth == 16 { unpack(UInt16.self, maxValue: 65535) } else { unpack(UInt8.self, maxValue: 255) }
        return Image(width: width, height: height, channels: colour, samples: samples, alpha: alpha)
    }
}
