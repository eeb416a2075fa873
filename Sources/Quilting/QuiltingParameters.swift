import Imaging
import StyleLabSupport

/// How candidate blocks are searched.
public enum BlockSearch: String, Codable, Sendable, CaseIterable {
    /// Every position of the exemplar, its overlap error computed for all at once by GEMM (exact; the default).
    case exhaustive
    /// FLANN over PCA-reduced overlap vectors, then the exact error of the returned candidates (approximate).
    case flann
    /// The reference: every candidate's error summed pixel by pixel, one candidate at a time. Same answers as
    /// `exhaustive` up to Float rounding, and much slower; for teaching and benchmarks.
    case naive
}

/// Parameters of Image Quilting synthesis (Efros & Freeman 2001, §2). Defaults follow the paper.
public struct QuiltingParameters: Codable, Sendable, Equatable {
    /// Side B of the square blocks, 2–1024. The paper picks it per texture, "big enough to capture the relevant
    /// structures"; 36 suits the 128–256 px exemplars of its figures.
    public var blockSize: Int
    /// Overlap O between neighbouring blocks, 1 to B − 1; nil means the paper's B/6.
    public var overlap: Int?
    /// A block is chosen at random among those whose overlap error is within (1 + tolerance) of the best (0.1 in
    /// the paper), 0–100. 0 always takes the best.
    public var tolerance: Float
    public var search: BlockSearch
    /// Candidate blocks may wrap around the exemplar's edges (for periodic textures).
    public var wrap: Bool
    public var seed: UInt64
    /// Threads for the error maps, 1–512; nil uses every core. Results do not depend on it.
    public var threads: Int?

    public init(blockSize: Int = 36, overlap: Int? = nil, tolerance: Float = 0.1, search: BlockSearch = .exhaustive,
                wrap: Bool = false, seed: UInt64 = 0, threads: Int? = nil) {
        self.blockSize = blockSize
        self.overlap = overlap
        self.tolerance = tolerance
        self.search = search
        self.wrap = wrap
        self.seed = seed
        self.threads = threads
    }

    /// O as used: the given overlap or max(1, B/6).
    public var resolvedOverlap: Int { overlap ?? max(1, blockSize / 6) }

    /// Every parameter as the CLI, the parameter files and `validate()` see it, with its flag and range.
    package static var table: ParameterTable<Self> {
        ParameterTable([
            .integer(\.blockSize, "blockSize", flag: "--block", in: 2 ... 1024, "Block side B in pixels"),
            .integer(\.overlap, "overlap", in: 1 ... 1023, automatic: "B/6", "Overlap O between blocks, below B"),
            .real(\.tolerance, "tolerance", in: 0 ... 100, "Pick among blocks within (1 + t) of the least error"),
            .choice(\.search, "search", "Block search: exhaustive (exact, by GEMM), flann (approximate) or naive"),
            .toggle(\.wrap, "wrap", "Let blocks wrap around the texture's edges (periodic textures)"),
            .seed(\.seed),
            .threads(\.threads),
        ])
    }

    /// Checks every field against its range in `table`, naming the CLI flag of any bad value, and that the
    /// overlap is below the block.
    public func validate() throws {
        try Self.table.check(self)
        try RangeCheck(ParameterError.init).int("--overlap", resolvedOverlap, 1 ... blockSize - 1)
    }

    /// `validate()`, and that a block fits in an exemplar of `exemplarSize` (or wraps around it).
    public func validate(exemplarSize: Size) throws {
        try validate()
        guard wrap || (blockSize <= exemplarSize.width && blockSize <= exemplarSize.height) else {
            throw QuiltingError.blockLargerThanExemplar(block: blockSize, exemplar: exemplarSize)
        }
    }
}

/// Everything a caller can get wrong, with the flag that fixes it.
public enum QuiltingError: Error, Equatable, CustomStringConvertible, Sendable {
    case blockLargerThanExemplar(block: Int, exemplar: Size)
    case emptyImage(role: String)
    case sizeMismatch(role: String, expected: Size, got: Size)

    public var description: String {
        switch self {
        case .blockLargerThanExemplar(let block, let exemplar):
            return "--block \(block) does not fit in the \(exemplar) texture: use a block of at most "
                + "\(min(exemplar.width, exemplar.height)), a larger texture, or --wrap"
        case .emptyImage(let role):
            return "the \(role) image is empty (zero width or height)"
        case .sizeMismatch(let role, let expected, let got):
            return "the \(role) must be \(expected) like its partner, got \(got)"
        }
    }
}
