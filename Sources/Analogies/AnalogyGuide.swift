import Imaging

/// A guide for BestMatch, as in guided patch synthesis (Bénard et al. 2013; Jamriška et al. 2019, "Stylizing video
/// by example"): a pair of images, `a` registered with A and `b` with B, compared as extra channels of the
/// unfiltered neighbourhoods, each squared difference weighted by `weight`. The analogy knows nothing of video:
/// the caller makes the pictures (a coordinate ramp and its advected copy, or the previous output warped by flow).
public struct AnalogyGuide: Sendable {
    /// The A side; nil stands for A′'s own features (after luminance remapping), so that `b` can be an earlier B′.
    public var a: Image?
    public var b: Image
    public var weight: Float

    public init(a: Image?, b: Image, weight: Float) {
        self.a = a
        self.b = b
        self.weight = weight
    }

    /// A temporal guide: B′ should look like `previous` (the previous frame's B′ warped to this one) where A′
    /// does — so a pixel keeps the source it had, moved along the flow.
    public static func temporal(previous: Image, weight: Float) -> AnalogyGuide {
        AnalogyGuide(a: nil, b: previous, weight: weight)
    }

    func validate(aSize: Size, bSize: Size, index: Int) throws {
        let name = "guide \(index + 1)"
        guard weight.isFinite, weight >= 0, weight <= 10_000 else {
            throw ParameterError(name: name, value: "weight \(weight)", expected: "a weight in 0–10000")
        }
        if let a, a.size != aSize {
            throw AnalogyError.sizeMismatch(first: "A", firstSize: aSize, second: "\(name)'s A side",
                                            secondSize: a.size)
        }
        guard b.size == bSize else {
            throw AnalogyError.sizeMismatch(first: "B", firstSize: bSize, second: "\(name)'s B side",
                                            secondSize: b.size)
        }
        if let a, a.channels != b.channels {
            throw ParameterError(name: name, value: "\(a.channels) and \(b.channels) channels",
                                 expected: "the same channels on both sides")
        }
    }
}

extension PreparedAnalogy {
    /// The guides' A and B sides as feature channels, scaled by √weight (the distance is squared).
    static func guideChannels(_ guides: [AnalogyGuide], aPrimeFeatures: Image, _ kind: AnalogyFeatures)
        -> (a: [Image], b: [Image]) {
        func scaled(_ image: Image, _ weight: Float) -> Image {
            let s = weight.squareRoot()
            var copy = image.opaque
            for i in copy.samples.indices { copy.samples[i] *= s }
            return copy
        }
        let pairs = guides.map { guide -> (Image, Image) in
            guard let a = guide.a else {
                let previous = features(guide.b.opaque.rgb(), kind)
                return (scaled(aPrimeFeatures, guide.weight), scaled(previous, guide.weight))
            }
            return (scaled(a, guide.weight), scaled(guide.b, guide.weight))
        }
        return (pairs.map(\.0), pairs.map(\.1))
    }
}
