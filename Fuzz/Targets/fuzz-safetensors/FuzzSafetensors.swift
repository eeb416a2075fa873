// safetensors: header length, JSON header, spans.
@_spi(Fuzzing) import Neural

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ReaderFuzzing.safetensors(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
