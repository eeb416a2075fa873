import CBLAS

/// What the linked OpenBLAS is and how many threads it uses.
public enum BLASLibrary {
    public static var configuration: String { openblas_get_config().map { String(cString: $0) } ?? "unknown" }
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }
    public static var threads: Int { Int(openblas_get_num_threads()) }
    public static var processors: Int { Int(openblas_get_num_procs()) }
    /// Sets OpenBLAS's thread count for every later call (process-wide).
    public static func setThreads(_ count: Int) { openblas_set_num_threads(Int32(count)) }
}
