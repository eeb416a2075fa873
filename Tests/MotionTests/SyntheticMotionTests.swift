import Testing
import Imaging
@testable import Motion

@Suite struct SyntheticMotions {
    @Test(arguments: [SyntheticMotion.pan(dx: 3, dy: -2), .zoom(factor: 1.03), .rotation(degrees: -3)])
    func framesFollowTheirTrueFlow(motion: SyntheticMotion) {
        let size = Size(width: 64, height: 48)
        let clip = syntheticClip(texture(100, 100), motion: motion, frames: 4, size: size)
        #expect(clip.frames.count == 4 && clip.flows.count == 3)
        for i in 0 ..< 3 {
            // frame_i(x) = frame_i+1(x + w(x)), up to the bilinear blur of the two samplings.
            let back = warp(clip.frames[i + 1], by: clip.flows[i])
            var total: Float = 0, count = 0
            for y in 6 ..< 42 {
                for x in 6 ..< 58 {
                    total += abs(back[x, y, 1] - clip.frames[i][x, y, 1])
                    count += 1
                }
            }
            #expect(total / Float(count) < 0.02, "\(motion) frame \(i)")
        }
    }

    @Test func integerPanIsAnExactShift() {
        let clip = syntheticClip(texture(60, 60), motion: .pan(dx: 2, dy: 1), frames: 2,
                                 size: Size(width: 20, height: 20))
        for y in 0 ..< 19 { for x in 0 ..< 18 { #expect(clip.frames[1][x + 2, y + 1, 0] == clip.frames[0][x, y, 0]) } }
    }

    @Test func smallSourcesAreEnlargedToFit() {
        // 16 frames panning 4 px each need 60 px beyond the frame: more than the 40-pixel image holds.
        let clip = syntheticClip(texture(40, 40), motion: .pan(dx: 4, dy: 0), frames: 16,
                                 size: Size(width: 32, height: 32))
        #expect(clip.frames.count == 16)
        #expect(abs(clip.frames[15][30, 10, 0] - clip.frames[14][26, 10, 0]) < 1e-5)
    }

    @Test(arguments: [SyntheticMotion.pan(dx: 2.5, dy: -1), .zoom(factor: 0.97), .rotation(degrees: 1)])
    func backwardFlowInvertsTheForwardOne(motion: SyntheticMotion) {
        let size = Size(width: 30, height: 20)
        let forward = motion.forwardFlow(size), backward = motion.backwardFlow(size)
        // Following w, then ŵ from where w lands, comes back: ŵ(x + w(x)) = −w(x) to interpolation error, so
        // the consistency check passes wherever x + w(x) stays inside.
        let c = flowReliability(forward: forward, backward: backward)
        for y in 3 ..< 17 { for x in 4 ..< 26 { #expect(c[x, y, 0] == 1, "\(motion) at (\(x), \(y))") } }
    }

    @Test func fastRotationIsAMotionBoundaryNearItsCentre() {
        // Ruder et al.'s boundary test compares |∇w|² (2 sin²θ + 2 (1 − cos θ)² for a rotation by θ) with
        // 0.01 |w|² + 0.002: within about 14 pixels of the centre, where |w| is small, rotations of over 1.8° a
        // frame fail it.
        let size = Size(width: 41, height: 41)
        let motion = SyntheticMotion.rotation(degrees: 5)
        let c = flowReliability(forward: motion.forwardFlow(size), backward: motion.backwardFlow(size))
        #expect(c[20, 20, 0] == 0 && c[20, 2, 0] == 1)  // the centre, and 18 pixels above it
    }
}
