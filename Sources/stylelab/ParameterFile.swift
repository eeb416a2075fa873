import ArgumentParser
import Foundation
import Imaging
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

    /// `defaults` (the library's, or a preset's), then the --params file's values, then the parameter flags'
    /// (`flags`, parsed by the algorithm's `table`); with the dotted keys the file and the flags set.
    func load<P: Codable>(over defaults: P, table: ParameterTable<P>,
                          flags: [String]) throws -> (value: P, keys: Set<String>) {
        var (value, keys) = try loadFile(over: defaults, table: table)
        do {
            keys.formUnion(try table.apply(flags, to: &value))
        } catch let error as ParameterFlagError {
            throw ValidationError(error.description)
        }
        return (value, keys)
    }

    private func loadFile<P: Codable>(over defaults: P,
                                      table: ParameterTable<P>) throws -> (value: P, keys: Set<String>) {
        guard let paramsFile else { return (defaults, []) }
        switch readRegularFile(paramsFile, maxBytes: 1 << 20) {
        case .success(let data):
            do {
                return try decodePartial(P.self, from: data, over: defaults, path: paramsFile)
            } catch ParameterFileError.badValue(let path, let key, let detail) {
                // Name what the key takes, as --help would.
                let takes = table.field(forKey: key)?.valueHelp.map { " (it takes \($0))" } ?? ""
                throw ParameterFileError.badValue(path: path, key: key, detail: detail + takes)
            }
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

/// The parameter flags of an algorithm command: every argument ArgumentParser does not know, parsed by the
/// algorithm's `ParameterTable` (ArgumentParser cannot declare options at run time). --help lists them from the
/// same table, in the command's discussion.
struct ParameterFlags: ParsableArguments {
    @Argument(parsing: .allUnrecognized, help: .hidden) var arguments: [String] = []
}

/// The discussion of an algorithm command's --help: `lead`, then its parameter flags from `table`.
func parameterHelp<P>(_ lead: String, _ table: ParameterTable<P>, defaults: P) -> String {
    (lead.isEmpty ? "" : lead + "\n\n") + "PARAMETERS (flags, or the keys of a --params file):\n"
        + table.helpText(defaults: defaults)
}
