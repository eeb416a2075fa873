import Foundation
import Testing
import StyleLabSupport
@testable import Imaging

@Suite struct PNGRoundTrips {
    @Test(arguments: [1, 3], [false, true])
    func eightBitRoundTripIsExact(channels: Int, withAlpha: Bool) throws {
        var image = gridImage(width: 17, height: 9, channels: channels)
        if withAlpha { image.alpha = gridImage(width: 17, height: 9, channels: 3).channel(2).samples }
        let decoded = try Image.decode(image.encoded(as: .png), name: "round trip")
        #expect(decoded.format == .png && decoded.bitDepth == 8)
        #expect(decoded.image == image)
    }

    @Test(arguments: [1, 3], [false, true])
    func sixteenBitKeepsSixteenBits(channels: Int, withAlpha: Bool) throws {
        var image = gridImage(width: 21, height: 5, channels: channels, levels: 65535)
        if withAlpha { image.alpha = gridImage(width: 21, height: 5, channels: 1, levels: 65535).samples }
        let decoded = try Image.decode(image.encoded(as: .png, options: WriteOptions(bitDepth: 16)), name: "16-bit")
        #expect(decoded.bitDepth == 16)
        // 16-bit steps are 1/65535; an 8-bit path would be off by up to 1/510.
        #expect(maxDifference(decoded.image, image) < 1e-6)
        if withAlpha { #expect(zip(decoded.image.alpha!, image.alpha!).allSatisfy { abs($0 - $1) < 1e-6 }) }
    }

    @Test func paletteWithTransparencyExpandsToRGBA() throws {
        let decoded = try Image.read(fixturePath("palette4_trns.png"))
        let image = decoded.image
        #expect(image.channels == 3 && image.alpha != nil)
        for y in 0 ..< 11 {
            for x in 0 ..< 13 {
                let i = (x + 2 * y) % 16
                #expect(image[x, y, 0] == Float(i * 16) / 255 && image[x, y, 1] == Float(255 - i * 16) / 255)
                #expect(image[x, y, 2] == Float((i * 37) % 256) / 255)
                #expect(image.alpha![y * 13 + x] == Float((i * 16 + 15) % 256) / 255)
            }
        }
    }

    @Test func interlacedVariantsDecodeToTheirFormulas() throws {
        let rgb = try Image.read(fixturePath("rgb8_adam7.png"))
        #expect(rgb.interlaced && rgb.image.channels == 3)
        let grey16 = try Image.read(fixturePath("grey16_adam7.png"))
        #expect(grey16.bitDepth == 16 && grey16.image.channels == 1)
        let palette = try Image.read(fixturePath("palette8_adam7.png")).image
        let grey2 = try Image.read(fixturePath("grey2_adam7.png")).image
        let grey1 = try Image.read(fixturePath("grey1.png")).image
        for y in 0 ..< 11 {
            for x in 0 ..< 13 {
                #expect(rgb.image[x, y, 0] == Float((x * 17 + y * 5) % 256) / 255)
                #expect(rgb.image[x, y, 1] == Float((x * 3 + y * 29) % 256) / 255)
                #expect(rgb.image[x, y, 2] == Float((x * y * 7) % 256) / 255)
                #expect(abs(grey16.image[x, y, 0] - Float((x * 4099 + y * 771) % 65536) / 65535) < 1e-7)
                #expect(palette[x, y, 0] == Float(((x + 2 * y) % 16) * 16) / 255)
                #expect(grey2[x, y, 0] == Float((x * y) % 4 * 85) / 255)
                #expect(grey1[x, y, 0] == Float((x + y) % 2))
            }
        }
    }

    @Test func sixteenBitRGBAFixtureKeepsPrecision() throws {
        let decoded = try Image.read(fixturePath("rgba16.png"))
        let image = decoded.image
        #expect(decoded.bitDepth == 16 && image.channels == 3 && image.alpha != nil)
        let value = (3 * 4099 + 2 * 771) % 65536
        #expect(abs(image[3, 2, 0] - Float(value) / 65535) < 1e-7)
        #expect(abs(image.alpha![2 * 13 + 3] - Float((2 * 6007) % 65536) / 65535) < 1e-7)
    }
}

@Suite struct JPEGRoundTrips {
    @Test(arguments: [1, 3], [false, true])
    func roundTripIsClose(channels: Int, progressive: Bool) throws {
        let image = SyntheticImage.naturalLooking(Size(width: 40, height: 32), seed: 5)
        let source = channels == 1 ? image.luminance() : image
        let data = try source.encoded(as: .jpeg, options: WriteOptions(jpegQuality: 95, progressiveJPEG: progressive))
        let decoded = try Image.decode(data, name: "jpeg")
        #expect(decoded.format == .jpeg && decoded.interlaced == progressive && decoded.image.channels == channels)
        // Grey keeps full resolution; RGB loses some to 4:2:0 chroma subsampling on this noisy image.
        #expect(psnr(decoded.image, source) > (channels == 1 ? 35 : 28))
    }

    @Test func qualityTradesSizeForFidelity() throws {
        let image = SyntheticImage.naturalLooking(Size(width: 64, height: 64), seed: 6)
        let low = try image.encoded(as: .jpeg, options: WriteOptions(jpegQuality: 20))
        let high = try image.encoded(as: .jpeg, options: WriteOptions(jpegQuality: 95))
        #expect(low.count < high.count)
        #expect(psnr(try Image.decode(low, name: "q20").image, image) < psnr(try Image.decode(high, name: "q95").image, image))
    }

