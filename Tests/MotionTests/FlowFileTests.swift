import Foundation
import Testing
import Imaging
@testable import Motion

@Suite struct FlowFiles {
    @Test func roundTripKeepsEveryBit() throws {
        var flow = FlowField(width: 5, height: 3)
        for i in 0 ..< flow.pixelCount {
            flow.u[i] = Float(i) * 0.37 - 2
            flow.v[i] = -Float(i) * 1e-3
        }
        flow.u[4] = .nan  // Middlebury's unknowns and NaN survive unchanged
        flow.v[7] = 1.5e9
        let folder = try temporaryFolder()
        let path = folder + "/f.flo"
        try FlowFile.write(flow, to: path)
        let back = try FlowFile.read(path)
        #expect(back.size == flow.size)
        #expect(back.u.map(\.bitPattern) == flow.u.map(\.bitPattern))
        #expect(back.v.map(\.bitPattern) == flow.v.map(\.bitPattern))
        // The temporary file went away with the rename.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["f.flo"])
    }

    @Test func layoutIsMiddlebury() throws {
        let flow = try #require(FlowField(width: 2, height: 1, u: [1, 2], v: [3, 4]))
        let data = try FlowFile.encode(flow)
        // "PIEH", then width 2 and height 1, then (u, v) pairs.
        #expect(Array(data.prefix(4)) == Array("PIEH".utf8))
        #expect(data.count == 12 + 2 * 8)
        #expect(data == bytes([FlowFile.magic.bitPattern, 2, 1] + [1, 3, 2, 4].map { Float($0).bitPattern }))
    }

    @Test func truncatedFileIsRefused() throws {
        let good = try FlowFile.encode(FlowField(width: 4, height: 4, u: 0.5, v: -1))
        for length in [0, 3, 11, 12, good.count - 1] {
            #expect(throws: MotionError.self) { try FlowFile.decode(good.prefix(length), name: "cut.flo") }
        }
        let error = #expect(throws: MotionError.self) { try FlowFile.decode(good.prefix(good.count - 4),
                                                                            name: "cut.flo") }
        #expect("\(error.map { "\($0)" } ?? "")".contains("cut.flo"))
        #expect("\(error.map { "\($0)" } ?? "")".contains("truncated"))
        #expect(throws: MotionError.self) { try FlowFile.decode(good + Data([0]), name: "long.flo") }
    }

    @Test func badMagicIsRefused() throws {
        var data = try FlowFile.encode(FlowField(width: 2, height: 2))
        data[0] ^= 0xFF
        let error = #expect(throws: MotionError.self) { try FlowFile.decode(data, name: "magic.flo") }
        #expect("\(error.map { "\($0)" } ?? "")".contains("magic"))
        // A big-endian file has the magic's bytes reversed.
        let bigEndian = bytes([FlowFile.magic.bitPattern.byteSwapped, 1 << 24, 1 << 24, 0, 0])
        #expect(throws: MotionError.self) { try FlowFile.decode(bigEndian, name: "big-endian.flo") }
    }

    @Test(arguments: [(0, 5), (5, 0), (-1, 5), (5, -3), (Int32.max, Int32.max), (1 << 16, 1 << 16),
                      (Int32.min, Int32.min)])
    func hostileSizesAreRefusedBeforeAllocating(width: Int32, height: Int32) {
        // The header alone, with sizes a real file of 12 bytes cannot hold: refused without reading samples.
        let data = bytes([FlowFile.magic.bitPattern, UInt32(bitPattern: width), UInt32(bitPattern: height)])
        #expect(throws: MotionError.self) { try FlowFile.decode(data, name: "hostile.flo") }
    }

    @Test func pixelLimitIsApplied() throws {
        let data = try FlowFile.encode(FlowField(width: 10, height: 10))
        #expect(throws: MotionError.self) { try FlowFile.decode(data, name: "big.flo", maxPixels: 99) }
        #expect(try FlowFile.decode(data, name: "big.flo", maxPixels: 100).size == Size(width: 10, height: 10))
    }

    @Test func missingFoldersAndDevicesAreNamed() throws {
        #expect(throws: MotionError.flowFileNotFound(path: "/nonexistent/f.flo")) {
            try FlowFile.read("/nonexistent/f.flo")
        }
        let folder = try temporaryFolder()
        #expect(throws: MotionError.self) { try FlowFile.read(folder) }
        #expect(throws: MotionError.self) { try FlowFile.read("/dev/zero") }
    }

    @Test func inconsistentFlowIsNotWritten() {
        var flow = FlowField(width: 3, height: 3)
        flow.u.removeLast()
        #expect(throws: MotionError.self) { try FlowFile.encode(flow) }
        #expect(throws: MotionError.self) { try FlowFile.encode(FlowField(width: 0, height: 4)) }
    }
}
