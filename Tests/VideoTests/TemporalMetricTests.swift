import Compare
import Foundation
import Imaging
import Testing
import Video

/// A clip panning across a larger picture by whole pixels: frame t is the window at (t·dx, 0).
func panningClip(frames: Int, size: Int, dx: Int, seed: UInt64 = 3) -> [Image] {
    let scene = SyntheticImage.naturalLooking(Size(width: size + frames * dx + 8, height: size), seed: seed)
    return (0 ..< frames).map { scene.cropped(x: $0 * dx, y: 0, width: size, height: size) }
}

@Suite struct TemporalMetricTests {
    @Test func aStaticClipScoresZero() throws {
        let frame = SyntheticImage.naturalLooking(Size(width: 48, height: 40), seed: 1)
        let clip = Array(repeating: frame, count: 4)
        let m = try temporalMetrics(outputs: clip, inputs: clip, longTermOffset: 2)
        #expect(m.warpingError == 0)
        #expect(m.longTermWarpingError == 0)
        #expect(m.frameDifference == 0)
        #expect(m.warpingErrors.count == 3)
    }

    @Test func aFlickeringClipScoresTheSquareOfItsFlicker() throws {
        // The input stands still; the output alternates between grey 0.4 and 0.4 + δ. Zero flow, every pixel
        // reliable: each pair's warping error is δ², and so is the frame-difference term.
        let input = Array(repeating: SyntheticImage.naturalLooking(Size(width: 40, height: 40), seed: 2), count: 5)
        let delta: Float = 0.1
        let outputs = (0 ..< 5).map {
            Image(width: 40, height: 40, channels: 3, value: 0.4 + ($0 % 2 == 0 ? 0 : delta))
        }
        let m = try temporalMetrics(outputs: outputs, inputs: input, longTermOffset: 2)
        let expected = Double(delta * delta)
        #expect(abs(m.warpingError - expected) < 1e-4 * expected + 1e-7)
        #expect(abs(m.frameDifference - expected) < 1e-4 * expected + 1e-7)
        #expect(m.longTermWarpingError.map { $0 < 1e-9 } == true)  // two frames apart, the flicker cancels
    }

    @Test func aPanStylisedConsistentlyScoresFarBelowOneStylisedAtRandom() throws {
        // The output moving with the input (here, the input itself) is steady; an output whose frames are
        // unrelated pictures is not.
        let inputs = panningClip(frames: 4, size: 64, dx: 2)
        let steady = try temporalMetrics(outputs: inputs, inputs: inputs)
        let noise = (0 ..< 4).map { SyntheticImage.naturalLooking(Size(width: 64, height: 64), seed: UInt64(10 + $0)) }
        let unsteady = try temporalMetrics(outputs: noise, inputs: inputs)
        #expect(steady.warpingError < unsteady.warpingError / 10)
    }

    @Test func mismatchedClipsAreRefused() {
        let frame = Image(width: 8, height: 8, channels: 3)
        #expect(throws: ParameterError.self) { try temporalMetrics(outputs: [frame], inputs: [frame, frame]) }
    }
}
