/// Feature vectors, one per row, stored row-major: what the nearest-neighbour indices search over.
public struct FeatureMatrix: Sendable, Equatable {
    public let rows: Int
    public let dimension: Int
    /// `rows × dimension` values; row r starts at `r * dimension`.
    public var values: [Float]

    public init(rows: Int, dimension: Int, values: [Float]) {
        precondition(values.count == rows * dimension,
                     "FeatureMatrix(\(rows) × \(dimension)) needs \(rows * dimension) values, got \(values.count)")
        self.rows = rows
        self.dimension = dimension
        self.values = values
    }

    public init(rows: Int, dimension: Int) {
        self.init(rows: rows, dimension: dimension, values: [Float](repeating: 0, count: rows * dimension))
    }

    /// Row `r` as an array (a copy; hot loops use `values` directly).
    public func row(_ r: Int) -> [Float] { Array(values[r * dimension ..< (r + 1) * dimension]) }

    /// The rows at `indices`, in that order.
    public func selecting(rows indices: [Int]) -> FeatureMatrix {
        var out = [Float]()
        out.reserveCapacity(indices.count * dimension)
        for r in indices { out.append(contentsOf: values[r * dimension ..< (r + 1) * dimension]) }
        return FeatureMatrix(rows: indices.count, dimension: dimension, values: out)
    }
}
