import Imaging
import Motion

/// How steady a stylised clip is, judged against its input clip with no weights to tune.
public struct TemporalMetrics: Codable, Sendable, Equatable {
    /// Lai et al. 2018's warping error: per frame pair (t, t+1), the mean squared difference between output t and
    /// output t+1 warped back to t, over the pixels the *input's* flow can be trusted at (Ruder's test).
    public var warpingErrors: [Double]
    /// The mean of `warpingErrors`.
    public var warpingError: Double
    /// The same between frames t and t + `longTermOffset`.
    public var longTermOffset: Int
    public var longTermWarpingError: Double?
    /// Xu et al. 2021's frame-difference consistency: mean squared difference between the output's and the
    /// input's frame differences, (O_{t+1} − O_t) − (I_{t+1} − I_t), per pair; its mean.
    public var frameDifferences: [Double]
    public var frameDifference: Double
}

/// The temporal metrics of `outputs` against `inputs` (the same count; outputs are compared at the inputs' size).
public func temporalMetrics(outputs: [Image], inputs: [Image], longTermOffset: Int = 5,
                            preset: FlowPreset = .medium) throws -> TemporalMetrics {
    guard outputs.count == inputs.count, inputs.count >= 2 else {
        throw ParameterError(name: "--frames", value: "\(outputs.count) outputs for \(inputs.count) inputs",
                             expected: "the same number of frames, at least 2")
    }
    let fitted = outputs.enumerated().map { t, image in
        let rgb = image.opaque.rgb()
        return rgb.size == inputs[t].size ? rgb : rgb.resized(to: inputs[t].size, method: .area)
    }
    let inputs = inputs.map { $0.opaque.rgb() }
    var errors: [Double] = [], differences: [Double] = []
    for t in 0 ..< inputs.count - 1 {
        errors.append(try warpingError(fitted[t], fitted[t + 1], inputs[t], inputs[t + 1], preset: preset))
        differences.append(frameDifference(fitted[t], fitted[t + 1], inputs[t], inputs[t + 1]))
    }
    var longTerm: [Double] = []
    if longTermOffset >= 1 {
        for t in stride(from: 0, to: inputs.count - longTermOffset, by: 1) {
            longTerm.append(try warpingError(fitted[t], fitted[t + longTermOffset], inputs[t],
                                             inputs[t + longTermOffset], preset: preset))
        }
    }
    let mean = { (values: [Double]) in values.reduce(0, +) / Double(max(values.count, 1)) }
    return TemporalMetrics(warpingErrors: errors, warpingError: mean(errors), longTermOffset: longTermOffset,
                           longTermWarpingError: longTerm.isEmpty ? nil : mean(longTerm),
                           frameDifferences: differences, frameDifference: mean(differences))
}

/// Σ_x M(x) ‖O_t(x) − O_s(x + w(x))‖² / (C Σ_x M(x)), w the input's flow t → s and M its reliability on frame t.
func warpingError(_ outputT: Image, _ outputS: Image, _ inputT: Image, _ inputS: Image,
                  preset: FlowPreset) throws -> Double {
    let forward = try opticalFlow(from: inputT, to: inputS, preset: preset)
    let backward = try opticalFlow(from: inputS, to: inputT, preset: preset)
    let mask = flowReliability(forward: forward, backward: backward)
    let warped = warp(outputS, by: forward)
    let n = outputT.pixelCount, c = outputT.channels
    var sum = 0.0, weight = 0.0
    for i in 0 ..< n {
        let m = Double(mask.samples[i])
        guard m > 0 else { continue }
        for k in 0 ..< c {
            let d = Double(outputT.samples[k * n + i] - warped.samples[k * n + i])
            sum += m * d * d
        }
        weight += m * Double(c)
    }
    return weight > 0 ? sum / weight : 0
}

/// mean ‖(O_s − O_t) − (I_s − I_t)‖² per sample.
func frameDifference(_ outputT: Image, _ outputS: Image, _ inputT: Image, _ inputS: Image) -> Double {
    var sum = 0.0
    for i in outputT.samples.indices {
        let d = Double((outputS.samples[i] - outputT.samples[i]) - (inputS.samples[i] - inputT.samples[i]))
        sum += d * d
    }
    return sum / Double(max(outputT.samples.count, 1))
}
