// Pickle streams through the restricted unpickler.
@_spi(Fuzzing) import Neural

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPickle(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ReaderFuzzing.pickle(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
