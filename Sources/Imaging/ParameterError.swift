/// A parameter outside what it may be — from a flag, a parameter file, a run file or a library caller. Every
/// StyleLab library throws this one error for it, naming the parameter as its CLI flag (`--block`), the bad value
/// and what is expected.
public struct ParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    public var name: String
    public var value: String
    public var expected: String

    public init(name: String, value: String, expected: String) {
        self.name = name
        self.value = value
        self.expected = expected
    }

    public var description: String { "\(name) \(value) is invalid: expected \(expected)" }
}
