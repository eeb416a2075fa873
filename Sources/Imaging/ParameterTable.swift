import StyleLabSupport

/// One tunable parameter of an algorithm, defined once for every way in: its JSON key (the parameter struct's
/// property, as --params files, run files and --dump-params spell it), its CLI flag, its help line, how a flag's
/// text sets it, and the range `validate()` checks. Each algorithm lists its parameters in one table beside its
/// struct, so that adding a parameter is its property (with its default and doc comment) plus one line there.
package struct ParameterField<Root> {
    /// The property as the struct's `Codable` names it; dotted for a nested struct's (`quilting.blockSize`).
    package let key: String
    /// The long flag with its dashes (`--block`); a switch also answers to `--no-` and its name.
    package let flag: String
    /// What the flag takes (`2–1024`, `flann|exact`); nil for a switch.
    package let valueHelp: String?
    package let help: String
    /// Sets the parameter from a flag's text (the text, the flag), or throws a `ParameterError` naming the flag.
    let assign: (inout Root, String, String) throws -> Void
    /// Throws a `ParameterError` naming the flag when the value is out of range.
    let check: (Root, String) throws -> Void
    /// The value as --help shows a default.
    let show: (Root) -> String

    package init(key: String, flag: String? = nil, valueHelp: String?, help: String,
                 assign: @escaping (inout Root, String, String) throws -> Void,
                 check: @escaping (Root, String) throws -> Void = { _, _ in },
                 show: @escaping (Root) -> String) {
        self.key = key
        self.flag = flag ?? "--" + kebabCase(key.split(separator: ".").last.map(String.init) ?? key)
        self.valueHelp = valueHelp
        self.help = help
        self.assign = assign
        self.check = check
        self.show = show
    }

    /// This field as a field of a struct that holds `Root` at `path` under `key`.
    package func nested<Outer>(in path: WritableKeyPath<Outer, Root>, key prefix: String) -> ParameterField<Outer> {
        let (assign, check, show) = (self.assign, self.check, self.show)
        return ParameterField<Outer>(key: prefix + "." + key, flag: flag, valueHelp: valueHelp, help: help,
                                     assign: { outer, text, flag in try assign(&outer[keyPath: path], text, flag) },
                                     check: { outer, flag in try check(outer[keyPath: path], flag) },
                                     show: { outer in show(outer[keyPath: path]) })
    }
}

private var rangeCheck: RangeCheck<ParameterError> { RangeCheck(ParameterError.init) }

/// The common kinds of parameter. Each parses the flag's text, checks the range and names it in --help.
extension ParameterField {
    /// An integer in `range`.
    package static func integer(_ path: WritableKeyPath<Root, Int>, _ key: String, flag: String? = nil,
                                in range: ClosedRange<Int>, _ help: String) -> Self {
        Self(key: key, flag: flag, valueHelp: "\(range.lowerBound)–\(range.upperBound)", help: help,
             assign: { root, text, flag in root[keyPath: path] = try parse(text, flag, "an integer", Int.init) },
             check: { root, flag in try rangeCheck.int(flag, root[keyPath: path], range) },
             show: { "\($0[keyPath: path])" })
    }

    /// An integer in `range`, or nil (`auto` on the command line) for the rule `automatic` describes.
    package static func integer(_ path: WritableKeyPath<Root, Int?>, _ key: String, flag: String? = nil,
                                in range: ClosedRange<Int>, automatic: String, _ help: String) -> Self {
        Self(key: key, flag: flag, valueHelp: "\(range.lowerBound)–\(range.upperBound)|auto", help: help,
             assign: { root, text, flag in
                 root[keyPath: path] = text == "auto" ? nil : try parse(text, flag, "an integer or auto", Int.init)
             },
             check: { root, flag in try rangeCheck.int(flag, root[keyPath: path], range) },
             show: { root in root[keyPath: path].map { "\($0)" } ?? automatic })
    }

    /// A finite number in `range` (above its low end too, with `excludingLow`).
    package static func real(_ path: WritableKeyPath<Root, Float>, _ key: String, flag: String? = nil,
                             in range: ClosedRange<Float>, excludingLow: Bool = false, _ help: String) -> Self {
        let (low, high) = (compact(range.lowerBound), compact(range.upperBound))
        return Self(key: key, flag: flag, valueHelp: excludingLow ? "(\(low), \(high)]" : "\(low)–\(high)", help: help,
                    assign: { root, text, flag in root[keyPath: path] = try parse(text, flag, "a number", Float.init) },
                    check: { root, flag in
                        try rangeCheck.real(flag, root[keyPath: path], range, excludingLow: excludingLow)
                    },
                    show: { compact($0[keyPath: path]) })
    }

