import Imaging

/// The mean end-point error between two flows (Baker et al. 2011): the average over pixels of
/// |w_a(x) − w_b(x)|, the Euclidean distance between the two displacements, in pixels.
///
/// - Parameter mask: a one-channel image of the flows' size weighting each pixel (channel 0 is read): 1 counts,
///   0 does not, values between weight the mean; nil counts every pixel.
/// - Returns: the (weighted) mean, or NaN when no pixel counts (an empty flow, an all-zero mask). Non-finite
///   displacements give a NaN mean.
/// - Precondition: the flows (and the mask) have one size, and consistent planes.
public func endPointError(_ a: FlowField, _ b: FlowField, mask: Image? = nil) -> Double {
    precondition(a.size == b.size && a.hasConsistentPlanes && b.hasConsistentPlanes,
                 "endPointError: a \(a.size) and a \(b.size) flow")
    precondition(mask.map { $0.size == a.size } ?? true, "endPointError: a \(mask?.size ?? a.size) mask for "
                 + "\(a.size) flows")
    var total = 0.0, weight = 0.0
    for i in 0 ..< a.pixelCount {
        let m = mask.map { Double($0.samples[i]) } ?? 1
        guard m != 0 else { continue }
        let du = Double(a.u[i] - b.u[i]), dv = Double(a.v[i] - b.v[i])
        total += m * (du * du + dv * dv).squareRoot()
        weight += m
    }
    return weight > 0 ? total / weight : .nan
}
