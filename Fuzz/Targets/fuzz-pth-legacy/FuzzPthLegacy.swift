// PyTorch legacy files: pickles, storage keys, storages, tensor views.
@_spi(Fuzzing) import Neural

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPthLegacy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ReaderFuzzing.legacyWeights(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
