import Foundation
import Imaging
import Motion

/// DIS optical flow: accuracy on clips of known motion cut from embedded photos, and time per frame pair.
///
/// Accuracy: mean end-point error against the true flow, over the interior (8 pixels from every edge, where
/// content entering the frame has nothing to match), averaged over the 3 pairs of a 4-frame 192 × 128 clip per
/// photo and motion. Time: median of 5 runs per pair of 256² and 512² frames (a pan from the astronaut, enlarged
/// to fit), including the luminance conversion and the copies in and out.
func benchmarkMotion(_ harness: inout Harness) throws {
    let motions: [(String, SyntheticMotion)] = [("pan (2.5, −1.25) px", .pan(dx: 2.5, dy: -1.25)),
                                                ("pan (8, 5) px", .pan(dx: 8, dy: 5)),
                                                ("zoom 1.02×", .zoom(factor: 1.02)),
                                                ("rotation 1.5°", .rotation(degrees: 1.5))]
    let photos = ["astronaut", "chelsea", "gravel"]
    let size = Size(width: 192, height: 128)
    var margin = Image(width: size.width, height: size.height, channels: 1)
    for y in 8 ..< size.height - 8 { for x in 8 ..< size.width - 8 { margin[x, y, 0] = 1 } }
    for preset in FlowPreset.allCases {
        for (name, motion) in motions {
            var errors: [Double] = []
            for photo in photos {
                let image = (try? Image(contentsOf: "datasets/embedded/\(photo).png"))
                    ?? SyntheticImage.naturalLooking(Size(width: 256, height: 256), seed: 5)
                let clip = syntheticClip(image, motion: motion, frames: 4, size: size)
                for i in 0 ..< 3 {
                    let flow = try opticalFlow(from: clip.frames[i], to: clip.frames[i + 1], preset: preset)
                    errors.append(endPointError(flow, clip.flows[i], mask: margin))
                }
            }
            let mean = errors.reduce(0, +) / Double(errors.count)
            harness.record("motion", "DIS \(preset.rawValue), \(name), EPE (192×128)", mean, "px",
                           note: photos.joined(separator: ", "))
        }
    }
    let astronaut = (try? Image(contentsOf: "datasets/embedded/astronaut.png"))
        ?? SyntheticImage.naturalLooking(Size(width: 256, height: 256), seed: 5)
    for side in [256, 512] {
        let pair = syntheticClip(astronaut, motion: .pan(dx: 2.5, dy: -1.25), frames: 2,
                                 size: Size(width: side, height: side))
        for preset in FlowPreset.allCases {
            let seconds = harness.time {
                _ = try? opticalFlow(from: pair.frames[0], to: pair.frames[1], preset: preset)
            }
            harness.record("motion", "DIS \(preset.rawValue), \(side)² RGB pair", seconds * 1000, "ms")
        }
        let flow = try opticalFlow(from: pair.frames[0], to: pair.frames[1])
        let backward = try opticalFlow(from: pair.frames[1], to: pair.frames[0])
        harness.record("motion", "warp (bilinear), \(side)² RGB",
                       harness.time { _ = warp(pair.frames[1], by: flow) } * 1000, "ms")
        harness.record("motion", "flowReliability, \(side)²",
                       harness.time { _ = flowReliability(forward: flow, backward: backward) } * 1000, "ms")
    }
}