    /// A random seed: any integer from 0 to 2⁶⁴ − 1.
    package static func seed(_ path: WritableKeyPath<Root, UInt64>, _ key: String, _ help: String) -> Self {
        Self(key: key, valueHelp: "0–2⁶⁴−1", help: help,
             assign: { root, text, flag in
                 root[keyPath: path] = try parse(text, flag, "an integer from 0 to \(UInt64.max)", UInt64.init)
             },
             show: { "\($0[keyPath: path])" })
    }

    /// The random seed every algorithm takes, `seed`.
    package static func seed(_ path: WritableKeyPath<Root, UInt64>) -> Self {
        seed(path, "seed", "Random seed; the same seed gives the same bytes")
    }

    /// The thread count every algorithm takes, `threads`: 1–512 (more would only add stacks; the work is split
    /// by rows, never by thread count), or nil for every core.
    package static func threads(_ path: WritableKeyPath<Root, Int?>) -> Self {
        integer(path, "threads", in: 1 ... 512, automatic: "all cores", "Threads; the output does not depend on it")
    }

    /// On or off: `--flag` and `--no-flag`.
    package static func toggle(_ path: WritableKeyPath<Root, Bool>, _ key: String, flag: String? = nil,
                               _ help: String) -> Self {
        Self(key: key, flag: flag, valueHelp: nil, help: help,
             assign: { root, text, _ in root[keyPath: path] = text == "true" },
             show: { $0[keyPath: path] ? "on" : "off" })
    }

    /// One of an enumeration's cases, by its raw value.
    package static func choice<Choice>(_ path: WritableKeyPath<Root, Choice>, _ key: String, flag: String? = nil,
                                       _ help: String) -> Self
    where Choice: RawRepresentable & CaseIterable, Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue).joined(separator: "|")
        return Self(key: key, flag: flag, valueHelp: names, help: help,
                    assign: { root, text, flag in
                        root[keyPath: path] = try parse(text, flag, "one of \(names)", Choice.init(rawValue:))
                    },
                    show: { $0[keyPath: path].rawValue })
    }

    /// A comma-separated list of numbers, each in `range`, or `auto` for nil (the rule `automatic` describes).
    package static func reals(_ path: WritableKeyPath<Root, [Float]?>, _ key: String, flag: String? = nil,
                              in range: ClosedRange<Float>, automatic: String, _ help: String) -> Self {
        Self(key: key, flag: flag, valueHelp: "X,Y,…|auto", help: help,
             assign: { root, text, flag in
                 root[keyPath: path] = text == "auto" ? nil : try list(text, flag, "numbers", Float.init)
             },
             check: { root, flag in
                 for value in root[keyPath: path] ?? [] { try rangeCheck.real(flag, value, range) }
             },
             show: { root in root[keyPath: path].map(joined) ?? automatic })
    }

    /// A comma-separated list of 1–8 integers, each in `range`, or `auto` for nil.
    package static func integers(_ path: WritableKeyPath<Root, [Int]?>, _ key: String, flag: String? = nil,
                                 in range: ClosedRange<Int>, automatic: String, _ help: String) -> Self {
        Self(key: key, flag: flag, valueHelp: "N,M,…|auto", help: help,
             assign: { root, text, flag in
                 root[keyPath: path] = text == "auto" ? nil : try list(text, flag, "integers", Int.init)
             },
             check: { root, flag in
                 guard let values = root[keyPath: path] else { return }
                 try rangeCheck.int(flag + " (count)", values.count, 1 ... 8)
                 for value in values { try rangeCheck.int(flag, value, range) }
             },
             show: { root in root[keyPath: path].map(joined) ?? automatic })
    }

    /// A comma-separated list of names, checked where they are used (layer names, against the network).
    package static func names(_ path: WritableKeyPath<Root, [String]>, _ key: String, flag: String? = nil,
                              _ help: String) -> Self {
        Self(key: key, flag: flag, valueHelp: "NAME,…", help: help,
             assign: { root, text, _ in root[keyPath: path] = text.split(separator: ",").map(String.init) },
             show: { $0[keyPath: path].joined(separator: ",") })
    }
}

/// `text` parsed by `make`, or a `ParameterError` naming the flag and what it takes.
private func parse<T>(_ text: String, _ flag: String, _ expected: String, _ make: (String) -> T?) throws -> T {
    guard let value = make(text) else { throw ParameterError(name: flag, value: text, expected: expected) }
    return value
}

private func list<T>(_ text: String, _ flag: String, _ what: String, _ make: (String) -> T?) throws -> [T] {
    try text.split(separator: ",", omittingEmptySubsequences: false).map { item in
        try parse(String(item), flag, "comma-separated \(what)", make)
    }
}

