// Parameter JSON of every algorithm: decoding, then each struct's validate().
import Analogies
import Foundation
import Neural
import Quilting

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParameters(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let json = Data(bytes: data, count: size), decoder = JSONDecoder()
    if let p = try? decoder.decode(QuiltingParameters.self, from: json) { _ = try? p.validate() }
    if let p = try? decoder.decode(TransferParameters.self, from: json) { _ = try? p.validate() }
    if let p = try? decoder.decode(AnalogyParameters.self, from: json) { _ = try? p.validate() }
    if let p = try? decoder.decode(StyleTransferParameters.self, from: json) { _ = try? p.validate() }
    return 0
}
