import Foundation

/// Any JSON value, kept as it was written: a method's parameters travel through a run file and a cell file to the
/// child, which reads them as its algorithm's own parameter struct (`decodePartial`).
public enum JSONValue: Codable, Sendable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            var values: [String: JSONValue] = [:]
            for key in object.allKeys { values[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(values)
        } else if var list = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !list.isAtEnd { values.append(try list.decode(JSONValue.self)) }
            self = .array(values)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() { self = .null }
            else if let value = try? single.decode(Bool.self) { self = .bool(value) }
            else if let value = try? single.decode(Double.self) { self = .number(value) }
            else { self = .string(try single.decode(String.self)) }
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .object(let values):
            var object = encoder.container(keyedBy: Key.self)
            for (key, value) in values { try object.encode(value, forKey: Key(stringValue: key)) }
        case .array(let values):
            var list = encoder.unkeyedContainer()
            for value in values { try list.encode(value) }
        case .null: var single = encoder.singleValueContainer(); try single.encodeNil()
        case .bool(let value): var single = encoder.singleValueContainer(); try single.encode(value)
        case .number(let value): var single = encoder.singleValueContainer(); try single.encode(value)
        case .string(let value): var single = encoder.singleValueContainer(); try single.encode(value)
        }
    }

    /// `other` written over this value: objects merge key by key (recursively), anything else is replaced.
    func overlaid(with other: JSONValue) -> JSONValue {
        guard case .object(var mine) = self, case .object(let theirs) = other else { return other }
        for (key, value) in theirs { mine[key] = mine[key].map { $0.overlaid(with: value) } ?? value }
        return .object(mine)
    }
}
