import Foundation
import Imaging
import StyleLabSupport

/// A clip: its frames in order, at one size, and its frame rate.
public struct FrameSequence: Sendable {
    public var frames: [Image]
    public var framesPerSecond: Double

    public init(frames: [Image], framesPerSecond: Double = 10) {
        self.frames = frames
        self.framesPerSecond = framesPerSecond
    }

    /// Which frames to read, and at what size.
    public struct Selection: Sendable {
        /// Longest side of the working frames (they are shrunk or enlarged to it); nil keeps the clip's size.
        public var longestSide: Int?
        /// First frame (0-based), every `step`-th frame, the first `maxFrames` of those.
        public var start = 0, step = 1, maxFrames = 300

        public init(longestSide: Int? = 256, start: Int = 0, step: Int = 1, maxFrames: Int = 300) {
            (self.longestSide, self.start, self.step, self.maxFrames) = (longestSide, start, step, maxFrames)
        }

        public func validate() throws {
            if let side = longestSide, !(16 ... 4096).contains(side) {
                throw ParameterError(name: "--size", value: "\(side)", expected: "16 to 4096")
            }
            guard (0 ... 1_000_000).contains(start) else {
                throw ParameterError(name: "--start", value: "\(start)", expected: "0 to 1000000")
            }
            guard (1 ... 1000).contains(step) else {
                throw ParameterError(name: "--step", value: "\(step)", expected: "1 to 1000")
            }
            guard (1 ... 10_000).contains(maxFrames) else {
                throw ParameterError(name: "--max-frames", value: "\(maxFrames)", expected: "1 to 10000")
            }
        }
    }

    /// Reads a folder of numbered PNG or JPEG frames (in the order of the numbers in their names), or a video
    /// file decoded by ffmpeg.
    public init(contentsOf path: String, _ selection: Selection = Selection(),
                limits: ReadLimits = ReadLimits()) throws {
        try selection.validate()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw VideoError.notFound(path: path)
        }
        if isFolder.boolValue {
            self = try FrameSequence.readFolder(path, selection, limits: limits, framesPerSecond: 10)
            return
        }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("stylelab-frames-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Decode only the frames asked for: select every step-th from start, stop after maxFrames.
        let select = "select='gte(n\\,\(selection.start))*not(mod(n-\(selection.start)\\,\(selection.step)))'"
        try FFmpeg.run("ffmpeg", ["-nostdin", "-v", "error", "-i", path, "-vf", select, "-vsync", "vfr",
                                  "-frames:v", "\(selection.maxFrames)", scratch.path + "/%06d.png"], subject: path)
        let rate = (FFmpeg.frameRate(of: path) ?? 10) / Double(selection.step)
        var all = selection
        (all.start, all.step) = (0, 1)
        self = try FrameSequence.readFolder(scratch.path, all, limits: limits, framesPerSecond: rate, shownAs: path)
    }

    private static func readFolder(_ folder: String, _ selection: Selection, limits: ReadLimits,
                                   framesPerSecond: Double, shownAs: String? = nil) throws -> FrameSequence {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".")
        }
        let ordered = names.sorted { a, b in
            let (na, nb) = (frameNumber(a), frameNumber(b))
            return na != nb ? (na ?? -1) < (nb ?? -1) : a < b
        }
        let chosen = stride(from: selection.start, to: ordered.count, by: selection.step).prefix(selection.maxFrames)
            .map { ordered[$0] }
        guard !chosen.isEmpty else { throw VideoError.noFrames(path: shownAs ?? folder) }
        var frames: [Image] = []
        var first: Size?
        for name in chosen {
            let file = folder + "/" + name
            let image = try Image(contentsOf: file, limits: limits).opaque.rgb()
            if let first, image.size != first {
                throw VideoError.frameSizeDiffers(path: shownAs.map { "\($0) frame \(name)" } ?? file,
                                                  expected: first, got: image.size)
            }
            first = first ?? image.size
            frames.append(image)
        }
        if let side = selection.longestSide, let size = first {
            let fitted = size.fitting(longestSide: side)
            if fitted != size {
                frames = frames.map { $0.resized(to: fitted, method: fitted.width < size.width ? .area : .bicubic) }
            }
        }
        return FrameSequence(frames: frames, framesPerSecond: framesPerSecond)
    }

    /// The last run of digits in a file name, as a number.
    static func frameNumber(_ name: String) -> Int? {
        let stem = (name as NSString).deletingPathExtension
        var digits = "", seen = false
        for character in stem.reversed() {
            if character.isASCII && character.isNumber { digits.insert(character, at: digits.startIndex); seen = true }
            else if seen { break }
        }
        return digits.isEmpty ? nil : Int(digits.suffix(15))
    }

    /// Whether ffmpeg is installed, so that `write(frames:mp4:)` can encode a video.
    public static var canEncodeVideo: Bool { FFmpeg.locate("ffmpeg") != nil }

    /// Writes `frame_00001.png` … into `folder` (made if missing), and an H.264 (yuv420p) `mp4` when given and
    /// ffmpeg is present. Every file is written to a temporary name and renamed.
    public func write(frames folder: String, mp4: String? = nil) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (i, frame) in frames.enumerated() {
            try frame.write(to: folder + "/" + String(format: "frame_%05d.png", i + 1))
        }
        guard let mp4 else { return }
        let url = URL(fileURLWithPath: mp4)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp.mp4")
        // yuv420p needs even sides: pad by one pixel when a side is odd.
        let rate = String(format: "%.4f", framesPerSecond)
        try FFmpeg.run("ffmpeg", ["-nostdin", "-v", "error", "-y", "-framerate", rate,
                                  "-i", folder + "/frame_%05d.png", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
                                  "-c:v", "libx264", "-pix_fmt", "yuv420p", temporary.path], subject: mp4)
        guard rename(temporary.path, mp4) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw ImageError.writeFailed(path: mp4, reason: String(cString: strerror(errno)))
        }
    }
}

extension FrameSequence {
    /// Up to `count` frames, evenly spaced through the clip, side by side with a 2-pixel white gap: a clip as one
    /// picture, for grids and reports.
    public func strip(count: Int = 5) -> Image {
        guard let first = frames.first, count >= 1 else { return Image(width: 1, height: 1, channels: 3, value: 1) }
        let chosen = frames.count <= count ? Array(frames.indices)
            : (0 ..< count).map { $0 * (frames.count - 1) / max(count - 1, 1) }
        let gap = 2, w = first.width, h = first.height
        var out = Image(width: chosen.count * w + (chosen.count - 1) * gap, height: h, channels: 3, value: 1)
        for (slot, index) in chosen.enumerated() {
            let frame = frames[index].opaque.rgb()
            for c in 0 ..< 3 {
                for y in 0 ..< h { for x in 0 ..< w { out[slot * (w + gap) + x, y, c] = frame[x, y, c] } }
            }
        }
        return out
    }
}
