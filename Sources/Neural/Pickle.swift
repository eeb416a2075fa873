/// A restricted reader for the pickles inside PyTorch weight files.
///
/// It understands the opcodes `torch.save` writes (protocol 2) and rebuilds only what a state dict holds: ints,
/// floats, strings, tuples, lists, dicts, `collections.OrderedDict`, storages (persistent ids) and tensors
/// (`torch._utils._rebuild_tensor_v2`) — PyTorch's own `weights_only` allow-list, cut down to what weights need.
/// Any other global — `os.system`, `builtins.eval`, a class of the author's — is refused with an error before
/// anything else happens: nothing in the file is ever executed.
///
/// A hostile pickle cannot exhaust the stack or memory: containers live in one flat arena and values refer to them
/// by index, so however deep a pickle nests, nothing recurses over it (not even deallocation), and the stack, the
/// memo and the arena are capped far above what any real state dict needs.
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

    /// A pickled value; tuples, lists and dicts are indices into `containers`.
    enum Value {
        case none, bool(Bool), int(Int), bigInt([UInt8]), float(Double), string(String)
        case container(Int), global(String), storage(StorageReference), tensor(TensorReference), mark

        var int: Int? { if case .int(let v) = self { return v } else { return nil } }
        var string: String? { if case .string(let v) = self { return v } else { return nil } }
    }

    struct Container {
        enum Kind { case tuple, list, dict }
        var kind: Kind
        var items: [Value] = []
        var pairs: [(key: Value, value: Value)] = []
    }

    static let allowedGlobals: Set<String> = [
        "torch._utils._rebuild_tensor_v2", "collections.OrderedDict",
        "torch.FloatStorage", "torch.ByteStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.DoubleStorage",
        "torch.CharStorage", "torch.IntStorage", "torch.LongStorage", "torch.ShortStorage", "torch.BoolStorage",
    ]

    /// Caps on what one file may build. Python's pickler batches dict and list items by 1000, so a real state dict
    /// never holds more than a few thousand values on the stack; a million-tensor model stays under the others.
    static let maxStack = 100_000
    static let maxStoredValues = 4_000_000

    private var input: ByteReader
    private(set) var containers: [Container] = []
    private var storedValues = 0
    var name: String { input.name }
    var position: Int { input.position }

    init(_ bytes: [UInt8], at position: Int = 0, name: String) throws {
        input = try ByteReader(bytes, at: position, name: name, context: "pickle")
    }

    /// Reads one pickle (up to its STOP) and returns its value; `position` moves past it.
    mutating func load() throws -> Value {
        var stack: [Value] = []
        var memo: [UInt64: Value] = [:]
        while true {
            let opcode = try input.byte()
            switch opcode {
            case 0x2E: return try pop(&stack)                                               // STOP
            case 0x80: _ = try input.byte()                                                 // PROTO
            case 0x95: _ = try input.littleEndian(8)                                        // FRAME (a length hint)
            case 0x62: _ = try pop(&stack)                          // BUILD: an OrderedDict's state (metadata), ignored
            case 0x71, 0x72, 0x94:                                                  // BINPUT, LONG_BINPUT, MEMOIZE
                let key = opcode == 0x94 ? UInt64(memo.count) : try input.littleEndian(opcode == 0x71 ? 1 : 4)
                guard let top = stack.last else { throw fail("memo store on an empty stack") }
                try countStored(1)
                memo[key] = top
            case 0x68, 0x6A:                                                                // BINGET, LONG_BINGET
                let key = try input.littleEndian(opcode == 0x68 ? 1 : 4)
                guard let value = memo[key] else { throw fail("memo entry \(key) was never stored") }
                try push(value, &stack)
            case 0x61, 0x65, 0x73, 0x75:                                            // APPEND(S), SETITEM(S)
                try addItems(opcode, &stack)
            default:
                try push(try value(of: opcode, &stack), &stack)
            }
        }
    }

    /// The value an opcode that builds one puts on the stack (popping its operands).
    private mutating func value(of opcode: UInt8, _ stack: inout [Value]) throws -> Value {
        switch opcode {
        case 0x4E: return .none                                                             // NONE
        case 0x88, 0x89: return .bool(opcode == 0x88)                                       // NEWTRUE, NEWFALSE
        case 0x4A: return .int(Int(Int32(truncatingIfNeeded: try input.littleEndian(4))))   // BININT
        case 0x4B: return .int(Int(try input.littleEndian(1)))                              // BININT1
        case 0x4D: return .int(Int(try input.littleEndian(2)))                              // BININT2
        case 0x8A: return try long1()                                                       // LONG1
        case 0x47: return .float(Double(bitPattern: try input.bigEndian(8)))                // BINFLOAT
        case 0x58: return .string(try utf8(count: try input.count(4, what: "string length")))   // BINUNICODE
        case 0x8C: return .string(try utf8(count: Int(try input.littleEndian(1))))          // SHORT_BINUNICODE
        case 0x28: return .mark                                                             // MARK
        case 0x29: return try newContainer(.tuple)                                          // EMPTY_TUPLE
        case 0x74: return try newContainer(.tuple, items: try popToMark(&stack))            // TUPLE
        case 0x85, 0x86, 0x87:                                                              // TUPLE1, TUPLE2, TUPLE3
            let n = Int(opcode - 0x84)
            guard stack.count >= n, !stack.suffix(n).contains(where: isMark) else {
                throw fail("TUPLE\(n) needs \(n) values")
            }
            let items = Array(stack.suffix(n))
            stack.removeLast(n)
            return try newContainer(.tuple, items: items)
        case 0x5D: return try newContainer(.list)                                           // EMPTY_LIST
        case 0x7D: return try newContainer(.dict)                                           // EMPTY_DICT
        case 0x63: return try global()                                                      // GLOBAL
        case 0x51: return try persistent(try pop(&stack))                                   // BINPERSID
        case 0x52:                                                                          // REDUCE
            let arguments = try pop(&stack), callable = try pop(&stack)
            return try reduce(callable, arguments)
        default:
            let hex = String(opcode, radix: 16, uppercase: true)
            let detail = "pickle opcode 0x\(hex.count < 2 ? "0" : "")\(hex) is not one a weight file uses"
            throw WeightError.refused(path: name, detail: detail)
        }
    }

    /// APPEND, APPENDS, SETITEM, SETITEMS: pops the items and adds them to the list or dict left on top.
    private mutating func addItems(_ opcode: UInt8, _ stack: inout [Value]) throws {
        let isList = opcode == 0x61 || opcode == 0x65, single = opcode == 0x61 || opcode == 0x73
        let items = single ? (isList ? [try pop(&stack)] : try popPair(&stack)) : try popToMark(&stack)
        let op = opcode == 0x61 ? "APPEND" : opcode == 0x65 ? "APPENDS" : opcode == 0x73 ? "SETITEM" : "SETITEMS"
        let target = try containerOnTop(stack, isList ? .list : .dict, for: op)
        try countStored(items.count)
        if isList {
            containers[target].items += items
        } else {
            guard items.count % 2 == 0 else { throw fail("SETITEMS with an odd number of values") }
            for i in stride(from: 0, to: items.count, by: 2) {
                containers[target].pairs.append((items[i], items[i + 1]))
            }
        }
    }

    // MARK: the stack and the arena

    private func isMark(_ value: Value) -> Bool { if case .mark = value { return true } else { return false } }

    private mutating func push(_ value: Value, _ stack: inout [Value]) throws {
        guard stack.count < RestrictedUnpickler.maxStack else {
            throw fail("more than \(RestrictedUnpickler.maxStack) values on the stack; no weight file needs that many")
        }
        stack.append(value)
    }

    private func pop(_ stack: inout [Value]) throws -> Value {
        guard let value = stack.popLast() else { throw fail("stack underflow") }
        if isMark(value) { throw fail("a MARK where a value was expected") }
        return value
    }

    private func popPair(_ stack: inout [Value]) throws -> [Value] {
        let value = try pop(&stack), key = try pop(&stack)
        return [key, value]
    }

    private func popToMark(_ stack: inout [Value]) throws -> [Value] {
        guard let mark = stack.lastIndex(where: isMark) else {
            throw fail("no MARK before a TUPLE, APPENDS or SETITEMS")
        }
        let items = Array(stack[(mark + 1)...])
        stack.removeSubrange(mark...)
        return items
    }

    /// The index of the container of `kind` on top of the stack (the one APPEND or SETITEM adds to).
    private func containerOnTop(_ stack: [Value], _ kind: Container.Kind, for op: String) throws -> Int {
        guard case .container(let index)? = stack.last, containers[index].kind == kind else {
            throw fail("\(op) needs a \(kind) on the stack")
        }
        return index
    }

    private mutating func newContainer(_ kind: Container.Kind, items: [Value] = []) throws -> Value {
        try countStored(1 + items.count)
        containers.append(Container(kind: kind, items: items))
        return .container(containers.count - 1)
    }

    private mutating func countStored(_ n: Int) throws {
        storedValues += n
        guard storedValues <= RestrictedUnpickler.maxStoredValues else {
            throw fail("more than \(RestrictedUnpickler.maxStoredValues) values; no weight file's pickle is that large")
        }
    }

    /// The items of a tuple value, or nil for anything else.
    func tuple(_ value: Value) -> [Value]? {
        guard case .container(let index) = value, containers[index].kind == .tuple else { return nil }
        return containers[index].items
    }

    /// A tuple of ints only (a shape or strides); nil if any item is not an int.
    func intTuple(_ value: Value) -> [Int]? {
        guard let items = tuple(value) else { return nil }
        let ints = items.compactMap(\.int)
        return ints.count == items.count ? ints : nil
    }

    /// The (string key, value) pairs of a dict value; other keys are skipped, and anything but a dict has none.
    func entries(_ value: Value) -> [(String, Value)] {
        guard case .container(let index) = value, containers[index].kind == .dict else { return [] }
        return containers[index].pairs.compactMap { pair in pair.key.string.map { ($0, pair.value) } }
    }

    /// The items of a list value, or nil for anything else.
    func list(_ value: Value) -> [Value]? {
        guard case .container(let index) = value, containers[index].kind == .list else { return nil }
        return containers[index].items
    }

    // MARK: the few calls a weight file makes

    private mutating func global() throws -> Value {
        let qualified = "\(try line()).\(try line())"
        guard RestrictedUnpickler.allowedGlobals.contains(qualified) else {
            let detail = "the pickle names \(qualified), which a weight file has no reason to call; it was not run"
            throw WeightError.refused(path: name, detail: detail)
        }
        return .global(qualified)
    }

    private mutating func reduce(_ callable: Value, _ arguments: Value) throws -> Value {
        guard case .global(let function) = callable, let args = tuple(arguments) else {
            throw fail("REDUCE of a non-global")
        }
        switch function {
        case "collections.OrderedDict":
            return try newContainer(.dict)
        case "torch._utils._rebuild_tensor_v2":
            guard args.count >= 4, case .storage(let storage) = args[0], let offset = args[1].int,
                  let shape = intTuple(args[2]), let strides = intTuple(args[3]) else {
                throw fail("malformed _rebuild_tensor_v2 arguments")
            }
            return .tensor(TensorReference(storage: storage, offset: offset, shape: shape, strides: strides))
        default:
            let detail = "the pickle calls \(function), which is not a tensor constructor"
            throw WeightError.refused(path: name, detail: detail)
        }
    }

    private func persistent(_ id: Value) throws -> Value {
        guard let parts = tuple(id), parts.count >= 5, parts[0].string == "storage", case .global(let type) = parts[1],
              let key = parts[2].string, let count = parts[4].int, count >= 0 else {
            throw fail("unknown persistent id")
        }
        return .storage(StorageReference(type: type, key: key, count: count))
    }

    // MARK: bytes

    private func fail(_ detail: String) -> WeightError { .corrupt(path: name, detail: "pickle: \(detail)") }

    private mutating func utf8(count: Int) throws -> String { String(decoding: try input.take(count), as: UTF8.self) }

    private mutating func line() throws -> String {
        var out: [UInt8] = []
        while true {
            let b = try input.byte()
            if b == 0x0A { break }
            out.append(b)
            if out.count > 256 { throw fail("GLOBAL name longer than 256 bytes") }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// LONG1: n little-endian two's-complement bytes; up to 8 become an Int, longer ones (the 10-byte magic number)
    /// stay bytes.
    private mutating func long1() throws -> Value {
        let n = Int(try input.byte())
        let raw = Array(try input.take(n))
        guard n <= 8 else { return .bigInt(raw) }
        var value: UInt64 = 0
        for (i, b) in raw.enumerated() { value |= UInt64(b) << UInt64(8 * i) }
        if n > 0 && n < 8 && raw[n - 1] & 0x80 != 0 { value |= ~0 << UInt64(8 * n) }  // sign-extend
        return .int(Int(bitPattern: UInt(value)))
    }
}
