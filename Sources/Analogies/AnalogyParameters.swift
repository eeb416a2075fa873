import Imaging
import StyleLabSupport

/// What the neighbourhoods compare.
public enum AnalogyFeatures: String, Codable, Sendable, CaseIterable {
    /// Luminance Y of YIQ (the paper's default): B′ takes its I and Q from B.
    case luminance
    /// All three colour channels; B′ takes its colour from A′.
    case rgb
    /// Luminance plus its x and y derivatives (the first-order steerable basis), for texture orientation.
    case steerable
}

/// How BestApproximateMatch searches.
public enum AnalogySearch: String, Codable, Sendable, CaseIterable {
    /// FLANN kd-trees over PCA-reduced vectors, then the true distance of the match.
    case flann
    /// Exact search over the full vectors (the reference; slow).
    case exact
}

/// Parameters of Image Analogies (Hertzmann, Jacobs, Oliver, Curless & Salesin 2001).
public struct AnalogyParameters: Codable, Sendable, Equatable {
    /// Coherence parameter κ (0–1000): how much worse than the approximate match a coherent match may be. The
    /// paper uses 0.5–5 for filters and up to 15–25 for textures and artistic filters.
    public var kappa: Float
    /// Pyramid levels, 1–10; nil picks as many as keep the coarsest level at least 16 pixels on its short side
    /// (max 5).
    public var levels: Int?
    public var features: AnalogyFeatures
    /// Remap A and A′ to B's luminance mean and σ first (§3.4; on for artistic filters, off for exact filters).
    public var remapLuminance: Bool
    public var search: AnalogySearch
    /// PCA dimensions for the FLANN search, 1–4096; nil keeps 99.9 % of the variance.
    public var pcaDimensions: Int?
    /// FLANN checks per query, 1–100000 (the speed/recall knob of BestApproximateMatch).
    /// 32 measured within 0.25 dB of exact
    /// search on the blur analogy at 256², 2.2× faster than 128 (`make bench BENCH_ARGS=analogy`).
    public var checks: Int
    /// Weight of the A/B part of a neighbourhood against the A′/B′ part, in (0, 100]:
    /// above 1 follows B more closely (texture
    /// transfer's trade-off between B-similarity and texture coherence), below 1 favours coherent texture.
    public var sourceWeight: Float
    /// With luminance features, where B′'s chroma (I, Q) comes from: B (the paper's default), A′ at the source
    /// pixel (colourisation: A grey, A′ colour, B grey), or B changed as the luminance was (learned filters).
    public var chroma: AnalogyChroma
    public var seed: UInt64
    /// Threads, 1–512; nil uses every core. The output does not depend on it.
    public var threads: Int?

    public init(kappa: Float = 5, levels: Int? = nil, features: AnalogyFeatures = .luminance, remapLuminance: Bool = true,
                search: AnalogySearch = .flann, pcaDimensions: Int? = nil, checks: Int = 32, sourceWeight: Float = 1,
                chroma: AnalogyChroma = .fromB, seed: UInt64 = 0, threads: Int? = nil) {
        self.chroma = chroma
        self.kappa = kappa
        self.levels = levels
        self.features = features
        self.remapLuminance = remapLuminance
        self.search = search
        self.pcaDimensions = pcaDimensions
        self.checks = checks
        self.sourceWeight = sourceWeight
        self.seed = seed
        self.threads = threads
    }

    /// Every parameter as the CLI, the parameter files and `validate()` see it, with its flag and range.
    package static var table: ParameterTable<Self> {
        ParameterTable([
            .real(\.kappa, "kappa", in: 0 ... 1000, "Coherence κ: how much worse a coherent match may be"),
            .integer(\.levels, "levels", in: 1 ... 10, automatic: "coarsest ≥ 16 px, at most 5", "Pyramid levels"),
            .choice(\.features, "features", "What neighbourhoods compare"),
            .toggle(\.remapLuminance, "remapLuminance", flag: "--remap",
                    "Remap A and A′ to B's luminance mean and σ (§3.4)"),
            .choice(\.search, "search", "BestApproximateMatch: FLANN over PCA-reduced vectors, or exact search"),
            .integer(\.pcaDimensions, "pcaDimensions", flag: "--pca-dims", in: 1 ... 4096,
                     automatic: "99.9 % of the variance", "PCA dimensions for the FLANN search"),
            .integer(\.checks, "checks", in: 1 ... 100_000, "FLANN checks per query: recall against speed"),
            .real(\.sourceWeight, "sourceWeight", in: 0 ... 100, excludingLow: true,
                  "Weight of A/B against A′/B′ in the distance (texture transfer's trade-off)"),
            .choice(\.chroma, "chroma", "B′'s chroma with luminance features (from-a-prime: colourisation)"),
            .seed(\.seed),
            .threads(\.threads),
        ])
    }

    /// Checks every field against its range in `table`, naming the CLI flag of any bad value.
    public func validate() throws { try Self.table.check(self) }
}

/// Everything a caller can get wrong, naming the image or flag.
public enum AnalogyError: Error, Equatable, CustomStringConvertible, Sendable {
    case sizeMismatch(first: String, firstSize: Size, second: String, secondSize: Size)
    case tooSmall(role: String, size: Size)

    public var description: String {
        switch self {
        case .sizeMismatch(let first, let firstSize, let second, let secondSize):
            return "\(first) is \(firstSize) but \(second) is \(secondSize): they must be registered, the same size"
        case .tooSmall(let role, let size):
            return "\(role) is \(size): at least 5x5 pixels are needed for a 5 × 5 neighbourhood"
        }
    }
}
