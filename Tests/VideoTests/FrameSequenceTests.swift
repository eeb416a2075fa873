import Foundation
import Imaging
import Testing
import Video

@Suite struct FrameSequenceTests {
    static func folder(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("video-\(name)-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func framesAreReadInTheOrderOfTheirNumbers() throws {
        let dir = try FrameSequenceTests.folder("order")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (number, grey) in [(10, 0.9), (2, 0.2), (1, 0.1)] as [(Int, Float)] {
            try Image(width: 20, height: 16, channels: 3, value: grey).write(to: "\(dir)/shot\(number).png")
        }
        try Data("not a frame".utf8).write(to: URL(fileURLWithPath: dir + "/notes.txt"))
        let clip = try FrameSequence(contentsOf: dir, .init(longestSide: nil))
        #expect(clip.frames.map { ($0[0, 0, 0] * 10).rounded() } == [1, 2, 9])
        let every = try FrameSequence(contentsOf: dir, .init(longestSide: 40, start: 1, step: 1, maxFrames: 5))
        #expect(every.frames.count == 2 && every.frames[0].size == Size(width: 40, height: 32))
    }

    @Test func badClipsAreRefusedByName() throws {
        let dir = try FrameSequenceTests.folder("bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: VideoError.noFrames(path: dir)) { try FrameSequence(contentsOf: dir) }
        try Image(width: 20, height: 16, channels: 3).write(to: dir + "/1.png")
        try Image(width: 21, height: 16, channels: 3).write(to: dir + "/2.png")
        #expect(throws: VideoError.self) { try FrameSequence(contentsOf: dir) }
        #expect(try FrameSequence(contentsOf: dir, .init(maxFrames: 1)).frames.count == 1)  // the first one only
        #expect(throws: VideoError.notFound(path: dir + "/missing")) { try FrameSequence(contentsOf: dir + "/missing") }
        #expect(throws: ParameterError.self) { try FrameSequence(contentsOf: dir, .init(step: 0)) }
        try Data("garbage, not a video".utf8).write(to: URL(fileURLWithPath: dir + "/clip.mp4"))
        #expect(throws: VideoError.self) { try FrameSequence(contentsOf: dir + "/clip.mp4") }
    }

    @Test func anMP4RoundTripKeepsTheFramesAndTheirRate() throws {
        let dir = try FrameSequenceTests.folder("mp4")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // An odd width, which yuv420p cannot hold: the writer pads it.
        let frames = (0 ..< 6).map { SyntheticImage.naturalLooking(Size(width: 47, height: 32), seed: UInt64($0)) }
        try FrameSequence(frames: frames, framesPerSecond: 12).write(frames: dir + "/frames", mp4: dir + "/clip.mp4")
        let back = try FrameSequence(contentsOf: dir + "/clip.mp4", .init(longestSide: nil))
        #expect(back.frames.count == 6)
        #expect(back.frames[0].size == Size(width: 48, height: 32))
        #expect(abs(back.framesPerSecond - 12) < 0.01)
        let cropped = back.frames[3].cropped(x: 0, y: 0, width: 47, height: 32)
        #expect(meanAbsoluteDifference(cropped, frames[3]) < 0.08)  // H.264 is lossy, but close
        // The PNG frames hold the pictures to 8 bits.
        let folder = try FrameSequence(contentsOf: dir + "/frames", .init(longestSide: nil))
        #expect(folder.frames.count == 6)
        #expect(zip(folder.frames, frames).allSatisfy { pair in
            zip(pair.0.samples, pair.1.samples).allSatisfy { abs($0 - $1) <= 0.5 / 255 + 1e-6 }
        })
    }

    func meanAbsoluteDifference(_ a: Image, _ b: Image) -> Double {
        zip(a.samples, b.samples).reduce(0.0) { $0 + Double(abs($1.0 - $1.1)) } / Double(max(a.samples.count, 1))
    }
}
