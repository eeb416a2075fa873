import Imaging

/// Mean, population standard deviation and maximum of one layer's activations: what `stylelab neural features`
/// prints, the check that a weight file loaded right (compare with the same numbers from PyTorch).
public struct ActivationStatistics: Sendable, Equatable {
    public var mean: Double, std: Double, max: Double
}

extension VGG19 {
    /// The statistics of `layers` (names, e.g. relu1_1; default every ReLU the weights reach) for an image at its
    /// own size, in the order asked.
    public func activationStatistics(of image: Image,
                                     layers names: [String]? = nil) throws -> [(String, ActivationStatistics)] {
        let names = names ?? VGG19.layers.prefix(deepestLayer).map(\.name).filter { $0.hasPrefix("relu") }
        let indices = try names.map { name -> Int in
            guard let i = VGG19.index(of: name), i < deepestLayer else {
                throw ParameterError(name: "--layers", value: name,
                                                   expected: "a VGG-19 layer these weights reach (conv1_1 … relu5_4)")
            }
            return i
        }
        let deepest = indices.max() ?? 0, minimum = VGG19.minimumSide(forLayer: deepest)
        guard Swift.min(image.width, image.height) >= minimum else {
            throw NeuralError.tooSmall(role: "image", size: image.size, layer: VGG19.layers[deepest].name,
                                       minimum: minimum)
        }
        let activations = forward(Tensor(networkInput: image, normalisation: normalisation), through: deepest)
        return zip(names, indices).map { name, i in
            let v = activations[i].values, n = Double(Swift.max(v.count, 1))
            let mean = v.reduce(0.0) { $0 + Double($1) } / n
            let variance = v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
            return (name, ActivationStatistics(mean: mean, std: variance.squareRoot(), max: Double(v.max() ?? 0)))
        }
    }
}
