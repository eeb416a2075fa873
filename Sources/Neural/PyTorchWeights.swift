import StyleLabSupport

/// PyTorch's two serialisations (see FORMATS.md): the legacy stream of pickles and raw storages, and the zip.
extension WeightFile {
    /// 0x1950a86a20f9469cfc6c, little-endian, as LONG1 stores it.
    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    /// Legacy: magic number, protocol version, system info, the object, the storage keys; then, for each key in
    /// the list's order, a little-endian int64 element count and that many elements.
    static func readLegacy(_ bytes: [UInt8], name: String) throws -> WeightFile {
        var pickle = try RestrictedUnpickler(bytes, name: name)
        guard case .bigInt(let magic) = try pickle.load(), magic == legacyMagic else {
            throw WeightError.corrupt(path: name, detail: "wrong magic number for a legacy PyTorch file")
        }
        guard try pickle.load().int == 1001 else {
            throw WeightError.corrupt(path: name, detail: "unknown protocol version")
        }
        _ = try pickle.load()  // system info: little endian, type sizes
        let object = try pickle.load()
        let keyList = try pickle.load()  // loaded before `pickle.list` reads the containers this load adds
        guard let keys = pickle.list(keyList)?.map(\.string), !keys.contains(nil) else {
            throw WeightError.corrupt(path: name, detail: "no list of storage keys after the object")
        }
        let types = try storageTypes(object, in: pickle, name: name)
        var storages: [String: ArraySlice<UInt8>] = [:]
        var data = try ByteReader(bytes, at: pickle.position, name: name, context: "storages")
        for case let key? in keys {
            guard let type = types[key] else {
                let detail = "storage \(key) is listed but no tensor uses it, so its size is unknown"
                throw WeightError.corrupt(path: name, detail: detail)
            }
            guard storages[key] == nil else {
                throw WeightError.corrupt(path: name, detail: "storage \(key) is listed twice")
            }
            let count = try data.count(8, what: "element count of storage \(key)")
            guard let size = Checked.product([count, type.size]) else {
                throw WeightError.corrupt(path: name,
                                          detail: "storage \(key) claims \(count) elements, more than the file holds")
            }
            storages[key] = try data.take(size)
        }
        return try assemble(object, in: pickle, storages: storages, format: .pytorchLegacy, name: name)
    }

    /// Zip: `<folder>/data.pkl` holds the object; each storage is the stored member `<folder>/data/<key>`.
    static func readZip(_ bytes: [UInt8], name: String) throws -> WeightFile {
        let archive = try ZipArchive(bytes, name: name)
        guard let pickleName = archive.names.first(where: { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }) else {
            throw WeightError.corrupt(path: name, detail: "a zip without data.pkl is not a PyTorch file")
        }
        let prefix = String(pickleName.dropLast("data.pkl".count)) + "data/"
        var pickle = try RestrictedUnpickler(Array(try archive.contents(of: pickleName)), name: name)
        let object = try pickle.load()
        var storages: [String: ArraySlice<UInt8>] = [:]
        for member in archive.names where member.hasPrefix(prefix) {
            storages[String(member.dropFirst(prefix.count))] = try archive.contents(of: member)
        }
        return try assemble(object, in: pickle, storages: storages, format: .pytorchZip, name: name)
    }
}
