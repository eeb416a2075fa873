import Testing
import Imaging
@testable import Motion

@Suite struct Reliability {
    /// A 128 × 96 clip: a 32-pixel square moving 6 pixels right and 3 down per frame over a still background.
    static let step = PixelCoordinate(x: 6, y: 3), side = 32, corner = PixelCoordinate(x: 40, y: 30)
    static let size = Size(width: 128, height: 96)
    static func clip() -> (frames: [Image], forward: [FlowField], backward: [FlowField]) {
        occludingClip(background: texture(size.width, size.height, seed: 1), object: texture(side, side, seed: 99),
                      frames: 2, size: size, side: side, start: corner, step: step)
    }

    static func onSquare(_ x: Int, _ y: Int, frame: Int) -> Bool {
        let cx = corner.x + frame * step.x, cy = corner.y + frame * step.y
        return x >= cx && x < cx + side && y >= cy && y < cy + side
    }

    /// Whether pixel (x, y) lies within `band` of the square's edge in either frame (where motion boundaries lie).
    static func nearEdge(_ x: Int, _ y: Int, band: Int) -> Bool {
        (0 ... 1).contains { f in
            let cx = corner.x + f * step.x, cy = corner.y + f * step.y
            let inside = x >= cx - band && x < cx + side + band && y >= cy - band && y < cy + side + band
            let deep = x >= cx + band && x < cx + side - band && y >= cy + band && y < cy + side - band
            return inside && !deep
        }
    }

    /// Counts on a mask of frame 1: the background the square uncovered and how much of it is marked (0), and the
    /// still background farther than `band` from the square's edges and how much of it is reliable (1).
    static func census(_ c: Image, band: Int) -> (uncovered: Int, marked: Int, still: Int, reliable: Int) {
        var counts = (uncovered: 0, marked: 0, still: 0, reliable: 0)
        for y in 0 ..< size.height {
            for x in 0 ..< size.width {
                if onSquare(x, y, frame: 0) && !onSquare(x, y, frame: 1) {
                    counts.uncovered += 1
                    if c[x, y, 0] == 0 { counts.marked += 1 }
                } else if !onSquare(x, y, frame: 1) && !nearEdge(x, y, band: band) {
                    counts.still += 1
                    if c[x, y, 0] == 1 { counts.reliable += 1 }
                }
            }
        }
        return counts
    }

    @Test func trueFlowsMarkTheUncoveredBackground() {
        let clip = Self.clip()
        // Video's direction: the mask on frame 1, for frame 0 warped to it by the flow 1 → 0.
        let c = flowReliability(forward: clip.backward[0], backward: clip.forward[0])
        let counts = Self.census(c, band: 1)
        #expect(counts.uncovered == 32 * 32 - 26 * 29 && counts.marked == counts.uncovered)
        #expect(counts.reliable == counts.still)
        // The square itself is consistent away from its edges.
        #expect(c[Self.corner.x + 20, Self.corner.y + 18, 0] == 1)
    }

    @Test func disFlowsMarkTheUncoveredBackgroundToo() throws {
        let clip = Self.clip()
        let backward = try opticalFlow(from: clip.frames[1], to: clip.frames[0])
        let forward = try opticalFlow(from: clip.frames[0], to: clip.frames[1])
        let counts = Self.census(flowReliability(forward: backward, backward: forward), band: 8)
        // DIS smooths the flow across the square's edges, so the band it marks is wider than the true one.
        #expect(Double(counts.marked) > 0.85 * Double(counts.uncovered), "\(counts)")
        #expect(Double(counts.reliable) > 0.93 * Double(counts.still), "\(counts)")
    }

    @Test func consistentPanIsReliableExceptWhereItLeavesTheImage() {
        let forward = FlowField(width: 20, height: 10, u: 3), backward = FlowField(width: 20, height: 10, u: -3)
        let c = flowReliability(forward: forward, backward: backward)
        // Up to half a pixel past the edge pixel is still inside the image.
        let slight = flowReliability(forward: FlowField(width: 20, height: 10, u: 0.4, v: -0.4),
                                     backward: FlowField(width: 20, height: 10, u: -0.4, v: 0.4))
        #expect(slight[19, 0, 0] == 1 && slight[0, 9, 0] == 1)
        for y in 0 ..< 10 {
            for x in 0 ..< 20 { #expect(c[x, y, 0] == (x + 3 <= 19 ? 1 : 0)) }  // 19.5 is the image's edge
        }
    }

    @Test func motionBoundaryAndNaNAreUnreliable() {
        // A step in u between columns 9 and 10: a motion boundary there, consistent everywhere.
        var forward = FlowField(width: 20, height: 5), backward = forward
        for y in 0 ..< 5 { for x in 10 ..< 20 { forward[x, y] = (0.0, 2.0); backward[x, y] = (0.0, -2.0) } }
        forward[2, 2] = (.nan, 0)
        let c = flowReliability(forward: forward, backward: backward)
        #expect(c[9, 1, 0] == 0 && c[10, 1, 0] == 0)
        #expect(c[5, 1, 0] == 1)
        #expect(c[2, 2, 0] == 0)
    }
}
