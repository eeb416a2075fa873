import CCodecs
import Foundation

/// How an image is written.
public struct WriteOptions: Sendable, Equatable {
    /// Bits per PNG sample: 8 (default) or 16. JPEG is always 8-bit.
    public var bitDepth: Int
    /// JPEG quality 1–100; 92 keeps artefacts out of figures.
    public var jpegQuality: Int
    public var progressiveJPEG: Bool
    /// zlib level 0–9 for PNG. 3, not libpng's 6: measured on a 512² quilt and two photos, it encodes 2.5× faster
    /// (38 ms against 98 ms for 512² RGB) for files at most 7 % larger (and smaller on the quilt).
    public var pngCompressionLevel: Int

    public init(bitDepth: Int = 8, jpegQuality: Int = 92, progressiveJPEG: Bool = false, pngCompressionLevel: Int = 3) {
        self.bitDepth = bitDepth
        self.jpegQuality = jpegQuality
        self.progressiveJPEG = progressiveJPEG
        self.pngCompressionLevel = pngCompressionLevel
    }

    /// Checks every field once, naming the CLI flag that sets it.
    public func validate() throws {
        guard bitDepth == 8 || bitDepth == 16 else {
            throw ParameterError(name: "--bit-depth", value: "\(bitDepth)", expected: "8 or 16")
        }
        guard (1 ... 100).contains(jpegQuality) else {
            throw ParameterError(name: "--quality", value: "\(jpegQuality)", expected: "1 to 100")
        }
        guard (0 ... 9).contains(pngCompressionLevel) else {
            throw ParameterError(name: "PNG compression level", value: "\(pngCompressionLevel)", expected: "0 to 9")
        }
    }
}

extension Image {
    /// Encodes to PNG or JPEG bytes. Grey and RGB images (plus alpha, PNG only) can be encoded.
    public func encoded(as format: ImageFormat, options: WriteOptions = WriteOptions(), name: String = "image") throws -> Data {
        try options.validate()
        guard channels == 1 || channels == 3 else {
            throw ImageError.unsupported(path: name, detail: "\(channels) channels cannot be saved as an image; "
                + "convert to grey (1) or RGB (3) first")
        }
        if isEmpty { throw ImageError.zeroSized(path: name) }
        if format == .jpeg && alpha != nil {
            throw ImageError.unsupported(path: name, detail: "JPEG has no alpha channel; write a PNG, "
                + "or flatten the image first (stylelab convert --flatten)")
        }
        let depth = format == .jpeg ? 8 : options.bitDepth
        let stored = channels + (alpha == nil ? 0 : 1)
        var output = sl_buffer()
        var message = [CChar](repeating: 0, count: Int(SL_MESSAGE_CAPACITY))
        let status: Int32
        if depth == 16 {
            let packed: [UInt16] = interleaved(maxValue: 65535)
            status = packed.withUnsafeBytes { bytes in
                sl_png_encode(bytes.bindMemory(to: UInt8.self).baseAddress, Int32(width), Int32(height), Int32(stored),
                              16, Int32(options.pngCompressionLevel), &output, &message)
            }
        } else {
            let packed: [UInt8] = interleaved(maxValue: 255)
            status = packed.withUnsafeBufferPointer { bytes in
                format == .png
                    ? sl_png_encode(bytes.baseAddress, Int32(width), Int32(height), Int32(stored), 8,
                                    Int32(options.pngCompressionLevel), &output, &message)
                    : sl_jpeg_encode(bytes.baseAddress, Int32(width), Int32(height), Int32(stored),
                                     Int32(options.jpegQuality), options.progressiveJPEG ? 1 : 0, 0, &output, &message)
            }
        }
        defer { sl_free(output.bytes) }
        guard status == Int32(SL_OK.rawValue), let bytes = output.bytes else {
            throw ImageError.writeFailed(path: name, reason: "\(format.name) encoder: \(String(cMessage: message))")
        }
        return Data(bytes: bytes, count: output.size)
    }

    /// Writes the image to `path`, in the format its name asks for (PNG when the name says neither).
    ///
    /// The bytes go to a temporary file in the same folder, which is then renamed over `path`: a reader never sees
    /// a half-written file, and a failure leaves any earlier file intact.
    public func write(to path: String, format: ImageFormat? = nil, options: WriteOptions = WriteOptions()) throws {
        let data = try encoded(as: format ?? ImageFormat(fileName: path) ?? .png, options: options, name: path)
        try data.writeAtomically(to: path)
    }

    /// Samples rounded to unsigned integers, pixel-interleaved, alpha last.
    func interleaved<Sample: FixedWidthInteger & UnsignedInteger>(maxValue: Float) -> [Sample] {
        let n = pixelCount
        let stored = channels + (alpha == nil ? 0 : 1)
        var packed = [Sample](repeating: 0, count: n * stored)
        // NaN (a diverged optimisation, say) becomes 0 rather than a trap in the integer conversion. Rounding half
        // up by truncation and one comparison, not `rounded()`: the x86-64 baseline has no rounding instruction,
        // so `rounded()` would be a libm call per sample, while this vectorises with SSE2 (same results, as t ≥ 0).
        func quantise(_ v: Float) -> Sample {
            let t = (v >= 0 ? min(v, 1) : 0) * maxValue
            let truncated = Sample(t)
            return t - Float(truncated) >= 0.5 ? truncated + 1 : truncated
        }
        packed.withUnsafeMutableBufferPointer { out in
            samples.withUnsafeBufferPointer { planes in
                for c in 0 ..< channels {
                    for i in 0 ..< n { out[i * stored + c] = quantise(planes[c * n + i]) }
                }
            }
            if let alpha {
                for i in 0 ..< n { out[i * stored + channels] = quantise(alpha[i]) }
            }
        }
        return packed
    }
}

extension Data {
    /// Writes through a temporary sibling file and a rename, so `path` is either the old file or the whole new one.
    package func writeAtomically(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw ImageError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
        } catch let error as ImageError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ImageError.writeFailed(path: path, reason: (error as NSError).localizedFailureReason ?? "\(error)")
        }
    }
}

extension Image {
    /// An RGB image as an Adobe-style (inverted) CMYK JPEG, stored as CMYK or YCCK. Used to make reader fixtures:
    /// StyleLab itself never writes CMYK.
    func encodedAsCMYKJPEG(ycck: Bool, quality: Int = 95) throws -> Data {
        precondition(channels == 3, "CMYK fixtures start from RGB")
        let n = pixelCount
        var cmyk = [UInt8](repeating: 0, count: n * 4)
        for i in 0 ..< n {
            let r = samples[i], g = samples[n + i], b = samples[2 * n + i]
            let k = 1 - max(r, g, b)
            let ink = k < 1 ? [(1 - r - k) / (1 - k), (1 - g - k) / (1 - k), (1 - b - k) / (1 - k), k] : [0, 0, 0, 1]
            for c in 0 ..< 4 { cmyk[i * 4 + c] = UInt8(((1 - ink[c]) * 255).rounded()) }  // Adobe stores 255 − ink
        }
        var output = sl_buffer()
        var message = [CChar](repeating: 0, count: Int(SL_MESSAGE_CAPACITY))
        let status = sl_jpeg_encode(cmyk, Int32(width), Int32(height), 4, Int32(quality), 0, ycck ? 1 : 0, &output, &message)
        defer { sl_free(output.bytes) }
        guard status == Int32(SL_OK.rawValue), let bytes = output.bytes else {
            throw ImageError.writeFailed(path: "CMYK fixture", reason: String(cMessage: message))
        }
        return Data(bytes: bytes, count: output.size)
    }
}
