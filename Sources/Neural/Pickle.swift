import Foundation

/// A restricted reader for the pickles inside PyTorch weight files.
///
/// It understands the opcodes `torch.save` writes (protocol 2) and rebuilds only what a state dict holds: ints,
/// floats, strings, tuples, lists, dicts, `collections.OrderedDict`, storages (persistent ids) and tensors
/// (`torch._utils._rebuild_tensor_v2`). Any other global — `os.system`, `builtins.eval`, a class of the author's
/// — is refused with an error before anything else happens: nothing in the file is ever executed.
struct RestrictedUnpickler {
    /// A storage named by a persistent id: ('storage', torch.<Type>Storage, key, location, numel).
    struct StorageReference: Equatable {
        var type: String
        var key: String
        var count: Int
    }

    /// A tensor as `_rebuild_tensor_v2` describes it: a view of a storage.
    struct TensorReference: Equatable {
        var storage: StorageReference
        var offset: Int
        var shape: [Int]
        var strides: [Int]
    }

    final class Box { var items: [Value] = []; var pairs: [(Value, Value)] = [] }

    indirect enum Value {
        case none, bool(Bool), int(Int), bigInt([UInt8]), float(Double), string(String)
        case tuple([Value]), list(Box), dict(Box), global(String), storage(StorageReference), tensor(TensorReference), mark

        var int: Int? { if case .int(let v) = self { return v } else { return nil } }
        var string: String? { if case .string(let v) = self { return v } else { return nil } }
        var tuple: [Value]? { if case .tuple(let v) = self { return v } else { return nil } }
    }

    static let allowedGlobals: Set<String> = [
        "torch._utils._rebuild_tensor_v2", "collections.OrderedDict",
        "torch.FloatStorage", "torch.ByteStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.DoubleStorage",
        "torch.CharStorage", "torch.IntStorage", "torch.LongStorage", "torch.ShortStorage", "torch.BoolStorage",
    ]

    private let bytes: [UInt8]
    private(set) var position: Int
    let name: String

    init(_ bytes: [UInt8], at position: Int = 0, name: String) {
        self.bytes = bytes
        self.position = position
        self.name = name
    }