    @Test(arguments: [false, true])
    func cmykAndYCCKAreReadAsRGB(ycck: Bool) throws {
        let image = SyntheticImage.naturalLooking(Size(width: 32, height: 24), seed: 7)
        let decoded = try Image.decode(image.encodedAsCMYKJPEG(ycck: ycck), name: "cmyk")
        #expect(decoded.image.channels == 3)
        // A wrong ink convention (inverted or not) lands near 5 dB; subsampled chroma costs a few dB.
        #expect(psnr(decoded.image, image) > 25)
    }

    @Test func transparentImageIsNotSilentlyFlattened() throws {
        var image = gridImage(width: 4, height: 4, channels: 3)
        image.alpha = [Float](repeating: 0.5, count: 16)
        #expect(throws: ImageError.self) { try image.encoded(as: .jpeg) }
        #expect(try Image.decode(image.flattened().encoded(as: .jpeg), name: "flat").image.alpha == nil)
    }
}

/// Peak signal-to-noise ratio in dB for values in [0, 1].
func psnr(_ a: Image, _ b: Image) -> Double {
    let mse = zip(a.samples, b.samples).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(a.samples.count)
    return mse == 0 ? .infinity : 10 * log10(1 / mse)
}

@Suite struct BadFiles {
    let png = try! gridImage(width: 32, height: 32, channels: 3).encoded(as: .png)
    let jpeg = try! SyntheticImage.naturalLooking(Size(width: 64, height: 64), seed: 3).encoded(as: .jpeg)

    private func decodeError(_ data: Data, limits: ReadLimits = ReadLimits()) -> ImageError? {
        do { _ = try Image.decode(data, name: "bad.png", limits: limits); return nil } catch let e as ImageError { return e } catch { return nil }
    }

    @Test func truncatedFilesGiveCorruptErrors() {
        for data in [png.prefix(png.count / 2), png.prefix(40), jpeg.prefix(jpeg.count / 2), jpeg.prefix(200)] {
            guard case .corrupt(let path, _, _)? = decodeError(Data(data)) else { Issue.record("no corrupt error"); continue }
            #expect(path == "bad.png")
        }
    }

    @Test func flippedBytesAreCaught() {
        var damaged = png
        for i in stride(from: 60, to: damaged.count - 20, by: 7) { damaged[i] ^= 0x5A }
        #expect(decodeError(damaged) != nil)
    }

    @Test func emptyAndForeignFilesAreNamed() {
        #expect(decodeError(Data()) == .emptyFile(path: "bad.png"))
        #expect(decodeError(Data("hello, not an image".utf8)) == .unknownFormat(path: "bad.png"))
        #expect(ImageError.unknownFormat(path: "x.png").description.contains("x.png"))
    }

    @Test func overLimitIsRefusedFromTheHeader() {
        // A PNG header claiming 100000 × 100000 pixels and no data: refused before any pixel buffer exists.
        var ihdr = Data([0x49, 0x48, 0x44, 0x52])
        for v in [UInt32(100_000), 100_000] { withUnsafeBytes(of: v.bigEndian) { ihdr.append(contentsOf: $0) } }
        ihdr.append(contentsOf: [8, 2, 0, 0, 0])
        var bomb = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) + ihdr
        withUnsafeBytes(of: crc32(ihdr).bigEndian) { bomb.append(contentsOf: $0) }
        #expect(decodeError(bomb) == .tooLarge(path: "bad.png", width: 100_000, height: 100_000, limit: 64_000_000))
        #expect(decodeError(png, limits: ReadLimits(maxPixels: 1000)) == .tooLarge(path: "bad.png", width: 32, height: 32, limit: 1000))
        #expect(decodeError(jpeg, limits: ReadLimits(maxPixels: 1000)) == .tooLarge(path: "bad.png", width: 64, height: 64, limit: 1000))
    }

    @Test func formatComesFromTheBytesNotTheName() throws {
        let dir = temporaryDirectory()
        let path = dir + "/actually-a-jpeg.png"
        try jpeg.write(to: URL(fileURLWithPath: path))
        let decoded = try Image.read(path)
        #expect(decoded.format == .jpeg && decoded.image.width == 64)
    }

    @Test func missingFileIsNamed() {
        #expect(throws: ImageError.fileNotFound(path: "/nonexistent/x.png")) { try Image(contentsOf: "/nonexistent/x.png") }
    }

    @Test func writingIsAtomicAndLeavesNoTemporaryFiles() throws {
        let dir = temporaryDirectory()
        let image = gridImage(width: 8, height: 8, channels: 3)
        try image.write(to: dir + "/out.png")
        try image.write(to: dir + "/out.jpg")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names == ["out.jpg", "out.png"])
        #expect(try Image.read(dir + "/out.jpg").format == .jpeg)
        #expect(throws: ImageError.self) { try image.write(to: dir + "/no/such/folder/out.png") }
    }
}

/// CRC-32 (the PNG chunk checksum), bitwise.
func crc32(_ data: Data) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
        crc ^= UInt32(byte)
        for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

@Suite struct SHA256Tests {
    @Test func standardTestVectors() {
        #expect(SHA256.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // 56 bytes: the padding spills into a second block.
        #expect(SHA256.hex(of: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