/// 100 rather than 100.0: a bound as a person writes it.
private func compact(_ value: Float) -> String {
    value.isFinite && value == value.rounded() && abs(value) < 1e7 ? "\(Int(value))" : "\(value)"
}

private func joined<T>(_ values: [T]) -> String { values.map { "\($0)" }.joined(separator: ",") }

/// `blockSize` → `block-size`.
private func kebabCase(_ name: String) -> String {
    name.reduce(into: "") { result, character in
        if character.isUppercase { result += "-" + character.lowercased() } else { result.append(character) }
    }
}

/// An algorithm's parameters in the order --help lists them: what `validate()` checks and what the CLI parses.
package struct ParameterTable<Root> {
    package let fields: [ParameterField<Root>]

    package init(_ fields: [ParameterField<Root>]) { self.fields = fields }

    /// Every field's range, in table order; the first failure names its flag.
    package func check(_ root: Root) throws {
        for field in fields { try field.check(root, field.flag) }
    }

    package func field(forKey key: String) -> ParameterField<Root>? { fields.first { $0.key == key } }

    /// Applies command-line arguments (`--block 24`, `--block=24`, `--wrap`, `--no-wrap`) to `root` in order, and
    /// returns the keys they set. The ranges are left to `check`, so that a flag may be given before the one its
    /// range depends on.
    package func apply(_ arguments: [String], to root: inout Root) throws -> Set<String> {
        var given = Set<String>(), index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts.first ?? argument
            if let field = fields.first(where: { $0.flag == name && $0.valueHelp != nil }) {
                let value: String
                if parts.count == 2 {
                    value = parts[1]
                } else {
                    guard index < arguments.count else { throw ParameterFlagError.missingValue(flag: name) }
                    value = arguments[index]
                    index += 1
                }
                try field.assign(&root, value, name)
                given.insert(field.key)
            } else if parts.count == 1, let (field, on) = toggle(named: name) {
                try field.assign(&root, on ? "true" : "false", name)
                given.insert(field.key)
            } else {
                throw ParameterFlagError.unknown(argument: argument, suggestion: nearestFlag(to: name))
            }
        }
        return given
    }

    /// The switch `--name` (on) or `--no-name` (off) names.
    private func toggle(named name: String) -> (ParameterField<Root>, Bool)? {
        for field in fields where field.valueHelp == nil {
            if name == field.flag { return (field, true) }
            if name == "--no-" + field.flag.dropFirst(2) { return (field, false) }
        }
        return nil
    }

    private func nearestFlag(to name: String) -> String? {
        let scored = fields.map { ($0.flag, editDistance($0.flag, name)) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// The parameters as --help lists them, in its two columns: flag and what it takes, then what it does, its
    /// key in a parameter file and its default in `defaults`.
    package func helpText(defaults: Root) -> String {
        fields.map { field in
            let flag = field.valueHelp.map { "\(field.flag) <\($0)>" }
                ?? "\(field.flag), --no-\(field.flag.dropFirst(2))"
            let words = "\(field.help). [\(field.key)] (default: \(field.show(defaults)))"
            return twoColumns(flag, words)
        }.joined(separator: "\n")
    }
}

/// `left` in a column of 24 after two spaces (on a line of its own when longer), `right` wrapped to 52 beside it:
/// the layout ArgumentParser gives OPTIONS, so that ParameterTable's lines read as more of them.
private func twoColumns(_ left: String, _ right: String) -> String {
    let lines = wrappedWords(right, limit: 52)
    let indent = String(repeating: " ", count: 26)
    let first = "  " + left
    let opening = lines.first ?? ""
    let head = first.count <= 24 ? [first.padding(toLength: 26, withPad: " ", startingAt: 0) + opening]
                                  : [first, indent + opening]
    return (head + lines.dropFirst().map { indent + $0 }).joined(separator: "\n")
}

/// A command-line argument that is no parameter of the command, or a parameter flag without its value.
package enum ParameterFlagError: Error, CustomStringConvertible, Equatable {
    case unknown(argument: String, suggestion: String?)
    case missingValue(flag: String)

    package var description: String {
        switch self {
        case .unknown(let argument, let suggestion):
            let hint = suggestion.map { "did you mean \($0)? " } ?? ""
            return "unknown option or argument \(argument): \(hint)see --help for the options"
        case .missingValue(let flag): return "\(flag) needs a value (see --help)"
        }
    }
}

/// Levenshtein distance, for suggesting the flag a typo meant.
private func editDistance(_ a: String, _ b: String) -> Int {
    let b = Array(b)
    var previous = Array(0 ... b.count)
    for (i, x) in a.enumerated() {
        var current = [i + 1]
        for (j, y) in b.enumerated() {
            current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
        }
        previous = current
    }
    return previous[b.count]
}
