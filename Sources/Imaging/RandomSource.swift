import Foundation

/// The project's random numbers: SplitMix64 (Steele, Lea & Flood 2014), small, fast and the same everywhere.
///
/// Randomness depends on position, not on thread: `RandomSource(seed:, stream:)` derives an independent
/// generator from a seed and any list of integers (level, x, y, pass …), so that work split across threads
/// draws exactly the numbers a single thread would.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one position of the work, e.g. `RandomSource(seed: s, stream: [level, x, y])`.
    public init(seed: UInt64, stream: [Int]) {
        var h = RandomSource.mix(seed &+ 0x9E37_79B9_7F4A_7C15)
        for value in stream { h = RandomSource.mix(h ^ UInt64(bitPattern: Int64(value)) &+ 0x9E37_79B9_7F4A_7C15) }
        state = h
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return RandomSource.mix(state)
    }

    /// A uniform Float in [0, 1) from the top 24 bits.
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * (1 / 16_777_216) }

    /// A standard normal sample (Box–Muller).
    public mutating func nextGaussian() -> Float {
        let u1 = max(Double(next() >> 11) * 0x1p-53, 1e-300), u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }

    @inlinable static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
