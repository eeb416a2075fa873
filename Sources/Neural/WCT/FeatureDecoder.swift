import Foundation
import Imaging
import StyleLabSupport

/// A decoder that inverts VGG-19 from one of relu1_1 … relu5_1 back to an RGB image (Li et al. 2017): the
/// encoder's mirror, each convolution from its outputs back to its inputs with reflection padding, each max
/// pooling replaced by nearest-neighbour upsampling, a ReLU after every convolution but the last.
public final class FeatureDecoder {
    /// The five layers WCT works at, deepest last.
    public static let layers = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]
    static let kind = "wct-decoder"

    public let layer: String
    /// The VGG-19 the decoder learned to invert (its `source`); another encoder's features would decode to noise.
    public let encoder: String
    let network: SequentialNetwork
    /// The features are multiplied by this before the first convolution (set once, before training).
    var inputScale: Float = 1

    /// A decoder with He-initialised weights (what training starts from), or zeros without a seed.
    init(layer: String, encoder: String, seed: UInt64?) throws {
        guard let last = VGG19.index(of: layer), FeatureDecoder.layers.contains(layer) else {
            throw ParameterError(name: "--layer", value: layer,
                                 expected: "one of " + FeatureDecoder.layers.joined(separator: ", "))
        }
        var random = seed.map { RandomSource(seed: $0) }
        var mirrored: [TrainableLayer] = []
        for (name, kind) in VGG19.layers[...last].reversed() {
            switch kind {
            case .convolution(let i):
                let inputs = i == 0 ? 3 : VGG19Weights.widths[i - 1], outputs = VGG19Weights.widths[i]
                if !mirrored.isEmpty && !(mirrored.last is UpsampleLayer) { mirrored.append(ReLULayer()) }
                mirrored.append(ConvolutionLayer(name: "de" + name, inputs: outputs, outputs: inputs, kernel: 3,
                                                 random: &random))
            case .pool: mirrored.append(ReLULayer()); mirrored.append(UpsampleLayer())
            case .relu: continue
            }
        }
        // The last convolution starts near zero with a mid-grey bias: the first images are grey, not the ±100s that
        // VGG's unnormalised features would give through He-initialised weights.
        if let output = mirrored.last as? ConvolutionLayer {
            output.weight.values = output.weight.values.map { $0 * 0.01 }
            output.bias.values = [Float](repeating: 0.5, count: output.outputs)
        }
        (self.layer, self.encoder, network) = (layer, encoder, SequentialNetwork(mirrored))
    }

    /// Reads a decoder written by `stylelab train wct-decoder` (or one of its checkpoints).
    public convenience init(contentsOf path: String) throws {
        let (file, prefix) = try ModelFile.readModel(path, kind: FeatureDecoder.kind)
        guard let layer = file.metadata["layer"], FeatureDecoder.layers.contains(layer) else {
            throw WeightError.refused(path: path, detail: "its metadata names no WCT layer")
        }
        try self.init(layer: layer, encoder: file.metadata["encoder"] ?? "unknown", seed: nil)
        try ModelFile.load(file, into: network.parameters, path: path, prefix: prefix)
        guard let scale = file.metadata["input_scale"].flatMap(Float.init), scale.isFinite, scale > 0 else {
            throw WeightError.refused(path: path, detail: "metadata input_scale is missing or not a positive number")
        }
        inputScale = scale
    }

    /// VGG-19 features at `layer` (C × H × W) → an RGB image at the encoder's input size.
    public func decode(_ features: consuming Tensor) -> Image { network.forward(scaled(features)).rgbImage }

    /// The features times the input scale, in place (a caller's last use is not copied), channel planes shared
    /// among threads.
    func scaled(_ features: consuming Tensor) -> Tensor {
        var x = features
        let scale = inputScale, n = x.plane
        x.values.withUnsafeMutableBufferPointer { values in
            guard let base = values.baseAddress else { return }
            let v = SharedBuffer(base)  // Sound: channel k touches only its own plane.
            Parallel.forEach(x.channels) { k in for i in k * n ..< (k + 1) * n { v[i] *= scale } }
        }
        return x
    }

    var parameters: [Parameter] { network.parameters }

    /// Takes over the layers of a trained decoder of a shallower layer (same encoder), which this one ends in, or
    /// all of one of this layer (to train it further, with its input scale). Returns that decoder.
    func copyLayers(from path: String) throws -> FeatureDecoder {
        let start = try FeatureDecoder(contentsOf: path)
        guard let mine = VGG19.index(of: layer), let theirs = VGG19.index(of: start.layer), theirs <= mine,
              start.encoder == encoder else {
            throw ParameterError(name: "--start-from", value: path,
                                 expected: "a decoder of \(layer) or a shallower layer, trained on \(encoder)")
        }
        let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0) })
        for p in start.parameters { byName[p.name]?.values = p.values }
        if theirs == mine { inputScale = start.inputScale }
        return start
    }
}
