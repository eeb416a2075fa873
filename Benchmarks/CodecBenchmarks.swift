import Foundation
import Imaging

/// PNG and JPEG throughput in megabytes of 8-bit RGB pixels per second, on a 1024 × 1024 synthetic photo.
func benchmarkCodecs(_ harness: inout Harness) throws {
    let image = SyntheticImage.naturalLooking(Size(width: 1024, height: 1024), seed: 3)
    let megabytes = Double(image.pixelCount * 3) / 1e6
    for format in ImageFormat.allCases {
        let data = try image.encoded(as: format)
        let encode = harness.time { _ = try? image.encoded(as: format) }
        let decode = harness.time { _ = try? Image.decode(data, name: "bench") }
        harness.record("codecs", "\(format.name) encode 1024², 8-bit RGB", megabytes / encode, "MB/s",
                       note: "\(data.count / 1024) KiB file")
        harness.record("codecs", "\(format.name) decode 1024², 8-bit RGB", megabytes / decode, "MB/s")
    }
}
