import Foundation

/// How much memory a run may use, and the refusal of a run that would need more (`--max-memory`).
///
/// Every algorithm can estimate what a run will need from its inputs' sizes and its parameters; the estimate is
/// checked against the budget before any large allocation, so that a huge `--size` is a one-line refusal naming
/// the flag rather than an out-of-memory kill halfway through.
package struct MemoryBudget: Sendable, Equatable {
    package var bytes: Int

    package init(bytes: Int) { self.bytes = bytes }

    /// The machine's physical memory, from the system (sysconf); 0 when it cannot be read.
    package static var physicalMemory: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 0 }
        return Checked.product([pages, pageSize]) ?? Int.max
    }

    /// The default: 80 % of physical memory (leaving the rest to the system and other jobs), or 16 GiB when the
    /// system does not say.
    package static var systemDefault: MemoryBudget {
        let physical = physicalMemory
        return MemoryBudget(bytes: physical > 0 ? physical / 5 * 4 : 16 << 30)
    }

    /// Parses a size such as `8G`, `512M`, `1.5G` or `2048K` (binary units: K = 1024 bytes); a bare number is bytes.
    /// Nil for anything else, for zero or negative sizes, and for sizes beyond 2^62 bytes.
    package init?(parsing text: String) {
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024,
                                          "T": 1024 * 1024 * 1024 * 1024]
        var digits = text.uppercased()
        if digits.hasSuffix("B") { digits.removeLast() }
        var scale = 1.0
        if let last = digits.last, let unit = units[last] { scale = unit; digits.removeLast() }
        guard let value = Double(digits), value.isFinite, value > 0 else { return nil }
        let total = value * scale
        guard total >= 1, total <= 0x1p62 else { return nil }
        self.init(bytes: Int(total))
    }

    /// Throws when `estimate` bytes exceed the budget, naming the task, what drives the need, and the flags to change.
    package func check(_ estimate: Int, task: String, driver: String, reduce hint: String) throws {
        guard estimate > bytes else { return }
        throw MemoryBudgetExceeded(task: task, estimate: estimate, budget: bytes, driver: driver, hint: hint)
    }
}

/// A run refused because it would need more memory than `--max-memory` allows.
package struct MemoryBudgetExceeded: Error, CustomStringConvertible, Equatable {
    package var task: String
    package var estimate: Int
    package var budget: Int
    package var driver: String
    package var hint: String

    package var description: String {
        "\(task) would need about \(MemoryBudgetExceeded.format(estimate)) (\(driver)), more than --max-memory "
            + "\(MemoryBudgetExceeded.format(budget)); \(hint), or raise --max-memory if the machine has the memory"
    }

    /// Bytes in binary units with three significant digits: "512 MiB", "1.25 GiB".
    package static func format(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes"
            : String(format: value < 10 ? "%.2f %@" : value < 100 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }
}
