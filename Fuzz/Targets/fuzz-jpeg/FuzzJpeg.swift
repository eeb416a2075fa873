// JPEG bytes through the full decoder, at a pixel limit that keeps each run small.
import Foundation
import Imaging

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJpeg(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? Image.decode(Data(bytes: data, count: size), name: "fuzz.jpg", limits: ReadLimits(maxPixels: 1 << 20))
    return 0
}
