import Foundation
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

extension BLASLibrary {
    /// The OpenBLAS kernel family this CPU supports, from the flags in /proc/cpuinfo.
    ///
    /// Why: OpenBLAS 0.3.21 (Debian 12) does not recognise some virtualised Xeons and falls back to its Prescott
    /// (SSE3) kernels, about 5× slower than its AVX-512 ones here (31 vs 152 GFLOP/s for sgemm on one core,
    /// measured by `make bench`). Nil when nothing better than the library's own choice is known.
    public static func detectedCoreType(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> String? {
        guard let flagsLine = cpuinfo?.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }

    /// Re-executes the current program once with OpenBLAS settings the user has not made: `OPENBLAS_CORETYPE`
    /// set to the detected kernels, and `OPENBLAS_THREAD_TIMEOUT=4` so that OpenBLAS's idle threads sleep after
    /// 2⁴ cycles instead of spinning for 2²⁸ while StyleLab's own loops want the cores (Gatys at 256²: 0.68 →
    /// 0.57 s per iteration). OpenBLAS reads both only while loading, so a restart is the only way to apply them.
    /// Call first thing in `main`; returns normally when nothing needs doing or the restart is not possible.
    public static func relaunchWithDetectedKernelsIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["STYLELAB_BLAS_RELAUNCHED"] == nil else { return }
        var changed = false
        if environment["OPENBLAS_CORETYPE"] == nil, let core = detectedCoreType(), coreName.caseInsensitiveCompare(core) != .orderedSame {
            setenv("OPENBLAS_CORETYPE", core, 1)
            changed = true
        }
        if environment["OPENBLAS_THREAD_TIMEOUT"] == nil {
            setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1)
            changed = true
        }
        guard changed else { return }
        setenv("STYLELAB_BLAS_RELAUNCHED", "1", 1)  // never loop, even if OpenBLAS ignores the request
        var argv = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // execv returned: the restart failed; carry on with the kernels already loaded.
    }
}
