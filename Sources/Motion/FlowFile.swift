import Foundation
import Imaging
import StyleLabSupport

/// Middlebury .flo files (Baker et al. 2011, "A Database and Evaluation Methodology for Optical Flow"), the
/// format of the Middlebury, Sintel and KITTI-devkit tools.
///
/// Layout, all little-endian: the float 202021.25 (the bytes "PIEH", a check of byte order), int32 width,
/// int32 height, then width × height interleaved float32 pairs (u, v), row by row from the top. The flow is
/// stored as it is, so a value Middlebury marks unknown (over 1e9) reads back unchanged.
public enum FlowFile {
    /// The magic number every .flo file starts with.
    public static let magic: Float = 202021.25
    /// Largest flow `read` accepts by default, in pixels: the same default as images' `--max-pixels`.
    public static let defaultMaxPixels = 64_000_000
    static let headerBytes = 12

    /// Reads a .flo file, refusing anything that is not one before allocating for it: a wrong magic number,
    /// sizes of zero, below zero or over `maxPixels`, and a file shorter or longer than its sizes say.
    ///
    /// - Throws: `MotionError.flowFileNotFound`, `.flowFileUnreadable` (a folder, a device, permissions),
    ///   `.badFlowFile` with what is wrong.
    public static func read(_ path: String, maxPixels: Int = defaultMaxPixels) throws -> FlowField {
        // A valid file of maxPixels pixels has this many bytes; anything longer is refused unread.
        let maxBytes = Checked.product([max(maxPixels, 0), 8]).flatMap { Checked.sum($0, headerBytes) } ?? Int.max
        switch readRegularFile(path, maxBytes: maxBytes) {
        case .success(let data):
            return try decode(data, name: path, maxPixels: maxPixels)
        case .failure(.notFound):
            throw MotionError.flowFileNotFound(path: path)
        case .failure(.isFolder):
            throw MotionError.flowFileUnreadable(path: path, reason: "it is a folder")
        case .failure(.notRegularFile):
            throw MotionError.flowFileUnreadable(path: path, reason: "not a regular file")
        case .failure(.unreadable(let reason)):
            throw MotionError.flowFileUnreadable(path: path, reason: reason)
        case .failure(.tooLarge(let bytes)):
            throw MotionError.badFlowFile(path: path, detail: "\(bytes) bytes is more than a flow of at most "
                                          + "\(maxPixels) pixels takes")
        }
    }

    /// Decodes the bytes of a .flo file; `name` is the file's name for messages.
    public static func decode(_ data: Data, name: String, maxPixels: Int = defaultMaxPixels) throws -> FlowField {
        func bad(_ detail: String) -> MotionError { .badFlowFile(path: name, detail: detail) }
        guard data.count >= headerBytes else {
            throw bad("\(data.count) bytes, shorter than the \(headerBytes)-byte header")
        }
        return try data.withUnsafeBytes { bytes in
            // Sound: every load below lies inside `bytes` — the header was checked above, the samples against
            // the exact length below.
            func word(_ offset: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset,
                                                                                          as: UInt32.self)) }
            guard word(0) == magic.bitPattern else {
                throw bad(String(format: "magic number 0x%08x, expected 0x%08x (202021.25)", word(0),
                                 magic.bitPattern))
            }
            let width = Int(Int32(bitPattern: word(4))), height = Int(Int32(bitPattern: word(8)))
            guard width > 0 && height > 0 else { throw bad("size \(width)x\(height); both must be positive") }
            guard let pixels = Checked.pixelCount(width, height), pixels <= maxPixels else {
                throw bad("\(width)x\(height) = \(Checked.productText([width, height])) pixels, over the limit of "
                          + "\(maxPixels)")
            }
            // Checked, since maxPixels is the caller's and may be anything.
            guard let sampleBytes = Checked.product([pixels, 8]),
                  let expected = Checked.sum(headerBytes, sampleBytes) else {
                throw bad("\(width)x\(height) is too large to hold")
            }
            guard data.count == expected else {
                let which = data.count < expected ? "truncated" : "trailing bytes"
                throw bad("\(which): \(data.count) bytes, a \(width)x\(height) flow takes \(expected)")
            }
            var u = [Float](repeating: 0, count: pixels), v = [Float](repeating: 0, count: pixels)
            for i in 0 ..< pixels {
                u[i] = Float(bitPattern: word(headerBytes + 8 * i))
                v[i] = Float(bitPattern: word(headerBytes + 8 * i + 4))
            }
            guard let flow = FlowField(width: width, height: height, u: u, v: v) else {
                throw bad("inconsistent planes")  // unreachable: both planes were made with `pixels` values
            }
            return flow
        }
    }

    /// The bytes of `flow` as a .flo file.
    ///
    /// - Throws: `MotionError.invalidFlow` when the planes do not hold `width × height` values, the flow is empty,
    ///   or a side exceeds Int32.
    public static func encode(_ flow: FlowField) throws -> Data {
        guard flow.hasConsistentPlanes else {
            throw MotionError.invalidFlow(detail: "a \(flow.size) flow holds \(flow.u.count) u and \(flow.v.count) "
                                          + "v values")
        }
        guard flow.width > 0 && flow.height > 0, let width = Int32(exactly: flow.width),
              let height = Int32(exactly: flow.height) else {
            throw MotionError.invalidFlow(detail: "size \(flow.size); .flo sides are 1 to \(Int32.max)")
        }
        var words = [UInt32](repeating: 0, count: 3 + 2 * flow.pixelCount)
        words[0] = magic.bitPattern.littleEndian
        words[1] = UInt32(bitPattern: width).littleEndian
        words[2] = UInt32(bitPattern: height).littleEndian
        for i in 0 ..< flow.pixelCount {
            words[3 + 2 * i] = flow.u[i].bitPattern.littleEndian
            words[4 + 2 * i] = flow.v[i].bitPattern.littleEndian
        }
        return words.withUnsafeBytes { Data($0) }
    }

    /// Writes `flow` to `path` through a temporary file in the same folder and a rename: a reader never sees a
    /// half-written file, and a failure leaves an earlier file intact.
    ///
    /// - Throws: `MotionError.invalidFlow` (see `encode`), `ImageError.writeFailed` naming the path.
    public static func write(_ flow: FlowField, to path: String) throws {
        try encode(flow).writeAtomically(to: path)
    }
}
