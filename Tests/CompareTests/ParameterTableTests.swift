import Analogies
import Foundation
import Imaging
import Neural
import Quilting
import Testing

/// Each algorithm's parameter table is the one definition of its parameters: it must name every stored property
/// of the parameter struct exactly once, under the key its `Codable` uses, and each flag must set that key and
/// nothing else. A property added without a table line, or a line whose key or key path is wrong, fails here.
@Suite struct ParameterTableTests {
    /// A value other than the default for every flag (a switch as the form that changes it).
    static let quilting = ["--block": "20", "--overlap": "5", "--tolerance": "0.3", "--search": "flann",
                           "--wrap": "--wrap", "--seed": "7", "--threads": "2"]
    static let transfer = quilting.merging(["--block": "12", "--passes": "2", "--block-shrink": "0.5",
                                            "--alpha-schedule": "0.2,0.7", "--correspondence": "luminance",
                                            "--blur-sigma": "3", "--remap": "--no-remap"]) { $1 }
    static let analogy = ["--kappa": "2", "--levels": "2", "--features": "rgb", "--remap": "--no-remap",
                          "--search": "exact", "--pca-dims": "4", "--checks": "8", "--source-weight": "2",
                          "--chroma": "following-luminance", "--seed": "3", "--threads": "1"]
    static let neural = ["--size": "64", "--sizes": "32,64", "--iterations": "3", "--coarse-to-fine": "--coarse-to-fine",
                         "--content-layers": "relu3_1", "--style-layers": "relu1_1,relu2_1", "--content-weight": "2",
                         "--style-weight": "3", "--style-layer-weights": "1,2", "--tv-weight": "0.5",
                         "--style-scale": "0.5", "--style-blend": "1,2", "--init": "noise", "--optimizer": "adam",
                         "--learning-rate": "2", "--pooling": "average", "--preserve-colors": "luminance",
                         "--seed": "4"]

    @Test func quiltingTable() throws { try check(QuiltingParameters.table, QuiltingParameters(), Self.quilting) }
    @Test func transferTable() throws { try check(TransferParameters.table, TransferParameters(), Self.transfer) }
    @Test func analogyTable() throws { try check(AnalogyParameters.table, AnalogyParameters(), Self.analogy) }
    @Test func neuralTable() throws {
        try check(StyleTransferParameters.table, StyleTransferParameters(), Self.neural)
    }

    func check<P: Codable>(_ table: ParameterTable<P>, _ defaults: P, _ samples: [String: String]) throws {
        let keys = table.fields.map(\.key), flags = table.fields.map(\.flag)
        #expect(Set(keys).count == keys.count && Set(flags).count == flags.count, "a key or flag is listed twice")
        #expect(Set(keys) == Set(storedProperties(of: defaults)), "the table's keys are not the struct's properties")
        let base = try json(defaults)
        for field in table.fields {
            guard let sample = samples[field.flag] else {
                Issue.record("no sample value for \(field.flag)")
                continue
            }
            var p = defaults
            let given = try table.apply(field.valueHelp == nil ? [sample] : [field.flag, sample], to: &p)
            #expect(given == [field.key])
            let after = try json(p)
            let changed = storedProperties(of: defaults).filter { value(at: $0, base) != value(at: $0, after) }
            #expect(changed == [field.key], "\(field.flag) \(sample) changed \(changed), not \(field.key)")
            #expect(table.helpText(defaults: defaults).contains(field.flag))
        }
    }

    /// The struct's stored properties, dotted into nested parameter structs.
    func storedProperties(of value: Any, prefix: String = "") -> [String] {
        Mirror(reflecting: value).children.flatMap { child -> [String] in
            let name = prefix + (child.label ?? "?")
            let nested = Mirror(reflecting: child.value).displayStyle == .struct && !(child.value is [Any])
            return nested ? storedProperties(of: child.value, prefix: name + ".") : [name]
        }
    }

    func json<P: Encodable>(_ value: P) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any] ?? [:]
    }

    /// The JSON at a dotted key, as comparable text ("" when absent).
    func value(at key: String, _ object: [String: Any]) -> String {
        var current: Any? = object
        for part in key.split(separator: ".") { current = (current as? [String: Any])?[String(part)] }
        guard let current else { return "" }
        let data = try? JSONSerialization.data(withJSONObject: [current], options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
