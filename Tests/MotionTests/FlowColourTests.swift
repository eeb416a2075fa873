import Testing
import Imaging
@testable import Motion

@Suite struct ColourCoding {
    func colour(_ u: Float, _ v: Float, max: Float? = 1) -> [Float] {
        let image = flowColourImage(FlowField(width: 1, height: 1, u: u, v: v), maxMagnitude: max)
        return (0 ..< 3).map { image[0, 0, $0] }
    }

    /// Whether two colours agree to Float rounding (the scale divides by maxrad + ε, as Middlebury's does).
    func close(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 } }

    @Test func wheelHasMiddleburysFiftyFiveColours() {
        #expect(colourWheel.count == 55)
        #expect(colourWheel[0] == [255, 0, 0] && colourWheel[15] == [255, 255, 0] && colourWheel[21] == [0, 255, 0])
        #expect(colourWheel[25] == [0, 255, 255] && colourWheel[36] == [0, 0, 255] && colourWheel[49] == [255, 0, 255])
    }

    @Test func directionsHaveTheirHues() {
        #expect(close(colour(1, 0), [1, 0, 0]))                       // right: red
        #expect(close(colour(-1, 0), [0, 209.0 / 255, 1]))            // left: cyan-blue, wheel colour 27
        let down = colour(0, 1)                                      // down: orange-yellow, between 13 and 14
        #expect(close(down, [1, (221.0 + 238) / 2 / 255, 0]))
        let up = colour(0, -1)                                       // up: violet-blue, between 40 and 41
        #expect(close(up, [(78.0 + 98) / 2 / 255, 0, 1]))
    }

    @Test func magnitudeIsSaturation() {
        #expect(colour(0, 0, max: nil) == [1, 1, 1])                 // still: white
        #expect(close(colour(0.5, 0), [1, 0.5, 0.5]))                 // half the range: half saturated
        #expect(close(colour(3, 0), [0.75, 0, 0]))                    // beyond the range: darkened
    }

    @Test func unknownFlowIsBlack() {
        #expect(colour(.nan, 0) == [0, 0, 0])
        #expect(colour(2e9, 0, max: nil) == [0, 0, 0])
        #expect(colour(0, -.infinity) == [0, 0, 0])
    }

    @Test func defaultScaleIsTheLargestKnownMagnitude() throws {
        let flow = FlowField(width: 3, height: 1, u: [2, 4, .nan], v: [0, 0, 0])
        let image = flowColourImage(try #require(flow))
        #expect(image[1, 0, 0] == 1 && image[1, 0, 1] < 1e-5)        // the largest is fully saturated
        #expect(abs(image[0, 0, 1] - 0.5) < 1e-5)                    // half of it is half saturated
        #expect(image[2, 0, 0] == 0)                                  // and the unknown one is black
    }
}

@Suite struct EndPointErrors {
    @Test func meanOfDistances() throws {
        let a = FlowField(width: 2, height: 1), b = try #require(FlowField(width: 2, height: 1, u: [3, 0], v: [4, 1]))
        #expect(endPointError(a, a) == 0)
        #expect(endPointError(a, b) == 3)
        let mask = Image(width: 2, height: 1, channels: 1, samples: [0, 1])
        #expect(endPointError(a, b, mask: mask) == 1)
        #expect(endPointError(a, b, mask: Image(width: 2, height: 1, channels: 1)).isNaN)
    }
}
