/// Checks of parameter values against their documented ranges, throwing each module's own error.
///
/// Every numeric parameter is checked once, up front, so that the algorithm body cannot fail (or trap) for a
/// parameter's sake: integers against a closed range, reals against a range and for finiteness (NaN fails every
/// range test, and ±∞ is refused explicitly).
package struct RangeCheck<Failure: Error> {
    /// Builds the error for (flag, offending value, what was expected).
    let failure: (String, String, String) -> Failure

    package init(_ failure: @escaping (String, String, String) -> Failure) { self.failure = failure }

    package func int(_ flag: String, _ value: Int, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw failure(flag, "\(value)", "\(range.lowerBound) to \(range.upperBound)")
        }
    }

    package func int(_ flag: String, _ value: Int?, _ range: ClosedRange<Int>) throws {
        if let value { try int(flag, value, range) }
    }

    /// A finite value in `range`; with `excludingLow`, also above the range's low end.
    package func real(_ flag: String, _ value: Float, _ range: ClosedRange<Float>, excludingLow: Bool = false) throws {
        guard value.isFinite, range.contains(value), !(excludingLow && value == range.lowerBound) else {
            let low = excludingLow ? "above \(range.lowerBound)" : "from \(range.lowerBound)"
            throw failure(flag, "\(value)", "a finite number \(low) to \(range.upperBound)")
        }
    }
}
