/// Overflow-safe arithmetic for the sizes, counts and offsets that come from files and flags.
///
/// A value read from a file is hostile until checked: `a + b` or `w * h` on such values may overflow, and Swift
/// traps on overflow. These return nil instead, so the caller can refuse the file with a message.
package enum Checked {
    /// a + b, or nil on overflow.
    package static func sum(_ a: Int, _ b: Int) -> Int? {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : value
    }

    /// The sum of all values, or nil on overflow.
    package static func sum(_ values: [Int]) -> Int? {
        var total = 0
        for v in values {
            guard let next = sum(total, v) else { return nil }
            total = next
        }
        return total
    }

    /// The product of non-negative factors (1 for none), or nil on overflow or a negative factor.
    package static func product(_ factors: [Int]) -> Int? {
        var total = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (value, overflow) = total.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            total = value
        }
        return total
    }

    /// The product as text for a message: the exact number, or "more than 9223372036854775807" when it overflows.
    package static func productText(_ factors: [Int]) -> String {
        product(factors).map { "\($0)" } ?? "more than \(Int.max)"
    }

    /// Whether `start ..< start + count` lies inside `0 ..< total` (all without overflow).
    package static func rangeFits(start: Int, count: Int, in total: Int) -> Bool {
        start >= 0 && count >= 0 && start <= total && count <= total - start
    }
}
