import Foundation
import Imaging

/// A trained network on disk: its parameters as safetensors, with `__metadata__` saying what it is ("kind"), how it
/// is built (the keys its builder reads) and how it was made. Models ship in half precision; checkpoints keep
/// full precision and the optimiser's moments.
///
/// Reading is hostile-input safe: the file must be the kind asked for, and every parameter the architecture has
/// must be there with exactly its shape and finite values (anything else is refused, naming the file).
enum ModelFile {
    static func write(_ parameters: [Parameter], metadata: [String: String], to path: String,
                      precision: SafetensorsWriter.Precision) throws {
        let entries = parameters.map { SafetensorsWriter.Entry(name: $0.name, shape: $0.shape, values: $0.values) }
        let data = try SafetensorsWriter.encode(entries, precision: precision, metadata: metadata)
        try data.writeAtomically(to: path)
    }

    /// The file's tensors and metadata, checked to be `kind`.
    static func read(_ path: String, kind: String) throws -> WeightFile {
        let file = try WeightFile.read(path)
        try refuse(file, unlessOf: kind, path: path)
        return file
    }

    /// A model, or a checkpoint of one (to look at a run in progress), with the prefix of its parameters' names.
    static func readModel(_ path: String, kind: String) throws -> (file: WeightFile, prefix: String) {
        let file = try WeightFile.read(path)
        if file.format == .safetensors, file.metadata["kind"] == kind + "-checkpoint" { return (file, "parameter.") }
        try refuse(file, unlessOf: kind, path: path)
        return (file, "")
    }

    private static func refuse(_ file: WeightFile, unlessOf kind: String, path: String) throws {
        guard file.format == .safetensors, file.metadata["kind"] == kind else {
            let found = file.metadata["kind"].map { "a \($0) model" } ?? "not a StyleLab model"
            throw WeightError.refused(path: path, detail: "expected a \(kind) model, found \(found)")
        }
    }

    /// Copies the file's tensors into `parameters`, which must match them one for one.
    static func load(_ file: WeightFile, into parameters: [Parameter], path: String, prefix: String = "") throws {
        let expected = Set(parameters.map { prefix + $0.name })
        let unknown = file.tensors.keys.filter { $0.hasPrefix(prefix) && !expected.contains($0) }.sorted()
        if let extra = unknown.first {
            throw WeightError.refused(path: path, detail: "tensor \(extra) belongs to no layer of this network")
        }
        for p in parameters {
            guard let t = file.tensors[prefix + p.name] else {
                throw WeightError.refused(path: path, detail: "tensor \(prefix + p.name) is missing; "
                    + "the file does not hold this network (retrain it, or check the file)")
            }
            guard t.shape == p.shape else {
                throw WeightError.refused(path: path, detail: "\(prefix + p.name) has shape \(t.shape), not \(p.shape)")
            }
            guard t.values.allSatisfy(\.isFinite) else {
                throw WeightError.refused(path: path, detail: "\(prefix + p.name) holds a value that is not finite")
            }
            p.values = t.values
        }
    }

    /// A metadata entry read as an integer in `range`.
    static func integer(_ file: WeightFile, _ key: String, in range: ClosedRange<Int>, path: String) throws -> Int {
        guard let text = file.metadata[key], let value = Int(text), range.contains(value) else {
            let found = file.metadata[key] ?? "nothing"
            throw WeightError.refused(path: path, detail: "metadata \(key) is \(found), not an integer in \(range)")
        }
        return value
    }
}

/// A training run's state at a step: the parameters, Adam's moments and step count, and the settings it ran with.
/// `--resume` restores it, and the run then takes exactly the steps an uninterrupted one would: every sample's
/// crop is drawn from (seed, step, index), so no generator state need be stored.
enum Checkpoint {
    static func write(_ parameters: [Parameter], adam: ParameterAdam, settings: [String: String], kind: String,
                      to path: String) throws {
        var entries: [SafetensorsWriter.Entry] = []
        for p in parameters {
            entries.append(.init(name: "parameter." + p.name, shape: p.shape, values: p.values))
            if let (m, v) = adam.moments[p.name] {
                entries.append(.init(name: "adam.m." + p.name, shape: p.shape, values: m))
                entries.append(.init(name: "adam.v." + p.name, shape: p.shape, values: v))
            }
        }
        var metadata = settings
        metadata["kind"] = kind + "-checkpoint"
        metadata["step"] = String(adam.step)
        let data = try SafetensorsWriter.encode(entries, precision: .float32, metadata: metadata)
        try data.writeAtomically(to: path)
    }

    /// Settings added since the first checkpoints were written, with the value those had.
    static let olderDefaults = ["warmup_steps": "0"]

    /// Restores parameters and moments; the checkpoint's settings must equal `settings` (the step count aside).
    static func resume(_ path: String, parameters: [Parameter], adam: inout ParameterAdam,
                       settings: [String: String], kind: String, steps: Int) throws {
        let file = try ModelFile.read(path, kind: kind + "-checkpoint")
        for (key, value) in settings where (file.metadata[key] ?? Checkpoint.olderDefaults[key]) != value {
            let was = file.metadata[key] ?? "unset"
            throw WeightError.refused(path: path, detail: "it was trained with \(key) \(was), this run has \(value); "
                + "resume with the same settings")
        }
        try ModelFile.load(file, into: parameters, path: path, prefix: "parameter.")
        let step = try ModelFile.integer(file, "step", in: 0 ... steps, path: path)
        adam.step = step
        for p in parameters {
            guard let m = file.tensors["adam.m." + p.name], let v = file.tensors["adam.v." + p.name],
                  m.shape == p.shape, v.shape == p.shape else {
                if step == 0 { continue }
                throw WeightError.refused(path: path, detail: "Adam's moments for \(p.name) are missing or misshapen")
            }
            adam.moments[p.name] = (m.values, v.values)
        }
    }
}
