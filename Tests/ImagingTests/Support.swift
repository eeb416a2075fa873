import Foundation
@testable import Imaging

/// A fresh temporary folder per call, removed by the caller when wanted.
func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "stylelab-tests-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func fixturePath(_ name: String) -> String {
    Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures")
        ?? Bundle.module.bundlePath + "/Fixtures/" + name
}

/// Largest absolute difference between two images' samples.
func maxDifference(_ a: Image, _ b: Image) -> Float {
    precondition(a.samples.count == b.samples.count)
    return zip(a.samples, b.samples).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// A test image with values on the 8-bit grid (so 8-bit round trips are exact).
func gridImage(width: Int, height: Int, channels: Int, levels: Float = 255) -> Image {
    var image = Image(width: width, height: height, channels: channels)
    for c in 0 ..< channels {
        for y in 0 ..< height {
            for x in 0 ..< width { image[x, y, c] = Float((x * 37 + y * 11 + c * 91) % Int(levels + 1)) / levels }
        }
    }
    return image
}
