/// The minimum-error boundary cut (Efros & Freeman 2001, §2.1).
///
/// Inside the overlap of two blocks, e(i, j) is the squared difference of their pixels. The cut is the path from
/// one end of the overlap to the other, one pixel per row, moving at most one column between rows, with the least
/// total error: E(i, j) = e(i, j) + min(E(i−1, j−1), E(i−1, j), E(i−1, j+1)), then trace back from the minimum of
/// the last row. O(rows × columns).
public enum BoundaryCut {
    /// E(i, j): the least total error of a path from the first row down to (i, j) — the dynamic programme's table.
    public static func cumulativeCost(errors: [Float], rows: Int, columns: Int) -> [Float] {
        precondition(errors.count == rows * columns && rows > 0 && columns > 0, "error surface \(rows)x\(columns)")
        var cost = errors
        for i in 1 ..< max(rows, 1) {
            for j in 0 ..< columns {
                var best = cost[(i - 1) * columns + j]
                if j > 0 { best = min(best, cost[(i - 1) * columns + j - 1]) }
                if j + 1 < columns { best = min(best, cost[(i - 1) * columns + j + 1]) }
                cost[i * columns + j] += best
            }
        }
        return cost
    }

    /// The column of the cut in every row of `errors` (rows × columns, row-major): the minimum of E's last row,
    /// traced back up through the least of the three cells above. Ties take the smaller column.
    public static func vertical(errors: [Float], rows: Int, columns: Int) -> [Int] {
        let cost = cumulativeCost(errors: errors, rows: rows, columns: columns)
        func cheapest(_ choices: [Int], row i: Int) -> Int {
            choices.min { cost[i * columns + $0] < cost[i * columns + $1]
                || (cost[i * columns + $0] == cost[i * columns + $1] && $0 < $1) } ?? 0
        }
        var path = [Int](repeating: 0, count: rows)
        path[rows - 1] = cheapest(Array(0 ..< columns), row: rows - 1)
        for i in stride(from: rows - 2, through: 0, by: -1) {
            let j = path[i + 1]
            path[i] = cheapest([j - 1, j, j + 1].filter { $0 >= 0 && $0 < columns }, row: i)
        }
        return path
    }

    /// The row of the cut in every column of `errors` (rows × columns): the vertical cut of the transposed surface.
    public static func horizontal(errors: [Float], rows: Int, columns: Int) -> [Int] {
        var transposed = [Float](repeating: 0, count: errors.count)
        for i in 0 ..< rows { for j in 0 ..< columns { transposed[j * rows + i] = errors[i * columns + j] } }
        return vertical(errors: transposed, rows: columns, columns: rows)
    }

    /// Total error along a path (one column per row).
    public static func cost(of path: [Int], errors: [Float], columns: Int) -> Float {
        path.enumerated().reduce(0) { $0 + errors[$1.offset * columns + $1.element] }
    }
}
