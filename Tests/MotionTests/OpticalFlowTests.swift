import Testing
import Imaging
@testable import Motion

@Suite struct DenseInverseSearch {
    @Test(arguments: FlowPreset.allCases)
    func subPixelPanIsRecovered(preset: FlowPreset) throws {
        let size = Size(width: 128, height: 128)
        let clip = syntheticClip(texture(192, 192, seed: 11), motion: .pan(dx: 2.5, dy: -1.25), frames: 2,
                                 size: size)
        let flow = try opticalFlow(from: clip.frames[0], to: clip.frames[1], preset: preset)
        // Content entering at the edges has no match: measured on the interior.
        let epe = endPointError(flow, clip.flows[0], mask: interiorMask(size, margin: 8))
        #expect(epe < 0.5, "\(preset): mean EPE \(epe) px")
    }

    @Test func resultIsRepeatableAndGreyEqualsLuminance() throws {
        let a = texture(80, 64, seed: 3), b = warp(texture(80, 64, seed: 3), by: FlowField(width: 80, height: 64,
                                                                                             u: -1.5, v: 0.5))
        let first = try opticalFlow(from: a, to: b, preset: .fast)
        #expect(try opticalFlow(from: a, to: b, preset: .fast) == first)
        #expect(try opticalFlow(from: a.luminance(), to: b.luminance(), preset: .fast) == first)
        #expect(try disFlow(from: a, to: b, preset: .fast, threads: 2) == first)
    }

    @Test func framesOfTwoSizesAreRefused() {
        #expect(throws: MotionError.sizesDiffer(a: Size(width: 30, height: 20), b: Size(width: 20, height: 30))) {
            try opticalFlow(from: texture(30, 20), to: texture(20, 30))
        }
        #expect(throws: MotionError.emptyFrame) {
            try opticalFlow(from: Image(width: 0, height: 5, channels: 1), to: Image(width: 0, height: 5, channels: 1))
        }
        let twoChannels = Image(width: 16, height: 16, channels: 2)
        #expect(throws: MotionError.unsupportedChannels(2)) { try opticalFlow(from: twoChannels, to: twoChannels) }
    }

    @Test(arguments: [(1, 1), (5, 3), (200, 12), (12, 200), (300, 7)])
    func smallAndThinFramesGiveAFlow(width: Int, height: Int) throws {
        // OpenCV 4.6 refuses some of these and crashes on others; the bridge pads them.
        let a = texture(width, height), b = texture(width, height, seed: 8)
        for preset in FlowPreset.allCases {
            let flow = try opticalFlow(from: a, to: b, preset: preset)
            #expect(flow.size == a.size && flow.u.allSatisfy(\.isFinite) && flow.v.allSatisfy(\.isFinite))
        }
    }
}
