import Imaging
import Motion

/// How a clip's earlier outputs reach frame t: the flows between input frames, the outputs warped along them, and
/// where each warp can be trusted (Ruder et al. 2016, §3–4).

/// One earlier output seen from frame t: warped to t, with its reliability (one channel, 0–1) on frame t.
struct WarpedFrame {
    var image: Image
    var reliability: Image
}

/// The outputs of the frames `earlier` (nearest first; already made) warped to frame t along the flow t → s
/// computed on the *input* frames, and their reliabilities, combined "closest first" as Ruder et al.'s default: a
/// pixel is tied to the nearest earlier frame where it is visible, c_j ← max(c_j − Σ_{k<j} c_k, 0).
func warpedHistory(frame t: Int, earlier: [Int], inputs: [Image], outputs: [Int: Image],
                   preset: FlowPreset) throws -> [WarpedFrame] {
    var history: [WarpedFrame] = []
    var claimed: Image?
    for s in earlier {
        guard let made = outputs[s] else { continue }
        let backward = try opticalFlow(from: inputs[t], to: inputs[s], preset: preset)
        let forward = try opticalFlow(from: inputs[s], to: inputs[t], preset: preset)
        var reliability = flowReliability(forward: backward, backward: forward)
        if let taken = claimed {
            for i in reliability.samples.indices {
                reliability.samples[i] = max(reliability.samples[i] - taken.samples[i], 0)
            }
        }
        claimed = claimed.map { sum in
            var total = sum
            for i in total.samples.indices { total.samples[i] += reliability.samples[i] }
            return total
        } ?? reliability
        let output = made.size == inputs[t].size ? made : made.resized(to: inputs[t].size, method: .bilinear)
        history.append(WarpedFrame(image: warp(output, by: backward), reliability: reliability))
    }
    return history
}

/// `image` where `reliability` is 1, `fill` where it is 0, blended between (the warped previous output with the
/// disoccluded parts filled from elsewhere, for the patch methods' guides).
func blended(_ image: Image, _ fill: Image, by reliability: Image) -> Image {
    var out = image
    let n = image.pixelCount
    for c in 0 ..< image.channels {
        for i in 0 ..< n {
            let r = reliability.samples[i]
            out.samples[c * n + i] = r * image.samples[c * n + i] + (1 - r) * fill.samples[c * n + i]
        }
    }
    return out
}
