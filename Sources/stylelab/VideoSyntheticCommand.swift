import ArgumentParser
import Foundation
import Imaging
import Motion
import Video

/// `stylelab video synthetic`: a clip with known motion, and its true flow, from any picture.
struct VideoSynthetic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthetic",
        abstract: "Make a clip with known motion (pan, zoom, rotation, or an object uncovering background).",
        discussion: "Writes OUT/frames/frame_00001.png … and OUT/flow/flow_00001.flo …, the true flow from each "
            + "frame to the next, for measuring flow and temporal coherence.")
    @Option(help: "The picture the camera looks at (it should be larger than --size).") var image: String
    @Option(help: "pan, zoom, rotation or occlusion.") var motion: String = "pan"
    @Option(help: "Pixels per frame (pan, occlusion), zoom factor per frame, or degrees per frame.")
    var amount: Float?
    @Option(help: "Frames.") var frames: Int = 10
    @Option(help: "Frame side (square).") var size: Int = 128
    @Option(help: "Output folder.") var out: String
    @OptionGroup var input: InputOptions

    func run() throws {
        try reportingErrors {
            guard (2 ... 1000).contains(frames) else { throw ValidationError("--frames must be 2 to 1000") }
            guard (16 ... 2048).contains(size) else { throw ValidationError("--size must be 16 to 2048") }
            // Every frame (RGB) and every flow (two planes) is held until written.
            try input.checkMemory(frames * size * size * 5 * MemoryLayout<Float>.size, task: "video synthetic",
                                  driver: "\(frames) frames of \(size)x\(size)",
                                  hint: "use fewer --frames or a smaller --size")
            let scene = try Image(contentsOf: image, limits: input.limits).opaque.rgb()
            let frameSize = Size(width: size, height: size)
            let clip: (frames: [Image], flows: [FlowField])
            switch motion {
            case "pan": clip = syntheticClip(scene, motion: .pan(dx: try amount(1.5, in: -64 ... 64), dy: 0),
                                             frames: frames, size: frameSize)
            case "zoom": clip = syntheticClip(scene, motion: .zoom(factor: try amount(1.02, in: 0.5 ... 2)),
                                              frames: frames, size: frameSize)
            case "rotation": clip = syntheticClip(scene, motion: .rotation(degrees: try amount(1, in: -45 ... 45)),
                                                  frames: frames, size: frameSize)
            case "occlusion":
                let speed = Int(try amount(3, in: 1 ... 32))
                let background = scene.resized(to: frameSize, method: .area)
                let object = scene.resized(to: Size(width: size / 4, height: size / 4), method: .area)
                    .mapPlanes { plane in
                        var inverted = plane
                        inverted.samples = plane.samples.map { 1 - $0 }
                        return inverted
                    }
                let made = occludingClip(background: background, object: object, frames: frames, size: frameSize,
                                         side: size / 4, start: PixelCoordinate(x: 2, y: (size - size / 4) / 2),
                                         step: PixelCoordinate(x: speed, y: 0))
                clip = (made.frames, made.forward)
            default: throw ValidationError("--motion must be pan, zoom, rotation or occlusion, got \(motion)")
            }
            try FrameSequence(frames: clip.frames).write(frames: out + "/frames")
            try FileManager.default.createDirectory(atPath: out + "/flow", withIntermediateDirectories: true)
            for (i, flow) in clip.flows.enumerated() {
                try FlowFile.write(flow, to: out + "/flow/" + String(format: "flow_%05d.flo", i + 1))
            }
            print("wrote \(frames) frames and \(clip.flows.count) true flows to \(out)")
        }
    }

    func amount(_ fallback: Float, in range: ClosedRange<Float>) throws -> Float {
        let value = amount ?? fallback
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("--amount for \(motion) must be \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
