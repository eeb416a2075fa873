// Dataset manifests: JSON decoding, then the checks of ids, paths, checksums and roles.
import Compare
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? DatasetManifest.decode(Data(bytes: data, count: size), path: "fuzz.json")
    return 0
}
