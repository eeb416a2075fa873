import Foundation
import Imaging
@testable import Motion

/// An RGB test image with detail at every scale and everywhere (1/f noise per channel), deterministic from its
/// seed. Not `SyntheticImage.naturalLooking`: its flat discs and bars leave DIS nothing to match (the aperture
/// problem), which would test the scene rather than the flow.
func texture(_ width: Int, _ height: Int, seed: UInt64 = 7) -> Image {
    let size = Size(width: width, height: height)
    let octaves = max(1, Int(log2(Double(max(width, height)))))
    return Image.stacking((0 ..< 3).map { c in
        SyntheticImage.fractalNoise(size, seed: seed &* 31 &+ UInt64(c), octaves: octaves)
    })
}

/// A one-channel mask of `size`: 1 inside the rectangle that leaves `margin` pixels at every edge, 0 outside.
func interiorMask(_ size: Size, margin: Int) -> Image {
    var mask = Image(width: size.width, height: size.height, channels: 1)
    for y in margin ..< max(margin, size.height - margin) {
        for x in margin ..< max(margin, size.width - margin) { mask[x, y, 0] = 1 }
    }
    return mask
}

/// A fresh temporary folder for one test's files.
func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "motion-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Little-endian bytes of 32-bit words, for hand-made .flo files.
func bytes(_ words: [UInt32]) -> Data { words.withUnsafeBytes { Data($0) } }
