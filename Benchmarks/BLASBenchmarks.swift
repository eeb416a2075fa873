import CBLAS
import Imaging
import NearestNeighbors
import StyleLabSupport

/// sgemm throughput at 1 and 2 threads, against a naive triple loop as the in-process baseline.
func benchmarkBLAS(_ harness: inout Harness) {
    let n = 1024
    var random = RandomSource(seed: 1)
    let a = (0 ..< n * n).map { _ in random.nextUnitFloat() }, b = (0 ..< n * n).map { _ in random.nextUnitFloat() }
    var c = [Float](repeating: 0, count: n * n)
    let flops = 2 * Double(n * n * n)
    var gflops: [Int: Double] = [:]
    for threads in [1, 2] {
        BLASLibrary.setThreads(threads)
        let seconds = harness.time {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b,
                        Int32(n), 0, &c, Int32(n))
        }
        gflops[threads] = flops / seconds / 1e9
        harness.record("blas", "sgemm \(n)³, \(threads) thread(s)", gflops[threads]!, "GFLOP/s")
    }
    BLASLibrary.setThreads(Parallel.defaultThreads)

    // Baseline: the plain i-k-j loop on 256³ (the compiler vectorises the inner loop).
    let m = 256
    var d = [Float](repeating: 0, count: m * m)
    let naive = harness.time(repetitions: 3) {
        for i in 0 ..< m * m { d[i] = 0 }
        for i in 0 ..< m {
            for k in 0 ..< m {
                let aik = a[i * m + k]
                for j in 0 ..< m { d[i * m + j] += aik * b[k * m + j] }
            }
        }
    }
    let naiveGflops = 2 * Double(m * m * m) / naive / 1e9
    harness.record("blas", "naive i-k-j loop 256³, 1 thread (baseline)", naiveGflops, "GFLOP/s",
                   note: String(format: "sgemm 1 thread is %.1f× faster", gflops[1]! / naiveGflops))
}
