// PyTorch zip files: data.pkl and the storage members.
@_spi(Fuzzing) import Neural

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPthZip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ReaderFuzzing.zipWeights(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