    /// Reads one pickle (up to its STOP) and returns its value; `position` moves past it.
    mutating func load() throws -> Value {
        var stack: [Value] = []
        var memo: [Int: Value] = [:]
        func pop() throws -> Value {
            guard let v = stack.popLast() else { throw fail("stack underflow") }
            return v
        }
        func popToMark() throws -> [Value] {
            guard let m = stack.lastIndex(where: { if case .mark = $0 { return true } else { return false } }) else { throw fail("no MARK") }
            let items = Array(stack[(m + 1)...])
            stack.removeSubrange(m...)
            return items
        }
        while true {
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()                                       // PROTO
            case 0x2E: return try pop()                                     // STOP
            case 0x4E: stack.append(.none)                                  // NONE
            case 0x88: stack.append(.bool(true))                            // NEWTRUE
            case 0x89: stack.append(.bool(false))                           // NEWFALSE
            case 0x4A: stack.append(.int(Int(Int32(bitPattern: UInt32(try little(4))))))   // BININT
            case 0x4B: stack.append(.int(try little(1)))                    // BININT1
            case 0x4D: stack.append(.int(try little(2)))                    // BININT2
            case 0x8A: stack.append(try long1())                            // LONG1
            case 0x47: stack.append(.float(Double(bitPattern: UInt64(try big(8)))))         // BINFLOAT
            case 0x58: stack.append(.string(try utf8(count: try little(4))))                // BINUNICODE
            case 0x8C: stack.append(.string(try utf8(count: try little(1))))                // SHORT_BINUNICODE
            case 0x28: stack.append(.mark)                                  // MARK
            case 0x29: stack.append(.tuple([]))                             // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popToMark()))                // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))                    // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); stack.append(.tuple([a, b]))       // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(.tuple([a, b, c]))  // TUPLE3
            case 0x5D: stack.append(.list(Box()))                           // EMPTY_LIST
            case 0x7D: stack.append(.dict(Box()))                           // EMPTY_DICT
            case 0x61:                                                      // APPEND
                let item = try pop()
                guard case .list(let box)? = stack.last else { throw fail("APPEND needs a list") }
                box.items.append(item)
            case 0x65:                                                      // APPENDS
                let items = try popToMark()
                guard case .list(let box)? = stack.last else { throw fail("APPENDS needs a list") }
                box.items += items
            case 0x73:                                                      // SETITEM
                let value = try pop(), key = try pop()
                guard case .dict(let box)? = stack.last else { throw fail("SETITEM needs a dict") }
                box.pairs.append((key, value))
            case 0x75:                                                      // SETITEMS
                let items = try popToMark()
                guard items.count % 2 == 0, case .dict(let box)? = stack.last else { throw fail("SETITEMS needs a dict") }
                for i in stride(from: 0, to: items.count, by: 2) { box.pairs.append((items[i], items[i + 1])) }
            case 0x71: guard let top = stack.last else { throw fail("BINPUT on empty stack") }; memo[try little(1)] = top      // BINPUT
            case 0x72: guard let top = stack.last else { throw fail("LONG_BINPUT on empty stack") }; memo[try little(4)] = top // LONG_BINPUT
            case 0x94: guard let top = stack.last else { throw fail("MEMOIZE on empty stack") }; memo[memo.count] = top       // MEMOIZE
            case 0x68, 0x6A:                                                // BINGET, LONG_BINGET
                let index = try little(opcode == 0x68 ? 1 : 4)
                guard let value = memo[index] else { throw fail("memo \(index) missing") }
                stack.append(value)
            case 0x63:                                                      // GLOBAL
                let module = try line(), attribute = try line()
                let qualified = "\(module).\(attribute)"
                guard RestrictedUnpickler.allowedGlobals.contains(qualified) else {
                    throw WeightError.refused(path: name, detail: "the pickle names \(qualified), which a weight file has no reason to call; it was not run")
                }
                stack.append(.global(qualified))
            case 0x51: stack.append(try persistent(try pop()))              // BINPERSID
            case 0x52:                                                      // REDUCE
                let arguments = try pop(), callable = try pop()
                stack.append(try reduce(callable, arguments))
            case 0x62: _ = try pop()                                        // BUILD: state of an OrderedDict (metadata), ignored
            case 0x95: _ = try little(8)                                    // FRAME
            default:
                throw WeightError.refused(path: name, detail: String(format: "pickle opcode 0x%02X is not one a weight file uses", opcode))
            }
        }
    }

    private func reduce(_ callable: Value, _ arguments: Value) throws -> Value {
        guard case .global(let function) = callable, let args = arguments.tuple else { throw fail("REDUCE of a non-global") }
        switch function {
        case "collections.OrderedDict":
            return .dict(Box())
        case "torch._utils._rebuild_tensor_v2":
            guard args.count >= 4, case .storage(let storage) = args[0], let offset = args[1].int,
                  let shape = args[2].tuple?.compactMap(\.int), let strides = args[3].tuple?.compactMap(\.int) else {
                throw fail("malformed _rebuild_tensor_v2 arguments")
            }
            return .tensor(TensorReference(storage: storage, offset: offset, shape: shape, strides: strides))
        default:
            throw WeightError.refused(path: name, detail: "the pickle calls \(function), which is not a tensor constructor")
        }
    }

    private func persistent(_ id: Value) throws -> Value {
        guard let parts = id.tuple, parts.count >= 5, parts[0].string == "storage", case .global(let type) = parts[1],
              let key = parts[2].string, let count = parts[4].int else { throw fail("unknown persistent id") }
        return .storage(StorageReference(type: type, key: key, count: count))
    }

    // MARK: bytes

    private func fail(_ detail: String) -> WeightError { .corrupt(path: name, detail: "pickle: \(detail)") }

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw WeightError.corrupt(path: name, detail: "the file ends inside a pickle (truncated?)") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, position + count <= bytes.count else { throw WeightError.corrupt(path: name, detail: "the file ends inside a pickle (truncated?)") }
        defer { position += count }
        return bytes[position ..< position + count]
    }

    private mutating func little(_ count: Int) throws -> Int {
        try take(count).reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    private mutating func big(_ count: Int) throws -> Int {
        try take(count).reduce(0) { $0 << 8 | Int($1) }
    }

    private mutating func utf8(count: Int) throws -> String { String(decoding: try take(count), as: UTF8.self) }

    private mutating func line() throws -> String {
        var out: [UInt8] = []
        while true { let b = try byte(); if b == 0x0A { break }; out.append(b); if out.count > 256 { throw fail("GLOBAL name too long") } }
        return String(decoding: out, as: UTF8.self)
    }

    /// LONG1: n little-endian two's-complement bytes; small ones become Int, the 10-byte magic number stays bytes.
    private mutating func long1() throws -> Value {
        let n = try little(1)
        let raw = Array(try take(n))
        if n <= 8 {
            var value = 0
            for (i, b) in raw.enumerated() { value |= Int(b) << (8 * i) }
            if n > 0 && n < 8 && raw[n - 1] & 0x80 != 0 { value -= 1 << (8 * n) }
            return .int(value)
        }
        return .bigInt(raw)
    }
}
