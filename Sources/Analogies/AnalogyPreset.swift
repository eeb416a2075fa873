/// The paper's applications (Hertzmann et al. 2001, §4), each as the parameters it calls for. Explicit flags
/// override a preset's fields; the summary records the preset.
public enum AnalogyPreset: String, Codable, Sendable, CaseIterable {
    /// A filter learned from an example pair (blur, emboss…): κ 0, no remapping (the filter is exact, and remapping
    /// would change what it does), luminance features, and B's chroma changed as its luminance was (a blur blurs
    /// colour edges too: 31.0 dB against 29.9 with B's chroma untouched, `make bench BENCH_ARGS=defaults`).
    case learnedFilter = "learned-filter"
    /// A photo and its painting teach a painting style: κ 1, luminance remapped to B's (chosen on the seed figure,
    /// `Benchmarks/analogy_presets_on_seed_figure.py`: κ 5 or 10 come no closer to the painting and lose the face).
    case artisticFilter = "artistic-filter"
    /// A texture grown from an exemplar (A and B constant): a high κ keeps whole patches together.
    case textureSynthesis = "texture-synthesis"
    /// A = A′ = texture, B = target: κ 0.5, A′'s colour, no remapping (chosen on the seed figure, as above).
    case textureTransfer = "texture-transfer"
    /// A = label map of A′, B = a label map: the labels are colours, so RGB features and no remapping.
    case textureByNumbers = "texture-by-numbers"
    /// A = a low-pass copy of a sharp image A′, B = a blurry image: the learned filter's settings (chroma edges
    /// sharpen with the luminance edges).
    case superResolution = "super-resolution"
    /// A = grey copy of a colour A′, B = grey: the chroma of the matched A′ pixels.
    case colourisation

    public var parameters: AnalogyParameters {
        switch self {
        case .learnedFilter, .superResolution:
            return AnalogyParameters(kappa: 0, remapLuminance: false, chroma: .followingLuminance)
        case .artisticFilter: return AnalogyParameters(kappa: 1, remapLuminance: true)
        case .textureSynthesis: return AnalogyParameters(kappa: 5, remapLuminance: false)
        case .textureTransfer: return AnalogyParameters(kappa: 0.5, remapLuminance: false, chroma: .fromAPrime)
        case .textureByNumbers: return AnalogyParameters(kappa: 5, features: .rgb, remapLuminance: false)
        case .colourisation: return AnalogyParameters(kappa: 1, remapLuminance: false, chroma: .fromAPrime)
        }
    }
}
