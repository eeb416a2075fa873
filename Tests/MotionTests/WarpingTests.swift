import Testing
import Imaging
@testable import Motion

@Suite struct Warping {
    @Test(arguments: [(3, 0), (0, -2), (4, 5), (-7, 1)])
    func constantIntegerFlowShiftsTheImage(dx: Int, dy: Int) {
        let image = texture(40, 30)
        let flow = FlowField(width: 40, height: 30, u: Float(dx), v: Float(dy))
        for sampling in FlowSampling.allCases {
            let out = warp(image, by: flow, sampling: sampling)
            // out(x) = image(x + d) wherever x + d is inside: exactly, for both samplings.
            for y in 0 ..< 30 where (0 ..< 30).contains(y + dy) {
                for x in 0 ..< 40 where (0 ..< 40).contains(x + dx) {
                    for c in 0 ..< 3 { #expect(out[x, y, c] == image[x + dx, y + dy, c]) }
                }
            }
        }
    }

    @Test func halfPixelFlowAveragesNeighbours() {
        let image = Image(width: 4, height: 1, channels: 1, samples: [0, 1, 0, 1])
        let out = warp(image, by: FlowField(width: 4, height: 1, u: 0.5))
        #expect(out.samples == [0.5, 0.5, 0.5, 1])  // the last reads past the edge: clamped to the edge pixel
        let nearest = warp(image, by: FlowField(width: 4, height: 1, u: 0.4), sampling: .nearest)
        #expect(nearest.samples == image.samples)
    }

    @Test func bordersAreClampedAndNonFiniteFlowStaysPut() {
        let image = texture(8, 8)
        var flow = FlowField(width: 8, height: 8, u: -100, v: 1e30)
        flow[3, 3] = (.nan, .infinity)
        let out = warp(image, by: flow)
        #expect(out[5, 2, 1] == image[0, 7, 1])
        #expect(out[3, 3, 0] == image[3, 3, 0])
    }

    @Test func alphaIsWarpedWithTheColour() {
        var image = texture(10, 6)
        image.alpha = (0 ..< 60).map { Float($0 % 10) / 10 }
        let out = warp(image, by: FlowField(width: 10, height: 6, u: 2))
        #expect(out.alpha?[3] == image.alpha?[5])
    }

    @Test func warpingFrameBByTheFlowGivesFrameA() {
        // The module's convention, end to end: A(x) ≈ B(x + w(x)) with w the true flow A → B.
        let clip = syntheticClip(texture(200, 200), motion: .rotation(degrees: 2), frames: 2,
                                 size: Size(width: 96, height: 96))
        let back = warp(clip.frames[1], by: clip.flows[0])
        // Equal up to the blur of sampling twice (once to make frame 1, once to warp it back).
        var total: Float = 0
        for y in 4 ..< 92 { for x in 4 ..< 92 { total += abs(back[x, y, 0] - clip.frames[0][x, y, 0]) } }
        #expect(total / Float(88 * 88) < 0.01)
    }
}
