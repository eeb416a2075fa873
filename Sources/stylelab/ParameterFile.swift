import ArgumentParser
import Foundation
import StyleLabSupport

/// `--params`, `--dump-params` and `--dry-run`, shared by every algorithm command. The keys are the library's
/// parameter struct's own (what `--dump-params` prints); the order of precedence is the library's defaults, then
/// a preset, then the file, then each flag given.
struct ParameterFileOptions: ParsableArguments {
    @Option(name: .customLong("params"),
            help: "Parameters as JSON: any subset of the keys --dump-params prints; flags given override them.")
    var paramsFile: String?
    @Flag(help: "Print the effective parameters as JSON (and run, unless --dry-run).") var dumpParams = false
    @Flag(help: "Check the inputs, parameters and memory, print what --dump-params would, and stop.") var dryRun = false

    /// The file's parameters written over `defaults`, with the dotted keys it gave (none without --params).
    func load<P: Codable>(over defaults: P) throws -> (value: P, keys: Set<String>) {
        guard let paramsFile else { return (defaults, []) }
        switch readRegularFile(paramsFile, maxBytes: 1 << 20) {
        case .success(let data): return try decodePartial(P.self, from: data, over: defaults, path: paramsFile)
        case .failure(.notFound): throw ParameterFileError.unreadable(path: paramsFile, detail: "no such file (--params)")
        case .failure(let other):
            throw ParameterFileError.unreadable(path: paramsFile, detail: "not a readable JSON file of at most 1 MB "
                                                + "(\(other); --params)")
        }
    }

    /// Prints `parameters` for --dump-params or --dry-run; true when the command should stop here.
    func announce<P: Encodable>(_ parameters: P) throws -> Bool {
        if dumpParams || dryRun { print(String(decoding: try parameters.parameterJSON(), as: UTF8.self)) }
        return dryRun
    }
}
