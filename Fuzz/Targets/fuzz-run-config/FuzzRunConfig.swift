// Run configurations: JSON decoding, then the checks of ids and ranges.
import Compare
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? RunConfig.decode(Data(bytes: data, count: size), path: "fuzz.json")
    return 0
}
