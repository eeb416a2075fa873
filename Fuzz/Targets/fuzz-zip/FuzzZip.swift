// Zip archives through the stored-member reader (directory, local headers, zip64).
@_spi(Fuzzing) import Neural

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ReaderFuzzing.zipArchive(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
