extension Image {
    /// Central-difference derivatives ∂/∂x and ∂/∂y of every channel (boundary `reflect`): the first-order
    /// steerable basis, from which the derivative in any direction θ is cos θ · ∂x + sin θ · ∂y.
    public func derivatives() -> (dx: Image, dy: Image) {
        let difference: [(position: Int, weight: Float)] = [(-1, -0.5), (1, 0.5)]
        func along(_ count: Int, derivative: Bool) -> AxisTaps {
            AxisTaps(outputCount: count, inputCount: count, tapsPerOutput: 2, boundary: .reflect) { o in
                derivative ? difference.map { (o + $0.position, $0.weight) } : [(o, Float(1))]
            }
        }
        return (filtered(horizontal: along(width, derivative: true), vertical: along(height, derivative: false)),
                filtered(horizontal: along(width, derivative: false), vertical: along(height, derivative: true)))
    }
}
