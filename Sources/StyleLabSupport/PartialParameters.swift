import Foundation

/// A parameter file that cannot be used, naming the file, the key and what to do.
package enum ParameterFileError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, detail: String)
    case notAnObject(path: String, key: String)
    case unknownKey(path: String, key: String, allowed: [String])
    case badValue(path: String, key: String, detail: String)

    package var description: String {
        switch self {
        case .unreadable(let path, let detail): return "\(path): \(detail)"
        case .notAnObject(let path, let key):
            return "\(path): \(key.isEmpty ? "the file" : "\"\(key)\"") must be a JSON object of parameters"
        case .unknownKey(let path, let key, let allowed):
            return "\(path): no parameter \"\(key)\"; the keys are \(allowed.joined(separator: ", "))"
        case .badValue(let path, let key, let detail): return "\(path): \"\(key)\" \(detail)"
        }
    }
}

/// Parameters from partial JSON: any subset of a parameter struct's keys, the rest taken from `defaults` (the
/// paper's defaults, or a preset's). A key the struct does not have is refused with the list of those it has, at
/// every level of nesting; `null` clears an optional. The struct's own `Codable` stays the one definition of the
/// keys: they are its stored properties, read off `defaults` by reflection. Also returns the keys the file gave,
/// dotted (`quilting.blockSize`).
package func decodePartial<P: Codable>(_ type: P.Type, from data: Data, over defaults: P,
                                       path: String) throws -> (value: P, keys: Set<String>) {
    let given: Any
    do { given = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
        throw ParameterFileError.unreadable(path: path, detail: "not JSON (\(error.localizedDescription))")
    }
    let base = try JSONSerialization.jsonObject(with: JSONEncoder().encode(defaults))
    var keys = Set<String>()
    let merged = try overlay(given, on: base, template: defaults, keyPath: "", path: path, keys: &keys)
    do {
        return (try JSONDecoder().decode(P.self, from: JSONSerialization.data(withJSONObject: merged)), keys)
    } catch let error as DecodingError {
        // Foundation reports a number its type cannot hold (a negative seed, a count past Int) with no key path:
        // find the value by trying each given one alone.
        if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
           let given = given as? [String: Any], let base = base as? [String: Any],
           let key = culprit(given, over: base, prefix: "", decodes: { candidate in
               (try? JSONSerialization.data(withJSONObject: candidate))
                   .flatMap { try? JSONDecoder().decode(P.self, from: $0) } != nil
           }) {
            throw ParameterFileError.badValue(path: path, key: key, detail: "is out of range for this parameter "
                                              + "(a negative count or seed, or a number too large)")
        }
        throw describe(error, path: path)
    }
}

/// `given` written over `base` key by key; nested structs are merged, anything else (numbers, strings, lists,
/// enums with payloads) is replaced whole.
private func overlay(_ given: Any, on base: Any, template: Any, keyPath: String, path: String,
                     keys: inout Set<String>) throws -> Any {
    guard let given = given as? [String: Any] else { throw ParameterFileError.notAnObject(path: path, key: keyPath) }
    var result = base as? [String: Any] ?? [:]
    let fields = Dictionary(Mirror(reflecting: template).children.compactMap { child in
        child.label.map { ($0, child.value) }
    }, uniquingKeysWith: { first, _ in first })
    for (key, value) in given {
        let name = keyPath.isEmpty ? key : keyPath + "." + key
        guard let field = fields[key] else {
            throw ParameterFileError.unknownKey(path: path, key: name, allowed: fields.keys.sorted())
        }
        keys.insert(name)
        if value is NSNull {
            result[key] = nil
        } else if Mirror(reflecting: field).displayStyle == .struct, let inner = result[key] {
            result[key] = try overlay(value, on: inner, template: field, keyPath: name, path: path, keys: &keys)
        } else {
            result[key] = value
        }
    }
    return result
}

/// The dotted key of the first given value that does not decode on its own over the defaults, or nil.
private func culprit(_ given: [String: Any], over base: [String: Any], prefix: String,
                     decodes: ([String: Any]) -> Bool) -> String? {
    for key in given.keys.sorted() {
        let name = prefix.isEmpty ? key : prefix + "." + key
        if let inner = given[key] as? [String: Any], let innerBase = base[key] as? [String: Any] {
            let found = culprit(inner, over: innerBase, prefix: name) { value in
                var outer = base
                outer[key] = value
                return decodes(outer)
            }
            if let found { return found }
        } else {
            var single = base
            single[key] = given[key] is NSNull ? nil : given[key]
            if !decodes(single) { return name }
        }
    }
    return nil
}

/// A decoding failure as the key it happened at and what was expected there.
private func describe(_ error: DecodingError, path: String) -> ParameterFileError {
    func key(_ codingPath: [CodingKey]) -> String {
        codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .typeMismatch(let type, let context):
        return .badValue(path: path, key: key(context.codingPath), detail: "must be \(readable(type))")
    case .valueNotFound(let type, let context):
        return .badValue(path: path, key: key(context.codingPath), detail: "must be \(readable(type)), not null")
    case .keyNotFound(let missing, let context):
        return .badValue(path: path, key: key(context.codingPath + [missing]), detail: "is required here")
    case .dataCorrupted(let context):
        return .badValue(path: path, key: key(context.codingPath), detail: context.debugDescription)
    @unknown default:
        return .unreadable(path: path, detail: "\(error)")
    }
}

private func readable(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type, is UInt64.Type: return "an integer"
    case is Float.Type, is Double.Type: return "a number"
    case is Bool.Type: return "true or false"
    case is String.Type: return "a string"
    default: return "a value of type \(type)"
    }
}
