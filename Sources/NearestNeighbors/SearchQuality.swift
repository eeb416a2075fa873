import Foundation
/// How close an approximate search came to the exact one.
public struct SearchQuality: Sendable, Equatable, CustomStringConvertible {
    /// Fraction of queries whose first answer is an exact nearest neighbour (ties in distance count as found).
    public var recallAt1: Double
    /// Mean of found distance / exact nearest distance (Euclidean, not squared), over queries with a non-zero
    /// exact distance; 1 is perfect.
    public var meanDistanceRatio: Double

    /// Compares the first answers of `approximate` against `exact` for the same queries.
    public init(approximate: Neighbours, exact: Neighbours) {
        precondition(approximate.queryCount == exact.queryCount, "both searches must answer the same queries")
        var hits = 0, ratioSum = 0.0, ratioCount = 0
        for q in 0 ..< exact.queryCount {
            let found = Double(approximate.squaredDistance(query: q)), best = Double(exact.squaredDistance(query: q))
            // GEMM distances carry rounding of order 1e-6 relative; treat those as ties.
            let tolerance = 1e-5 * max(best, 1e-12) + 1e-9
            if approximate.index(query: q) == exact.index(query: q) || abs(found - best) <= tolerance { hits += 1 }
            if best > 1e-12 { ratioSum += (max(found, best) / best).squareRoot(); ratioCount += 1 }
        }
        recallAt1 = exact.queryCount == 0 ? 1 : Double(hits) / Double(exact.queryCount)
        meanDistanceRatio = ratioCount == 0 ? 1 : ratioSum / Double(ratioCount)
    }

    public var description: String {
        "recall@1 \(String(format: "%.3f", recallAt1)), mean distance ratio \(String(format: "%.4f", meanDistanceRatio))"
    }
}
